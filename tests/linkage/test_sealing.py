"""Sealed encodings: what is sealed opens unchanged with the same secret and purpose only, and
any change to a sealed text is refused."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routecare.linkage.records import LinkageInputError
from routecare.linkage.sealing import AT_REST, FOR_PARTNERS, Seal

SECRET = b"a secret the two partners agreed on"
records = st.dictionaries(
    st.text(max_size=8),
    st.one_of(st.text(max_size=40), st.integers(), st.lists(st.text(max_size=8), max_size=4)),
    max_size=6,
)


@given(records)
def test_a_sealed_record_opens_unchanged(record: dict[str, object]) -> None:
    seal = Seal(SECRET, FOR_PARTNERS)
    assert seal.open(seal.seal(record), "record") == record


@given(records, st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_any_changed_byte_is_refused(record: dict[str, object], where: int, change: int) -> None:
    raw = bytearray(base64.b64decode(Seal(SECRET, FOR_PARTNERS).seal(record)))
    raw[where % len(raw)] ^= change
    with pytest.raises(LinkageInputError, match="cannot be opened"):
        Seal(SECRET, FOR_PARTNERS).open(base64.b64encode(bytes(raw)).decode(), "record")


def test_another_secret_or_purpose_opens_nothing() -> None:
    sealed = Seal(SECRET, FOR_PARTNERS).seal({"id": "N1"})
    for other in (Seal(b"another secret, not agreed", FOR_PARTNERS), Seal(SECRET, AT_REST)):
        with pytest.raises(LinkageInputError, match="cannot be opened"):
            other.open(sealed, "record")
    with pytest.raises(LinkageInputError, match="cannot be opened"):
        Seal(SECRET, FOR_PARTNERS).open("not base64 at all!", "record")
