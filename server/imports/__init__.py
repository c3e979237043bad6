"""Bringing existing documents (Word files) into Udkast as sections of Markdown."""
