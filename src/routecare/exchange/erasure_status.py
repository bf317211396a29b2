"""Where an erased child's copies at partner deployments stand, for the data-protection
officer's page of that child: per partner, when our signed erasure request was queued and
when the partner's signed acknowledgement came back (kept only once it verified under the
partner's registered keys, `erasure.receive_acknowledgement`). Ids and times, no identity."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.audit.models import AuditEntry
from routecare.auth.policy import Permission, may_read_child_trail, require
from routecare.auth.principal import Principal
from routecare.cases.models import Case
from routecare.children.models import Child
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.exchange.erasure import ERASED
from routecare.exchange.models import ExchangePackage, ExchangePartner


@dataclass(frozen=True)
class PartnerErasure:
    partner: str
    packages: int  # packages of the child's cases sent to that partner
    requested_at: datetime | None  # our signed request queued (None: not asked yet)
    acknowledged_at: datetime | None  # every package's erasure acknowledged, signed, by then


def partner_erasures(
    deployment: Deployment, principal: Principal, reference: str
) -> list[PartnerErasure]:
    """Per partner that was sent a package of the child's cases: request and acknowledgement
    times. Parameters: `reference` is the child's; 404 as `audit.queries.child_trail` does
    for a child the officer may not see. Read inside the trail's own audited query, so not
    audited again."""
    require(principal, Permission.AUDIT_READ)
    with deployment.database.transaction() as session:
        child = session.execute(select(Child).where(Child.reference == reference)).scalar()
        if child is None or not may_read_child_trail(principal, child.owner_organisation_id):
            raise NotFound("no child record with that reference")
        case_ids = list(session.scalars(select(Case.id).where(Case.child_id == child.id)))
        rows = session.execute(
            select(ExchangePackage, ExchangePartner.name)
            .join(ExchangePartner, ExchangePartner.id == ExchangePackage.partner_id)
            .where(ExchangePackage.direction == "sent", ExchangePackage.case_id.in_(case_ids))
            .order_by(ExchangePartner.name, ExchangePackage.id)
        ).all()
        requested = _requests(session, case_ids)
        by_partner: dict[str, list[ExchangePackage]] = {}
        for package, name in rows:
            by_partner.setdefault(name, []).append(package)
        return [
            PartnerErasure(
                partner=name,
                packages=len(packages),
                requested_at=requested.get(name),
                acknowledged_at=_acknowledged(packages),
            )
            for name, packages in by_partner.items()
        ]


def _acknowledged(packages: list[ExchangePackage]) -> datetime | None:
    """When the last package to a partner was acknowledged erased; None while any is not."""
    if any(p.status != ERASED or p.acknowledged_at is None for p in packages):
        return None
    return max(p.acknowledged_at for p in packages if p.acknowledged_at is not None)


def _requests(session: Session, case_ids: list[int]) -> dict[str, datetime]:
    """Partner name -> when the latest erasure request for these cases was queued (the
    `exchange.erasure.request` audit entries, which name the partner)."""
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "exchange.erasure.request",
            AuditEntry.subject_type == "case",
            AuditEntry.subject_id.in_([str(case_id) for case_id in case_ids]),
        )
        .order_by(AuditEntry.id)
    )
    return {str(json.loads(entry.detail).get("partner")): entry.at for entry in entries}
