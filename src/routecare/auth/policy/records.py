"""May this user touch this record?  One function per record kind, asked by every action,
query and page that loads a record by its id or reference.

Records of another organisation answer exactly like missing ones (404): the caller raises
`NotFound` when a function here says no, so nobody learns that a record exists elsewhere.
A child's record (and its case) is the owner organisation's; an organisation the record was
shared or referred to sees only the fields shared, for as long as the share lasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from routecare.auth.policy.routes import Permission, allows
from routecare.auth.principal import Principal
from routecare.auth.roles import Role

# Fields of a child's record. Identity fields are encrypted at rest; the rest are the minimum
# needed to route and count without identifying.
IDENTITY_FIELDS = frozenset(
    {"given_name", "family_name", "other_names", "birth_date", "contact", "narrative"}
)
PROFILE_FIELDS = frozenset({"sex", "age", "nationality", "unaccompanied"})
# A case's fields, shareable like the record's; notes, documents and consents stay with the owner.
CASE_FIELDS = frozenset(
    {"risk_level", "separated", "victim_status", "victim_decision_org", "exploitation_forms"}
    | {"family_tracing_status", "guardian_name", "guardian_appointed_at", "durable_solution"}
    | {"assessment_summary", "best_interests_assessment", "care_plan", "services_summary"}
    | {"follow_up_summary", "best_interests_determination", "closure_reason"}
)
ALL_CHILD_FIELDS = IDENTITY_FIELDS | PROFILE_FIELDS | CASE_FIELDS
# What a screener at first contact needs; the narrative is for case workers onwards.
SCREENER_FIELDS = ALL_CHILD_FIELDS - {"narrative"}


@dataclass(frozen=True)
class ShareGrant:
    """An active or ended grant of part of a child's record to another organisation."""

    organisation_id: int
    fields: frozenset[str]
    ends_at: datetime | None
    revoked_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.ends_at is None or self.ends_at > now)


class ReferralSide(StrEnum):
    """Which end of a referral the user's organisation is."""

    SENDER = "sender"
    RECEIVER = "receiver"


# Children and their cases (a case, its notes, tasks, consents and documents follow the child).


def child_fields_visible(
    principal: Principal,
    owner_organisation_id: int,
    grants: Iterable[ShareGrant],
    now: datetime,
) -> frozenset[str]:
    """The fields of one child's record (or case) this user may see; empty means hidden."""
    if not allows(principal, Permission.CHILD_READ):
        return frozenset()
    role_fields = SCREENER_FIELDS if principal.role is Role.SCREENER else ALL_CHILD_FIELDS
    if principal.organisation_id == owner_organisation_id:
        return role_fields
    shared: set[str] = set()
    for grant in grants:
        if grant.organisation_id == principal.organisation_id and grant.is_active(now):
            shared |= grant.fields
    return frozenset(shared) & role_fields


def may_manage_child(principal: Principal, owner_organisation_id: int) -> bool:
    """Writing a case (notes, tasks, consents, documents), sharing, erasing and reviewing
    possible matches are the owning organisation's decisions only."""
    return principal.organisation_id == owner_organisation_id


# Accounts.


def may_manage_user(principal: Principal, user_organisation_id: int) -> bool:
    """An administrator manages the accounts of their own organisation only."""
    return allows(principal, Permission.USER_MANAGE) and (
        principal.organisation_id == user_organisation_id
    )


def may_manage_organisation(principal: Principal, organisation_country: str) -> bool:
    """An administrator disables or re-enables the organisations of their own country (the
    deployment's registry of partners, which they also register); another country's answer 404."""
    return allows(principal, Permission.USER_MANAGE) and principal.country == organisation_country


# Screenings.


def may_read_child_trail(principal: Principal, owner_organisation_id: int) -> bool:
    """Who touched a child's record is for the owning organisation's data-protection officer,
    who answers for it (erased records included: the trail outlives the identity)."""
    return allows(principal, Permission.AUDIT_READ) and (
        principal.organisation_id == owner_organisation_id
    )


def may_see_screening(principal: Principal, organisation_id: int | None) -> bool:
    """A screening is its organisation's record: other organisations never see it."""
    return allows(principal, Permission.SCREENING_READ) and (
        organisation_id is not None and organisation_id == principal.organisation_id
    )


# Referrals.


def referral_side(
    principal: Principal, sending_organisation_id: int, receiving_organisation_id: int
) -> ReferralSide | None:
    """The user's end of a referral, or None: then the referral is hidden from them."""
    if principal.organisation_id == sending_organisation_id:
        return ReferralSide.SENDER
    if principal.organisation_id == receiving_organisation_id:
        return ReferralSide.RECEIVER
    return None


def may_see_referral(
    principal: Principal, sending_organisation_id: int, receiving_organisation_id: int
) -> bool:
    """Only the two organisations a referral joins see it."""
    return allows(principal, Permission.REFERRAL_READ) and (
        referral_side(principal, sending_organisation_id, receiving_organisation_id) is not None
    )


def may_move_referral(
    principal: Principal,
    sending_organisation_id: int,
    receiving_organisation_id: int,
    side: ReferralSide,
) -> bool:
    """The receiver answers a referral, the sender withdraws it; nobody else touches it."""
    permission = (
        Permission.REFERRAL_SEND if side is ReferralSide.SENDER else (Permission.REFERRAL_RESPOND)
    )
    return allows(principal, permission) and (
        referral_side(principal, sending_organisation_id, receiving_organisation_id) is side
    )


# Services and emergency placement.


def may_manage_service(principal: Principal, organisation_id: int) -> bool:
    """A service's capacity is kept by its own organisation's staff. (The directory itself is
    open to every role with `service.read`, across organisations.)"""
    return allows(principal, Permission.SERVICE_CAPACITY_UPDATE) and (
        organisation_id == principal.organisation_id
    )


def may_refer_to_service(principal: Principal, organisation_id: int) -> bool:
    """A referral goes to another organisation's service, never to one's own."""
    return allows(principal, Permission.REFERRAL_SEND) and (
        organisation_id != principal.organisation_id
    )


def may_see_placement_request(principal: Principal, organisation_id: int, country: str) -> bool:
    """The requesting organisation, and the national coordinators of the request's country."""
    if not allows(principal, Permission.PLACEMENT_REQUEST):
        return False
    return organisation_id == principal.organisation_id or (
        allows(principal, Permission.PLACEMENT_QUEUE) and country == principal.country
    )


def may_end_reservation(
    principal: Principal, reserving_organisation_id: int, service_organisation_id: int
) -> bool:
    """Either organisation a bed hold joins (the reserving one, or the shelter's) confirms the
    arrival or releases the bed."""
    return allows(principal, Permission.PLACEMENT_REQUEST) and (
        principal.organisation_id in (reserving_organisation_id, service_organisation_id)
    )


# Linkage.


def may_review_match_notice(principal: Principal, country: str) -> bool:
    """Match notices go to the national coordinators of the child's country only."""
    return allows(principal, Permission.MATCH_NOTICES) and country == principal.country
