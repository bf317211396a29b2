"""/api/v1/observatory: protected cross-tabulations of the fact store, for analysts.

Aggregates only: every table passes through disclosure control and is recorded as a release.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from routecare.api.responses import PROTECTED, Responses
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.observatory import downloads, queries, rates
from routecare.observatory.schemas import CrossTabOut, CrossTabQuery, DownloadQuery

router = APIRouter(prefix="/observatory", tags=["observatory"])
FILES: Responses = {
    200: {
        "description": "The protected table as a file",
        "content": {media_type: {} for media_type in downloads.MEDIA_TYPES.values()},
    }
}


@router.get("/crosstab", responses=PROTECTED)
def crosstab(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    query: Annotated[CrossTabQuery, Query()],
) -> CrossTabOut:
    """Counts of the fact store by 1 to 4 dimensions with filters, every cell and margin from
    1 to k-1 suppressed with the cells that would reveal it. Recorded as a release."""
    return queries.crosstab(deployment, principal, query, released_as="json")


@router.get("/crosstab/download", responses={**PROTECTED, **FILES})
def download_crosstab(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    query: Annotated[DownloadQuery, Query()],
) -> Response:
    """The same protected table as CSV (with an HXL hashtag row), JSON, XLSX or Parquet."""
    table = queries.crosstab(deployment, principal, query, released_as=query.format.value)
    return Response(
        downloads.render(table, query.format),
        media_type=downloads.MEDIA_TYPES[query.format],
        headers={
            "Content-Disposition": (
                f'attachment; filename="{downloads.filename(table, query.format)}"'
            )
        },
    )


@router.get("/identification-rates", responses=PROTECTED)
def identification_rates(
    deployment: DeploymentDep, principal: CurrentPrincipal
) -> list[rates.SegmentRate]:
    """Children identified per 1,000 children counted at flow-monitoring points, by route
    segment (nationality to country) and month; identified counts below k are hidden."""
    return rates.identification_rates(deployment, principal)
