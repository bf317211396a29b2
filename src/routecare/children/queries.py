"""Reads of children's records; every read is audited in the same transaction."""

from __future__ import annotations

from sqlalchemy import or_, select

from routecare import audit
from routecare.auth.policy import (
    Permission,
    child_fields_visible,
    may_manage_child,
    of_own_organisation,
    require,
)
from routecare.auth.principal import Principal
from routecare.children.models import Child, ChildShare
from routecare.children.records import grants_by_child, present, visible_child
from routecare.children.schemas import ChildOut, ChildSummary, Sex
from routecare.clock import utcnow
from routecare.deployment import Deployment

LIST_LIMIT = 200


def read_child(deployment: Deployment, principal: Principal, reference: str) -> ChildOut:
    """One child's record, reduced to what this user may see."""
    require(principal, Permission.CHILD_READ)
    now = utcnow()
    with deployment.database.transaction() as session:
        child, fields = visible_child(session, principal, reference, now)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="child.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="child",
            subject_id=child.id,
            detail={"fields": sorted(fields)},
        )
        return present(deployment.keyring, child, fields)


def list_children(
    deployment: Deployment, principal: Principal, *, limit: int = LIST_LIMIT, offset: int = 0
) -> list[ChildSummary]:
    """The records the user's organisation owns or was granted, newest first, without names."""
    require(principal, Permission.CHILD_READ)
    now = utcnow()
    shared_ids = select(ChildShare.child_id).where(
        of_own_organisation(principal, ChildShare.organisation_id),
        ChildShare.revoked_at.is_(None),
    )
    with deployment.database.transaction() as session:
        rows = (
            session.execute(
                select(Child)
                .where(
                    Child.erased_at.is_(None),
                    or_(
                        of_own_organisation(principal, Child.owner_organisation_id),
                        Child.id.in_(shared_ids),
                    ),
                )
                .order_by(Child.created_at.desc(), Child.id.desc())
                .limit(limit)
                .offset(offset)
            )
            .scalars()
            .all()
        )
        grants = grants_by_child(session, [child.id for child in rows])
        summaries = []
        shown = []
        for child in rows:
            fields = child_fields_visible(
                principal, child.owner_organisation_id, grants[child.id], now
            )
            if not fields:
                continue
            shown.append(child.id)
            summaries.append(
                ChildSummary(
                    reference=child.reference,
                    owner_organisation_id=child.owner_organisation_id,
                    sex=Sex(child.sex) if "sex" in fields else None,
                    age=child.age if "age" in fields else None,
                    nationality=child.nationality if "nationality" in fields else None,
                    shared_with_us=not may_manage_child(principal, child.owner_organisation_id),
                )
            )
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="child.list",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"count": len(summaries), "offset": offset},
            children=shown,
        )
        return summaries
