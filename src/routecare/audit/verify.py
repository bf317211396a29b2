"""Re-walking the chain, and comparing it with the witness, to find edited, deleted, reordered
or truncated entries.

Verify may run while the server commits: it reads the head first, the witness next, the
entries after both, so whatever the head or the witness names was committed before the
entries were read (a later commit is an entry past the head, or one not witnessed yet, which
is read again before being reported).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.audit.actions import HEAD_ROW_ID
from routecare.audit.chain import GENESIS_MAC, entry_mac
from routecare.audit.models import AuditEntry, AuditHead, AuditSubject
from routecare.audit.witness import AuditWitness

# Entries commit before they are witnessed: one not witnessed yet is looked for again this
# many times, this far apart, before it is reported.
WITNESS_RECHECKS = 3
WITNESS_RECHECK_SECONDS = 0.2


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    kind: str  # "edited", "deleted", "reordered", "truncated", "unwitnessed", "witness"
    message: str


@dataclass
class Verification:
    """The outcome of one walk: entries checked, problems, and the entries the witness lacks."""

    count: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    unwitnessed: list[tuple[int, bytes]] = field(default_factory=list)  # (seq, MAC)


def verify_chain(session: Session, audit_key: bytes, witness: AuditWitness) -> Verification:
    """Check every entry against its predecessor and its MAC (the children it names included),
    then the chain against the head and the witness.

    The witness is the authority on what was committed: a seq it holds that the database lacks
    was deleted (or cut from the tail), a MAC that differs was replaced. An entry the database
    holds but the witness does not is reported as unwitnessed: its chain MAC proves the
    application wrote it, but only a crash between commit and witness write explains it, and
    `audit verify --repair-witness` adds it once the operator has checked the rest is intact.
    """
    head = session.get(AuditHead, HEAD_ROW_ID)
    witnessed = witness.read()
    verification = Verification()
    problems = verification.problems
    problems += [
        ChainProblem(0, "witness", f"line {number} of the witness is not authentic")
        for number in witnessed.forged_lines
    ]
    problems += [
        ChainProblem(seq, "witness", f"entry {seq} was witnessed with two different MACs")
        for seq in witnessed.conflicting
    ]
    macs = _walk(session, audit_key, problems)
    verification.count = len(macs)
    last = max(macs, default=0)
    if head is not None and macs.get(head.last_entry_id) != head.last_mac:
        problems.append(
            ChainProblem(
                head.last_entry_id,
                "truncated",
                f"the chain should reach entry {head.last_entry_id} but ends at {last}",
            )
        )
    _compare_with_witness(macs, witnessed.macs, witness, verification)
    return verification


def _walk(session: Session, audit_key: bytes, problems: list[ChainProblem]) -> dict[int, bytes]:
    """Check each entry against its predecessor and recompute its MAC; returns seq → MAC."""
    entries = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    subjects = _children_by_entry(session)  # read after the entries: none of theirs is missed
    next_subjects = next(subjects, None)
    macs: dict[int, bytes] = {}
    expected_id = 1
    previous_mac = GENESIS_MAC
    for entry in entries:
        while next_subjects is not None and next_subjects[0] < entry.id:
            next_subjects = next(subjects, None)  # rows of a deleted entry
        children: list[int] = []
        if next_subjects is not None and next_subjects[0] == entry.id:
            children = next_subjects[1]
            next_subjects = next(subjects, None)
        if entry.id != expected_id:
            missing = _span(expected_id, entry.id - 1)
            problems.append(
                ChainProblem(
                    entry.id, "deleted", f"entries {missing} are missing before entry {entry.id}"
                )
            )
        elif entry.previous_mac != previous_mac:
            problems.append(
                ChainProblem(
                    entry.id, "reordered", f"entry {entry.id} does not follow entry {entry.id - 1}"
                )
            )
        recomputed = entry_mac(
            audit_key,
            entry_id=entry.id,
            at=entry.at,
            actor_user_id=entry.actor_user_id,
            actor_organisation_id=entry.actor_organisation_id,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            outcome=entry.outcome,
            detail=entry.detail,
            previous_mac=entry.previous_mac,
            children=children,
        )
        if recomputed != entry.mac:
            problems.append(ChainProblem(entry.id, "edited", f"entry {entry.id} was altered"))
        macs[entry.id] = entry.mac
        previous_mac = entry.mac
        expected_id = entry.id + 1
    return macs


def _compare_with_witness(
    macs: dict[int, bytes],
    witnessed: dict[int, bytes],
    witness: AuditWitness,
    verification: Verification,
) -> None:
    """Every witnessed entry must be in the database unchanged; say which ones are not, and
    which entries of the database the witness lacks."""
    problems = verification.problems
    unwitnessed: dict[int, bytes] = {}
    for seq, mac in macs.items():
        if seq not in witnessed:
            unwitnessed[seq] = mac
        elif witnessed[seq] != mac:
            problems.append(
                ChainProblem(seq, "edited", f"entry {seq} is not the entry witnessed at commit")
            )
    for _ in range(WITNESS_RECHECKS):
        if not unwitnessed:
            break
        time.sleep(WITNESS_RECHECK_SECONDS)
        later = witness.read().macs
        for seq in [seq for seq in unwitnessed if seq in later]:
            if later[seq] != unwitnessed.pop(seq):
                problems.append(
                    ChainProblem(seq, "edited", f"entry {seq} is not the entry witnessed at commit")
                )
    last = max(macs, default=0)
    missing = [seq for seq in witnessed if seq not in macs]
    for first, final in _runs(seq for seq in missing if seq <= last):
        problems.append(
            ChainProblem(first, "deleted", f"witnessed entries {_span(first, final)} are missing")
        )
    for first, final in _runs(seq for seq in missing if seq > last):
        problems.append(
            ChainProblem(
                first,
                "truncated",
                f"witnessed entries {_span(first, final)} are missing after entry {last}",
            )
        )
    for first, final in _runs(unwitnessed):
        problems.append(
            ChainProblem(
                first,
                "unwitnessed",
                f"entries {_span(first, final)} are not in the witness (a crash between commit "
                "and witness write?): check, then `routecare audit verify --repair-witness`",
            )
        )
    verification.unwitnessed = sorted(unwitnessed.items())


def _children_by_entry(session: Session) -> Iterator[tuple[int, list[int]]]:
    """(entry id, ascending child ids) for every entry that touched children, in chain order."""
    rows = session.execute(
        select(AuditSubject.entry_id, AuditSubject.child_id).order_by(
            AuditSubject.entry_id, AuditSubject.child_id
        )
    )
    for entry_id, group in groupby(rows, key=lambda row: row[0]):
        yield entry_id, [child_id for _, child_id in group]


def _runs(seqs: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sequence numbers, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for seq in sorted(seqs):
        if runs and runs[-1][1] == seq - 1:
            runs[-1] = (runs[-1][0], seq)
        else:
            runs.append((seq, seq))
    return runs


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"
