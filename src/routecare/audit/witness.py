"""The witness: an append-only file, outside the database, of every committed entry's MAC.

The chain alone cannot show a cut tail: whoever can write the database can delete the last
entries and point `audit_head` at the entry before them. The witness lives where the database
cannot reach, gets one line per entry once its transaction has committed (never for one that
rolled back), and `audit verify` checks the database's entries against it, so any entry deleted,
edited or reordered through the database alone is detected, head rewritten or not.

A line is ``SEQ MAC LINE-MAC`` in hex; LINE-MAC is an HMAC of the first two under the audit key,
so a line added by someone without the key is told apart from a witnessed entry. `db restore`
writes ``restore SEQ LINE-MAC``: the restored database ends at SEQ, so the entries witnessed
after it went with the restore and the numbers after it are the restored chain's from then on.
Several server processes may append at once: each commit's lines go in one `write` on a file
opened with O_APPEND, under an exclusive `flock`, and are flushed to disk before the lock is
released.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

WITNESS = "routecare.audit.witness"  # key in Session.info: the AuditWitness of the deployment
RESTORE = "restore"


@dataclass(frozen=True)
class WitnessContents:
    """What the witness file holds: MAC by sequence number, and the lines that do not hold up."""

    macs: dict[int, bytes] = field(default_factory=dict)
    forged_lines: list[int] = field(default_factory=list)  # 1-based line numbers
    conflicting: list[int] = field(default_factory=list)  # seqs witnessed with two MACs


class AuditWitness:
    """The witness file of one deployment (`ROUTECARE_AUDIT_WITNESS_FILE`)."""

    def __init__(self, path: Path, audit_key: bytes) -> None:
        self.path = path
        self._audit_key = audit_key

    def open(self) -> int:
        """A descriptor to append with, opened before the commit so that a witness that cannot
        be written stops the transaction instead of letting entries commit unwitnessed."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def append(self, descriptor: int, entries: Sequence[tuple[int, bytes]]) -> None:
        """Write one line per (seq, MAC) in a single write, durable before returning."""
        self._write(descriptor, "".join(self._line(seq, mac) for seq, mac in entries))

    def record_restore(self, last_seq: int) -> None:
        """A restored database whose chain ends at `last_seq` replaces the witnessed one."""
        mac = self._line_mac(last_seq, RESTORE.encode("ascii"))
        descriptor = self.open()
        try:
            self._write(descriptor, f"{RESTORE} {last_seq} {mac.hex()}\n")
        finally:
            os.close(descriptor)

    def _write(self, descriptor: int, text: str) -> None:
        lines = text.encode("ascii")
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            written = os.write(descriptor, lines)
            if written != len(lines):
                raise OSError(f"audit witness: wrote {written} of {len(lines)} bytes")
            os.fsync(descriptor)
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def append_now(self, entries: Sequence[tuple[int, bytes]]) -> None:
        """Open, append and close, for entries already committed (`--repair-witness`)."""
        descriptor = self.open()
        try:
            self.append(descriptor, entries)
        finally:
            os.close(descriptor)

    def read(self) -> WitnessContents:
        """Every authentic line; a missing file is an empty witness."""
        contents = WitnessContents()
        try:
            text = self.path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return contents
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith(RESTORE + " "):
                restored_to = self._parse_restore(line)
                if restored_to is None:
                    contents.forged_lines.append(number)
                    continue
                for seq in [seq for seq in contents.macs if seq > restored_to]:
                    del contents.macs[seq]
                contents.conflicting[:] = [s for s in contents.conflicting if s <= restored_to]
                continue
            parsed = self._parse(line)
            if parsed is None:
                contents.forged_lines.append(number)
                continue
            seq, mac = parsed
            known = contents.macs.setdefault(seq, mac)
            if known != mac and seq not in contents.conflicting:
                contents.conflicting.append(seq)
        return contents

    def _line_mac(self, seq: int, mac: bytes) -> bytes:
        message = f"routecare-audit-witness:{seq}:{mac.hex()}".encode("ascii")
        return hmac.new(self._audit_key, message, hashlib.sha256).digest()

    def _line(self, seq: int, mac: bytes) -> str:
        return f"{seq} {mac.hex()} {self._line_mac(seq, mac).hex()}\n"

    def _parse_restore(self, line: str) -> int | None:
        parts = line.split(" ")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        try:
            line_mac = bytes.fromhex(parts[2])
        except ValueError:
            return None
        expected = self._line_mac(int(parts[1]), RESTORE.encode("ascii"))
        return int(parts[1]) if hmac.compare_digest(line_mac, expected) else None

    def _parse(self, line: str) -> tuple[int, bytes] | None:
        parts = line.split(" ")
        if len(parts) != 3 or not parts[0].isdigit():
            return None
        try:
            seq, mac, line_mac = int(parts[0]), bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        except ValueError:
            return None
        if not hmac.compare_digest(line_mac, self._line_mac(seq, mac)):
            return None
        return seq, mac
