"""Accounts as the API shows and accepts them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from routecare.auth.roles import OrganisationKind, Role


class OrganisationOut(BaseModel):
    id: int
    name: str
    country: str
    kind: OrganisationKind


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


class RoleChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=120)
    kind: OrganisationKind
