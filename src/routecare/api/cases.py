"""/api/v1/cases: the case contract partners script (create with an idempotency key, read
with an ETag, edit with If-Match), stages and approvals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from routecare.api.responses import ERROR_SCHEMA, PROTECTED, RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.cases import actions, queries
from routecare.cases.schemas import (
    ApprovalIn,
    CaseFields,
    CaseFilter,
    CaseIn,
    CaseOut,
    CasePatch,
    CaseSearch,
    CaseSummary,
    StageChange,
)
from routecare.errors import InvalidInput, PreconditionFailed

router = APIRouter(tags=["cases"])
Reference = Annotated[str, Path(min_length=3, max_length=20, pattern=r"^[A-Z0-9-]+$")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Any unique string; a retry with the same key returns the first result.",
    ),
]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", max_length=40, description="The ETag you read.")
]
NAME_IN_URL = (
    "a name in the URL: search by name with POST /api/v1/cases/search (names stay out of URLs)"
)
ETAG_HEADER = {"ETag": {"description": "The case's version; send it back as If-Match"}}
CHANGED = {
    **RECORD,
    412: {
        "description": "The case changed since you read it: re-read and merge",
        "content": ERROR_SCHEMA,
    },
    422: {
        "description": "Invalid, or a stage's required fields are missing",
        "content": ERROR_SCHEMA,
    },
}
EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **CHANGED,
    200: {"headers": ETAG_HEADER},
    428: {"description": "If-Match is required", "content": ERROR_SCHEMA},
}


def etag(case: CaseOut) -> str:
    return f'"{case.version}"'


def version_from(if_match: str | None) -> int | None:
    """The version an If-Match names (None when absent); a malformed one is 412."""
    if if_match is None:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed("If-Match does not name a version of this case")
    return int(value)


def _with_etag(response: Response, case: CaseOut) -> CaseOut:
    response.headers["ETag"] = etag(case)
    return case


def names_stay_out_of_urls(request: Request) -> None:
    """A name in a URL would reach proxies' and servers' access logs: GET /cases has no name
    parameter, and one sent anyway is refused with the way to search by name instead."""
    if "name" in request.query_params:
        raise InvalidInput(NAME_IN_URL)


@router.get(
    "/cases",
    responses={**PROTECTED, 422: {"description": f"Invalid criteria, or {NAME_IN_URL}"}},
    dependencies=[Depends(names_stay_out_of_urls)],
)
def list_cases(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    criteria: Annotated[CaseFilter, Query()],
) -> list[CaseSummary]:
    """Your organisation's cases and those shared with it, filtered by age, nationality,
    stage. To search by name use POST /cases/search: a name never goes in a URL."""
    return queries.search_cases(deployment, principal, CaseSearch(**criteria.model_dump()))


@router.post("/cases/search", responses=PROTECTED)
def search_cases(
    deployment: DeploymentDep, principal: CurrentPrincipal, criteria: CaseSearch
) -> list[CaseSummary]:
    """Search by name (keyed blind index: any spelling or script, exact or phonetic), age,
    nationality, stage."""
    return queries.search_cases(deployment, principal, criteria)


@router.post("/cases", status_code=201, responses={**PROTECTED, 201: {"headers": ETAG_HEADER}})
def create_case(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    case: CaseIn,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CaseOut:
    """Register a child and open their case in one step. The same Idempotency-Key again
    returns the same case, never a second one."""
    return _with_etag(response, actions.create_case(deployment, principal, case, idempotency_key))


@router.post(
    "/children/{reference}/case",
    status_code=201,
    responses={**RECORD, 201: {"headers": ETAG_HEADER}},
)
def open_case(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    fields: CaseFields,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CaseOut:
    """Open a case for a child your organisation registered (e.g. at screening)."""
    opened = actions.open_case(deployment, principal, reference, fields, idempotency_key)
    return _with_etag(response, opened)


@router.get("/cases/{reference}", responses={**RECORD, 200: {"headers": ETAG_HEADER}})
def read_case(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference, response: Response
) -> CaseOut:
    """The case, reduced to what you may see, with its ETag."""
    return _with_etag(response, queries.read_case(deployment, principal, reference))


@router.patch("/cases/{reference}", responses=EDIT_RESPONSES)
def update_case(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    patch: CasePatch,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Change the fields sent. If-Match is required: 428 without it, 412 when stale."""
    version = version_from(if_match)
    return _with_etag(
        response, actions.update_case(deployment, principal, reference, version, patch)
    )


@router.post("/cases/{reference}/stage", responses=CHANGED)
def change_stage(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    change: StageChange,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Move to the next SOP stage (422 names what is missing), or reopen a closed case
    (`{"to": "assessment"}`)."""
    version = version_from(if_match)
    moved = actions.change_stage(deployment, principal, reference, change, version)
    return _with_etag(response, moved)


@router.post("/cases/{reference}/approvals", responses=CHANGED)
def approve(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    approval: ApprovalIn,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Supervisors: approve the care plan (at care_plan) or the closure (at durable_solution)."""
    version = version_from(if_match)
    return _with_etag(
        response, actions.approve(deployment, principal, reference, approval, version)
    )
