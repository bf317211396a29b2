"""Children identified per 1,000 children counted at flow-monitoring points, by route segment
(nationality → country) and month: two aggregates joined, never a person.

Identifications come from the fact store through disclosure control (month × country ×
nationality, with margins); a rate is shown only where its identified count is."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy import select

from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.deployment import Deployment
from routecare.observatory.disclosure.suppression import protect_counts
from routecare.observatory.facts import Event
from routecare.observatory.models import FlowCount
from routecare.observatory.queries import count_facts
from routecare.observatory.releases.actions import Kind, Release, record_release
from routecare.observatory.schemas import CrossTabQuery, Dimension
from routecare.observatory.store import last_refresh, snapshot

DIMENSIONS = [Dimension.MONTH, Dimension.COUNTRY_OF_IDENTIFICATION, Dimension.NATIONALITY]


class SegmentRate(BaseModel):
    month: str
    country: str = Field(description="Where the children were counted and identified")
    nationality: str
    children_counted: int = Field(description="Boys and girls counted, both directions")
    children_identified: int | None = Field(description="None when suppressed")
    per_1000: float | None


RATES = TypeAdapter(list[SegmentRate])


def identification_rates(deployment: Deployment, principal: Principal) -> list[SegmentRate]:
    """Every segment and month with children counted. Recorded as a release."""
    require(principal, Permission.AGGREGATES_READ)
    k = deployment.settings.k_for(principal.country)
    refreshed_at = last_refresh(deployment)
    rates = protected_rates(deployment, k)
    record_release(
        deployment,
        principal,
        Release(
            kind=Kind.RATES,
            dataset=snapshot(refreshed_at),
            dimensions=tuple(d.value for d in DIMENSIONS),
            k=k,
            epsilon=None,
            released_as="rates",
            content=RATES.dump_json(rates).decode(),
            summary={"segments": len(rates)},
        ),
    )
    return rates


def protected_rates(deployment: Deployment, k: int) -> list[SegmentRate]:
    """The rates as they may leave, not yet recorded (flow counts are read as they are now:
    an import after a release changes what its replay gives)."""
    counted: dict[tuple[str, str, str], int] = defaultdict(int)
    with deployment.database.transaction() as session:
        for flow in session.scalars(select(FlowCount)):
            key = (flow.observed_on.strftime("%Y-%m"), flow.country, flow.nationality)
            counted[key] += flow.boys + flow.girls
    query = CrossTabQuery(by=DIMENSIONS, event=Event.IDENTIFIED)
    table = protect_counts(count_facts(deployment, query), [d.value for d in DIMENSIONS], k)
    identified = {cell.key: cell.count for cell in table.cells}
    rates = []
    for key, children in sorted(counted.items()):
        found = identified.get(key, 0)
        rates.append(
            SegmentRate(
                month=key[0],
                country=key[1],
                nationality=key[2],
                children_counted=children,
                children_identified=found,
                per_1000=round(1000 * found / children, 1)
                if found is not None and children
                else None,
            )
        )
    return rates
