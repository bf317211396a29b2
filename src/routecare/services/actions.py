"""Writes to the directory: publishing a service and updating its live capacity."""

from __future__ import annotations

from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import Organisation
from routecare.auth.policy import Permission, may_manage_service, require
from routecare.auth.principal import Principal
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.services.models import Service
from routecare.services.records import present_service
from routecare.services.schemas import CapacityIn, ServiceIn, ServiceOut


def publish_service(deployment: Deployment, principal: Principal, data: ServiceIn) -> ServiceOut:
    """Publish a service of the user's own organisation, in the organisation's country."""
    require(principal, Permission.SERVICE_PUBLISH)
    now = utcnow()
    eligibility = data.eligibility
    with deployment.database.transaction() as session:
        organisation = session.get(Organisation, principal.organisation_id)
        assert organisation is not None
        service = Service(
            organisation_id=organisation.id,
            name=data.name,
            kind=data.kind.value,
            country=organisation.country,
            admin_area_pcode=data.admin_area_pcode,
            admin_area_name=data.admin_area_name,
            latitude=data.latitude,
            longitude=data.longitude,
            min_age=eligibility.min_age,
            max_age=eligibility.max_age,
            sexes=" ".join(sorted({s.value for s in eligibility.sexes})),
            accepts_unaccompanied=eligibility.accepts_unaccompanied,
            victims_of_trafficking_only=eligibility.victims_of_trafficking_only,
            languages=" ".join(data.languages),
            needs_supported=" ".join(sorted({n.value for n in data.needs_supported})),
            opening_hours=data.opening_hours,
            beds_total=data.beds_total,
            beds_free=data.beds_free,
            capacity_updated_at=now if data.beds_total is not None else None,
            is_active=True,
            created_at=now,
        )
        session.add(service)
        session.flush()
        _audit(deployment, session, principal, "service.publish", service)
        return present_service(service, organisation.name)


def update_capacity(
    deployment: Deployment, principal: Principal, service_id: int, capacity: CapacityIn
) -> ServiceOut:
    """Set the beds a shelter has now; only its own organisation's staff may."""
    require(principal, Permission.SERVICE_CAPACITY_UPDATE)
    with deployment.database.transaction() as session:
        service = session.get(Service, service_id, with_for_update=True)
        if (
            service is None
            or not may_manage_service(principal, service.organisation_id)
            or service.beds_total is None
        ):
            raise NotFound("no accommodation service of yours with that id")
        service.beds_total = capacity.beds_total
        service.beds_free = capacity.beds_free
        service.capacity_updated_at = utcnow()
        _audit(
            deployment,
            session,
            principal,
            "service.capacity",
            service,
            {"beds_total": capacity.beds_total, "beds_free": capacity.beds_free},
        )
        organisation = session.get(Organisation, service.organisation_id)
        assert organisation is not None
        return present_service(service, organisation.name)


def _audit(
    deployment: Deployment,
    session: Session,
    principal: Principal,
    action: str,
    service: Service,
    detail: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        actor_user_id=principal.user_id,
        actor_organisation_id=principal.organisation_id,
        subject_type="service",
        subject_id=service.id,
        detail=detail,
    )
