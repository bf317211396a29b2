"""The demo's cases: in every country, one case at each SOP stage, moved there through the
product's own actions (fields filled, supervisor approvals given), some with consent to share
for named purposes. Every name here is invented."""

from __future__ import annotations

from routecare.auth.principal import Principal
from routecare.cases import actions, record_actions
from routecare.cases.record_schemas import ConsentIn
from routecare.cases.schemas import ApprovalIn, CaseIn, CasePatch, StageChange
from routecare.cases.vocabulary import ConsentScope, GivenBy, Stage
from routecare.children.schemas import Sex
from routecare.deployment import Deployment

# Country -> (case worker, supervisor) of the organisation that owns the country's demo cases.
CASE_OWNERS: dict[str, tuple[str, str]] = {
    "NER": ("caseworker", "supervisor"),
    "LBY": ("caseworker.lby", "supervisor.lby"),
    "TUN": ("caseworker.tun", "supervisor.tun"),
    "ITA": ("caseworker.ita", "supervisor.ita"),
    "MLT": ("caseworker.mlt", "supervisor.mlt"),
}
GIVEN_NAMES = ["Thierno", "Kadija", "Sekou", "Nene", "Alpha", "Oumou", "Boubacar", "Fanta"]
FAMILY_NAMES = ["Sylla", "Cissé", "Doumbouya", "Fofana", "Bangoura", "Kaba", "Camara", "Sidibé"]
# Europe's cases take other family names than Africa's: the demo links Niger with Italy and
# Libya with Malta (`demo/cross_border.py`), which would rightly notice namesakes of the same
# age, sex and nationality on both sides.
NAME_SHIFT = {"ITA": len(FAMILY_NAMES) // 2, "MLT": len(FAMILY_NAMES) // 2}
# What a case worker fills before each move, in SOP order; approvals marked by the stage.
STEPS: list[tuple[Stage, dict[str, object], Stage | None]] = [
    (Stage.REGISTRATION, {"risk_level": "high"}, None),
    (Stage.ASSESSMENT, {"family_tracing_status": "in_progress"}, None),
    (
        Stage.CARE_PLAN,
        {
            "assessment_summary": "Initial assessment at the reception centre.",
            "best_interests_assessment": "BIA: needs a guardian, shelter and schooling.",
            "victim_status": "PossibleVictimOfTrafficking",
            "exploitation_forms": ["ForcedLabour"],
        },
        None,
    ),
    (Stage.SERVICES, {"care_plan": "Shelter, guardian, legal aid, school."}, Stage.CARE_PLAN),
    (Stage.FOLLOW_UP, {"services_summary": "Placed in shelter; lawyer assigned."}, None),
    (Stage.DURABLE_SOLUTION, {"follow_up_summary": "Weekly visits; settled."}, None),
    (
        Stage.CLOSURE,
        {
            "durable_solution": "family_reunification",
            "best_interests_determination": "BID panel: reunification with an aunt.",
            "closure_reason": "durable_solution",
        },
        Stage.CLOSURE,
    ),
]


def seed_cases(deployment: Deployment) -> list[str]:
    """One case per stage per country; returns their references."""
    from routecare.demo.seed import principal_of

    references: list[str] = []
    for country, (worker_name, supervisor_name) in CASE_OWNERS.items():
        worker = principal_of(deployment, worker_name)
        supervisor = principal_of(deployment, supervisor_name)
        for position, stage in enumerate(Stage):
            child = CaseIn(
                given_name=GIVEN_NAMES[position],
                family_name=FAMILY_NAMES[
                    (position + NAME_SHIFT.get(country, 0)) % len(FAMILY_NAMES)
                ],
                sex=Sex.FEMALE if position % 2 else Sex.MALE,
                age=13 + position % 5,
                nationality="GIN" if position % 3 else "MLI",
                unaccompanied=True,
            )
            case = actions.create_case(deployment, worker, child, f"demo-{country}-{stage}")
            _advance(deployment, worker, supervisor, case.reference, position)
            if position % 2:
                _consent(deployment, worker, case.reference)
            references.append(case.reference)
    return references


def _advance(
    deployment: Deployment,
    worker: Principal,
    supervisor: Principal,
    reference: str,
    steps: int,
) -> None:
    version = 1
    for target, fields, approval in STEPS[:steps]:
        patch = CasePatch.model_validate(fields)
        version = actions.update_case(deployment, worker, reference, version, patch).version
        if approval is not None:
            approved = ApprovalIn(stage=approval)
            version = actions.approve(deployment, supervisor, reference, approved, version).version
        moved = actions.change_stage(deployment, worker, reference, StageChange(to=target), version)
        version = moved.version


def _consent(deployment: Deployment, worker: Principal, reference: str) -> None:
    for purpose, scope in (
        ("continuity_of_care", ConsentScope.CROSS_BORDER),
        ("family_tracing", ConsentScope.REFERRAL),
    ):
        record_actions.record_consent(
            deployment,
            worker,
            reference,
            ConsentIn(scope=scope, purpose=purpose, given_by=GivenBy.GUARDIAN, child_assent=True),
            None,
        )
