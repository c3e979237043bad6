"""Renderings of snapshots, consultation reports (*høringsnotat*) and approval records (*skriftlig proces*)."""
