"""What one fact row says, and how the operational database becomes fact rows.

One row per child (or person screened) and event. Every column is a coarse code: month, not
date; age band, not age or date of birth; no name, no free text, no reference and no record id,
so a row leads back to no case. Rows are built per bucket of subjects (child id modulo
`BUCKETS`), so a refresh rebuilds only the buckets whose subjects changed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.cases.models import AgeAssessment, Case
from routecare.cases.vocabulary import CaseStatus
from routecare.children.models import Child
from routecare.crypto import Keyring
from routecare.observatory.age_bands import HUMANITARIAN, UNKNOWN
from routecare.observatory.screening_facts import SCREENING, ciphers_for, person_dimensions
from routecare.placement.models import BedReservation
from routecare.referrals.models import Referral
from routecare.screening.models import Screening
from routecare.services.models import Service

BUCKETS = 32


class Event(StrEnum):
    SCREENED = "screened"
    IDENTIFIED = "identified"
    REFERRED = "referred"
    PLACED = "placed"
    CASE_CLOSED = "case_closed"


# Column name -> HXL hashtag of the column in downloads. The order is the Parquet schema's.
COLUMNS: dict[str, str] = {
    "event": "#indicator+event",
    "month": "#meta+month",
    "reporting_country": "#country+code+reporting",
    "admin_area": "#adm1+code",
    "nationality": "#country+code+nationality",
    "sex": "#meta+sex",
    "age_band": "#meta+age_band",
    "trafficking_status": "#status+trafficking",
    "exploitation_forms": "#indicator+exploitation",
    "means_of_control": "#indicator+means_of_control",
    "recruitment_type": "#indicator+recruitment_type",
    "country_of_origin": "#country+code+origin",
    "country_of_identification": "#country+code+identification",
    "transit_countries": "#country+code+transit",
    "route": "#loc+route",
    "unaccompanied": "#meta+unaccompanied",
    "service": "#service+kind",
    "days_to_first_service": "#indicator+days_to_first_service",
}
Fact = dict[str, str]

# The fact store keeps no exact age: children in the humanitarian bands (age_bands.py).
age_band = HUMANITARIAN.band


def days_band(days: float | None) -> str:
    """Time from identification to the first service started, banded (exact delays of a few
    children would single them out)."""
    if days is None:
        return "none"
    if days <= 7:
        return "0-7"
    if days <= 30:
        return "8-30"
    return "31+"


def month(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def _yes_no(value: bool | None) -> str:
    return UNKNOWN if value is None else ("yes" if value else "no")


def _forms(codes: str | None) -> str:
    """A child's forms of exploitation as one code: the HTCDS values sorted, joined by '+'."""
    values = sorted(set((codes or "").split()))
    return "+".join(values) if values else "none"


# Only the columns facts are made of: loading whole records (ciphertexts included) would
# cost the refresh most of its time.
CHILD = (Child.id, Child.owner_organisation_id, Child.nationality, Child.sex, Child.age)
CASE = (
    Case.id,
    Case.child_id,
    Case.reference,
    Case.opened_at,
    Case.status,
    Case.victim_status,
    Case.exploitation_forms,
    Case.closure_approved_at,
    Case.updated_at,
)


def child_facts(session: Session, bucket: int, keyring: Keyring) -> list[Fact]:
    """Every fact of the children of one bucket that are not erased (`keyring` reads their
    screenings' answers: `screening_facts`)."""
    children = session.execute(
        select(*CHILD, Child.unaccompanied).where(
            Child.id % BUCKETS == bucket, Child.erased_at.is_(None)
        )
    ).all()
    if not children:
        return []
    ids = [child.id for child in children]
    countries = dict(session.execute(select(Organisation.id, Organisation.country)).all())
    cases = {c.child_id: c for c in session.execute(select(*CASE).where(Case.child_id.in_(ids)))}
    screenings: dict[int, list[Any]] = defaultdict(list)
    screening_rows = session.execute(select(*SCREENING).where(Screening.child_id.in_(ids))).all()
    for screening in screening_rows:
        screenings[screening.child_id].append(screening)
    ciphers = ciphers_for(keyring, screening_rows)
    case_child = {case.id: case.child_id for case in cases.values()}
    referrals: dict[int, list[Any]] = defaultdict(list)
    for referral in session.execute(
        select(
            Referral.case_id, Referral.sent_at, Referral.started_at, Referral.country, Service.kind
        )
        .join(Service, Service.id == Referral.service_id)
        .where(Referral.case_id.in_(case_child))
    ):
        referrals[case_child[referral.case_id]].append(referral)
    case_by_reference = {case.reference: case.child_id for case in cases.values()}
    placements: dict[int, list[Any]] = defaultdict(list)
    for reservation in session.execute(
        select(
            BedReservation.case_reference,
            BedReservation.created_at,
            BedReservation.ended_at,
            Service.kind,
        )
        .join(Service, Service.id == BedReservation.service_id)
        .where(
            BedReservation.case_reference.in_(case_by_reference),
            BedReservation.status == "arrived",
        )
    ):
        placements[case_by_reference[reservation.case_reference]].append(reservation)
    facts: list[Fact] = []
    for child in children:
        case = cases.get(child.id)
        identified_in = countries[child.owner_organisation_id]
        base = {
            "nationality": child.nationality or UNKNOWN,
            "sex": child.sex or UNKNOWN,
            "age_band": age_band(child.age),
            "trafficking_status": (case.victim_status if case else None) or UNKNOWN,
            "exploitation_forms": _forms(case.exploitation_forms if case else None),
            "country_of_identification": identified_in,
            "unaccompanied": _yes_no(child.unaccompanied),
            "service": "none",
            "days_to_first_service": "none",
        } | person_dimensions(
            ciphers, screenings.get(child.id, []), child.nationality or UNKNOWN, identified_in
        )
        for screening in screenings.get(child.id, []):
            facts.append(_screened(base, screening, countries))
        child_referrals = referrals.get(child.id, [])
        if case is not None:
            started = [r.started_at for r in child_referrals if r.started_at is not None]
            first = min(started, default=None)
            delay = (first - case.opened_at).total_seconds() / 86400 if first else None
            facts.append(
                base
                | {
                    "event": Event.IDENTIFIED.value,
                    "month": month(case.opened_at),
                    "reporting_country": identified_in,
                    "days_to_first_service": days_band(delay),
                }
            )
            if case.status in (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED):
                closed_at = case.closure_approved_at or case.updated_at
                facts.append(
                    base
                    | {
                        "event": Event.CASE_CLOSED.value,
                        "month": month(closed_at),
                        "reporting_country": identified_in,
                    }
                )
        for referral in child_referrals:
            facts.append(
                base
                | {
                    "event": Event.REFERRED.value,
                    "month": month(referral.sent_at),
                    "reporting_country": referral.country,
                    "service": referral.kind,
                }
            )
        for reservation in placements.get(child.id, []):
            facts.append(
                base
                | {
                    "event": Event.PLACED.value,
                    "month": month(reservation.ended_at or reservation.created_at),
                    "reporting_country": identified_in,
                    "service": reservation.kind,
                }
            )
    return facts


