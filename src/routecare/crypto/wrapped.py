"""The one way to store a wrapped data key, so rotation finds every one from the models.

A table holding wrapped keys uses `WrappedKeyColumns`: the wrapped key (column type
`WrappedKey`), the id of the master key that wrapped it and the uid of its owner (bound into the
wrapping). `wrapped_key_tables` lists them from the metadata; rotation re-wraps and counts over
exactly that list, so a new table cannot be forgotten by rotation.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import LargeBinary, MetaData, String, Table
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class WrappedKey(TypeDecorator[bytes]):
    """A data key wrapped (AES-GCM) by a master key of the keyring."""

    impl = LargeBinary
    cache_ok = True


class WrappedKeyColumns:
    """Mixin of a table whose rows each hold one wrapped data key."""

    owner_uid: Mapped[str] = mapped_column(String(32), primary_key=True)
    master_key_id: Mapped[str] = mapped_column(String(16), index=True)
    wrapped_key: Mapped[bytes] = mapped_column(WrappedKey)


def wrapped_key_tables(metadatas: Iterable[MetaData]) -> list[Table]:
    """Every table with a `WrappedKey` column; each must have the mixin's three columns."""
    tables = []
    for metadata in metadatas:
        for table in metadata.sorted_tables:
            if any(isinstance(column.type, WrappedKey) for column in table.columns):
                missing = {"owner_uid", "master_key_id", "wrapped_key"} - set(table.columns.keys())
                if missing:
                    raise TypeError(f"{table.name} holds wrapped keys without {sorted(missing)}")
                tables.append(table)
    return tables
