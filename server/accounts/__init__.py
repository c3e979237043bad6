"""Users, organisations, sessions, invitations and the permission rules."""
