"""The linkage secret agreed with each partner, kept so that match notices can be encoded,
sealed and matched when a package arrives over HTTPS with nobody at the keyboard. It is the
secret of `routecare linkage export --secret-file`, stored encrypted under a key-store data
key of its own: a copy of the database alone does not hold it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from routecare import audit
from routecare.clock import utcnow
from routecare.crypto.keystore import cipher_of, new_cipher
from routecare.deployment import Deployment
from routecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from routecare.exchange.models import ExchangeLinkageSecret, ExchangePartner
from routecare.exchange.partners import partner_named
from routecare.linkage.encoding import Encoder

MIN_SECRET_BYTES = 16  # as `routecare linkage` asks of a secret file
SECRET_FIELD = "exchange.linkage_secret"


def secret_owner(partner_id: int) -> str:
    """The key store owner uid of one partner's secret."""
    return f"exchange-link-{partner_id}"


def record_linkage_secret(deployment: Deployment, partner_name: str, secret: bytes) -> None:
    """Keep the secret agreed with a registered partner (once: a new secret means a new
    registration, since the partner's notices and record ids hang on it). Audited, without
    the secret."""
    secret = secret.strip()
    if len(secret) < MIN_SECRET_BYTES:
        raise InvalidInput(f"the secret must be at least {MIN_SECRET_BYTES} bytes")
    with deployment.database.transaction() as session:
        partner = partner_named(session, partner_name)
        if partner is None:
            raise NotFound(f"no partner named {partner_name}")
        if session.get(ExchangeLinkageSecret, partner.id) is not None:
            raise Conflict(f"a linkage secret is already recorded for partner {partner.name}")
        cipher = new_cipher(deployment.keyring, secret_owner(partner.id))
        session.add(
            ExchangeLinkageSecret(
                partner_id=partner.id,
                secret=cipher.encrypt_bytes(SECRET_FIELD, secret),
                recorded_at=utcnow(),
            )
        )
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.partner.linkage_secret",
            subject_type="exchange_partner",
            subject_id=partner.id,
            detail={"partner": partner.name},
        )


def has_linkage_secret(session: Session, partner: ExchangePartner) -> bool:
    return session.get(ExchangeLinkageSecret, partner.id) is not None


def encoder_for(session: Session, deployment: Deployment, partner: ExchangePartner) -> Encoder:
    """The encoder under the secret agreed with the partner; Forbidden when none is kept."""
    row = session.get(ExchangeLinkageSecret, partner.id)
    if row is None:
        raise Forbidden(
            f"refused: no linkage secret is recorded for partner {partner.name} "
            "(`routecare exchange partners secret`)"
        )
    cipher = cipher_of(deployment.keyring, secret_owner(partner.id))
    return Encoder(cipher.decrypt_bytes(SECRET_FIELD, row.secret))
