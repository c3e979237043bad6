"""A party's response in the making: general remarks and the response letter."""
