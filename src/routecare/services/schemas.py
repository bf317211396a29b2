"""Services as the API accepts and shows them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from routecare.children.schemas import CountryCode, Sex


class ServiceKind(StrEnum):
    EMERGENCY_SHELTER = "emergency_shelter"
    LONG_TERM_SHELTER = "long_term_shelter"
    GUARDIANSHIP = "guardianship"
    LEGAL_AID = "legal_aid"
    MEDICAL = "medical"
    PSYCHOSOCIAL_SUPPORT = "psychosocial_support"
    FAMILY_TRACING = "family_tracing"
    EDUCATION = "education"
    INTERPRETATION = "interpretation"
    SAFE_RETURN_AND_REINTEGRATION = "safe_return_and_reintegration"


ACCOMMODATION = frozenset({ServiceKind.EMERGENCY_SHELTER, ServiceKind.LONG_TERM_SHELTER})


class Need(StrEnum):
    """Needs a placement request can name and a place can support."""

    MEDICAL_CARE = "medical_care"
    DISABILITY_ACCESS = "disability_access"
    MOTHER_AND_BABY = "mother_and_baby"
    PSYCHOSOCIAL_CARE = "psychosocial_care"
    SIBLINGS_TOGETHER = "siblings_together"
    HIGH_SECURITY = "high_security"


def _iso639(codes: list[str]) -> list[str]:
    for code in codes:
        found = (
            pycountry.languages.get(alpha_2=code)
            if len(code) == 2
            else pycountry.languages.get(alpha_3=code)
        )
        if found is None:
            raise ValueError(f"not an ISO 639 language code: {code}")
    return sorted(set(codes))


LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Languages = Annotated[
    list[LanguageCode], Field(min_length=1, max_length=20), AfterValidator(_iso639)
]
PCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9A-Z]{1,16}$")]


class Eligibility(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_age: int = Field(0, ge=0, le=30)
    max_age: int = Field(17, ge=0, le=30)
    sexes: list[Sex] = Field(default_factory=lambda: list(Sex), min_length=1, max_length=len(Sex))
    accepts_unaccompanied: bool = True
    victims_of_trafficking_only: bool = False

    @model_validator(mode="after")
    def _age_range(self) -> Self:
        if self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        return self


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    kind: ServiceKind
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    admin_area_pcode: PCode | None = None
    admin_area_name: Annotated[str, StringConstraints(max_length=120)] | None = None
    eligibility: Eligibility = Field(default_factory=Eligibility)
    languages: Languages
    needs_supported: list[Need] = Field(default_factory=list, max_length=len(Need))
    opening_hours: Annotated[str, StringConstraints(min_length=1, max_length=120)] = "24/7"
    beds_total: int | None = Field(None, ge=0, le=10_000)
    beds_free: int | None = Field(None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _capacity_only_for_accommodation(self) -> Self:
        has_beds = self.kind in ACCOMMODATION
        if has_beds and (self.beds_total is None or self.beds_free is None):
            raise ValueError("accommodation needs beds_total and beds_free")
        if not has_beds and (self.beds_total is not None or self.beds_free is not None):
            raise ValueError("only accommodation has beds")
        if has_beds and self.beds_free > self.beds_total:  # type: ignore[operator]
            raise ValueError("beds_free must not exceed beds_total")
        return self


class CapacityIn(BaseModel):
    """What shelter staff send when beds change (arrivals, departures, beds added)."""

    model_config = ConfigDict(extra="forbid")

    beds_total: int = Field(ge=0, le=10_000)
    beds_free: int = Field(ge=0, le=10_000)

    @model_validator(mode="after")
    def _free_within_total(self) -> Self:
        if self.beds_free > self.beds_total:
            raise ValueError("beds_free must not exceed beds_total")
        return self


class ServiceOut(BaseModel):
    id: int
    organisation_id: int
    organisation_name: str
    name: str
    kind: ServiceKind
    country: str
    admin_area_pcode: str | None
    admin_area_name: str | None
    latitude: float
    longitude: float
    eligibility: Eligibility
    languages: list[str]
    needs_supported: list[Need]
    opening_hours: str
    beds_total: int | None
    beds_free: int | None
    capacity_updated_at: datetime | None


class ServiceFilter(BaseModel):
    """Directory search; every criterion is optional and they combine with AND."""

    model_config = ConfigDict(extra="forbid")

    kind: ServiceKind | None = None
    country: CountryCode | None = None
    admin_area_pcode: PCode | None = None
    language: LanguageCode | None = None
    age: int | None = Field(None, ge=0, le=30)
    sex: Sex | None = None
    unaccompanied: bool | None = None
    victim_of_trafficking: bool | None = None
    has_free_beds: bool = False
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)
