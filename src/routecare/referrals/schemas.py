"""Referrals as the API accepts and shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from routecare.auth.policy import IDENTITY_FIELDS, PROFILE_FIELDS
from routecare.children.schemas import ChildOut
from routecare.placement.schemas import CaseReference
from routecare.referrals.workflow import DeclineReason, ReferralReason, State
from routecare.services.schemas import ServiceKind
from routecare.storage.base import MAX_ID

# The most a referral may carry: who the child is and the profile a service needs. Narrative,
# contact and other fields stay with the case (BRIEF §6, minimal referral package).
REFERABLE_FIELDS = (IDENTITY_FIELDS - {"narrative", "contact"}) | PROFILE_FIELDS
DEFAULT_FIELDS = ["given_name", "family_name", "sex", "age", "nationality", "unaccompanied"]


def _referable(fields: list[str]) -> list[str]:
    extra = sorted(set(fields) - REFERABLE_FIELDS)
    if extra:
        raise ValueError(f"a referral cannot carry: {', '.join(extra)}")
    return sorted(set(fields))


Purpose = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,59}$")]


class ReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: CaseReference
    service_id: int = Field(ge=1, le=MAX_ID)
    purpose: Purpose = Field(
        description="Must match a consent on the case, e.g. continuity_of_care"
    )
    reason: ReferralReason = ReferralReason.ADDITIONAL_SERVICES_REQUIRED
    urgent: bool = False
    respond_within_hours: int | None = Field(
        None, ge=1, le=24 * 30, description="Default 24 hours when urgent, else 72."
    )
    fields: Annotated[list[str], Field(min_length=1), AfterValidator(_referable)] = Field(
        default_factory=lambda: list(DEFAULT_FIELDS)
    )


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: DeclineReason


class ReferralOut(BaseModel):
    """`case` and `child` are set only while the reader may see them: always for the sender,
    for the receiving organisation only until the referral ends."""

    id: int
    state: State
    service_id: int
    service_name: str
    service_kind: ServiceKind
    sending_organisation_id: int
    receiving_organisation_id: int
    purpose: str
    reason: ReferralReason
    urgent: bool
    respond_by: datetime
    overdue: bool
    decline_reason: DeclineReason | None
    sent_at: datetime
    accepted_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    fields: list[str]
    case: str | None = None
    child: ChildOut | None = None


class StateCount(BaseModel):
    state: State
    count: int | None = Field(description="None: from 1 to k-1, suppressed")


class ReferralFlows(BaseModel):
    """Where referrals in a country stand and where they stall (no child data). Counts pass
    through disclosure control: a count from 1 to k-1, and any count that would let a reader
    recompute it from the total, is None; figures about fewer than k referrals are None."""

    country: str
    k: int
    total: int | None
    by_state: list[StateCount]
    by_service_kind: dict[str, int | None]
    median_hours_to_accept: float | None
    overdue_responses: int | None
    oldest_overdue_hours: float | None
