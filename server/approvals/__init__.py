"""Approval rounds (skriftlig proces): the round state machine, its log in the store, the record."""
