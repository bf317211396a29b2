"""The stage machine of the standard operating procedure, as data plus two pure functions.

A case moves one stage forward at a time; leaving a stage needs that stage's information, and
the SOP's supervisor approvals (care plan, closure) are gates like any required field. A closed
case can be reopened, which takes it back to assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from routecare.cases.vocabulary import CaseStatus, ClosureReason, Stage

ORDER: list[Stage] = list(Stage)
REOPEN_TO = Stage.ASSESSMENT

# Fields that must be filled before a case may leave the stage.
REQUIRED_TO_LEAVE: dict[Stage, tuple[str, ...]] = {
    Stage.IDENTIFICATION: ("risk_level",),
    Stage.REGISTRATION: ("family_tracing_status",),
    Stage.ASSESSMENT: ("assessment_summary",),
    Stage.CARE_PLAN: ("care_plan", "care_plan_approved_at"),
    Stage.SERVICES: ("services_summary",),
    Stage.FOLLOW_UP: ("follow_up_summary",),
    Stage.DURABLE_SOLUTION: ("durable_solution", "closure_reason", "closure_approved_at"),
    Stage.CLOSURE: (),
}
# Unaccompanied and separated children need a best-interests assessment, and a formal
# determination before a durable solution (UNHCR Best Interests Procedure, 2021).
REQUIRED_TO_LEAVE_IF_UASC: dict[Stage, tuple[str, ...]] = {
    Stage.ASSESSMENT: ("best_interests_assessment",),
    Stage.DURABLE_SOLUTION: ("best_interests_determination",),
}
# Stages whose approval a supervisor gives, and the stage the case must be at to give it.
APPROVALS: dict[Stage, Stage] = {
    Stage.CARE_PLAN: Stage.CARE_PLAN,
    Stage.CLOSURE: Stage.DURABLE_SOLUTION,
}
APPROVAL_FIELDS: dict[Stage, tuple[str, str]] = {
    Stage.CARE_PLAN: ("care_plan_approved_at", "care_plan_approved_by_user_id"),
    Stage.CLOSURE: ("closure_approved_at", "closure_approved_by_user_id"),
}
# What must be written before a supervisor can approve it.
APPROVAL_NEEDS: dict[Stage, str] = {Stage.CARE_PLAN: "care_plan", Stage.CLOSURE: "closure_reason"}


@dataclass(frozen=True)
class NextStep:
    """Where the case can go next and what is still missing to get there."""

    stage: Stage | None
    missing: tuple[str, ...]


def next_stage(stage: Stage) -> Stage | None:
    position = ORDER.index(stage)
    return ORDER[position + 1] if position + 1 < len(ORDER) else None


def missing_to_leave(stage: Stage, filled: set[str], *, uasc: bool) -> tuple[str, ...]:
    """Required fields of `stage` not yet filled, in the order the SOP lists them."""
    required = REQUIRED_TO_LEAVE[stage] + (REQUIRED_TO_LEAVE_IF_UASC.get(stage, ()) if uasc else ())
    return tuple(field for field in required if field not in filled)


def next_step(stage: Stage, filled: set[str], *, uasc: bool) -> NextStep:
    if stage is Stage.CLOSURE:
        return NextStep(stage=REOPEN_TO, missing=())
    return NextStep(stage=next_stage(stage), missing=missing_to_leave(stage, filled, uasc=uasc))


def status_for(stage: Stage, closure_reason: str | None) -> CaseStatus:
    """HTCDS cas_Status follows the stage: follow-up stages are FollowUp, closure is Closed
    (ClosedReferred when the case was transferred to another agency)."""
    if stage is Stage.CLOSURE:
        if closure_reason == ClosureReason.TRANSFERRED:
            return CaseStatus.CLOSED_REFERRED
        return CaseStatus.CLOSED
    if stage in (Stage.FOLLOW_UP, Stage.DURABLE_SOLUTION):
        return CaseStatus.FOLLOW_UP
    return CaseStatus.ACTIVE
