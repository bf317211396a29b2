"""Append-only, hash-chained audit trail: who touched which record, when, with what outcome."""

from routecare.audit.actions import record

__all__ = ["record"]
