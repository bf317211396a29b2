"""What ties a package to a case the receiver already has: the sender writes the child's
record id for the receiver (under the linkage secret the two agreed, the id its match notices
carry), and the receiver finds the case a match notice of that partner ties to that id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.principal import Principal
from routecare.cases.models import Case
from routecare.children.models import Child
from routecare.deployment import Deployment
from routecare.exchange.linkage_secrets import encoder_for, has_linkage_secret
from routecare.exchange.models import ExchangePartner
from routecare.linkage.encoding import Encoder
from routecare.linkage.models import ChildEncoding, MatchNotice
from routecare.linkage.partners import exported_id


def record_encoder(
    session: Session, deployment: Deployment, partner: ExchangePartner
) -> Encoder | None:
    """The encoder under the secret agreed with the partner, None when none is recorded."""
    if not has_linkage_secret(session, partner):
        return None
    return encoder_for(session, deployment, partner)


def record_of(session: Session, encoder: Encoder | None, child: Child) -> str | None:
    """The child's record id for the partner of `encoder` (None without a secret or before
    the child is encoded): what the partner's notices name the child by."""
    if encoder is None:
        return None
    linkage_id = session.scalar(
        select(ChildEncoding.linkage_id).where(ChildEncoding.child_id == child.id)
    )
    return exported_id(encoder, linkage_id) if linkage_id is not None else None


def noticed_references(
    session: Session, principal: Principal, partner: ExchangePartner, record: str | None
) -> list[str]:
    """The cases of the principal's organisation that a match notice ties to the partner's
    record id (notices reviewed as not the same child aside; erased children never)."""
    if record is None:
        return []
    return list(
        session.scalars(
            select(Case.reference)
            .join(Child, Child.id == Case.child_id)
            .join(MatchNotice, MatchNotice.child_id == Child.id)
            .where(
                MatchNotice.partner == partner.name,
                MatchNotice.partner_record_id == record,
                MatchNotice.same_child.is_not(False),
                Child.erased_at.is_(None),
                Child.owner_organisation_id == principal.organisation_id,
            )
            .order_by(Case.id)
        )
    )
