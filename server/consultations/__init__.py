"""Consultations (høringer): the lifecycle, the parties' responses and the publication of answers."""
