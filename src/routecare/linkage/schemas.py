"""Possible matches, decisions and match notices as the API shows them: references, bands
and evidence levels, never a name."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Band = Literal["probable", "possible"]


class PossibleMatch(BaseModel):
    """An earlier registration that may be the same child, one the reader may see (their
    organisation's, or shared with it)."""

    id: str = Field(description="Opaque id of the other registration; decide on it")
    organisation: str
    band: Band
    evidence: dict[str, str] = Field(
        description="Per field: agrees, similar, partly agrees, within two years, "
        "neighbouring, disagrees or missing"
    )
    case_reference: str
    score: float


class PossibleMatches(BaseModel):
    """What a case worker is told: the matches they may see, and how many others were sent to
    the national coordinator for review (records of another organisation not shared with
    theirs: neither that organisation, nor the record, nor the evidence is shown)."""

    matches: list[PossibleMatch]
    sent_for_review: int = Field(
        description="Possible matches with records you may not see, sent to the coordinator"
    )


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    same_child: bool = Field(description="true: the same child; false: not (never suggested again)")


class DecisionOut(BaseModel):
    id: int
    same_child: bool
    decided_at: datetime
    notices: int = Field(description="Match notices created for the coordinators")
    continuing_case: str | None = Field(
        None,
        description="Same child within your organisation: the case that continues (the other"
        " is closed as a duplicate)",
    )


class MatchNoticeOut(BaseModel):
    """Your case may be a child a partner (another organisation or deployment) registered."""

    id: int
    case_reference: str
    organisation: str = Field(description="The organisation owning the case")
    partner: str
    partner_record_id: str
    score: float
    band: Band
    created_at: datetime
    reviewed_at: datetime | None
    same_child: bool | None = Field(None, description="The coordinator's verdict, once given")


class NoticeReviewIn(BaseModel):
    """A coordinator's review of a match notice: the verdict, or none (only marked reviewed)."""

    model_config = ConfigDict(extra="forbid")

    same_child: bool | None = Field(
        None, description="true: the same child; false: not (the pair is never suggested again)"
    )
