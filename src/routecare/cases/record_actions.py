"""What is added to a case: notes, tasks, consents, age assessments, links between cases.

These are records of their own, so adding one does not change the case's version: two workers
adding notes at once never conflict. Every create takes an idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.cases.models import AgeAssessment, Case, CaseConsent, CaseLink, CaseNote, CaseTask
from routecare.cases.record_schemas import (
    AgeAssessmentIn,
    ConsentIn,
    CorrectionIn,
    LinkIn,
    NoteIn,
    TaskIn,
)
from routecare.cases.records import audit_case, managed_case
from routecare.cases.vocabulary import TaskKind
from routecare.children.models import Child, ChildCorrection
from routecare.children.records import cipher_for
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import InvalidInput, NotFound
from routecare.exchange.erasure import request_erasure
from routecare.referrals.records import revoke_shares_under_consent
from routecare.storage.base import Base
from routecare.storage.idempotency import remember_result, run_idempotent

Build = Callable[[Session, Case, Child], Base]
Closable = TypeVar("Closable", CaseTask, CaseConsent)


def add_record(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    kind: str,
    idempotency_key: str | None,
    build: Build,
) -> int:
    """Create one record on a case the user's organisation owns; returns its id (the first
    attempt's id when the idempotency key was seen before)."""
    require(principal, Permission.CASE_WRITE)
    route = f"cases/{reference}/{kind}"

    def work(session: Session, earlier: str | None) -> int:
        case, child = managed_case(session, principal, reference, utcnow())
        if earlier is not None:
            return int(earlier)
        row = build(session, case, child)
        session.add(row)
        session.flush()
        row_id: int = row.id  # type: ignore[attr-defined]
        remember_result(session, principal.user_id, route, idempotency_key, row_id)
        audit_case(session, deployment, principal, f"case.{kind}.add", case, {"id": row_id})
        return row_id

    return run_idempotent(deployment.database, principal.user_id, route, idempotency_key, work)


def add_note(
    deployment: Deployment, principal: Principal, reference: str, note: NoteIn, key: str | None
) -> int:
    """A case note; its text is encrypted with the child's key."""

    def build(session: Session, case: Case, child: Child) -> CaseNote:
        body = cipher_for(deployment.keyring, child).encrypt("case.note", note.body)
        assert body is not None
        return CaseNote(
            case_id=case.id, body=body, created_at=utcnow(), author_user_id=principal.user_id
        )

    return add_record(deployment, principal, reference, "note", key, build)


def add_task(
    deployment: Deployment, principal: Principal, reference: str, task: TaskIn, key: str | None
) -> int:
    def build(session: Session, case: Case, child: Child) -> CaseTask:
        return CaseTask(
            case_id=case.id,
            kind=TaskKind.CUSTOM.value,
            title=cipher_for(deployment.keyring, child).encrypt("case.task", task.title),
            due_at=task.due_at,
            created_at=utcnow(),
            created_by_user_id=principal.user_id,
        )

    return add_record(deployment, principal, reference, "task", key, build)


def record_consent(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    consent: ConsentIn,
    key: str | None,
) -> int:
    """Consent (or the child's assent) to one use of the data, to one recipient, for one purpose."""

    def build(session: Session, case: Case, child: Child) -> CaseConsent:
        recipient = consent.recipient_organisation_id
        if recipient is not None and session.get(Organisation, recipient) is None:
            raise InvalidInput(f"organisation {recipient} does not exist")
        return CaseConsent(
            case_id=case.id,
            recorded_by_user_id=principal.user_id,
            **consent.model_dump(exclude={"given_at"}),
            given_at=consent.given_at or utcnow(),
        )

    return add_record(deployment, principal, reference, "consent", key, build)


