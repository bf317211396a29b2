"""The witness file on its own: what goes in comes back, and a line altered or made up without
the audit key is never taken for a witnessed entry."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from routecare.audit.witness import AuditWitness

KEY = bytes(range(32))
entries = st.dictionaries(
    st.integers(min_value=1, max_value=10**9), st.binary(min_size=32, max_size=32), max_size=20
)


def _witness(directory: str) -> AuditWitness:
    return AuditWitness(Path(directory) / "audit-witness.log", KEY)


@given(entries)
def test_appended_entries_read_back(witnessed: dict[int, bytes]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        witness = _witness(directory)
        witness.append_now(sorted(witnessed.items()))
        contents = witness.read()
        assert contents.macs == witnessed
        assert contents.forged_lines == [] and contents.conflicting == []
        assert os.stat(witness.path).st_mode & 0o777 == 0o600


@given(
    st.integers(min_value=1, max_value=10**6),
    st.binary(min_size=32, max_size=32),
    st.data(),
)
def test_an_altered_line_is_not_authentic(seq: int, mac: bytes, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as directory:
        witness = _witness(directory)
        witness.append_now([(seq, mac)])
        line = witness.path.read_text()
        position = data.draw(st.integers(min_value=0, max_value=len(line) - 2))
        replacement = data.draw(st.sampled_from("0123456789abcdef x").filter(line[position].__ne__))
        witness.path.write_text(line[:position] + replacement + line[position + 1 :])
        contents = witness.read()
        assert contents.macs == {} and contents.forged_lines == [1]


def test_a_line_made_with_another_key_is_not_authentic() -> None:
    with tempfile.TemporaryDirectory() as directory:
        AuditWitness(Path(directory) / "audit-witness.log", bytes(32)).append_now([(1, bytes(32))])
        contents = _witness(directory).read()
        assert contents.macs == {} and contents.forged_lines == [1]


def test_one_seq_witnessed_with_two_macs_is_a_conflict() -> None:
    with tempfile.TemporaryDirectory() as directory:
        witness = _witness(directory)
        witness.append_now([(7, bytes(32)), (7, bytes(32)), (7, b"\x01" * 32)])
        assert witness.read().conflicting == [7]
