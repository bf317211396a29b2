"""Organisations, users, roles, sessions, API tokens, and the one access policy."""
