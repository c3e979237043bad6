"""Notifications: the outbox, its sender, reminders, preferences and *Mine opgaver*."""
