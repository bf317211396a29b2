"""Reads of cases, each audited in its own transaction: one case with everything on it, the
case list and search, the overdue-task queue, and the admins' listing."""

from __future__ import annotations

from sqlalchemy import CompoundSelect, Select, and_, intersect, or_, select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import Organisation
from routecare.auth.policy import (
    IDENTITY_FIELDS,
    Permission,
    child_fields_visible,
    may_manage_child,
    of_own_organisation,
    require,
)
from routecare.auth.principal import Principal
from routecare.cases import sop
from routecare.cases.blind_index import query_tokens
from routecare.cases.lists import attach_lists
from routecare.cases.models import Case, CaseTask, NameToken
from routecare.cases.records import audit_case, present_case, visible_case
from routecare.cases.schemas import (
    ApprovalWaiting,
    CaseOut,
    CaseSearch,
    CaseSummary,
    OverdueTask,
)
from routecare.children.models import Child, ChildShare
from routecare.children.records import ciphers_for, grants_by_child
from routecare.clock import utcnow
from routecare.crypto import ChildCipher
from routecare.deployment import Deployment

LIST_LIMIT = 200
# The identity fields a list row shows (decrypted), when the reader may see them.
NAME_FIELDS = frozenset({"given_name", "family_name"}) & IDENTITY_FIELDS


def read_case(deployment: Deployment, principal: Principal, reference: str) -> CaseOut:
    """One case reduced to what this user may see; the owner also gets its tasks, notes,
    consents, documents, age assessments and links."""
    require(principal, Permission.CASE_READ)
    with deployment.database.transaction() as session:
        case, child, fields = visible_case(session, principal, reference, utcnow())
        out = present_case(deployment.keyring, principal, case, child, fields)
        if may_manage_child(principal, child.owner_organisation_id):
            attach_lists(session, deployment.keyring, out, case, child)
        audit_case(session, deployment, principal, "case.read", case, {"fields": sorted(fields)})
        return out


def _visible_cases(principal: Principal) -> Select[Case, Child]:
    shared = select(ChildShare.child_id).where(
        of_own_organisation(principal, ChildShare.organisation_id), ChildShare.revoked_at.is_(None)
    )
    return (
        select(Case, Child)
        .join(Child, Child.id == Case.child_id)
        .where(
            Child.erased_at.is_(None),
            or_(of_own_organisation(principal, Child.owner_organisation_id), Child.id.in_(shared)),
        )
    )


def search_cases(
    deployment: Deployment, principal: Principal, criteria: CaseSearch
) -> list[CaseSummary]:
    """Cases the organisation owns or was granted, newest first. The name matches through
    the blind index: every word must match a stored token (exact or phonetic)."""
    require(principal, Permission.CASE_READ)
    query = _visible_cases(principal)
    matches = _name_matches(deployment.keyring.index_key, criteria.name or "")
    if matches is not None:
        query = query.where(Child.id.in_(matches))
    if criteria.age is not None:
        query = query.where(Child.age == criteria.age)
    if criteria.nationality:
        query = query.where(Child.nationality == criteria.nationality)
    if criteria.stage is not None:
        query = query.where(Case.stage == criteria.stage.value)
    query = query.order_by(Case.opened_at.desc(), Case.id.desc())
    query = query.limit(criteria.limit).offset(criteria.offset)
    now = utcnow()
    with deployment.database.transaction() as session:
        found = session.execute(query).all()
        grants = grants_by_child(session, [child.id for _, child in found])
        visible = [
            (case, child, fields)
            for case, child in found
            if (
                fields := child_fields_visible(
                    principal, child.owner_organisation_id, grants[child.id], now
                )
            )
        ]
        named = [child for _, child, fields in visible if NAME_FIELDS & fields]
        ciphers = ciphers_for(deployment.keyring, named)
        rows = [
            _summary(principal, case, child, fields, ciphers.get(child.id))
            for case, child, fields in visible
        ]
        shown = [child.id for _, child, _ in visible]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="case.search" if criteria.name else "case.list",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"count": len(rows), "offset": criteria.offset},
            children=shown,
        )
        return rows