def add_age_assessment(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    assessment: AgeAssessmentIn,
    key: str | None,
) -> int:
    """Record an assessment; the child's working age becomes the lowest age of its range
    (benefit of the doubt, CoE CM/Rec(2022)22)."""

    def build(session: Session, case: Case, child: Child) -> AgeAssessment:
        if child.age != assessment.minimum_age:
            session.add(_correction(principal, child, "age", str(assessment.minimum_age)))
        child.age = assessment.minimum_age
        return AgeAssessment(
            case_id=case.id,
            recorded_by_user_id=principal.user_id,
            assessed_at=utcnow(),
            **assessment.model_dump(),
        )

    return add_record(deployment, principal, reference, "age_assessment", key, build)


def link_cases(
    deployment: Deployment, principal: Principal, reference: str, link: LinkIn, key: str | None
) -> int:
    """Link siblings or travelling companions; both cases must be this organisation's."""

    def build(session: Session, case: Case, child: Child) -> CaseLink:
        other, _ = managed_case(session, principal, link.other_reference, utcnow())
        if other.id == case.id:
            raise InvalidInput("a case cannot be linked to itself")
        low, high = sorted((case.id, other.id))
        return CaseLink(
            case_id=low,
            other_case_id=high,
            relation=link.relation.value,
            created_at=utcnow(),
            created_by_user_id=principal.user_id,
        )

    return add_record(deployment, principal, reference, "link", key, build)


def complete_task(
    deployment: Deployment, principal: Principal, reference: str, task_id: int
) -> None:
    _close(deployment, principal, reference, CaseTask, task_id, "task.done")


def withdraw_consent(
    deployment: Deployment, principal: Principal, reference: str, consent_id: int
) -> None:
    """Withdrawal takes effect at once (organisations referred under it lose access); the
    record stays, for the consent audit."""
    _close(deployment, principal, reference, CaseConsent, consent_id, "consent.withdraw")


def _close(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    model: type[Closable],
    row_id: int,
    action: str,
) -> None:
    require(principal, Permission.CASE_WRITE)
    with deployment.database.transaction() as session:
        case, _ = managed_case(session, principal, reference, utcnow())
        row = session.get(model, row_id)
        if row is None or row.case_id != case.id:
            raise NotFound("no such record on that case")
        if isinstance(row, CaseTask) and row.done_at is None:
            row.done_at, row.done_by_user_id = utcnow(), principal.user_id
        if isinstance(row, CaseConsent) and row.withdrawn_at is None:
            row.withdrawn_at = utcnow()
            revoke_shares_under_consent(session, row.id, row.withdrawn_at)
            if row.scope == "cross_border":
                # What left under it is to be erased by the partners that received it.
                request_erasure(session, deployment, case.id, row.purpose)
        audit_case(session, deployment, principal, f"case.{action}", case, {"id": row_id})


def correct_child(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    correction: CorrectionIn,
    key: str | None,
) -> int:
    """Correct the child's sex or nationality, keeping the values before and after, who, when
    and why (the reason encrypted with the child's key); returns the last correction's id."""

    def build(session: Session, case: Case, child: Child) -> ChildCorrection:
        cipher = cipher_for(deployment.keyring, child)
        changes = [
            (name, value)
            for name, value in (("sex", correction.sex), ("nationality", correction.nationality))
            if value is not None and value != getattr(child, name)
        ]
        if not changes:
            raise InvalidInput("nothing to correct: the record already says so")
        rows = []
        for name, value in changes:
            row = _correction(principal, child, name, str(value))
            row.reason = cipher.encrypt("child.correction", correction.reason)
            setattr(child, name, str(value))
            rows.append(row)
        session.add_all(rows[:-1])
        return rows[-1]

    return add_record(deployment, principal, reference, "correction", key, build)


def _correction(principal: Principal, child: Child, name: str, value: str) -> ChildCorrection:
    """A correction row (before the child's field is changed: it reads the old value)."""
    old = getattr(child, name)
    return ChildCorrection(
        child_id=child.id,
        field=name,
        old_value=None if old is None else str(old),
        new_value=value,
        corrected_at=utcnow(),
        corrected_by_user_id=principal.user_id,
    )
