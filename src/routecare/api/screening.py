"""/api/v1/screening: the indicator catalogue, pure scoring, and stored screenings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from routecare.api.responses import PROTECTED, RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.errors import InvalidInput
from routecare.screening import actions, queries
from routecare.screening.catalogue import DEFAULT_CATALOGUE, CatalogueError
from routecare.screening.engine import UnknownIndicators
from routecare.screening.engines import engine_for
from routecare.screening.listing import catalogue_listing
from routecare.screening.schemas import NoCaseIn, ScoreIn, ScreeningIn, ScreeningOut

router = APIRouter(tags=["screening"])
Reference = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[A-Z0-9-]+$")]


def _checked(deployment: DeploymentDep, body: ScoreIn) -> None:
    try:
        engine_for(deployment.settings.data_dir, body.catalogue).check(body.answers)
    except (UnknownIndicators, CatalogueError) as error:
        raise InvalidInput(str(error)) from error


@router.get("/screening/indicators", responses=PROTECTED)
def indicators(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    catalogue: Annotated[str, Query(max_length=60)] = DEFAULT_CATALOGUE,
) -> dict[str, Any]:
    """The catalogue's indicators with their element, strength, dimension, forms and texts."""
    try:
        return catalogue_listing(engine_for(deployment.settings.data_dir, catalogue).catalogue)
    except CatalogueError as error:
        raise InvalidInput(str(error)) from error


@router.post("/screening/score", responses=PROTECTED)
def score(deployment: DeploymentDep, principal: CurrentPrincipal, body: ScoreIn) -> dict[str, Any]:
    """Score answers without storing anything: the same engine as the CLI and the form."""
    _checked(deployment, body)
    engine = engine_for(deployment.settings.data_dir, body.catalogue)
    return engine.score(body.answers, body.age, body.age_basis, body.language).as_dict()


@router.post("/screenings", status_code=201, responses=PROTECTED)
def record(
    deployment: DeploymentDep, principal: CurrentPrincipal, body: ScreeningIn
) -> ScreeningOut:
    """Score and store a screening for the caller's organisation."""
    _checked(deployment, body)
    return actions.record_screening(deployment, principal, body, source="api")


@router.get("/screenings/{reference}", responses=RECORD)
def read(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference
) -> ScreeningOut:
    """A stored screening, explained with the catalogue version it was scored against."""
    return queries.read_screening(deployment, principal, reference)


@router.post(
    "/screenings/{reference}/no-case",
    status_code=204,
    responses={**RECORD, 409: {"description": "A case was already opened after this screening"}},
)
def no_case(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference, body: NoCaseIn
) -> None:
    """Record why no case is opened after this screening."""
    actions.record_no_case(deployment, principal, reference, body.reason)
