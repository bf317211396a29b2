"""Checks that two encoded files can be linked at all (same scheme, same secret)."""

from __future__ import annotations

from routecare.linkage.encoded import EncodedSet
from routecare.linkage.records import LinkageInputError


def check_compatible(left: EncodedSet, right: EncodedSet, left_name: str, right_name: str) -> None:
    if left.key_check != right.key_check:
        raise LinkageInputError(
            f"{left_name} and {right_name} were encoded with different secrets "
            "(their key check values differ): re-encode with the secret agreed between partners"
        )
