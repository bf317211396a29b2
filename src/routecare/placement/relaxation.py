"""Why no emergency place fits a child, and what is nearest if one rule were relaxed.

When the search (placement/search.py) finds nothing, a coordinator must know whether to look for
a bed, a need to meet elsewhere, or an exception to ask for. Every active emergency shelter of
the country is checked against each rule the search applies; a rule is reported with the number
of shelters it excludes and the nearest shelter that fails that rule alone. Only computed when
nothing fits, so reading every shelter of the country once is affordable.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.placement.distance import travel_km
from routecare.placement.schemas import NoFitOut, PlacementRequestIn, PlaceOut, Rule, RuleOut
from routecare.services.models import Service
from routecare.services.records import present_service
from routecare.services.schemas import Need, ServiceKind

Failure = tuple[Rule, Need | None]


def failures(service: Service, request: PlacementRequestIn) -> list[Failure]:
    """Every rule of the search the shelter fails for this child (unknown facts never fail)."""
    failed: list[Failure] = []
    if not service.beds_free or service.beds_free <= 0:
        failed.append((Rule.FREE_BED, None))
    if request.age is not None and not service.min_age <= request.age <= service.max_age:
        failed.append((Rule.AGE, None))
    if request.sex.value != "unknown" and request.sex.value not in service.sexes.split():
        failed.append((Rule.SEX, None))
    supported = service.needs_supported.split()
    failed += [(Rule.NEED, need) for need in request.needs if need.value not in supported]
    if request.unaccompanied and not service.accepts_unaccompanied:
        failed.append((Rule.UNACCOMPANIED, None))
    if service.victims_of_trafficking_only and not request.victim_of_trafficking:
        failed.append((Rule.VICTIMS_ONLY, None))
    return failed


def explain_no_fit(session: Session, country: str, request: PlacementRequestIn) -> NoFitOut:
    """Each rule that excludes shelters, how many, and the nearest shelter it alone excludes."""
    rows = session.execute(
        select(Service, Organisation.name)
        .join(Organisation, Organisation.id == Service.organisation_id)
        .where(
            Service.kind == ServiceKind.EMERGENCY_SHELTER.value,
            Service.country == country,
            Service.is_active.is_(True),
            Organisation.disabled_at.is_(None),
        )
        .order_by(Service.id)
    ).all()
    excluded: dict[Failure, int] = {}
    nearest: dict[Failure, tuple[float, Service, str]] = {}
    for service, organisation_name in rows:
        failed = failures(service, request)
        for failure in failed:
            excluded[failure] = excluded.get(failure, 0) + 1
        if len(failed) == 1:
            distance = travel_km(
                request.latitude, request.longitude, service.latitude, service.longitude
            )
            if failed[0] not in nearest or distance < nearest[failed[0]][0]:
                nearest[failed[0]] = (distance, service, organisation_name)
    rules = []
    for (rule, need), count in excluded.items():
        place = None
        if (rule, need) in nearest:
            distance, service, organisation_name = nearest[(rule, need)]
            place = PlaceOut(
                service=present_service(service, organisation_name),
                travel_km=round(distance, 1),
                speaks_language=request.language is None
                or request.language in service.languages.split(),
            )
        rules.append(RuleOut(rule=rule, need=need, excluded=count, nearest_if_relaxed=place))
    rules.sort(key=lambda r: (r.nearest_if_relaxed is None, -r.excluded, r.rule, r.need or ""))
    return NoFitOut(shelters=len(rows), rules=rules)
