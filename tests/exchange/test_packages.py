"""Packages: standard JOSE any library opens with the right key, only consented fields, and
the partner registry asked before anything is read."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from jwcrypto import jwe as jw_jwe
from jwcrypto import jwk as jw_jwk
from jwcrypto import jws as jw_jws
from jwcrypto.common import JWException
from sqlalchemy import select

from routecare.cases import actions as case_actions
from routecare.cases import record_actions
from routecare.cases.queries import read_case
from routecare.cases.schemas import CasePatch
from routecare.clock import utcnow
from routecare.crypto.keystore import cipher_of
from routecare.deployment import Deployment
from routecare.errors import Forbidden, NotFound
from routecare.exchange.actions import suspend_partner
from routecare.exchange.keys import PRIVATE_FIELD, key_owner
from routecare.exchange.models import ExchangeKey, ExchangePartner
from routecare.exchange.package_schema import PURPOSE_FIELDS, SCHEMA_VERSION, json_schema
from routecare.exchange.receiving import PackageRefused, receive_package
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from tests.exchange.conftest import Exchange, open_deployment_in, register, row_counts

CONTINUITY = Purpose.CONTINUITY_OF_CARE


def private_jwks(deployment: Deployment) -> jw_jwk.JWKSet:
    """The deployment's private keys, as a third-party library loads them."""
    keys = jw_jwk.JWKSet()
    with deployment.database.transaction() as session:
        for row in session.scalars(select(ExchangeKey)):
            plain = cipher_of(deployment.keyring, key_owner(row.kid)).decrypt(
                PRIVATE_FIELD, row.private_jwk
            )
            keys.add(jw_jwk.JWK(**json.loads(plain or "{}")))
    return keys


def opened_by_third_party(token: str, receiver: Deployment, sender: Deployment) -> dict:
    """Decrypt with jwcrypto and the receiver's key, verify with the sender's public JWKS."""
    envelope = jw_jwe.JWE()
    envelope.deserialize(token, key=private_jwks(receiver))
    signed = jw_jws.JWS()
    signed.deserialize(envelope.payload.decode())
    with sender.database.transaction() as session:
        from routecare.exchange.keys import public_jwks

        public = jw_jwk.JWKSet.from_json(json.dumps(public_jwks(session)))
    signed.verify(public)
    return json.loads(signed.payload)


def test_a_third_party_jose_library_opens_it_and_a_fourth_party_cannot(
    exchange: Exchange, tmp_path: Path, sqlite_template: Path
) -> None:
    packed = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY.value)
    payload = opened_by_third_party(packed.token, exchange.receiver, exchange.sender)
    assert payload["package_id"] == packed.package_id
    assert payload["child"]["prs_GivenName"] == "Mamadou Aliou"
    assert payload["consent"]["fields"] == list(PURPOSE_FIELDS[CONTINUITY])
    # Narratives and contacts are never in any schema, so they never leave.
    assert "bus station" not in json.dumps(payload) and "+227" not in json.dumps(payload)

    # A fourth party's key cannot.
    stranger = open_deployment_in(tmp_path / "stranger", sqlite_template)
    try:
        from routecare.exchange.keys import create_keys

        create_keys(stranger)
        packed = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY.value)
        with pytest.raises(JWException):
            jw_jwe.JWE().deserialize(packed.token, key=private_jwks(stranger))
        # Even registered as the sender's partner, it cannot import the package.
        register(stranger, "niger", exchange.sender, [CONTINUITY])
        before = row_counts(stranger)
        with pytest.raises(PackageRefused, match="does not open"):
            receive_package(stranger, packed.token)
        assert row_counts(stranger) == before
    finally:
        stranger.close()


