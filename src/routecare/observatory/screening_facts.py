"""What the fact store takes from a person's screenings: the admin area where they were
screened, their route (origin, transit countries) and the means of control and recruitment type
their answers describe, all as codes.

Means of control and recruitment type live only inside the encrypted answers, so the refresh
decrypts them. This is acceptable because the refresh already runs inside the deployment, with
its keyring, like any page that shows a screening to the staff allowed to see it: the answers are
read in memory, mapped to HTCDS categories (`indicators.py`) and dropped; only the categories are
written, and an erased screening (its data key destroyed) gives `unknown`. Nothing the analyst
role reaches changes: analysts read protected tables of the store, never a screening.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from routecare.crypto import ChildCipher, Keyring
from routecare.crypto.keystore import existing_ciphers
from routecare.observatory.indicators import MEANS_OF_CONTROL, RECRUITMENT, categories
from routecare.screening.models import Screening

UNKNOWN = "unknown"
NONE = "none"

# Only the columns facts are made of: loading whole records would cost the refresh its time.
SCREENING = (
    Screening.child_id,
    Screening.uid,
    Screening.screened_at,
    Screening.organisation_id,
    Screening.age,
    Screening.forms,
    Screening.answers,
    Screening.admin_area,
    Screening.country_of_origin,
    Screening.transit_countries,
)


Ciphers = dict[str, ChildCipher]


def ciphers_for(keyring: Keyring, screenings: Sequence[Any]) -> Ciphers:
    """The ciphers of a bucket's screenings, from the key store in one go (one query per
    screening would cost a large refresh minutes); erased screenings have none."""
    return existing_ciphers(keyring, [s.uid for s in screenings if s.answers is not None])


def _answers(ciphers: Ciphers, screening: Any) -> dict[str, bool] | None:
    """The screening's answers, or None once it was erased."""
    cipher = ciphers.get(screening.uid)
    if screening.answers is None or cipher is None:
        return None
    return dict(json.loads(cipher.decrypt("answers", screening.answers) or "{}"))


def route_of(origin: str, transit: Sequence[str], identified_in: str) -> str:
    """`origin>transit…>identification`; a last transit country equal to the country of
    identification is not repeated; with neither origin nor transit known, `unknown`."""
    if origin == UNKNOWN and not transit:
        return UNKNOWN
    stops = [origin, *transit]
    if stops[-1] != identified_in or len(stops) == 1:
        stops.append(identified_in)
    return ">".join(stops)


def person_dimensions(
    ciphers: Ciphers, screenings: Sequence[Any], nationality: str, identified_in: str
) -> dict[str, str]:
    """The screening-derived columns of one person's facts, from all their screenings (oldest
    first): the route and admin area as first recorded, the categories of every answer."""
    ordered = sorted(screenings, key=lambda screening: screening.screened_at)
    with_route = [s for s in ordered if s.country_of_origin or s.transit_countries]
    origin = (with_route[0].country_of_origin if with_route else None) or nationality
    transit = with_route[0].transit_countries.split() if with_route else []
    areas = [s.admin_area for s in ordered if s.admin_area]
    answer_sets = [a for a in (_answers(ciphers, s) for s in ordered) if a is not None]
    return {
        "admin_area": areas[0] if areas else UNKNOWN,
        "country_of_origin": origin,
        "transit_countries": ">".join(transit) if transit else (NONE if with_route else UNKNOWN),
        "route": route_of(origin, transit, identified_in),
        "means_of_control": categories(answer_sets, MEANS_OF_CONTROL) if answer_sets else UNKNOWN,
        "recruitment_type": categories(answer_sets, RECRUITMENT) if answer_sets else UNKNOWN,
    }
