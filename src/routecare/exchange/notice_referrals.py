"""From a match notice to a referral: the coordinator who reviews a notice naming a partner
deployment starts a package of the case to that partner, queued for its inbox. Every rule of
`pack_case` applies (the registry, then the case's cross-border consent for the purpose and
the fields it covers); a refusal says what is missing, e.g. which consent."""

from __future__ import annotations

from sqlalchemy import select

from routecare.auth.policy import Permission, may_review_match_notice, require
from routecare.auth.principal import Principal
from routecare.cases.models import Case
from routecare.deployment import Deployment
from routecare.errors import Conflict, Forbidden, NotFound
from routecare.exchange.schemas import NoticeReferralOut
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from routecare.linkage.models import MatchNotice


def refer_from_notice(
    deployment: Deployment, principal: Principal, notice_id: int, purpose: Purpose
) -> NoticeReferralOut:
    """Queue a package of the notice's case for the partner the notice names.

    Parameters: `notice_id` is a notice of the coordinator's country (others answer 404);
    `purpose` the package's purpose. Conflict (409), with what is missing, when the partner
    may not receive it (not registered, suspended, expired, not allowed the purpose, no URL)
    or the case has no cross-border consent for the purpose covering a field for it."""
    require(principal, Permission.MATCH_NOTICES)
    with deployment.database.transaction() as session:
        found = session.execute(
            select(MatchNotice, Case.reference)
            .outerjoin(Case, Case.child_id == MatchNotice.child_id)
            .where(MatchNotice.id == notice_id)
        ).first()
        if found is None or not may_review_match_notice(principal, found[0].country):
            raise NotFound("no match notice with that id")
        notice, reference = found
        partner = notice.partner
    if reference is None:
        raise Conflict("the notice's child has no case to refer")
    try:
        packed = pack_case(
            deployment, reference, partner, purpose.value, outbox=True, actor=principal
        )
    except Forbidden as refused:
        raise Conflict(str(refused).replace("refused: ", "missing: ", 1)) from refused
    return NoticeReferralOut(
        package_id=packed.package_id, partner=partner, purpose=purpose, fields=packed.fields
    )
