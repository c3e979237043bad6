"""Comments on sections: anchoring to passages, dispositions and the consultation report (høringsnotat)."""
