"""The demo seeds shelters with free beds in every country and referrals in several states."""

from __future__ import annotations

from routecare.demo.seed import seed_demo
from routecare.deployment import Deployment
from routecare.referrals.models import Referral
from routecare.services.models import Service


def test_demo_has_free_emergency_beds_everywhere_and_referrals(deployment: Deployment) -> None:
    seed_demo(deployment, "demo password long enough")
    with deployment.database.transaction() as session:
        shelters = session.query(Service).filter(Service.kind == "emergency_shelter").all()
        states = {r.state for r in session.query(Referral).all()}
    countries = {s.country for s in shelters if (s.beds_free or 0) > 0}
    assert countries == {"NER", "LBY", "TUN", "ITA", "MLT"}
    assert {"sent", "accepted", "declined", "service_started", "completed", "withdrawn"} <= states
