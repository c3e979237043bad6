"""Records that run to a deadline — approval rounds and consultations — in one shape: the rules,
the append-only log in the store, and the workflow that appends to it. Imports no feature."""
