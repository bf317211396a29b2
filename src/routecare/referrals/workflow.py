"""The referral state machine (Primero-like): who may move a referral where.

sent → accepted | declined; accepted → service_started; service_started → completed;
the sender may withdraw at any point before an end. Declined, completed and withdrawn end the
referral and revoke the receiving organisation's access to the child's data.
"""

from __future__ import annotations

from enum import StrEnum

from routecare.auth.policy import ReferralSide


class State(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SERVICE_STARTED = "service_started"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


Side = ReferralSide  # the policy decides which side a user's organisation is


class Step(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    START = "start"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"


ENDED = frozenset({State.DECLINED, State.COMPLETED, State.WITHDRAWN})
# Steps that carry the work on: refused once the consent the referral was sent under was
# withdrawn or expired. Declining, completing and withdrawing only end it, so stay possible.
NEEDS_LIVE_CONSENT = frozenset({Step.ACCEPT, Step.START})

# step -> (side that takes it, states it may be taken from, state it leads to)
STEPS: dict[Step, tuple[Side, frozenset[State], State]] = {
    Step.ACCEPT: (Side.RECEIVER, frozenset({State.SENT}), State.ACCEPTED),
    Step.DECLINE: (Side.RECEIVER, frozenset({State.SENT}), State.DECLINED),
    Step.START: (Side.RECEIVER, frozenset({State.ACCEPTED}), State.SERVICE_STARTED),
    Step.COMPLETE: (Side.RECEIVER, frozenset({State.SERVICE_STARTED}), State.COMPLETED),
    Step.WITHDRAW: (
        Side.SENDER,
        frozenset({State.SENT, State.ACCEPTED, State.SERVICE_STARTED}),
        State.WITHDRAWN,
    ),
}


class ReferralReason(StrEnum):
    """HTCDS referral reasons."""

    ADDITIONAL_SERVICES_REQUIRED = "AdditionalServicesRequired"
    MIGRATION_OR_CHANGE_OF_LOCATION = "MigrationOrChangeOfLocation"
    OTHER = "Other"


class DeclineReason(StrEnum):
    """Coded, never free text: a reason in prose tends to carry details about the child."""

    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible"
    SERVICE_UNAVAILABLE = "service_unavailable"
    SAFETY_CONCERN = "safety_concern"
    OTHER = "other"
