"""Encoding generated registrations in-process (the CLI's path without files)."""

from __future__ import annotations

from datetime import date

from routecare.linkage.encoded import EncodedSet
from routecare.linkage.encoding import Encoder
from routecare.linkage.records import SEXES, Registration

SECRET = b"partners secret for the tests"


def registration(row: dict[str, str]) -> Registration:
    return Registration(
        row["record_id"],
        row["given_name"],
        row["father_name"],
        row["family_name"],
        SEXES.get(row["sex"], ""),
        date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
        int(row["age"]) if row["age"] else None,
        date.fromisoformat(row["registered_on"]) if row["registered_on"] else None,
        row["nationality"],
        row["birth_place"],
        row["mother_name"],
        row.get("document_number", ""),
    )


def encoded(rows: list[dict[str, str]], secret: bytes = SECRET) -> EncodedSet:
    return Encoder(secret).encode_set([registration(r) for r in rows])
