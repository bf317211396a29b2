"""Reads of the directory. Services hold no child data, so reads are not audited."""

from __future__ import annotations

from sqlalchemy import Select, select

from routecare.auth.models import Organisation
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.services.models import Service
from routecare.services.records import present_service
from routecare.services.schemas import ServiceFilter, ServiceOut


def _filtered(criteria: ServiceFilter) -> Select[Service, str]:
    query = (
        select(Service, Organisation.name)
        .join(Organisation, Organisation.id == Service.organisation_id)
        .where(Service.is_active.is_(True), Organisation.disabled_at.is_(None))
    )
    if criteria.kind is not None:
        query = query.where(Service.kind == criteria.kind.value)
    if criteria.country is not None:
        query = query.where(Service.country == criteria.country)
    if criteria.admin_area_pcode is not None:
        # P-codes nest (GN001 contains GN001001), so an admin-1 code finds its admin-2 areas.
        query = query.where(Service.admin_area_pcode.startswith(criteria.admin_area_pcode))
    if criteria.language is not None:
        query = query.where((" " + Service.languages + " ").contains(f" {criteria.language} "))
    if criteria.age is not None:
        query = query.where(Service.min_age <= criteria.age, Service.max_age >= criteria.age)
    if criteria.sex is not None and criteria.sex.value != "unknown":
        query = query.where((" " + Service.sexes + " ").contains(f" {criteria.sex.value} "))
    if criteria.unaccompanied:
        query = query.where(Service.accepts_unaccompanied.is_(True))
    if criteria.victim_of_trafficking is False:
        query = query.where(Service.victims_of_trafficking_only.is_(False))
    if criteria.has_free_beds:
        query = query.where(Service.beds_free > 0)
    if criteria.text:
        query = query.where(Service.name.icontains(criteria.text, autoescape=True))
    return query


def search_services(
    deployment: Deployment, principal: Principal, criteria: ServiceFilter
) -> list[ServiceOut]:
    """Services matching every given criterion, by country, kind and name."""
    require(principal, Permission.SERVICE_READ)
    query = (
        _filtered(criteria)
        .order_by(Service.country, Service.kind, Service.name, Service.id)
        .limit(criteria.limit)
        .offset(criteria.offset)
    )
    with deployment.database.transaction() as session:
        return [present_service(service, name) for service, name in session.execute(query)]


def read_service(deployment: Deployment, principal: Principal, service_id: int) -> ServiceOut:
    require(principal, Permission.SERVICE_READ)
    with deployment.database.transaction() as session:
        row = session.execute(_filtered(ServiceFilter()).where(Service.id == service_id)).first()
        if row is None:
            raise NotFound("no service with that id")
        return present_service(row[0], row[1])
