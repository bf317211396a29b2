"""Placement requests, the places offered, and reservations, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from routecare.children.schemas import Sex
from routecare.services.schemas import LanguageCode, Need, ServiceOut
from routecare.storage.base import MAX_ID

CaseReference = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9-]{3,30}$")]


class PlacementRequestIn(BaseModel):
    """An urgent request from a mobile unit, tracing line or border post."""

    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    age: int | None = Field(None, ge=0, le=30)
    sex: Sex = Sex.UNKNOWN
    unaccompanied: bool = True
    victim_of_trafficking: bool | None = None
    needs: list[Need] = Field(default_factory=list, max_length=len(Need))
    language: LanguageCode | None = None
    case: CaseReference | None = None


class PlaceOut(BaseModel):
    service: ServiceOut
    travel_km: float = Field(description="Great-circle distance × road factor 1.4 (estimate).")
    speaks_language: bool


class Rule(StrEnum):
    """The conditions a place must meet, in the words of placement/search.py."""

    FREE_BED = "free_bed"
    AGE = "age"
    SEX = "sex"
    NEED = "need"
    UNACCOMPANIED = "unaccompanied"
    VICTIMS_ONLY = "victims_only"


class RuleOut(BaseModel):
    rule: Rule
    need: Need | None = Field(None, description="The need not supported, for rule `need`.")
    excluded: int = Field(description="Active emergency shelters of the country it excludes.")
    nearest_if_relaxed: PlaceOut | None = Field(
        None, description="The nearest shelter that fails this rule alone."
    )


class NoFitOut(BaseModel):
    shelters: int = Field(description="Active emergency shelters in the country.")
    rules: list[RuleOut] = Field(description="Rules that exclude at least one shelter.")


class PlacementRequestOut(BaseModel):
    id: int
    status: str = Field(description="open | escalated | reserved | cancelled")
    country: str
    age: int | None
    sex: Sex
    needs: list[Need]
    language: str | None
    case: str | None
    created_at: datetime
    escalated_at: datetime | None
    resolved_at: datetime | None
    waiting_seconds: int = Field(description="Time since the request, until it was resolved.")
    places: list[PlaceOut] = Field(default_factory=list)
    no_fit: NoFitOut | None = Field(
        None, description="Why no place fits, when none does (placement/relaxation.py)."
    )


class ReservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: CaseReference | None = None
    placement_request: int | None = Field(None, ge=1, le=MAX_ID)
    override_reason: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
        | None
    ) = Field(
        None,
        description="Supervisors: why this child needs a second live bed (kept as a case note)",
    )


class ReservationOut(BaseModel):
    id: int
    service_id: int
    service_name: str
    status: str = Field(description="held | arrived | released | expired")
    case: str | None
    placement_request: int | None
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    beds_free: int | None = Field(description="Free beds left at the place after this change.")