def test_no_field_leaves_without_consent(exchange: Exchange) -> None:
    """For every field of the schema: a consent covering all the others, and it stays home."""
    fields = list(PURPOSE_FIELDS[CONTINUITY])
    record_actions.withdraw_consent(
        exchange.sender, exchange.worker, exchange.reference, exchange.consent_id
    )
    for left_out in fields:
        consent = exchange.consent([name for name in fields if name != left_out])
        packed = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY.value)
        payload = opened_by_third_party(packed.token, exchange.receiver, exchange.sender)
        assert left_out not in payload["child"], left_out
        assert left_out not in payload["consent"]["fields"]
        assert set(payload["child"]) == set(fields) - {left_out}
        record_actions.withdraw_consent(
            exchange.sender, exchange.worker, exchange.reference, consent
        )

    # With every consent withdrawn, nothing is packed.
    with pytest.raises(Forbidden, match="no cross-border consent"):
        pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY.value)
    # A consent for family tracing does not cover continuity of care.
    exchange.consent(list(PURPOSE_FIELDS[Purpose.FAMILY_TRACING]), Purpose.FAMILY_TRACING)
    with pytest.raises(Forbidden, match="no cross-border consent"):
        pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY.value)


def test_a_partner_not_allowed_is_refused_before_the_case_is_read(exchange: Exchange) -> None:
    """The registry answers first: a case that does not even exist gets the partner refusal."""
    with pytest.raises(NotFound):
        pack_case(exchange.sender, "NER-NOSUCHCASE", "italy", CONTINUITY.value)
    before = row_counts(exchange.sender)
    for partner, purpose, reason in [
        ("italy", Purpose.SAFE_RETURN_ASSESSMENT, "not allowed the purpose"),
        ("nobody", CONTINUITY, "not a registered partner"),
    ]:
        for reference in (exchange.reference, "NER-NOSUCHCASE"):
            with pytest.raises(Forbidden, match=reason):
                pack_case(exchange.sender, reference, partner, purpose.value)
    with exchange.sender.database.transaction() as session:
        partner = session.scalars(select(ExchangePartner)).one()
        partner.expires_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(Forbidden, match="expired registration"):
        pack_case(exchange.sender, "NER-NOSUCHCASE", "italy", CONTINUITY.value)
    suspend_partner(exchange.sender, "italy")
    with pytest.raises(Forbidden, match="suspended"):
        pack_case(exchange.sender, "NER-NOSUCHCASE", "italy", CONTINUITY.value)
    assert row_counts(exchange.sender) == {**before, "exchange_partners": 1}


def test_safe_return_needs_a_best_interests_determination(exchange: Exchange) -> None:
    with exchange.sender.database.transaction() as session:
        partner = session.scalars(select(ExchangePartner)).one()
        partner.purposes += " safe_return_assessment"
    register(exchange.receiver, "niger-return", exchange.sender, [Purpose.SAFE_RETURN_ASSESSMENT])
    exchange.consent(
        list(PURPOSE_FIELDS[Purpose.SAFE_RETURN_ASSESSMENT]), Purpose.SAFE_RETURN_ASSESSMENT
    )
    purpose = Purpose.SAFE_RETURN_ASSESSMENT.value
    with pytest.raises(Forbidden, match="best-interests determination"):
        pack_case(exchange.sender, exchange.reference, "italy", purpose)
    case_actions.update_case(
        exchange.sender,
        exchange.worker,
        exchange.reference,
        read_case(exchange.sender, exchange.worker, exchange.reference).version,
        CasePatch(best_interests_determination="BID panel: return to an aunt in Conakry."),
    )
    packed = pack_case(exchange.sender, exchange.reference, "italy", purpose)
    payload = opened_by_third_party(packed.token, exchange.receiver, exchange.sender)
    assert payload["child"]["spl_BestInterestsDetermination"].startswith("BID panel")


def test_the_published_schema_lists_exactly_the_purposes_fields() -> None:
    for purpose in Purpose:
        schema = json_schema(purpose.value, SCHEMA_VERSION)
        child = schema["$defs"][f"Child_{purpose.value}"]
        assert set(child["properties"]) == set(PURPOSE_FIELDS[purpose])
        assert child["additionalProperties"] is False
    with pytest.raises(NotFound):
        json_schema("deportation", SCHEMA_VERSION)
