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
