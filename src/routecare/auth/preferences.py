"""How each user reads the product: their time zone and language.

Dates and times are stored in UTC; pages show them in the reader's zone and language, the
deployment's zone (`ROUTECARE_TIME_ZONE`) and the browser's language when the user has not
chosen. A user sets their own; an administrator may set them when opening an account.
"""

from __future__ import annotations

from functools import cache
from typing import Literal
from zoneinfo import available_timezones

from routecare import audit
from routecare.auth.models import User
from routecare.auth.principal import Principal
from routecare.deployment import Deployment

# The languages pages are written in (web/i18n.LANGUAGES has the same codes).
PageLanguage = Literal["en", "fr", "ar"]
# Regions of the IANA database people live in; the legacy aliases (US/…, Etc/GMT+5,
# SystemV/…) would only lengthen the list.
_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone a user may pick, sorted, with UTC first."""
    names = sorted(z for z in available_timezones() if z.split("/")[0] in _REGIONS)
    return ("UTC", *names)


def is_time_zone(name: str) -> bool:
    return name in time_zones()


def set_preferences(
    deployment: Deployment,
    principal: Principal,
    *,
    time_zone: str | None,
    language: PageLanguage | None,
) -> None:
    """Save the signed-in user's own time zone and language (None: the deployment's default).

    The next request reads them: the principal is loaded from the user's row each time.
    """
    with deployment.database.transaction() as session:
        user = session.get(User, principal.user_id)
        assert user is not None  # the principal was resolved from this row in this request
        user.time_zone = time_zone
        user.language = language
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="user.preferences",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="user",
            subject_id=user.id,
            detail={"time_zone": time_zone or "", "language": language or ""},
        )
