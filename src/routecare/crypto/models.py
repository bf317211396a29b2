"""The main database's one row about keys: which deployment's keys open it, as a check value.

Never a key: an HMAC under the keyring's audit and index keys of the deployment id, which the
key store holds too. A database with data and no matching keyring and key store is refused.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class KeyCheck(Base):
    __tablename__ = "key_check"

    deployment_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    check_value: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
