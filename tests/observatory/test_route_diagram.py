"""The route flow diagram on the analyst's page: bands through every transit stop, drawn only
from the protected table the page publishes; country names in the reader's language; mirrored
right to left in Arabic; a title, a description and a table beside it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import pyarrow as pa
import pyarrow.parquet as pq
import pycountry
import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from routecare.observatory.route_diagram import HIDDEN_BAND, NODE_WIDTH, route_diagram
from routecare.observatory.schemas import CellOut, CrossTabOut, Dimension
from routecare.observatory.store import SCHEMA, facts_dir
from tests.conftest import World

# Route -> children identified on it. SMALL marks the one below k: hidden, and one more route
# hidden with it, or the total would give it away.
SMALL = "SEN>MLI>NER"
ROUTES = {
    "GIN>MLI>NER>LBY>ITA": 40,
    "CIV>BFA>NER>LBY": 25,
    "NGA>NER": 18,
    "GIN>MLI>DZA": 13,
}
PAGE = {"by": "route", "event": "identified"}


def write_facts(world: World, small: int) -> None:
    """Replace the store with the children of ROUTES and `small` children on SMALL."""
    facts = [
        {name: "unknown" for name in SCHEMA.names}
        | {"event": "identified", "route": route, "country_of_origin": route[:3]}
        for route, count in (ROUTES | {SMALL: small}).items()
        for _ in range(count)
    ]
    directory = facts_dir(world.deployment)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.parquet"):
        old.unlink()
    pq.write_table(pa.Table.from_pylist(facts, schema=SCHEMA), directory / "children-00.parquet")


def diagram_of(page: str) -> tuple[ElementTree.Element, str]:
    """The diagram's SVG, parsed, and the diagram with its table as they stand in the page."""
    svg = re.search(r'<svg class="chart" id="route-flows".*?</svg>', page, re.S)
    table = re.search(r'<table id="route-flows-table">.*?</table>', page, re.S)
    assert svg is not None and table is not None, "no route flow diagram on the page"
    return ElementTree.fromstring(svg.group(0)), svg.group(0) + table.group(0)


def country(code: str, language: str) -> str:
    alpha_2 = pycountry.countries.get(alpha_3=code).alpha_2
    return str(Locale.parse(language).territories[alpha_2])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the store is Parquet
def test_route_diagram_draws_the_protected_table_only(world: World) -> None:
    browser = world.browser("analyst")
    drawn = {}
    for small in (6, 9):  # two stores that differ only inside a hidden cell
        write_facts(world, small)
        page = browser.get("/observatory", params=PAGE)
        assert page.status_code == 200, page.text
        svg, drawn[small] = diagram_of(page.text)
        # The hidden value is nowhere a reader can see or hear it: text, titles, table.
        words = re.findall(r"\d+", " ".join(re.sub(r"<[^>]+>", " ", page.text).split()))
        assert str(small) not in words, f"{small} readable on the page"
        published = {
            tuple(cell["key"]): cell["count"]
            for cell in browser.get("/api/v1/observatory/crosstab", params=PAGE).json()["cells"]
        }
        assert published[(SMALL,)] is None
        bands = {path.findtext("title", "").split(":")[0]: path for path in svg.iter("path")}
        assert set(bands) == {
            " → ".join(country(stop, "en") for stop in route.split(">"))
            for route in ROUTES | {SMALL: small}
        }
        for route in ROUTES | {SMALL: small}:
            path = bands[" → ".join(country(stop, "en") for stop in route.split(">"))]
            count = published[(route,)]
            if count is None:  # hidden: a hairline, the same for every count
                assert path.get("class") == "hidden-route" and path.get("stroke-width") == "1"
                assert path.findtext("title", "").endswith(": hidden")
            else:  # the published figure, and a width that grows with it
                assert path.get("class") == "route"
                assert path.findtext("title", "").endswith(f": {count}")
        widths = sorted(
            (published[(route,)], float(bands[name].get("stroke-width", "0")))
            for route in ROUTES
            if published[(route,)] is not None
            for name in [" → ".join(country(stop, "en") for stop in route.split(">"))]
        )
        assert [width for _, width in widths] == sorted(width for _, width in widths)
        assert sum(count is None for count in published.values()) >= 2  # a complement hidden
        # A band goes through each of its stops: GIN→MLI→NER→LBY→ITA crosses five columns.
        headings = [text.text for text in svg.iter("text") if text.get("y") == "12"]
        assert headings == ["Origin", "Transit 1", "Transit 2", "Transit 3", "Identification"]
        assert svg.findtext("title") and svg.findtext("desc")
    # What the diagram draws does not depend on the hidden value at all.
    assert drawn[6] == drawn[9]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_route_diagram_speaks_the_readers_language_and_direction(world: World) -> None:
    write_facts(world, 6)
    browser = world.browser("analyst")
    for language in ("fr", "ar"):
        page = browser.get("/observatory", params=PAGE, headers={"accept-language": language})
        svg, _ = diagram_of(page.text)
        names = {text.text for text in svg.iter("text")}
        assert {country(code, language) for code in ("GIN", "MLI", "NER", "LBY", "ITA")} <= names
        assert country("GIN", "en") not in names
        nodes = {text.text: float(text.get("x", "0")) for text in svg.iter("text")}
        origin, identification = nodes[country("GIN", language)], nodes[country("ITA", language)]
        if language == "ar":  # the flow reads right to left
            assert svg.get("direction") == "rtl" and origin > identification
        else:
            assert svg.get("direction") == "ltr" and origin < identification
        assert svg.get("aria-labelledby") == "route-flows-title route-flows-desc"


COUNTRIES = sorted(country.alpha_3 for country in pycountry.countries)
routes = st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=10, unique=True)


@settings(max_examples=60, deadline=None)
@given(
    drawn=st.dictionaries(
        routes.map(">".join), st.one_of(st.none(), st.integers(11, 5000)), min_size=1, max_size=8
    )
)
def test_every_route_is_drawn_through_its_stops_inside_the_chart(
    drawn: dict[str, int | None],
) -> None:
    """Any protected route margin: one band per route with a curve per leg, everything inside
    the view box, hidden routes all alike, and the Arabic diagram the mirror of the English."""
    cells = [
        CellOut(key=[route], count=count, suppressed=count is None)
        for route, count in drawn.items()
    ]
    table = CrossTabOut(
        dimensions=[Dimension.ROUTE], filters={}, k=11, refreshed_at=None, cells=cells
    )
    left, right = route_diagram(table), route_diagram(table, right_to_left=True)
    assert left is not None and right is not None
    longest = max(route.count(">") + 1 for route in drawn)
    assert (left.width == 360) == (longest <= 5)  # a phone's width up to three transit legs
    assert [band.stops for band in left.bands] == [band.stops for band in right.bands]
    for band in left.bands:
        assert band.path.count("C") == len(band.stops) - 1
        if band.count is None:
            assert band.width == HIDDEN_BAND
        points = re.findall(r"(-?[\d.]+),(-?[\d.]+)", band.path)
        across = re.findall(r"H(-?[\d.]+)", band.path)
        assert all(0 <= float(x) <= left.width for x, _ in points)
        assert all(0 <= float(x) <= left.width for x in across)
        assert all(0 <= float(y) <= left.height for _, y in points)
    mirrored = {(node.column, node.country): node for node in right.nodes}
    for node in left.nodes:
        other = mirrored[node.column, node.country]
        assert other.y == node.y
        assert abs(other.x - (left.width - node.x - NODE_WIDTH)) < 0.2
