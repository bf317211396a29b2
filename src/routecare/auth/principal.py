"""The authenticated actor behind a request or a command, as the policy sees it."""

from __future__ import annotations

from dataclasses import dataclass

from routecare.auth.models import User
from routecare.auth.roles import Role


@dataclass(frozen=True)
class Principal:
    user_id: int
    role: Role
    organisation_id: int
    country: str
    # How the user reads dates and pages (None: the deployment's zone, the browser's language).
    time_zone: str | None = None
    language: str | None = None

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(
            user_id=user.id,
            role=user.role,
            organisation_id=user.organisation_id,
            country=user.organisation.country,
            time_zone=user.time_zone,
            language=user.language,
        )
