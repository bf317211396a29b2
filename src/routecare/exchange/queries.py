"""Reads of the exchange: the registry, and the packages sent and received (no identity)."""

from __future__ import annotations

from sqlalchemy import select

from routecare import audit
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.cases.records import audit_case, visible_case
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.partners import present_partner
from routecare.exchange.schemas import PackageOut, PartnerOut


def list_partners(deployment: Deployment) -> list[PartnerOut]:
    with deployment.database.transaction() as session:
        partners = session.scalars(select(ExchangePartner).order_by(ExchangePartner.name))
        return [present_partner(partner) for partner in partners]


def case_packages(deployment: Deployment, principal: Principal, reference: str) -> list[PackageOut]:
    """The packages sent and received for a case the user may read, with their receipts
    (shown on the sender's case). Audited like a case read."""
    require(principal, Permission.CASE_READ)
    with deployment.database.transaction() as session:
        case, _, _ = visible_case(session, principal, reference, utcnow())
        rows = session.execute(
            select(ExchangePackage, ExchangePartner)
            .join(ExchangePartner, ExchangePartner.id == ExchangePackage.partner_id)
            .where(ExchangePackage.case_id == case.id)
            .order_by(ExchangePackage.id)
        ).all()
        audit_case(session, deployment, principal, "exchange.case.packages", case, {})
        return [_present(package, partner) for package, partner in rows]


def pending_packages(
    deployment: Deployment, principal: Principal | None = None
) -> list[PackageOut]:
    """The coordinator's queue: received packages not yet accepted or declined (field names,
    never values). `principal`, on a page, must be a coordinator; None is the operator's CLI."""
    if principal is not None:
        require(principal, Permission.EXCHANGE_DECIDE)
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(ExchangePackage, ExchangePartner)
            .join(ExchangePartner, ExchangePartner.id == ExchangePackage.partner_id)
            .where(ExchangePackage.direction == "received", ExchangePackage.status == "pending")
            .order_by(ExchangePackage.id)
        ).all()
        return [_present(package, partner) for package, partner in rows]


def _present(package: ExchangePackage, partner: ExchangePartner) -> PackageOut:
    return PackageOut(
        package_id=package.package_id,
        direction=package.direction,
        status=package.status,
        reason=package.reason,
        partner=partner.name,
        partner_organisation=partner.organisation,
        partner_country=partner.country,
        purpose=package.purpose,
        agreement=partner.agreement,
        fields=package.fields.split(),
        issued_at=package.issued_at,
        expires_at=package.expires_at,
        recorded_at=package.recorded_at,
        partner_case=package.partner_case,
        acknowledged_at=package.acknowledged_at,
        receipt=package.receipt,
    )


def package_log(
    deployment: Deployment, principal: Principal | None = None
) -> list[dict[str, object]]:
    """Every package sent and received, for oversight: when, which way, partner (name,
    organisation, country), purpose, agreement and DPIA, field names, status and when the
    partner acknowledged an erasure. No case reference, no reason typed by a person, no
    identity. Audited (with the DPO as actor on the oversight page; None is the CLI)."""
    if principal is not None:
        require(principal, Permission.EXCHANGE_OVERSIGHT)
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(ExchangePackage, ExchangePartner)
            .join(ExchangePartner, ExchangePartner.id == ExchangePackage.partner_id)
            .order_by(ExchangePackage.id)
        ).all()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.log.read",
            actor_user_id=principal.user_id if principal else None,
            actor_organisation_id=principal.organisation_id if principal else None,
            detail={"count": len(rows)},
        )
        return [
            {
                "package_id": package.package_id,
                "recorded_at": package.recorded_at.isoformat(),
                "direction": package.direction,
                "partner": partner.name,
                "partner_organisation": partner.organisation,
                "partner_country": partner.country,
                "purpose": package.purpose,
                "agreement": partner.agreement,
                "dpia": partner.dpia,
                "fields": package.fields.split(),
                "status": package.status,
                "acknowledged_at": (
                    package.acknowledged_at.isoformat() if package.acknowledged_at else None
                ),
            }
            for package, partner in rows
        ]