def _name_matches(index_key: bytes, name: str) -> Select[int] | CompoundSelect[int] | None:
    """The children whose stored tokens match every word of `name` (None: no name words).

    One lookup per word on the (token, child_id) index, intersected, so the database meets
    the few matching children first instead of testing every visible case against the index.
    """
    per_word = [
        select(NameToken.child_id).where(NameToken.token.in_(sorted(tokens)))
        for tokens in query_tokens(index_key, name)
    ]
    if not per_word:
        return None
    return per_word[0] if len(per_word) == 1 else intersect(*per_word)


def _summary(
    principal: Principal,
    case: Case,
    child: Child,
    fields: frozenset[str],
    cipher: ChildCipher | None,
) -> CaseSummary:
    """One row of the list; `cipher` is the child's when a name field is visible."""
    display_name = None
    if cipher is not None:
        parts = [
            cipher.decrypt(f, getattr(child, f)) if f in fields else None
            for f in ("given_name", "family_name")
        ]
        display_name = " ".join(p for p in parts if p) or None
    return CaseSummary(
        reference=case.reference,
        stage=case.stage,
        status=case.status,
        owner_organisation_id=child.owner_organisation_id,
        risk_level=case.risk_level if "risk_level" in fields else None,
        sex=child.sex if "sex" in fields else None,
        age=child.age if "age" in fields else None,
        nationality=child.nationality if "nationality" in fields else None,
        display_name=display_name,
        shared_with_us=not may_manage_child(principal, child.owner_organisation_id),
    )


def overdue_tasks(deployment: Deployment, principal: Principal) -> list[OverdueTask]:
    """Open tasks past their due date on the organisation's own cases (the home-page alert)."""
    require(principal, Permission.CASE_READ)
    now = utcnow()
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(CaseTask, Case.reference, Case.child_id)
            .join(Case, Case.id == CaseTask.case_id)
            .join(Child, Child.id == Case.child_id)
            .where(
                of_own_organisation(principal, Child.owner_organisation_id),
                Child.erased_at.is_(None),
                CaseTask.done_at.is_(None),
                CaseTask.due_at < now,
            )
            .order_by(CaseTask.due_at)
            .limit(LIST_LIMIT)
        ).all()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="case.task.overdue_list",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"count": len(rows)},
            children=[child_id for _, _, child_id in rows],
        )
        return [
            OverdueTask(reference=reference, task_id=task.id, kind=task.kind, due_at=task.due_at)
            for task, reference, _ in rows
        ]


def awaiting_approval(deployment: Deployment, principal: Principal) -> list[ApprovalWaiting]:
    """The organisation's own cases whose care plan or closure is written, at the stage the
    SOP approves it, and not yet approved: the supervisor's queue, oldest change first."""
    require(principal, Permission.CASE_APPROVE)
    waiting = [
        and_(
            Case.stage == at_stage.value,
            getattr(Case, sop.APPROVAL_NEEDS[approval]).is_not(None),
            getattr(Case, sop.APPROVAL_FIELDS[approval][0]).is_(None),
        )
        for approval, at_stage in sop.APPROVALS.items()
    ]
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(Case, Child.id)
            .join(Child, Child.id == Case.child_id)
            .where(
                of_own_organisation(principal, Child.owner_organisation_id),
                Child.erased_at.is_(None),
                or_(*waiting),
            )
            .order_by(Case.updated_at, Case.id)
            .limit(LIST_LIMIT)
        ).all()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="case.approval_list",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"count": len(rows)},
            children=[child_id for _, child_id in rows],
        )
        stage_approval = {stage.value: approval for approval, stage in sop.APPROVALS.items()}
        return [
            ApprovalWaiting(
                reference=case.reference,
                approval=stage_approval[case.stage],
                updated_at=case.updated_at,
            )
            for case, _ in rows
        ]


def all_cases(deployment: Deployment) -> list[dict[str, str]]:
    """Every case of the deployment: reference, stage, owner organisation (for `routecare
    cases list`; no identity). Audited as a system read."""
    with deployment.database.transaction() as session:
        rows = _all_rows(session)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="case.list.cli",
            detail={"count": len(rows)},
        )
        return rows


def _all_rows(session: Session) -> list[dict[str, str]]:
    result = session.execute(
        select(Case.reference, Case.stage, Case.status, Organisation.name)
        .join(Child, Child.id == Case.child_id)
        .join(Organisation, Organisation.id == Child.owner_organisation_id)
        .order_by(Case.id)
    ).all()
    return [
        {"reference": r, "stage": stage, "status": status, "owner_organisation": org}
        for r, stage, status, org in result
    ]
