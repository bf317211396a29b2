"""Possible matches, decisions and match notices as the API shows them: references, bands
and evidence levels, never a name."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Band = Literal["probable", "possible"]


class PossibleMatch(BaseModel):
    """An earlier registration that may be the same child. Another organisation's record
    shows only that organisation, the band and the evidence."""

    id: str = Field(description="Opaque id of the other registration; decide on it")
    organisation: str
    band: Band
    evidence: dict[str, str] = Field(
        description="Per field: agrees, similar, partly agrees, within two years, "
        "neighbouring, disagrees or missing"
    )
    case_reference: str | None = Field(None, description="Only when you may see that record")
    score: float | None = Field(None, description="Only when you may see that record")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    same_child: bool = Field(description="true: the same child; false: not (never suggested again)")


class DecisionOut(BaseModel):
    id: int
    same_child: bool
    decided_at: datetime
    notices: int = Field(description="Match notices created for the coordinators")


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
