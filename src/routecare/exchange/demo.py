"""The demo's consented exchange fields: every demo cross-border consent covers its purpose's
fields for any partner allowed the purpose, so a fresh demo can pack a case at once."""

from __future__ import annotations

from sqlalchemy import select

from routecare.auth.models import User
from routecare.auth.principal import Principal
from routecare.cases.models import Case, CaseConsent
from routecare.cases.vocabulary import ConsentScope
from routecare.deployment import Deployment
from routecare.exchange.actions import record_consented_fields
from routecare.exchange.package_schema import PURPOSE_FIELDS
from routecare.exchange.vocabulary import Purpose


def seed_consented_fields(deployment: Deployment) -> int:
    """Record the fields of each demo cross-border consent (by whoever recorded it)."""
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(CaseConsent.id, CaseConsent.purpose, Case.reference, User)
            .join(Case, Case.id == CaseConsent.case_id)
            .join(User, User.id == CaseConsent.recorded_by_user_id)
            .where(CaseConsent.scope == ConsentScope.CROSS_BORDER.value)
        ).all()
        consents = [(cid, purpose, ref, Principal.of(user)) for cid, purpose, ref, user in rows]
    for consent_id, purpose, reference, recorder in consents:
        fields = list(PURPOSE_FIELDS[Purpose(purpose)])
        record_consented_fields(deployment, recorder, reference, consent_id, fields)
    return len(consents)
