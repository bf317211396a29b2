"""May this role call this route at all?  ``ROUTES`` maps every route of the app to the
permission it needs (or ``PUBLIC`` / ``SIGNED_IN``); a route missing from the table is refused,
and the access-matrix test fails on it. Which record a permitted user may touch is
`routecare.auth.policy.records`.
"""

from __future__ import annotations

from enum import StrEnum

from routecare.auth.principal import Principal
from routecare.auth.roles import Role
from routecare.errors import Forbidden


class Permission(StrEnum):
    CHILD_REGISTER = "child.register"
    CHILD_READ = "child.read"
    CHILD_SHARE = "child.share"
    CHILD_ERASE = "child.erase"
    USER_MANAGE = "user.manage"
    AUDIT_READ = "audit.read"
    AGGREGATES_READ = "aggregates.read"
    SERVICE_READ = "service.read"
    SERVICE_PUBLISH = "service.publish"
    SERVICE_CAPACITY_UPDATE = "service.capacity"  # record level: own organisation's services
    PLACEMENT_REQUEST = "placement.request"
    PLACEMENT_QUEUE = "placement.queue"  # the national coordinator's escalation queue
    REFERRAL_SEND = "referral.send"  # record level: own organisation's cases
    REFERRAL_RESPOND = "referral.respond"  # record level: referrals to own organisation
    REFERRAL_READ = "referral.read"  # record level: sending or receiving organisation
    REFERRAL_FLOWS = "referral.flows"  # country aggregates, no case named
    CASE_READ = "case.read"
    CASE_WRITE = "case.write"  # record level: the owner organisation's cases only
    CASE_APPROVE = "case.approve"  # the SOP's supervisor approvals (care plan, closure)
    CASE_OPEN = "case.open"  # a new child and case, e.g. right after a screening
    SCREENING_SCORE = "screening.score"  # pure scoring, nothing stored
    SCREENING_RECORD = "screening.record"  # record level: own organisation's screenings
    SCREENING_READ = "screening.read"  # record level: own organisation's screenings
    MATCH_REVIEW = "match.review"  # record level: possible matches of own organisation's cases
    MATCH_NOTICES = "match.notices"  # match notices of the user's country, never identities
    # The national coordinator's queue of packages received from partner deployments.
    EXCHANGE_DECIDE = "exchange.decide"
    # The DPO's view of every package sent and received (no identity) and partner suspension.
    EXCHANGE_OVERSIGHT = "exchange.oversight"


class Access(StrEnum):
    PUBLIC = "public"  # no login needed (login page, health check, static files)
    SIGNED_IN = "signed_in"  # any active user (home page, own profile, logout)
    # Also reachable by a session whose password was right but which still owes its second
    # factor (the code and enrolment pages, logout); every other route refuses such a session.
    SECOND_FACTOR = "second_factor"
    # No user at all: a partner deployment, authenticated by its package's signature against
    # the partner registry (routecare.exchange.receiving), never by a session or token.
    PARTNER_SIGNATURE = "partner_signature"


