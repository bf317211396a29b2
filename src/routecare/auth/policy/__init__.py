"""The access policy: the only package that decides who may do what to which record.

Two questions, answered here and nowhere else:

1. May this role call this route at all?  `routes`: the route table (default deny) and the
   permissions of each role.
2. May this user touch this record, and which part of it?  `records`: one function per record
   kind (child and case, a child's audit trail, screening, referral, service, placement
   request, bed reservation, match notice). Another organisation's record answers 404, as if
   it did not exist. `lists`: the same rules as SQL conditions, for lists.

Everything is importable from `routecare.auth.policy`.
"""

from routecare.auth.policy.lists import of_own_country, of_own_organisation
from routecare.auth.policy.records import (
    ALL_CHILD_FIELDS,
    CASE_FIELDS,
    IDENTITY_FIELDS,
    PROFILE_FIELDS,
    SCREENER_FIELDS,
    ReferralSide,
    ShareGrant,
    child_fields_visible,
    may_end_reservation,
    may_manage_child,
    may_manage_organisation,
    may_manage_service,
    may_manage_user,
    may_move_referral,
    may_read_child_trail,
    may_refer_to_service,
    may_review_match_notice,
    may_see_placement_request,
    may_see_referral,
    may_see_screening,
    referral_side,
)
from routecare.auth.policy.routes import (
    ROLE_PERMISSIONS,
    ROUTES,
    SCREENING_WORK,
    Access,
    Permission,
    Requirement,
    allows,
    require,
    requirement_for,
)

__all__ = [
    "ALL_CHILD_FIELDS",
    "CASE_FIELDS",
    "IDENTITY_FIELDS",
    "PROFILE_FIELDS",
    "ROLE_PERMISSIONS",
    "ROUTES",
    "SCREENER_FIELDS",
    "SCREENING_WORK",
    "Access",
    "Permission",
    "ReferralSide",
    "Requirement",
    "ShareGrant",
    "allows",
    "child_fields_visible",
    "may_end_reservation",
    "may_manage_child",
    "may_manage_service",
    "may_manage_organisation",
    "may_manage_user",
    "may_move_referral",
    "may_read_child_trail",
    "may_refer_to_service",
    "may_review_match_notice",
    "may_see_placement_request",
    "may_see_referral",
    "may_see_screening",
    "of_own_country",
    "of_own_organisation",
    "referral_side",
    "require",
    "requirement_for",
]
