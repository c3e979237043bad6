"""The append-only event log: the audit trail and the feed for live updates."""
