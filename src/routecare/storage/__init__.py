"""Storage: one engine per deployment, SQLite by default, PostgreSQL in production."""

from routecare.storage.base import Base
from routecare.storage.database import Database

__all__ = ["Base", "Database"]
