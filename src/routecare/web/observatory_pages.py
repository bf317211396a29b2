"""The analyst's page: pick dimensions and filters, read the protected table and its charts,
download it. Aggregates only (AGGREGATES_READ); the same query as the API."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.observatory.charts import charts_of
from routecare.observatory.facts import Event
from routecare.observatory.queries import crosstab
from routecare.observatory.route_diagram import route_diagram
from routecare.observatory.schemas import EQUAL_FILTERS, CrossTabQuery, Dimension, Format
from routecare.web.forms import parse_form
from routecare.web.i18n import language_of
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
PAGE_FILTERS = (
    "event",
    "month_from",
    "month_to",
    "route",
    "via",
    "nationality",
    "reporting_country",
)
assert set(PAGE_FILTERS) - {"event", "month_from", "month_to", "via"} <= set(EQUAL_FILTERS)


@router.get("/observatory")
def explore(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    by = [value for value in request.query_params.getlist("by") if value][:4]
    chosen = {name: request.query_params.get(name, "").strip() for name in PAGE_FILTERS}
    table = charts = flows = None
    downloads: dict[str, str] = {}
    if by:
        query = parse_form(CrossTabQuery, {"by": by, **chosen})
        table = crosstab(deployment, principal, query, released_as="page")
        charts = charts_of(table)
        flows = route_diagram(table, right_to_left=language_of(request).direction == "rtl")
        asked = [("by", value) for value in by] + [(k, v) for k, v in chosen.items() if v]
        downloads = {
            file_format.value: "/api/v1/observatory/crosstab/download?"
            + urlencode([*asked, ("format", file_format.value)])
            for file_format in Format
        }
    return pages_of(request).render(
        request,
        "observatory/explore.html",
        {
            "dimensions": list(Dimension),
            "events": list(Event),
            "by": by + [""] * (4 - len(by)),
            "chosen": chosen,
            "table": table,
            "charts": charts,
            "flows": flows,
            "downloads": downloads,
        },
    )
