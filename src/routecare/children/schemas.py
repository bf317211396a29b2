"""A child's record as the API accepts and shows it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from routecare.auth.policy import ALL_CHILD_FIELDS
from routecare.storage.base import MAX_ID


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


def _iso_alpha3(code: str) -> str:
    if pycountry.countries.get(alpha_3=code) is None:
        raise ValueError("not an ISO 3166-1 alpha-3 country code")
    return code


CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), AfterValidator(_iso_alpha3)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


def _known_fields(fields: list[str]) -> list[str]:
    unknown = sorted(set(fields) - ALL_CHILD_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(unknown)}")
    return sorted(set(fields))


class ChildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given_name: Name
    family_name: Name | None = None
    other_names: Name | None = None
    birth_date: date | None = None
    contact: Annotated[str, StringConstraints(max_length=200)] | None = None
    narrative: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    sex: Sex = Sex.UNKNOWN
    age: Annotated[int, Field(ge=0, le=30)] | None = None
    nationality: CountryCode | None = None
    unaccompanied: bool | None = None


class ChildOut(BaseModel):
    """Only the fields the reader may see are set; the others are absent, not empty."""

    reference: str
    owner_organisation_id: int
    created_at: datetime
    given_name: str | None = None
    family_name: str | None = None
    other_names: str | None = None
    birth_date: date | None = None
    contact: str | None = None
    narrative: str | None = None
    sex: Sex | None = None
    age: int | None = None
    nationality: str | None = None
    unaccompanied: bool | None = None


class ChildSummary(BaseModel):
    """A list row: no identity, just what a work queue needs."""

    reference: str
    owner_organisation_id: int
    sex: Sex | None
    age: int | None
    nationality: str | None
    shared_with_us: bool


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: int = Field(ge=1, le=MAX_ID)
    fields: Annotated[list[str], Field(min_length=1), AfterValidator(_known_fields)]
    purpose: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,59}$")]
    ends_at: datetime | None = None


class ShareOut(BaseModel):
    id: int
    organisation_id: int
    fields: list[str]
    purpose: str
    granted_at: datetime
    ends_at: datetime | None
    revoked_at: datetime | None
