"""A first visit to the demo finds every role's work queue filled: screenings with each
outcome, possible matches, match notices for every country's coordinator (cross-border ones
too, from partner deployments' encodings), an escalated
emergency request, free emergency beds in every country, referrals in every state (one waiting
to be accepted), a care plan awaiting approval by someone other than its author. One seed for
all of it: seeding is the slow part."""

from __future__ import annotations

from sqlalchemy import select

from routecare.cases.models import Case
from routecare.children.models import Child
from routecare.demo.cross_border import ACROSS, PARTNER_NAMES
from routecare.demo.seed import principal_of, seed_demo
from routecare.deployment import Deployment
from routecare.linkage.models import MatchNotice
from routecare.linkage.queries import list_notices, possible_matches
from routecare.placement.models import PlacementRequest
from routecare.referrals.models import Referral
from routecare.screening.models import Screening
from routecare.services.models import Service

COUNTRIES = {"NER", "LBY", "TUN", "ITA", "MLT"}


def test_every_roles_queue_holds_work_on_a_first_visit(deployment: Deployment) -> None:
    seed_demo(deployment, "demo password long enough")
    with deployment.database.transaction() as session:
        outcomes = set(session.execute(select(Screening.outcome)).scalars())
        notice_countries = set(session.execute(select(MatchNotice.country)).scalars())
        escalated = session.execute(
            select(PlacementRequest.country).where(PlacementRequest.status == "escalated")
        ).scalars()
        referral_states = set(session.execute(select(Referral.state)).scalars())
        beds = session.execute(
            select(Service.country).where(
                Service.kind == "emergency_shelter", Service.beds_free > 0
            )
        ).scalars()
        countries_with_beds = set(beds)
        plans = session.execute(
            select(Case.care_plan_author_user_id).where(
                Case.stage == "care_plan",
                Case.care_plan.is_not(None),
                Case.care_plan_approved_at.is_(None),
            )
        ).scalars()
        authors = set(plans)
    assert outcomes == {"presumed_trafficking", "at_risk", "smuggling", "no_indicators"}
    assert notice_countries == COUNTRIES
    assert set(escalated) == COUNTRIES
    assert {"sent", "accepted", "declined", "service_started", "completed", "withdrawn"} <= (
        referral_states
    )
    assert countries_with_beds == COUNTRIES
    assert authors and principal_of(deployment, "supervisor").user_id not in authors
    worker = principal_of(deployment, "caseworker")
    with deployment.database.transaction() as session:
        references = session.execute(
            select(Case.reference)
            .join(Child, Child.id == Case.child_id)
            .where(Child.owner_organisation_id == worker.organisation_id)
            .order_by(Case.id.desc())
            .limit(4)
        ).scalars()
        newest = list(references)
    assert any(possible_matches(deployment, worker, r).matches for r in newest)

    coordinators = {"NER": "coordinator", "ITA": "coordinator.ita"}
    coordinators |= {"LBY": "coordinator.lby", "MLT": "coordinator.mlt"}
    for here, _, there, _, _, _ in ACROSS:
        for country, partner in ((here, there), (there, here)):
            coordinator = principal_of(deployment, coordinators[country])
            notices = list_notices(deployment, coordinator)
            across = [n for n in notices if n.partner in PARTNER_NAMES.values()]
            # One notice, from the other side's deployment, on the child registered here.
            assert [n.partner for n in across] == [PARTNER_NAMES[partner]], (country, across)
