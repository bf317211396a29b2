"""/api/v1: possible matches of a case (and the case worker's decision), and the match notices
coordinators review. Names never appear: references, bands and evidence levels only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from routecare.api.cases import Reference
from routecare.api.responses import PROTECTED, RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.linkage import actions, queries
from routecare.linkage.schemas import (
    DecisionIn,
    DecisionOut,
    MatchNoticeOut,
    NoticeReviewIn,
    PossibleMatches,
)
from routecare.storage.base import MAX_ID

router = APIRouter(tags=["linkage"])
MatchId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
NoticeId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/cases/{reference}/possible-matches", responses=RECORD)
def possible_matches(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference
) -> PossibleMatches:
    """Earlier registrations in your country that may be this child (same engine as
    cross-border linkage), best first, with the evidence per field. A match with another
    organisation's record not shared with yours is not shown: it is sent to the national
    coordinator for review, and only the number sent is given."""
    return queries.possible_matches(deployment, principal, reference)


@router.post(
    "/cases/{reference}/possible-matches/{match_id}/decision", status_code=201, responses=RECORD
)
def decide(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    match_id: MatchId,
    decision: DecisionIn,
) -> DecisionOut:
    """Confirm (`same_child: true`) or reject a possible match. Rejected pairs are never
    suggested again; a confirmed match with another organisation creates match notices for
    the coordinators instead of revealing anything."""
    return actions.decide(deployment, principal, reference, match_id, decision)


@router.get("/linkage/notices", responses=PROTECTED)
def notices(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reviewed: Annotated[bool, Query(description="Include notices already reviewed")] = False,
) -> list[MatchNoticeOut]:
    """Coordinators: match notices of your country (cases that may be a child registered by
    another organisation or a partner deployment), newest first."""
    return queries.list_notices(deployment, principal, reviewed=reviewed)


@router.post("/linkage/notices/{notice_id}/review", responses=RECORD)
def review(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    notice_id: NoticeId,
    review: NoticeReviewIn | None = None,
) -> MatchNoticeOut:
    """Mark a match notice reviewed, with your verdict (`same_child`) if you give one."""
    return actions.review_notice(deployment, principal, notice_id, review)