def unlinked_screening_facts(session: Session, bucket: int, keyring: Keyring) -> list[Fact]:
    """Screenings of people no child record was opened for (adults, or no case): counted as
    screened, with what the screening itself holds."""
    countries = dict(session.execute(select(Organisation.id, Organisation.country)).all())
    rows = session.execute(
        select(*SCREENING).where(Screening.id % BUCKETS == bucket, Screening.child_id.is_(None))
    ).all()
    ciphers = ciphers_for(keyring, rows)
    base = {
        "nationality": UNKNOWN,
        "sex": UNKNOWN,
        "trafficking_status": UNKNOWN,
        "unaccompanied": UNKNOWN,
        "service": "none",
        "days_to_first_service": "none",
    }
    facts = []
    for screening in rows:
        country = countries.get(screening.organisation_id or 0, UNKNOWN)
        person = person_dimensions(ciphers, [screening], UNKNOWN, country)
        facts.append(_screened(base | person, screening, countries))
    return facts


def _screened(base: Fact, screening: Any, countries: dict[int, str]) -> Fact:
    country = countries.get(screening.organisation_id or 0, UNKNOWN)
    return (
        base
        | {"country_of_identification": base.get("country_of_identification", country)}
        | {
            "event": Event.SCREENED.value,
            "month": month(screening.screened_at),
            "reporting_country": country,
            "age_band": age_band(screening.age),
            "exploitation_forms": _forms(screening.forms),
            "admin_area": screening.admin_area or base.get("admin_area", UNKNOWN),
        }
    )


def changed_buckets(session: Session, since: datetime) -> tuple[set[int], set[int]]:
    """Buckets of children and of unlinked screenings with anything created, changed or erased
    after `since`."""
    child_ids: set[int] = set()
    child_ids.update(
        session.scalars(
            select(Child.id).where(or_(Child.created_at > since, Child.erased_at > since))
        )
    )
    child_ids.update(session.scalars(select(Case.child_id).where(Case.updated_at > since)))
    # An age assessment changes the child's age without touching the case.
    child_ids.update(
        session.scalars(
            select(Case.child_id)
            .join(AgeAssessment, AgeAssessment.case_id == Case.id)
            .where(AgeAssessment.assessed_at > since)
        )
    )
    child_ids.update(
        session.scalars(
            select(Case.child_id)
            .join(Referral, Referral.case_id == Case.id)
            .where(
                or_(
                    Referral.sent_at > since,
                    Referral.accepted_at > since,
                    Referral.started_at > since,
                    Referral.ended_at > since,
                )
            )
        )
    )
    child_ids.update(
        session.scalars(
            select(Case.child_id)
            .join(BedReservation, BedReservation.case_reference == Case.reference)
            .where(or_(BedReservation.created_at > since, BedReservation.ended_at > since))
        )
    )
    screenings = session.execute(
        select(Screening.id, Screening.child_id).where(
            or_(Screening.screened_at > since, Screening.decided_at > since)
        )
    ).all()
    child_ids.update(child for _, child in screenings if child is not None)
    # A screening linked to a child since leaves the unlinked bucket it sat in.
    unlinked = {screening % BUCKETS for screening, _ in screenings}
    return {child % BUCKETS for child in child_ids}, unlinked
