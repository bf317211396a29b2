"""Turning a service row into its public shape, shared by queries, actions and placement."""

from __future__ import annotations

from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.children.schemas import Sex
from routecare.errors import InvalidInput
from routecare.services.models import Service
from routecare.services.schemas import Eligibility, Need, ServiceKind, ServiceOut


def present_service(service: Service, organisation_name: str) -> ServiceOut:
    return ServiceOut(
        id=service.id,
        organisation_id=service.organisation_id,
        organisation_name=organisation_name,
        name=service.name,
        kind=ServiceKind(service.kind),
        country=service.country,
        admin_area_pcode=service.admin_area_pcode,
        admin_area_name=service.admin_area_name,
        latitude=service.latitude,
        longitude=service.longitude,
        eligibility=Eligibility(
            min_age=service.min_age,
            max_age=service.max_age,
            sexes=[Sex(s) for s in service.sexes.split()],
            accepts_unaccompanied=service.accepts_unaccompanied,
            victims_of_trafficking_only=service.victims_of_trafficking_only,
        ),
        languages=service.languages.split(),
        needs_supported=[Need(n) for n in service.needs_supported.split()],
        opening_hours=service.opening_hours,
        beds_total=service.beds_total,
        beds_free=service.beds_free,
        capacity_updated_at=service.capacity_updated_at,
    )


def refuse_if_disabled(session: Session, organisation_id: int) -> None:
    """Refuse a new referral or bed for an organisation an administrator has disabled, with
    the reason (it stays in the records; it receives nothing new until re-enabled)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is not None and organisation.disabled_at is not None:
        raise InvalidInput(
            "organisation.disabled: this organisation is disabled and receives no new "
            "referral or placement; choose another service"
        )
