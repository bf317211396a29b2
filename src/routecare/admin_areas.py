"""Admin areas (first-level subdivisions) as a code list: ISO 3166-2 codes from pycountry.

Where a child was identified is recorded as one of these codes, never as free text, so the
observatory can count by it and a typo cannot create a place (or hide a name). OCHA P-codes
(flow monitoring, services) are finer and kept apart: no offline P-code gazetteer ships with
the product, and ISO 3166-2 covers every country the route crosses.
"""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def _first_level() -> dict[str, tuple[str, str]]:
    """Every first-level subdivision: code -> (country alpha-3, name)."""
    alpha_3 = {country.alpha_2: country.alpha_3 for country in pycountry.countries}
    return {
        area.code: (alpha_3[area.country_code], area.name)
        for area in sorted(pycountry.subdivisions, key=lambda area: area.code)
        if area.parent_code is None and area.country_code in alpha_3
    }


def admin_areas(country: str) -> dict[str, str]:
    """Code -> name of every first-level subdivision of a country (ISO alpha-3), by code."""
    return {code: name for code, (of, name) in _first_level().items() if of == country}


def is_admin_area(code: str) -> bool:
    """Whether `code` is a first-level ISO 3166-2 subdivision of any country."""
    return code in _first_level()


def country_of_area(code: str) -> str | None:
    """The ISO alpha-3 code of the country an admin area belongs to."""
    found = _first_level().get(code)
    return found[0] if found else None
