"""Re-walking the chain, and comparing it with the witness, to find edited, deleted, reordered
or truncated entries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.audit.chain import GENESIS_MAC, entry_mac
from routecare.audit.models import AuditEntry, AuditHead, AuditSubject
from routecare.audit.witness import AuditWitness


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
    """Check every entry against its predecessor, the head and the witness.

    The witness is the authority on what was committed: a seq it holds that the database lacks
    was deleted (or cut from the tail), a MAC that differs was replaced. An entry the database
    holds but the witness does not is reported as unwitnessed: its chain MAC proves the
    application wrote it, but only a crash between commit and witness write explains it, and
    `audit verify --repair-witness` adds it once the operator has checked the rest is intact.
    """
    witnessed = witness.read()
    verification = Verification(
        problems=[
            ChainProblem(0, "witness", f"line {number} of the witness is not authentic")
            for number in witnessed.forged_lines
        ]
        + [
            ChainProblem(seq, "witness", f"entry {seq} was witnessed with two different MACs")
            for seq in witnessed.conflicting
        ]
    )
    problems = verification.problems
    expected_id = 1
    previous_mac = GENESIS_MAC
    count = 0
    subjects = _children_by_entry(session)
    next_subjects = next(subjects, None)
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        while next_subjects is not None and next_subjects[0] < entry.id:
            next_subjects = next(subjects, None)  # rows of a deleted entry
        children: list[int] = []
        if next_subjects is not None and next_subjects[0] == entry.id:
            children = next_subjects[1]
            next_subjects = next(subjects, None)
        if entry.id != expected_id:
            missing = (
                f"{expected_id}" if entry.id == expected_id + 1 else f"{expected_id}–{entry.id - 1}"
            )
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
        witnessed_mac = witnessed.macs.pop(entry.id, None)
        if witnessed_mac is None:
            verification.unwitnessed.append((entry.id, entry.mac))
        elif witnessed_mac != entry.mac:
            problems.append(
                ChainProblem(
                    entry.id, "edited", f"entry {entry.id} is not the entry witnessed at commit"
                )
            )
        previous_mac = entry.mac
        expected_id = entry.id + 1
    head = session.get(AuditHead, 1)
    if head is not None and (
        head.last_entry_id != expected_id - 1 or head.last_mac != previous_mac
    ):
        problems.append(
            ChainProblem(
                head.last_entry_id,
                "truncated",
                f"the chain should end at entry {head.last_entry_id} but ends at {expected_id - 1}",
            )
        )
    last = expected_id - 1
    for first, final in _runs(seq for seq in witnessed.macs if seq <= last):
        problems.append(
            ChainProblem(first, "deleted", f"witnessed entries {_span(first, final)} are missing")
        )
    for first, final in _runs(seq for seq in witnessed.macs if seq > last):
        problems.append(
            ChainProblem(
                first,
                "truncated",
                f"witnessed entries {_span(first, final)} are missing after entry {last}",
            )
        )
    for first, final in _runs(seq for seq, _ in verification.unwitnessed):
        problems.append(
            ChainProblem(
                first,
                "unwitnessed",
                f"entries {_span(first, final)} are not in the witness (a crash between commit "
                "and witness write?): check, then `routecare audit verify --repair-witness`",
            )
        )
    verification.count = count
    return verification


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
