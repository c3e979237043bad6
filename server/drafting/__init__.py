"""Documents, sections, immutable versions, merge and diff, snapshots."""
