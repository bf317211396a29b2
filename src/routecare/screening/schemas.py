"""Screening requests and results as the API accepts and shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from routecare.admin_areas import is_admin_area
from routecare.children.schemas import CountryCode
from routecare.screening.catalogue import DEFAULT_CATALOGUE
from routecare.screening.engine import AgeBasis

IndicatorId = Annotated[str, StringConstraints(max_length=80)]


def _admin_1(code: str) -> str:
    if not is_admin_area(code):
        raise ValueError("not a first-level ISO 3166-2 admin area code (like NE-1)")
    return code


AdminArea = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$"), AfterValidator(_admin_1)
]


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
    admin_area: AdminArea | None = Field(
        None,
        description="Where the person was screened: ISO 3166-2 admin-1 code of the "
        "screener's country",
    )
    country_of_origin: CountryCode | None = Field(None, description="ISO 3166-1 alpha-3")
    transit_countries: Annotated[list[CountryCode], Field(max_length=8)] = Field(
        [], description="Countries crossed between origin and here, in order (alpha-3)"
    )

    @model_validator(mode="after")
    def _route_visits_each_country_once(self) -> ScreeningIn:
        route = [self.country_of_origin, *self.transit_countries]
        stops = [country for country in route if country is not None]
        if len(set(stops)) != len(stops):
            raise ValueError("transit_countries repeat a country or the country of origin")
        return self


class ScreeningOut(BaseModel):
    reference: str
    screened_at: datetime
    organisation_id: int | None
    source: str
    location: str | None
    interpreter_language: str | None
    admin_area: str | None
    country_of_origin: str | None
    transit_countries: list[str]
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
