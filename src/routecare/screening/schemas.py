"""Screening requests and results as the API accepts and shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from routecare.screening.catalogue import DEFAULT_CATALOGUE
from routecare.screening.engine import AgeBasis

IndicatorId = Annotated[str, StringConstraints(max_length=80)]


class ScoreIn(BaseModel):
    """The `routecare screening score` file and `POST /api/v1/screening/score` body."""

    model_config = ConfigDict(extra="forbid")

    age: Annotated[int, Field(ge=0, le=30)] | None = None
    age_basis: AgeBasis = AgeBasis.UNKNOWN
    answers: Annotated[dict[IndicatorId, bool], Field(max_length=500)] = {}
    catalogue: Annotated[str, StringConstraints(max_length=60)] = DEFAULT_CATALOGUE
    language: Annotated[str, StringConstraints(pattern=r"^(en|fr|ar)$")] = "en"


class ScreeningIn(ScoreIn):
    """A screening to store: where it happened and in which language."""

    location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    interpreter_language: (
        Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] | None
    ) = None


class ScreeningOut(BaseModel):
    reference: str
    screened_at: datetime
    organisation_id: int | None
    source: str
    location: str | None
    interpreter_language: str | None
    age: int | None
    age_basis: AgeBasis
    answers: dict[str, bool]
    result: dict[str, Any]
    child_reference: str | None
    no_case_reason: str | None


class NoCaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class ImportReport(BaseModel):
    file: str
    catalogue_version: str
    rows: int
    imported: int
    already_imported: int
    rejected_rows: list[str]
    outcomes: dict[str, int]
