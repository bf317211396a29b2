"""Cases as the API accepts and shows them. Only the fields a reader may see are set."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from routecare.cases.vocabulary import (
    CaseStatus,
    ClosureReason,
    DecisionOrg,
    DurableSolution,
    Exploitation,
    FamilyTracing,
    LinkRelation,
    RiskLevel,
    Stage,
    TaskKind,
    VictimStatus,
)
from routecare.children.schemas import ChildIn, ChildOut, CountryCode, Name
from routecare.storage.base import MAX_ID

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CaseReference = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9-]{3,20}$")]


class CaseFields(BaseModel):
    """What a case worker writes on a case; free text is encrypted before it is stored."""

    model_config = ConfigDict(extra="forbid")

    risk_level: RiskLevel | None = None
    separated: bool | None = None
    victim_status: VictimStatus | None = None
    victim_decision_org: DecisionOrg | None = None
    exploitation_forms: list[Exploitation] | None = Field(None, max_length=len(Exploitation))
    family_tracing_status: FamilyTracing | None = None
    guardian_name: ShortText | None = None
    guardian_appointed_at: datetime | None = None
    assessment_summary: Text | None = None
    best_interests_assessment: Text | None = None
    care_plan: Text | None = None
    services_summary: Text | None = None
    follow_up_summary: Text | None = None
    durable_solution: DurableSolution | None = None
    best_interests_determination: Text | None = None
    closure_reason: ClosureReason | None = None

    @model_validator(mode="after")
    def _identified_by_a_competent_body(self) -> CaseFields:
        if self.victim_status is VictimStatus.ACTUAL and self.victim_decision_org is None:
            raise ValueError("ActualVictimOfTrafficking needs victim_decision_org")
        if self.closure_reason is ClosureReason.DUPLICATE:
            raise ValueError(
                "a duplicate is closed by confirming the same child on a possible match"
            )
        return self


class CaseIn(ChildIn, CaseFields):
    """A new child and their case in one request (the contract partners script)."""

    model_config = ConfigDict(extra="forbid")


class CasePatch(CaseFields):
    """Only the fields sent are changed; send null to clear one. The child's given and family
    names can be corrected here too (re-encrypted and re-indexed for search)."""

    given_name: Name | None = Field(None, description="A corrected given name; cannot be cleared")
    family_name: Name | None = Field(None, description="A corrected family name")

    @model_validator(mode="after")
    def _given_name_stays(self) -> CasePatch:
        if "given_name" in self.model_fields_set and self.given_name is None:
            raise ValueError("given_name cannot be cleared, only corrected")
        return self


class StageChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Stage


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage = Field(description="care_plan or closure")


class NextStepOut(BaseModel):
    stage: Stage | None
    missing: list[str] = Field(description="Fields still needed before moving on")


class TaskOut(BaseModel):
    id: int
    kind: TaskKind
    title: str | None
    due_at: datetime
    done_at: datetime | None
    overdue: bool


class NoteOut(BaseModel):
    id: int
    body: str
    created_at: datetime
    author_user_id: int
    author: str = Field(description="The author's username, shown beside the note.")


class ConsentSummary(BaseModel):
    id: int
    scope: str
    purpose: str
    recipient_organisation_id: int | None
    given_by: str
    child_assent: bool
    given_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None


class DocumentOut(BaseModel):
    id: int
    kind: str
    content_type: str
    size: int
    filename: str
    created_at: datetime


class AgeAssessmentOut(BaseModel):
    id: int
    method: str
    minimum_age: int
    maximum_age: int
    assessed_at: datetime


class CorrectionOut(BaseModel):
    """A correction of the child's record: which field, from what to what, who, when, why."""

    id: int
    field: str = Field(description="sex | nationality | age (through an age assessment)")
    old_value: str | None
    new_value: str | None
    reason: str | None = Field(description="None for an age assessment (it is the reason)")
    corrected_at: datetime
    corrected_by: str = Field(description="The username of who corrected it")


class LinkOut(BaseModel):
    id: int
    relation: LinkRelation
    other_reference: str


class CaseOut(BaseModel):
    """A case. An organisation it was shared with sees the shared fields only, and no notes,
    documents, consents or tasks."""

    reference: str
    version: int
    stage: Stage
    status: CaseStatus
    owner_organisation_id: int
    opened_at: datetime
    next_step: NextStepOut | None = None
    child: ChildOut
    risk_level: RiskLevel | None = None
    separated: bool | None = None
    victim_status: VictimStatus | None = None
    victim_decision_org: DecisionOrg | None = None
    exploitation_forms: list[Exploitation] | None = None
    family_tracing_status: FamilyTracing | None = None
    guardian_name: str | None = None
    guardian_appointed_at: datetime | None = None
    assessment_summary: str | None = None
    best_interests_assessment: str | None = None
    care_plan: str | None = None
    care_plan_approved_at: datetime | None = None
    care_plan_author_user_id: int | None = Field(
        None, description="Who last wrote the care plan (four eyes: they do not approve it)"
    )
    care_plan_written_by: str | None = Field(None, description="Who last wrote the care plan")
    care_plan_approved_by: str | None = Field(None, description="Who approved the care plan")
    services_summary: str | None = None
    follow_up_summary: str | None = None
    durable_solution: DurableSolution | None = None
    best_interests_determination: str | None = None
    closure_reason: ClosureReason | None = None
    closure_approved_at: datetime | None = None
    tasks: list[TaskOut] = Field(default_factory=list)
    notes: list[NoteOut] = Field(default_factory=list)
    consents: list[ConsentSummary] = Field(default_factory=list)
    documents: list[DocumentOut] = Field(default_factory=list)
    age_assessments: list[AgeAssessmentOut] = Field(default_factory=list)
    links: list[LinkOut] = Field(default_factory=list)
    corrections: list[CorrectionOut] = Field(default_factory=list)


class CaseSummary(BaseModel):
    """A row of the case list; the name only for readers allowed to see it."""

    reference: str
    stage: Stage
    status: CaseStatus
    owner_organisation_id: int
    risk_level: RiskLevel | None
    sex: str | None
    age: int | None
    nationality: str | None
    display_name: str | None
    shared_with_us: bool


class CaseFilter(BaseModel):
    """Criteria a URL may carry (GET /cases): none of them identifies a child."""

    model_config = ConfigDict(extra="forbid")

    age: int | None = Field(None, ge=0, le=30)
    nationality: CountryCode | None = None
    stage: Stage | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_ID)


class CaseSearch(CaseFilter):
    """Search criteria with a name. Sent in a body, never a URL, so no name reaches an
    access log."""

    name: Annotated[str, StringConstraints(max_length=120)] | None = Field(
        None, description="Any spelling or script; every word must match"
    )


class ApprovalWaiting(BaseModel):
    """A case whose care plan or closure is written and awaits a supervisor's approval."""

    reference: str
    approval: Stage
    updated_at: datetime


class OverdueTask(BaseModel):
    reference: str
    task_id: int
    kind: TaskKind
    due_at: datetime
