"""The route and admin area a screening records, and the categories read from its answers:
codes from closed lists only, whatever is sent."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from routecare.admin_areas import admin_areas, country_of_area
from routecare.observatory.indicators import MEANS_OF_CONTROL, RECRUITMENT, categories
from routecare.screening.catalogue import DEFAULT_CATALOGUE
from routecare.screening.engines import engine_for
from routecare.screening.schemas import ScreeningIn

COUNTRIES = sorted(country.alpha_3 for country in pycountry.countries)
codes = st.sampled_from(COUNTRIES)


@settings(max_examples=60, deadline=None)
@given(route=st.lists(codes, min_size=1, max_size=9, unique=True))
def test_a_route_of_distinct_countries_is_kept_in_order(route: list[str]) -> None:
    origin, *transit = route
    screening = ScreeningIn(country_of_origin=origin, transit_countries=transit)
    assert screening.transit_countries == transit  # order is the route's


@settings(max_examples=60, deadline=None)
@given(
    route=st.lists(codes, min_size=1, max_size=8, unique=True),
    bad=st.text(min_size=1, max_size=4).filter(lambda text: text not in COUNTRIES),
    where=st.integers(min_value=0, max_value=8),
)
def test_a_country_not_in_the_list_is_refused(route: list[str], bad: str, where: int) -> None:
    transit = route[:where] + [bad] + route[where:]
    with pytest.raises(ValidationError, match="transit_countries"):
        ScreeningIn(transit_countries=transit[:8])


@settings(max_examples=40, deadline=None)
@given(route=st.lists(codes, min_size=2, max_size=6, unique=True), again=st.data())
def test_a_country_twice_on_the_route_is_refused(route: list[str], again: st.DataObject) -> None:
    repeated = again.draw(st.sampled_from(route))
    with pytest.raises(ValidationError, match="repeat"):
        ScreeningIn(country_of_origin=route[0], transit_countries=[*route[1:], repeated])


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=12))
def test_only_first_level_iso_codes_are_admin_areas(text: str) -> None:
    if country_of_area(text) is None:
        with pytest.raises(ValidationError, match="admin_area"):
            ScreeningIn(admin_area=text)
    else:
        assert ScreeningIn(admin_area=text).admin_area == text


def test_every_country_on_the_route_has_its_admin_areas() -> None:
    for country in ("NER", "LBY", "TUN", "ITA", "MLT", "GIN", "MLI"):
        areas = admin_areas(country)
        assert areas and all(country_of_area(code) == country for code in areas)


def test_mapped_indicators_exist_and_only_categories_come_out(tmp_path: Path) -> None:
    catalogue = engine_for(tmp_path, DEFAULT_CATALOGUE).catalogue
    assert set(MEANS_OF_CONTROL) | set(RECRUITMENT) <= set(catalogue.by_id)
    every_yes = {indicator: True for indicator in catalogue.by_id}
    means = categories([every_yes], MEANS_OF_CONTROL).split("+")
    assert means == sorted({value.value for value in MEANS_OF_CONTROL.values()})
    assert categories([{indicator: False for indicator in catalogue.by_id}], RECRUITMENT) == "none"
