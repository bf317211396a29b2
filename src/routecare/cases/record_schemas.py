"""Inputs of what is added to a case: notes, tasks, consents, age assessments, links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from routecare.cases.schemas import CaseReference, ShortText, Text
from routecare.cases.vocabulary import AgeMethod, ConsentScope, GivenBy, LinkRelation
from routecare.children.schemas import CountryCode, Sex
from routecare.clock import utcnow
from routecare.storage.base import MAX_ID

Purpose = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,59}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{3}$")]


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Text


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText
    due_at: AwareDatetime = Field(description="Today or later, with its time zone")

    @field_validator("due_at")
    @classmethod
    def _not_in_the_past(cls, due_at: datetime) -> datetime:
        """A task due before today is a typing slip (1999 for 2029), not a plan."""
        if due_at.astimezone(UTC).date() < utcnow().date():
            raise PydanticCustomError(
                "date_in_past", "the due date is in the past: give today or a later date"
            )
        return due_at


class ConsentIn(BaseModel):
    """Consent to one use: what (scope), to whom, for which purpose, given by whom."""

    model_config = ConfigDict(extra="forbid")

    scope: ConsentScope
    purpose: Purpose = Field(description="snake_case, e.g. continuity_of_care, family_tracing")
    recipient_organisation_id: int | None = Field(None, ge=1, le=MAX_ID)
    given_by: GivenBy
    child_assent: bool
    language: LanguageCode | None = Field(None, description="ISO 639-2 code of the interview")
    interpreter_used: bool = False
    given_at: datetime | None = None
    expires_at: datetime | None = None


class AgeAssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: AgeMethod
    minimum_age: int = Field(ge=0, le=30)
    maximum_age: int = Field(ge=0, le=30)

    @model_validator(mode="after")
    def _range(self) -> AgeAssessmentIn:
        if self.maximum_age < self.minimum_age:
            raise ValueError("maximum_age is below minimum_age")
        return self


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    other_reference: CaseReference
    relation: LinkRelation

    @model_validator(mode="after")
    def _same_child_through_linkage(self) -> LinkIn:
        if self.relation is LinkRelation.SAME_CHILD:
            raise ValueError("the same child is linked by confirming a possible match")
        return self


class CorrectionIn(BaseModel):
    """A correction of the child's sex or nationality, with why; the age is not corrected here
    but through an age assessment (benefit of the doubt: the lowest age of its range)."""

    model_config = ConfigDict(extra="forbid")

    sex: Sex | None = None
    nationality: CountryCode | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]

    @model_validator(mode="before")
    @classmethod
    def _age_through_an_assessment(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("age") not in (None, ""):
            raise ValueError("the age changes only through an age assessment")
        return data

    @model_validator(mode="after")
    def _something_to_correct(self) -> CorrectionIn:
        if self.sex is None and self.nationality is None:
            raise ValueError("give the corrected sex or nationality")
        return self
