"""Finding the emergency places that fit a child, nearest first.

SQL narrows to active emergency shelters in the country with a free bed and a matching
eligibility, ordered by an equirectangular approximation of the distance (plain arithmetic, so
it runs on SQLite and PostgreSQL alike) and cut to CANDIDATES rows; the service eligibility rule
(the same one referrals use) then decides, and the haversine travel estimate orders them.
"""

from __future__ import annotations

from math import cos, radians

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.placement.distance import travel_km
from routecare.placement.schemas import PlacementRequestIn, PlaceOut
from routecare.services.eligibility import ChildProfile, eligibility_problem
from routecare.services.models import Service
from routecare.services.records import present_service
from routecare.services.schemas import ServiceKind

PLACES_SHOWN = 10
# Enough nearest candidates that the exact re-ranking never misses one of the places shown.
CANDIDATES = 50


def find_places(session: Session, country: str, request: PlacementRequestIn) -> list[PlaceOut]:
    """Fitting emergency places with a free bed, nearest first (at most PLACES_SHOWN)."""
    query = (
        select(Service, Organisation.name)
        .join(Organisation, Organisation.id == Service.organisation_id)
        .where(
            Service.kind == ServiceKind.EMERGENCY_SHELTER.value,
            Service.country == country,
            Service.beds_free > 0,
            Service.is_active.is_(True),
        )
    )
    if request.age is not None:
        query = query.where(Service.min_age <= request.age, Service.max_age >= request.age)
    if request.sex.value != "unknown":
        query = query.where((" " + Service.sexes + " ").contains(f" {request.sex.value} "))
    for need in request.needs:
        query = query.where((" " + Service.needs_supported + " ").contains(f" {need.value} "))
    if request.unaccompanied:
        query = query.where(Service.accepts_unaccompanied.is_(True))
    if not request.victim_of_trafficking:
        query = query.where(Service.victims_of_trafficking_only.is_(False))
    shrink = cos(radians(request.latitude))
    north = Service.latitude - request.latitude
    east = (Service.longitude - request.longitude) * shrink
    query = query.order_by(north * north + east * east, Service.id).limit(CANDIDATES)
    profile = ChildProfile(
        age=request.age,
        sex=request.sex.value,
        unaccompanied=request.unaccompanied,
        victim_of_trafficking=request.victim_of_trafficking,
    )
    ranked = []
    for service, organisation_name in session.execute(query):
        if eligibility_problem(service, profile) is not None:
            continue
        distance = travel_km(
            request.latitude, request.longitude, service.latitude, service.longitude
        )
        ranked.append((distance, service, organisation_name))
    ranked.sort(key=lambda item: (item[0], item[1].id))
    return [
        PlaceOut(
            service=present_service(service, organisation_name),
            travel_km=round(distance, 1),
            speaks_language=request.language is None
            or request.language in service.languages.split(),
        )
        for distance, service, organisation_name in ranked[:PLACES_SHOWN]
    ]
