"""An analyst builds nationality × age band for one route on a phone, reads the chart and
downloads the table as CSV with HXL tags: in Chromium."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import Page, expect

from routecare.cases.actions import create_case
from routecare.cases.schemas import CaseIn
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


# One backend: the page reads the Parquet fact store, whatever the operational database.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_analyst_builds_a_table_sees_the_chart_and_downloads_hxl(
    world: World, live_server: str, page: Page
) -> None:
    worker = world.principal("case_worker")  # an organisation in NER
    for nationality, age, count in (("GIN", 15, 12), ("GIN", 9, 2), ("GIN", 3, 1), ("MLI", 16, 13)):
        for _ in range(count):
            child = CaseIn(given_name="Awa", sex="female", age=age, nationality=nationality)
            create_case(world.deployment, worker, child, None)
    assert run_cli(world.deployment, "observatory", "refresh").exit_code == 0

    log_in(page, live_server, "analyst", world.password)
    page.click("#observatory")
    page.select_option("#by-1", "nationality")
    page.select_option("#by-2", "age_band")
    page.select_option("#event", "identified")
    page.fill("#route", "GIN>NER")
    page.click("#show-table")
    expect(page.locator("#bar-chart")).to_be_visible()
    table = page.locator("#crosstab")
    expect(table).to_contain_text("12-17")
    expect(table).not_to_contain_text("MLI")  # another route
    screenshot(page, "observatory-analyst-table")

    with page.expect_download() as download:
        page.click("#download-csv")
    with open(download.value.path(), newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["nationality", "age_band", "count", "suppressed"]
    assert rows[1][:2] == ["#country+code+nationality", "#meta+age_band"]
    counts = {(row[0], row[1]): row[2] for row in rows[2:]}
    # The total is published, so the 12 is hidden with the 2 and the 1: shown, it would pin
    # the two small bands' sum at 3.
    assert counts[("GIN", "All")] == "15"
    assert counts[("GIN", "12-17")] == counts[("GIN", "5-11")] == counts[("GIN", "0-4")] == ""

    # The same children by route: the flow diagram, read right to left in Arabic.
    page.select_option("#by-1", "route")
    page.select_option("#by-2", "")
    page.fill("#route", "")
    page.click("#show-table")
    flows = page.locator("#route-flows")
    expect(flows).to_be_visible()
    expect(flows.locator("path.route")).to_have_count(2)  # GIN→NER 15, MLI→NER 13
    expect(page.locator("#route-flows-table")).to_contain_text("15")
    screenshot(page, "observatory-route-flows")
    page.context.add_cookies([{"name": "routecare_lang", "value": "ar", "url": live_server}])
    page.reload()
    origin = flows.locator("rect").first.bounding_box()
    name = flows.locator("text", has_text="غينيا").bounding_box()
    assert origin is not None and name is not None
    # Origin on the right, its name before it in reading order (to its left).
    assert name["x"] + name["width"] <= origin["x"] + 1
    assert origin["x"] > flows.bounding_box()["x"] + flows.bounding_box()["width"] / 2  # type: ignore[index]
    screenshot(page, "observatory-route-flows-ar")
