"""Writes to a case itself: open (with or without a new child record), edit, move through the
SOP's stages, approve. Each is one transaction with its audit entry.

Edits carry the version the writer read (If-Match); a stale one is refused with 412 so that
nothing anyone wrote is silently overwritten.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.policy import Permission, child_fields_visible, may_manage_child, require
from routecare.auth.principal import Principal
from routecare.cases import sop
from routecare.cases.models import Case, CaseTask
from routecare.cases.names import CORRECTABLE_NAMES, correct_names, index_names
from routecare.cases.records import (
    ENCRYPTED_FIELDS,
    audit_case,
    case_value,
    check_version,
    cipher_field,
    filled_fields,
    is_uasc,
    managed_case,
    present_case,
    visible_case,
)
from routecare.cases.schemas import ApprovalIn, CaseFields, CaseIn, CaseOut, CasePatch, StageChange
from routecare.cases.vocabulary import Stage, TaskKind
from routecare.children.actions import add_child
from routecare.children.models import Child
from routecare.children.records import cipher_for, grants_of, visible_child
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Forbidden, InvalidInput, NotFound, PreconditionRequired
from routecare.storage.idempotency import remember_result, run_idempotent

GUARDIAN_DEADLINE = timedelta(days=3)  # guardian for an unaccompanied child (CoE art. 10(4))


def create_case(
    deployment: Deployment, principal: Principal, data: CaseIn, idempotency_key: str | None
) -> CaseOut:
    """Register a new child and open their case in one transaction. A retry with the same
    idempotency key returns the case the first attempt created."""
    require(principal, Permission.CHILD_REGISTER)
    require(principal, Permission.CASE_OPEN)

    def work(session: Session, earlier: str | None) -> CaseOut:
        if earlier is None:
            case = add_case(session, deployment, principal, data)
            remember_result(session, principal.user_id, "cases", idempotency_key, case.reference)
        return _read_back(session, deployment, principal, earlier or case.reference)

    return run_idempotent(deployment.database, principal.user_id, "cases", idempotency_key, work)


def add_case(session: Session, deployment: Deployment, principal: Principal, data: CaseIn) -> Case:
    """A new child and their case inside the caller's transaction, audited (a package received
    from a partner deployment opens one this way). Callers check permission."""
    child = add_child(session, deployment, principal, data)
    return _open(session, deployment, principal, child, data)


def open_case(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    data: CaseFields,
    idempotency_key: str | None,
) -> CaseOut:
    """Open a case for a child already registered (e.g. at screening) by this organisation."""
    require(principal, Permission.CASE_WRITE)
    route = f"children/{reference}/case"

    def work(session: Session, earlier: str | None) -> CaseOut:
        if earlier is None:
            child, _ = visible_child(session, principal, reference, utcnow())
            if not may_manage_child(principal, child.owner_organisation_id):
                raise NotFound("no child record with that reference")
            if session.execute(select(Case.id).where(Case.child_id == child.id)).first():
                raise InvalidInput("this child already has a case; reopen it instead")
            _open(session, deployment, principal, child, data)
            remember_result(session, principal.user_id, route, idempotency_key, reference)
        return _read_back(session, deployment, principal, reference)

    return run_idempotent(deployment.database, principal.user_id, route, idempotency_key, work)


def update_case(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    expected_version: int | None,
    patch: CasePatch,
) -> CaseOut:
    """Change the fields sent (only those), if nobody changed the case since it was read;
    corrected names are re-encrypted and re-indexed. The version is required (428 without
    it), checked once the case is known to be visible."""
    require(principal, Permission.CASE_WRITE)
    with deployment.database.transaction() as session:
        case, child = managed_case(session, principal, reference, utcnow())
        if expected_version is None:
            raise PreconditionRequired("send If-Match with the ETag of the case you edited")
        check_version(case, expected_version)
        sent = patch.model_dump(include=patch.model_fields_set)
        names = {field: sent.pop(field) for field in CORRECTABLE_NAMES & sent.keys()}
        changed = _apply(case, child, deployment, sent)
        if "care_plan" in changed:
            case.care_plan_author_user_id = principal.user_id
        changed += correct_names(session, deployment.keyring, child, names)
        _touch(session, case, child)
        audit_case(session, deployment, principal, "case.update", case, {"fields": changed})
        return _present(session, deployment, principal, case, child)


def change_stage(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    change: StageChange,
    expected_version: int | None = None,
) -> CaseOut:
    """Move to the next stage (its required information and approvals present), or reopen a
    closed case. Refusals name the missing fields; nothing is saved."""
    require(principal, Permission.CASE_WRITE)
    with deployment.database.transaction() as session:
        case, child = managed_case(session, principal, reference, utcnow())
        check_version(case, expected_version)
        current = Stage(case.stage)
        if current is Stage.CLOSURE and change.to is sop.REOPEN_TO:
            case.closure_reason = case.closure_approved_at = None
            case.closure_approved_by_user_id = None
            action = "case.reopen"
        elif change.to is sop.next_stage(current):
            missing = sop.missing_to_leave(current, filled_fields(case), uasc=is_uasc(case, child))
            if missing:
                raise InvalidInput(f"before {change.to.value}, fill in: {', '.join(missing)}")
            action = "case.stage"
        else:
            allowed = sop.REOPEN_TO if current is Stage.CLOSURE else sop.next_stage(current)
            raise InvalidInput(f"a {current.value} case can only move to {allowed}")
        case.stage = change.to.value
        _touch(session, case, child)
        audit_case(session, deployment, principal, action, case, {"from": current, "to": change.to})
        return _present(session, deployment, principal, case, child)


def approve(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    approval: ApprovalIn,
    expected_version: int | None = None,
) -> CaseOut:
    """A supervisor approves the care plan, or the closure, as the SOP asks; the care plan's
    author never approves it (four eyes, as the SOP expects)."""
    require(principal, Permission.CASE_APPROVE)
    if approval.stage not in sop.APPROVALS:
        raise InvalidInput("only care_plan and closure need approval")
    with deployment.database.transaction() as session:
        case, child = managed_case(session, principal, reference, utcnow())
        check_version(case, expected_version)
        at_stage = sop.APPROVALS[approval.stage]
        if case.stage != at_stage:
            raise InvalidInput(f"{approval.stage.value} is approved at the {at_stage.value} stage")
        needed = sop.APPROVAL_NEEDS[approval.stage]
        if getattr(case, needed) is None:
            raise InvalidInput(f"fill in {needed} before approval")
        if approval.stage is Stage.CARE_PLAN and case.care_plan_author_user_id == principal.user_id:
            raise Forbidden(
                "four eyes: you wrote this care plan, so another supervisor approves it"
            )
        at_field, by_field = sop.APPROVAL_FIELDS[approval.stage]
        setattr(case, at_field, utcnow())
        setattr(case, by_field, principal.user_id)
        _touch(session, case, child)
        audit_case(session, deployment, principal, "case.approve", case, {"stage": approval.stage})
        return _present(session, deployment, principal, case, child)


def _open(
    session: Session, deployment: Deployment, principal: Principal, child: Child, data: CaseFields
) -> Case:
    now = utcnow()
    case = Case(
        child_id=child.id,
        reference=child.reference,
        version=1,
        stage=Stage.IDENTIFICATION.value,
        status=sop.status_for(Stage.IDENTIFICATION, None).value,
        opened_at=now,
        opened_by_user_id=principal.user_id,
        updated_at=now,
        exploitation_forms="",
    )
    fields = CaseFields.model_fields
    _apply(case, child, deployment, data.model_dump(include=set(fields) & data.model_fields_set))
    if case.care_plan is not None:
        case.care_plan_author_user_id = principal.user_id
    session.add(case)
    session.flush()
    index_names(session, deployment.keyring, child)
    if child.unaccompanied and case.guardian_name is None:
        session.add(
            CaseTask(
                case_id=case.id,
                kind=TaskKind.APPOINT_GUARDIAN.value,
                due_at=now + GUARDIAN_DEADLINE,
                created_at=now,
                created_by_user_id=principal.user_id,
            )
        )
    audit_case(session, deployment, principal, "case.open", case, {"child_id": child.id})
    return case


def _apply(case: Case, child: Child, deployment: Deployment, values: dict[str, Any]) -> list[str]:
    """Write the validated values that differ from the stored ones, encrypting free text;
    changing what a supervisor approved withdraws the approval. Returns the fields changed."""
    cipher = cipher_for(deployment.keyring, child)
    changed = []
    for name, value in values.items():
        if name == "exploitation_forms":
            value = " ".join(sorted({str(form) for form in value or ()}))
        elif hasattr(value, "value"):
            value = value.value
        raw = name == "exploitation_forms"
        if value == (case.exploitation_forms if raw else case_value(cipher, case, name)):
            continue
        if name in ENCRYPTED_FIELDS:
            value = cipher.encrypt(cipher_field(name), value)
        setattr(case, name, value)
        changed.append(name)
    if "care_plan" in changed:
        case.care_plan_approved_at = case.care_plan_approved_by_user_id = None
    if "closure_reason" in changed:
        case.closure_approved_at = case.closure_approved_by_user_id = None
    return sorted(changed)


def _touch(session: Session, case: Case, child: Child) -> None:
    """After a change: new version, status following the stage, guardian task done once a
    guardian is recorded."""
    now = utcnow()
    case.version += 1
    case.updated_at = now
    case.status = sop.status_for(Stage(case.stage), case.closure_reason).value
    if case.guardian_name is not None:
        for task in session.execute(
            select(CaseTask).where(
                CaseTask.case_id == case.id,
                CaseTask.kind == TaskKind.APPOINT_GUARDIAN.value,
                CaseTask.done_at.is_(None),
            )
        ).scalars():
            task.done_at = now


def _present(
    session: Session, deployment: Deployment, principal: Principal, case: Case, child: Child
) -> CaseOut:
    fields = child_fields_visible(
        principal, child.owner_organisation_id, grants_of(session, child.id), utcnow()
    )
    return present_case(deployment.keyring, principal, case, child, fields)


def _read_back(
    session: Session, deployment: Deployment, principal: Principal, reference: str
) -> CaseOut:
    session.flush()
    case, child, fields = visible_case(session, principal, reference, utcnow())
    return present_case(deployment.keyring, principal, case, child, fields)
