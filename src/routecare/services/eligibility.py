"""Does a service's eligibility admit a child? One function, used by referrals and placement,
so a refusal always names the same rule."""

from __future__ import annotations

from dataclasses import dataclass

from routecare.services.models import Service


@dataclass(frozen=True)
class ChildProfile:
    """The facts eligibility is decided on; unknown facts never exclude a child."""

    age: int | None
    sex: str
    unaccompanied: bool | None
    victim_of_trafficking: bool | None


def eligibility_problem(service: Service, child: ChildProfile) -> str | None:
    """The first eligibility rule the child fails, named for the user; None when eligible.

    An unknown age is not refused: a person who may be a child is presumed one (Directive
    2011/36/EU art. 13(2)), so only a known age outside the range excludes.
    """
    if child.age is not None and not service.min_age <= child.age <= service.max_age:
        return f"eligibility.age: the service takes ages {service.min_age}-{service.max_age}"
    if child.sex != "unknown" and child.sex not in service.sexes.split():
        return f"eligibility.sex: the service takes {', '.join(service.sexes.split())}"
    if child.unaccompanied and not service.accepts_unaccompanied:
        return "eligibility.unaccompanied: the service does not take unaccompanied children"
    if service.victims_of_trafficking_only and not child.victim_of_trafficking:
        return "eligibility.victim_of_trafficking: the service takes victims of trafficking only"
    return None
