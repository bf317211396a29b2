"""The demo's referrals, in every state, sent and answered through the product's actions.

Runs after the demo's children, cases and services exist; a child without a case yet gets one
opened, and each referral gets the consent it needs first (as a case worker would record it).
"""

from __future__ import annotations

from sqlalchemy import select

from routecare.cases.actions import open_case
from routecare.cases.models import Case
from routecare.cases.record_actions import record_consent
from routecare.cases.record_schemas import ConsentIn
from routecare.cases.schemas import CaseFields
from routecare.children.models import Child
from routecare.deployment import Deployment
from routecare.referrals.actions import send_referral, take_step
from routecare.referrals.schemas import DeclineIn, ReferralIn
from routecare.referrals.workflow import Step
from routecare.services.models import Service

PURPOSE = "continuity_of_care"
# (sender, index into demo CHILDREN, service name, receiving user, steps taken, urgent)
REFERRALS: list[tuple[str, int, str, str, list[Step], bool]] = [
    (
        "caseworker.ita",
        17,
        "Casa Aurora first reception",
        "shelter.ita",
        [Step.ACCEPT, Step.START],
        False,
    ),
    ("caseworker.ita", 18, "Casa Aurora first reception", "shelter.ita", [], True),
    ("caseworker.ita", 19, "Casa Aurora first reception", "shelter.ita", [Step.DECLINE], False),
    (
        "caseworker",
        1,
        "Tafadek girls' house",
        "shelter.ner",
        [Step.ACCEPT, Step.START, Step.COMPLETE],
        True,
    ),
    ("caseworker.tun", 14, "Dar El Amen emergency wing", "shelter.tun", [], False),
    ("caseworker.lby", 9, "Tripoli safe rooms", "shelter.lby", [Step.WITHDRAW], False),
    ("caseworker.mlt", 21, "Dar il-Wens emergency beds", "shelter.mlt", [Step.ACCEPT], False),
]


def seed_referrals(deployment: Deployment, references: list[str]) -> None:
    from routecare.demo.seed import principal_of

    for sender, child_index, service_name, receiver, steps, urgent in REFERRALS:
        sending = principal_of(deployment, sender)
        reference = references[child_index]
        with deployment.database.transaction() as session:
            has_case = session.execute(
                select(Case.id)
                .join(Child, Child.id == Case.child_id)
                .where(Child.reference == reference)
            ).first()
            service_id, recipient = session.execute(
                select(Service.id, Service.organisation_id).where(Service.name == service_name)
            ).one()
        if not has_case:
            open_case(deployment, sending, reference, CaseFields(), None)
        record_consent(
            deployment,
            sending,
            reference,
            ConsentIn(
                scope="referral",
                purpose=PURPOSE,
                recipient_organisation_id=recipient,
                given_by="child",
                child_assent=True,
            ),
            None,
        )
        referral = send_referral(
            deployment,
            sending,
            ReferralIn(case=reference, service_id=service_id, purpose=PURPOSE, urgent=urgent),
        )
        for step in steps:
            actor = sending if step is Step.WITHDRAW else principal_of(deployment, receiver)
            decline = DeclineIn(reason="no_capacity") if step is Step.DECLINE else None
            take_step(deployment, actor, referral.id, step, decline)
