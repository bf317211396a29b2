"""Which fields of a case a consent lets leave for one partner and purpose: an active
cross-border consent for that purpose (not withdrawn, not expired) and the package fields
recorded with it, for that partner or for any partner allowed the purpose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from routecare.cases.models import Case, CaseConsent
from routecare.cases.vocabulary import ConsentScope
from routecare.exchange.models import ExchangeConsentFields, ExchangePartner
from routecare.exchange.package_schema import PURPOSE_FIELDS
from routecare.exchange.vocabulary import Purpose


def active_consents(
    session: Session, case: Case, purpose: Purpose, now: datetime
) -> list[CaseConsent]:
    """The case's cross-border consents for `purpose` in force now, newest first."""
    return list(
        session.scalars(
            select(CaseConsent)
            .where(CaseConsent.case_id == case.id, *_in_force(purpose, now))
            .order_by(CaseConsent.given_at.desc(), CaseConsent.id.desc())
        )
    )


def consenting_children(session: Session, purpose: Purpose, now: datetime) -> set[int]:
    """The children whose case has a cross-border consent for `purpose` in force now."""
    return set(
        session.scalars(
            select(Case.child_id)
            .join(CaseConsent, CaseConsent.case_id == Case.id)
            .where(*_in_force(purpose, now))
        )
    )


def consented_fields(
    session: Session, consent: CaseConsent, partner: ExchangePartner, purpose: Purpose
) -> list[str]:
    """The purpose's fields this consent covers for this partner, in schema order."""
    rows = session.scalars(
        select(ExchangeConsentFields.fields).where(
            ExchangeConsentFields.consent_id == consent.id,
            or_(
                ExchangeConsentFields.partner_id.is_(None),
                ExchangeConsentFields.partner_id == partner.id,
            ),
        )
    )
    covered = {name for fields in rows for name in fields.split()}
    return [name for name in PURPOSE_FIELDS[purpose] if name in covered]


def _in_force(purpose: Purpose, now: datetime) -> list[ColumnElement[bool]]:
    """A cross-border consent for `purpose`, given, not withdrawn and not expired at `now`."""
    return [
        CaseConsent.scope == ConsentScope.CROSS_BORDER.value,
        CaseConsent.purpose == purpose.value,
        CaseConsent.withdrawn_at.is_(None),
        CaseConsent.given_at <= now,
        or_(CaseConsent.expires_at.is_(None), CaseConsent.expires_at > now),
    ]
