"""What must hold before a referral is sent (besides owning the case): a consent covering the
purpose and recipient, and a service whose eligibility admits the child; and, for it to go on,
that this consent still stands. Each refusal names its rule so the user knows what to fix."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from routecare.cases.models import Case, CaseConsent
from routecare.cases.vocabulary import ConsentScope, VictimStatus
from routecare.children.models import Child
from routecare.errors import InvalidInput
from routecare.services.eligibility import ChildProfile, eligibility_problem
from routecare.services.models import Service

VICTIM_STATUSES = frozenset({VictimStatus.POSSIBLE.value, VictimStatus.ACTUAL.value})


class ConsentMissing(InvalidInput):
    """No live consent covers a referral: pages name the consent and offer to record it."""

    def __init__(self, purpose: str) -> None:
        super().__init__(
            f"consent.missing: no live referral consent on the case covers the purpose "
            f"'{purpose}' and the receiving organisation"
        )
        self.purpose = purpose


def covering_consent(
    session: Session, case: Case, purpose: str, recipient_organisation_id: int, now: datetime
) -> CaseConsent:
    """A live referral consent for this purpose, naming this recipient or any recipient."""
    consent = session.execute(
        select(CaseConsent)
        .where(
            CaseConsent.case_id == case.id,
            CaseConsent.scope == ConsentScope.REFERRAL.value,
            CaseConsent.purpose == purpose,
            CaseConsent.withdrawn_at.is_(None),
            or_(CaseConsent.expires_at.is_(None), CaseConsent.expires_at > now),
            or_(
                CaseConsent.recipient_organisation_id.is_(None),
                CaseConsent.recipient_organisation_id == recipient_organisation_id,
            ),
        )
        .order_by(CaseConsent.given_at.desc())
    ).scalar()
    if consent is None:
        raise ConsentMissing(purpose)
    return consent


def check_consent_stands(session: Session, consent_id: int, now: datetime) -> None:
    """A referral goes on only while the consent it was sent under stands."""
    consent = session.get(CaseConsent, consent_id)
    assert consent is not None, "a referral always cites its consent"
    if consent.withdrawn_at is not None:
        raise InvalidInput(
            "consent.withdrawn: the consent this referral was sent under was withdrawn"
        )
    if consent.expires_at is not None and consent.expires_at <= now:
        raise InvalidInput("consent.expired: the consent this referral was sent under has expired")


def check_eligibility(service: Service, case: Case, child: Child) -> None:
    problem = eligibility_problem(
        service,
        ChildProfile(
            age=child.age,
            sex=child.sex,
            unaccompanied=child.unaccompanied,
            victim_of_trafficking=case.victim_status in VICTIM_STATUSES,
        ),
    )
    if problem is not None:
        raise InvalidInput(problem)