# Frontline work: scoring, storing and reading the organisation's own screenings.
SCREENING_WORK = frozenset(
    {
        Permission.SCREENING_SCORE,
        Permission.SCREENING_RECORD,
        Permission.SCREENING_READ,
        Permission.CASE_OPEN,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SCREENER: frozenset(
        {Permission.CHILD_REGISTER, Permission.CHILD_READ}
        | {Permission.SERVICE_READ, Permission.PLACEMENT_REQUEST}
        | SCREENING_WORK
    ),
    Role.CASE_WORKER: frozenset(
        {Permission.CHILD_REGISTER, Permission.CHILD_READ, Permission.CHILD_SHARE}
        | {Permission.SERVICE_READ, Permission.SERVICE_CAPACITY_UPDATE}
        | {Permission.PLACEMENT_REQUEST}
        | {Permission.CASE_READ, Permission.CASE_WRITE}
        | {Permission.REFERRAL_SEND, Permission.REFERRAL_RESPOND, Permission.REFERRAL_READ}
        | {Permission.MATCH_REVIEW}
        | SCREENING_WORK
    ),
    Role.SUPERVISOR: frozenset(
        {Permission.CHILD_REGISTER, Permission.CHILD_READ, Permission.CHILD_SHARE}
        | {Permission.SERVICE_READ, Permission.SERVICE_PUBLISH, Permission.SERVICE_CAPACITY_UPDATE}
        | {Permission.PLACEMENT_REQUEST}
        | {Permission.CASE_READ, Permission.CASE_WRITE, Permission.CASE_APPROVE}
        | SCREENING_WORK
        | {Permission.REFERRAL_SEND, Permission.REFERRAL_RESPOND, Permission.REFERRAL_READ}
        | {Permission.REFERRAL_FLOWS}
        | {Permission.MATCH_REVIEW}
    ),
    Role.COORDINATOR: frozenset(
        {Permission.CHILD_READ, Permission.AGGREGATES_READ}
        | {Permission.SERVICE_READ, Permission.PLACEMENT_REQUEST, Permission.PLACEMENT_QUEUE}
        | {Permission.CASE_READ}
        | {Permission.REFERRAL_FLOWS}
        | {Permission.SCREENING_SCORE, Permission.SCREENING_READ}
        | {Permission.MATCH_NOTICES, Permission.EXCHANGE_DECIDE}
    ),
    Role.DATA_PROTECTION_OFFICER: frozenset(
        {Permission.AUDIT_READ, Permission.CHILD_ERASE, Permission.EXCHANGE_OVERSIGHT}
    ),
    Role.ANALYST: frozenset({Permission.AGGREGATES_READ, Permission.SERVICE_READ}),
    Role.ADMINISTRATOR: frozenset(
        {Permission.USER_MANAGE}
        | {Permission.SERVICE_READ, Permission.SERVICE_PUBLISH, Permission.SERVICE_CAPACITY_UPDATE}
    ),
}

Requirement = Permission | Access

ROUTES: dict[tuple[str, str], Requirement] = {
    ("GET", "/healthz"): Access.PUBLIC,
    ("GET", "/openapi.json"): Access.PUBLIC,
    ("GET", "/static"): Access.PUBLIC,
    ("GET", "/login"): Access.PUBLIC,
    ("POST", "/login"): Access.PUBLIC,
    ("GET", "/language/{code}"): Access.PUBLIC,
    ("POST", "/logout"): Access.SECOND_FACTOR,
    ("GET", "/login/code"): Access.SECOND_FACTOR,
    ("POST", "/login/code"): Access.SECOND_FACTOR,
    ("GET", "/account/two-factor"): Access.SECOND_FACTOR,
    ("POST", "/account/two-factor"): Access.SECOND_FACTOR,
    ("GET", "/account/preferences"): Access.SIGNED_IN,
    ("POST", "/account/preferences"): Access.SIGNED_IN,
    ("GET", "/api/v1/me/tokens"): Access.SIGNED_IN,
    ("DELETE", "/api/v1/me/tokens/{token_id}"): Access.SIGNED_IN,
    ("GET", "/"): Access.SIGNED_IN,
    ("GET", "/children/{reference}"): Permission.CHILD_READ,
    ("GET", "/api/v1/me"): Access.SIGNED_IN,
    # Screening (issue 4).
    ("GET", "/screening"): Permission.SCREENING_RECORD,
    ("POST", "/screening"): Permission.SCREENING_RECORD,
    ("GET", "/screenings/{reference}"): Permission.SCREENING_READ,
    ("POST", "/screenings/{reference}/case"): Permission.SCREENING_RECORD,
    ("POST", "/screenings/{reference}/no-case"): Permission.SCREENING_RECORD,
    ("GET", "/api/v1/screening/indicators"): Permission.SCREENING_SCORE,
    ("POST", "/api/v1/screening/score"): Permission.SCREENING_SCORE,
    ("POST", "/api/v1/screenings"): Permission.SCREENING_RECORD,
    ("GET", "/api/v1/screenings/{reference}"): Permission.SCREENING_READ,
    ("POST", "/api/v1/screenings/{reference}/no-case"): Permission.SCREENING_RECORD,
    ("GET", "/api/v1/children"): Permission.CHILD_READ,
    ("POST", "/api/v1/children"): Permission.CHILD_REGISTER,
    ("GET", "/api/v1/children/{reference}"): Permission.CHILD_READ,
    ("POST", "/api/v1/children/{reference}/shares"): Permission.CHILD_SHARE,
    ("DELETE", "/api/v1/children/{reference}/shares/{share_id}"): Permission.CHILD_SHARE,
    ("POST", "/api/v1/children/{reference}/erasure"): Permission.CHILD_ERASE,
    ("GET", "/api/v1/users"): Permission.USER_MANAGE,
    ("POST", "/api/v1/users"): Permission.USER_MANAGE,
    ("GET", "/api/v1/audit"): Permission.AUDIT_READ,
    # Administrators' and data-protection officers' pages (issue 18).
    ("GET", "/admin/users"): Permission.USER_MANAGE,
    ("POST", "/admin/users"): Permission.USER_MANAGE,
    ("POST", "/admin/users/{user_id}/active"): Permission.USER_MANAGE,
    ("POST", "/admin/users/{user_id}/role"): Permission.USER_MANAGE,
    ("POST", "/admin/users/{user_id}/password"): Permission.USER_MANAGE,
    ("POST", "/admin/users/{user_id}/second-factor"): Permission.USER_MANAGE,
    ("GET", "/admin/organisations"): Permission.USER_MANAGE,
    ("POST", "/admin/organisations"): Permission.USER_MANAGE,
    ("POST", "/admin/organisations/{organisation_id}/active"): Permission.USER_MANAGE,
    ("GET", "/audit"): Permission.AUDIT_READ,
    # Cases (issue 7).
    ("GET", "/cases"): Permission.CASE_READ,
    ("POST", "/cases/search"): Permission.CASE_READ,
    ("GET", "/cases/new"): Permission.CASE_WRITE,
    ("POST", "/cases"): Permission.CASE_WRITE,
    ("GET", "/cases/{reference}"): Permission.CASE_READ,
    ("GET", "/cases/{reference}/edit"): Permission.CASE_WRITE,
    ("GET", "/cases/{reference}/summary"): Permission.CASE_READ,
    ("GET", "/cases/{reference}/summary.pdf"): Permission.CASE_READ,
    ("POST", "/cases/{reference}/edit"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/stage"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/approvals"): Permission.CASE_APPROVE,
    ("POST", "/cases/{reference}/notes"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/corrections"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/tasks"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/tasks/{task_id}/done"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/consents"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/consents/{consent_id}/withdrawal"): Permission.CASE_WRITE,
    ("POST", "/cases/{reference}/documents"): Permission.CASE_WRITE,
    ("GET", "/cases/{reference}/documents/{document_id}"): Permission.CASE_READ,
    ("GET", "/api/v1/cases"): Permission.CASE_READ,
    ("POST", "/api/v1/cases"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/search"): Permission.CASE_READ,
    ("POST", "/api/v1/children/{reference}/case"): Permission.CASE_WRITE,
    ("GET", "/api/v1/cases/{reference}"): Permission.CASE_READ,
    ("PATCH", "/api/v1/cases/{reference}"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/stage"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/approvals"): Permission.CASE_APPROVE,
    ("POST", "/api/v1/cases/{reference}/notes"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/tasks"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/tasks/{task_id}/done"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/consents"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/consents/{consent_id}/withdrawal"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/age-assessments"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/corrections"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/links"): Permission.CASE_WRITE,
    ("POST", "/api/v1/cases/{reference}/documents"): Permission.CASE_WRITE,
    ("GET", "/api/v1/cases/{reference}/documents/{document_id}"): Permission.CASE_READ,
    # Possible matches at registration and match notices (issue 5).
    ("GET", "/api/v1/cases/{reference}/possible-matches"): Permission.MATCH_REVIEW,
    ("POST", "/api/v1/cases/{reference}/possible-matches/{match_id}/decision"): (
        Permission.MATCH_REVIEW
    ),
    ("POST", "/cases/{reference}/possible-matches/{match_id}/decision"): Permission.MATCH_REVIEW,
    ("GET", "/linkage/notices"): Permission.MATCH_NOTICES,
    ("POST", "/linkage/notices/{notice_id}/review"): Permission.MATCH_NOTICES,
    ("GET", "/api/v1/linkage/notices"): Permission.MATCH_NOTICES,
    ("POST", "/api/v1/linkage/notices/{notice_id}/review"): Permission.MATCH_NOTICES,
    ("POST", "/api/v1/linkage/notices/{notice_id}/referral"): Permission.MATCH_NOTICES,
    ("GET", "/api/v1/exchange/schemas/{purpose}/{version}"): Access.PUBLIC,
    ("GET", "/api/v1/exchange/jwks"): Access.PUBLIC,
    ("POST", "/api/v1/exchange/inbox"): Access.PARTNER_SIGNATURE,
    ("POST", "/api/v1/exchange/receipts"): Access.PARTNER_SIGNATURE,
    ("POST", "/api/v1/exchange/erasures"): Access.PARTNER_SIGNATURE,
    ("GET", "/api/v1/cases/{reference}/exchange"): Permission.CASE_READ,
    ("GET", "/exchange/received"): Permission.EXCHANGE_DECIDE,
    ("GET", "/exchange/received/{package_id}"): Permission.EXCHANGE_DECIDE,
    ("POST", "/exchange/received/{package_id}/accept"): Permission.EXCHANGE_DECIDE,
    ("POST", "/exchange/received/{package_id}/decline"): Permission.EXCHANGE_DECIDE,
    ("GET", "/exchange/oversight"): Permission.EXCHANGE_OVERSIGHT,
    ("POST", "/exchange/partners/{name}/suspension"): Permission.EXCHANGE_OVERSIGHT,
    # Services directory and emergency placement (issue 7).
    ("GET", "/services"): Permission.SERVICE_READ,
    ("GET", "/services/{service_id}"): Permission.SERVICE_READ,
    ("POST", "/services/{service_id}/capacity"): Permission.SERVICE_CAPACITY_UPDATE,
    ("POST", "/services/{service_id}/reservations"): Permission.PLACEMENT_REQUEST,
    ("GET", "/placement"): Permission.PLACEMENT_REQUEST,
    ("POST", "/placement"): Permission.PLACEMENT_REQUEST,
    ("GET", "/placement/requests/{request_id}"): Permission.PLACEMENT_REQUEST,
    ("GET", "/placement/queue"): Permission.PLACEMENT_QUEUE,
    ("POST", "/reservations/{reservation_id}/arrival"): Permission.PLACEMENT_REQUEST,
    ("POST", "/reservations/{reservation_id}/release"): Permission.PLACEMENT_REQUEST,
    ("GET", "/api/v1/services"): Permission.SERVICE_READ,
    ("POST", "/api/v1/services"): Permission.SERVICE_PUBLISH,
    ("GET", "/api/v1/services/{service_id}"): Permission.SERVICE_READ,
    ("PUT", "/api/v1/services/{service_id}/capacity"): Permission.SERVICE_CAPACITY_UPDATE,
    ("POST", "/api/v1/services/{service_id}/reservations"): Permission.PLACEMENT_REQUEST,
    ("GET", "/api/v1/reservations"): Permission.PLACEMENT_REQUEST,
    ("POST", "/api/v1/reservations/{reservation_id}/arrival"): Permission.PLACEMENT_REQUEST,
    ("POST", "/api/v1/reservations/{reservation_id}/release"): Permission.PLACEMENT_REQUEST,
    ("POST", "/api/v1/placement/requests"): Permission.PLACEMENT_REQUEST,
    ("GET", "/api/v1/placement/requests/{request_id}"): Permission.PLACEMENT_REQUEST,
    ("GET", "/api/v1/placement/queue"): Permission.PLACEMENT_QUEUE,
    # Referrals (issue 7).
    ("GET", "/referrals"): Permission.REFERRAL_READ,
    ("POST", "/referrals"): Permission.REFERRAL_SEND,
    ("GET", "/referrals/flows"): Permission.REFERRAL_FLOWS,
    ("GET", "/referrals/{referral_id}"): Permission.REFERRAL_READ,
    ("POST", "/referrals/{referral_id}/accept"): Permission.REFERRAL_RESPOND,
    ("POST", "/referrals/{referral_id}/decline"): Permission.REFERRAL_RESPOND,
    ("POST", "/referrals/{referral_id}/start"): Permission.REFERRAL_RESPOND,
    ("POST", "/referrals/{referral_id}/complete"): Permission.REFERRAL_RESPOND,
    ("POST", "/referrals/{referral_id}/withdraw"): Permission.REFERRAL_SEND,
    ("POST", "/api/v1/referrals"): Permission.REFERRAL_SEND,
    ("GET", "/api/v1/referrals"): Permission.REFERRAL_READ,
    ("GET", "/api/v1/referrals/flows"): Permission.REFERRAL_FLOWS,
    ("GET", "/api/v1/referrals/{referral_id}"): Permission.REFERRAL_READ,
    ("POST", "/api/v1/referrals/{referral_id}/accept"): Permission.REFERRAL_RESPOND,
    ("POST", "/api/v1/referrals/{referral_id}/decline"): Permission.REFERRAL_RESPOND,
    ("POST", "/api/v1/referrals/{referral_id}/start"): Permission.REFERRAL_RESPOND,
    ("POST", "/api/v1/referrals/{referral_id}/complete"): Permission.REFERRAL_RESPOND,
    ("POST", "/api/v1/referrals/{referral_id}/withdraw"): Permission.REFERRAL_SEND,
    # Observatory (issue 17): aggregates only, through disclosure control.
    ("GET", "/observatory"): Permission.AGGREGATES_READ,
    ("GET", "/api/v1/observatory/crosstab"): Permission.AGGREGATES_READ,
    ("GET", "/api/v1/observatory/crosstab/download"): Permission.AGGREGATES_READ,
    ("GET", "/api/v1/observatory/identification-rates"): Permission.AGGREGATES_READ,
}


def requirement_for(method: str, path: str) -> Requirement | None:
    """What a route needs, or None when the route is unknown to the policy (then refuse)."""
    return ROUTES.get((method.upper(), path))


def allows(principal: Principal, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[principal.role]


def require(principal: Principal, permission: Permission) -> None:
    """Refuse with 403 unless the role carries the permission."""
    if not allows(principal, permission):
        raise Forbidden(f"the {principal.role.value} role may not {permission.value}")
