"""Accounts as the API shows and accepts them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from routecare.auth.preferences import PageLanguage, is_time_zone
from routecare.auth.roles import OrganisationKind, Role


def _known_zone(name: str | None) -> str | None:
    if name is not None and not is_time_zone(name):
        raise ValueError("not an IANA time zone of the list")
    return name


# An IANA time zone of `preferences.time_zones()`, or None for the deployment's.
TimeZoneName = Annotated[
    str | None, Field(default=None, max_length=64), AfterValidator(_known_zone)
]


class OrganisationOut(BaseModel):
    id: int
    name: str
    country: str
    kind: OrganisationKind
    disabled: bool = False  # disabled by an administrator: no sign-in, nothing new received


class UserOut(BaseModel):
    id: int
    username: str
    role: Role
    organisation: OrganisationOut
    is_active: bool


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=12, max_length=200)
    role: Role
    time_zone: TimeZoneName = None
    language: PageLanguage | None = None


class ApiTokenOut(BaseModel):
    """A token as listed: never its value (only a hash of it is stored)."""

    id: int
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked: bool


class NewUserIn(BaseModel):
    """An account as an administrator opens it: the password is generated and shown once."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9._-]+$")
    role: Role
    time_zone: TimeZoneName = None
    language: PageLanguage | None = None


class PreferencesIn(BaseModel):
    """A user's own time zone and language; blank keeps the deployment's default."""

    model_config = ConfigDict(extra="forbid")

    time_zone: TimeZoneName = None
    language: PageLanguage | None = None


class RoleChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=120)
    kind: OrganisationKind
