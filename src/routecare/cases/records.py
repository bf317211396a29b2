"""Loading a case through the child's visibility check, and presenting what a reader may see.

Every path to a case (actions, queries, pages) goes through `visible_case`, so the policy's
`child_fields_visible` decides for cases exactly as for children's records.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.policy import CASE_FIELDS, may_manage_child
from routecare.auth.principal import Principal
from routecare.cases import sop
from routecare.cases.models import Case
from routecare.cases.schemas import CaseOut, NextStepOut
from routecare.cases.vocabulary import Stage
from routecare.children.models import Child
from routecare.children.records import NOT_FOUND_MESSAGE, cipher_for, present, visible_child
from routecare.crypto import ChildCipher, Keyring
from routecare.deployment import Deployment
from routecare.errors import NotFound, PreconditionFailed

ENCRYPTED_FIELDS = frozenset(
    {"guardian_name", "assessment_summary", "best_interests_assessment", "care_plan"}
    | {"services_summary", "follow_up_summary", "best_interests_determination"}
)
APPROVAL_COLUMNS = ("care_plan_approved_at", "closure_approved_at", "care_plan_author_user_id")


def cipher_field(name: str) -> str:
    """Associated-data name of a case field, distinct from the child record's fields."""
    return f"case.{name}"


def visible_case(
    session: Session, principal: Principal, reference: str, now: datetime, *, lock: bool = False
) -> tuple[Case, Child, frozenset[str]]:
    """The case, its child and the fields this user may see, or NotFound (also when hidden)."""
    child, fields = visible_child(session, principal, reference, now)
    query = select(Case).where(Case.child_id == child.id)
    case = session.execute(query.with_for_update() if lock else query).scalar()
    if case is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return case, child, fields


def managed_case(
    session: Session, principal: Principal, reference: str, now: datetime
) -> tuple[Case, Child]:
    """A case the user's organisation owns, locked for update; other cases answer 404."""
    case, child, _ = visible_case(session, principal, reference, now, lock=True)
    if not may_manage_child(principal, child.owner_organisation_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    return case, child


def check_version(case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise PreconditionFailed(
            f"the case changed since you read it (now version {case.version}); re-read and merge"
        )


def is_uasc(case: Case, child: Child) -> bool:
    return bool(child.unaccompanied) or bool(case.separated)


def filled_fields(case: Case) -> set[str]:
    names = CASE_FIELDS | set(APPROVAL_COLUMNS)
    return {name for name in names if getattr(case, name) not in (None, "")}


def next_step_of(case: Case, child: Child) -> NextStepOut:
    step = sop.next_step(Stage(case.stage), filled_fields(case), uasc=is_uasc(case, child))
    return NextStepOut(stage=step.stage, missing=list(step.missing))


def case_value(cipher: ChildCipher | None, case: Case, name: str) -> object:
    value = getattr(case, name)
    if name in ENCRYPTED_FIELDS:
        return cipher.decrypt(cipher_field(name), value) if cipher and value else None
    if name == "exploitation_forms":
        return value.split()
    return value


def present_case(
    keyring: Keyring, principal: Principal, case: Case, child: Child, fields: frozenset[str]
) -> CaseOut:
    """The case reduced to `fields`; the owner also gets approvals and the next step (lists
    are added by the queries that need them)."""
    visible = fields & CASE_FIELDS
    cipher = cipher_for(keyring, child) if visible & ENCRYPTED_FIELDS else None
    values = {name: case_value(cipher, case, name) for name in visible}
    if may_manage_child(principal, child.owner_organisation_id):
        values |= {name: getattr(case, name) for name in APPROVAL_COLUMNS}
        values["next_step"] = next_step_of(case, child)
    return CaseOut(
        reference=case.reference,
        version=case.version,
        stage=case.stage,
        status=case.status,
        owner_organisation_id=child.owner_organisation_id,
        opened_at=case.opened_at,
        child=present(keyring, child, fields),
        **values,
    )


def audit_case(
    session: Session,
    deployment: Deployment,
    principal: Principal | None,
    action: str,
    case: Case,
    detail: dict[str, object] | None = None,
) -> None:
    """One audit entry about a case: ids and codes only."""
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        actor_user_id=principal.user_id if principal else None,
        actor_organisation_id=principal.organisation_id if principal else None,
        subject_type="case",
        subject_id=case.id,
        detail=detail,
        children=[case.child_id],
    )
