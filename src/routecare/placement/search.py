"""Finding the emergency places that fit a child, nearest first.

SQL narrows to active emergency shelters in the country with a free bed and a matching
eligibility, ordered by an equirectangular approximation of the distance (plain arithmetic, so
it runs on SQLite and PostgreSQL alike) and cut to CANDIDATES rows; the service eligibility rule
(the same one referrals use) then decides, and the haversine travel estimate orders them.

A country can hold thousands of shelters, so the search first looks inside a box around the
child (an index range on latitude and longitude) and widens it until PLACES_SHOWN places lie
within the circle the box encloses: those are then the nearest anywhere. The last try has no box.
"""

from __future__ import annotations

from math import cos, radians

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.placement.distance import EARTH_RADIUS_KM, ROAD_FACTOR, travel_km
from routecare.placement.schemas import PlacementRequestIn, PlaceOut
from routecare.services.eligibility import ChildProfile, eligibility_problem
from routecare.services.models import Service
from routecare.services.records import present_service
from routecare.services.schemas import ServiceKind

PLACES_SHOWN = 10
# Enough nearest candidates that the exact re-ranking never misses one of the places shown.
CANDIDATES = 50
# Half-widths of the boxes tried in turn; None is the whole country.
SEARCH_RADII_KM: tuple[float | None, ...] = (100.0, 400.0, 1600.0, None)
KM_PER_DEGREE = EARTH_RADIUS_KM * radians(1)

Ranked = list[tuple[float, Service, str]]


def find_places(session: Session, country: str, request: PlacementRequestIn) -> list[PlaceOut]:
    """Fitting emergency places with a free bed, nearest first (at most PLACES_SHOWN)."""
    for radius_km in SEARCH_RADII_KM:
        ranked = _ranked(session, _candidates(country, request, radius_km), request)
        if radius_km is not None:
            ranked = [item for item in ranked if item[0] <= radius_km * ROAD_FACTOR]
        if len(ranked) >= PLACES_SHOWN or radius_km is None:
            break
    return [
        PlaceOut(
            service=present_service(service, organisation_name),
            travel_km=round(distance, 1),
            speaks_language=request.language is None
            or request.language in service.languages.split(),
        )
        for distance, service, organisation_name in ranked[:PLACES_SHOWN]
    ]


def _candidates(
    country: str, request: PlacementRequestIn, radius_km: float | None
) -> Select[Service, str]:
    query = (
        select(Service, Organisation.name)
        .join(Organisation, Organisation.id == Service.organisation_id)
        .where(
            Service.kind == ServiceKind.EMERGENCY_SHELTER.value,
            Service.country == country,
            Service.beds_free > 0,
            Service.is_active.is_(True),
            Organisation.disabled_at.is_(None),
        )
    )
    if radius_km is not None:
        query = _within_box(query, request.latitude, request.longitude, radius_km)
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
    return query.order_by(north * north + east * east, Service.id).limit(CANDIDATES)


def _within_box(
    query: Select[Service, str], latitude: float, longitude: float, radius_km: float
) -> Select[Service, str]:
    """Places within `radius_km` of the point all lie in this box (it may hold more)."""
    delta_latitude = radius_km / KM_PER_DEGREE
    query = query.where(
        Service.latitude.between(latitude - delta_latitude, latitude + delta_latitude)
    )
    widest = min(abs(latitude) + delta_latitude, 89.0)  # meridians converge towards the poles
    delta_longitude = delta_latitude / cos(radians(widest))
    if abs(longitude) + delta_longitude >= 180 or abs(latitude) + delta_latitude >= 89:
        return query  # across the antimeridian or a pole: the latitude band alone
    return query.where(
        Service.longitude.between(longitude - delta_longitude, longitude + delta_longitude)
    )


def _ranked(session: Session, query: Select[Service, str], request: PlacementRequestIn) -> Ranked:
    """The candidates that pass the eligibility rule, with their travel distance, nearest first."""
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
    return ranked
