"""Timezone-aware UTC time, the only kind routecare stores or compares."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)
