"""Erasure follows the data: when the sender erases a child (or withdraws the cross-border
consent), the partner that received the case crypto-shreds its copy on a signed request and
acknowledges it, signed; a request not signed by a registered partner erases nothing."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
from joserfc import jws
from joserfc.jwk import KeySet, OKPKey
from sqlalchemy import select

from routecare.audit.models import AuditEntry
from routecare.auth import actions as account_actions
from routecare.auth.principal import Principal
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from routecare.cases import record_actions
from routecare.cases.models import Case, NameToken
from routecare.children.actions import erase_child
from routecare.children.models import Child
from routecare.crypto.keystore import store_of
from routecare.demo.seed import principal_of
from routecare.deployment import Deployment
from routecare.exchange.models import ExchangeOutbox, ExchangePackage
from routecare.exchange.outbox import Delivery, deliver_due
from routecare.exchange.queries import package_log, pending_packages
from routecare.exchange.receipts import sign_receipt
from routecare.exchange.receiving import accept_package
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from tests.cli_runner import run_cli
from tests.exchange.conftest import PASSWORD, Exchange, jwks_of, register, row_counts
from tests.exchange.test_http import URL, inbox_client

CONTINUITY = Purpose.CONTINUITY_OF_CARE.value
ERASURES = "/api/v1/exchange/erasures"


def sent_and_accepted(exchange: Exchange) -> str:
    """A sends the case to B over HTTPS and B's coordinator accepts it: the package id."""
    register(exchange.sender, "italy-https", exchange.receiver, [Purpose.CONTINUITY_OF_CARE],
             base_url=URL)  # fmt: skip
    packed = pack_case(exchange.sender, exchange.reference, "italy-https", CONTINUITY, outbox=True)
    with inbox_client(exchange.receiver) as client:
        assert deliver_due(exchange.sender, client).delivered == 1
    [pending] = pending_packages(exchange.receiver)
    accept_package(exchange.receiver, pending.package_id)
    return packed.package_id


def dpo_of(exchange: Exchange) -> Principal:
    """The data protection officer of the sender's organisation (who erases)."""
    account_actions.create_user(
        exchange.sender,
        organisation_id=exchange.worker.organisation_id,
        user=UserIn(username="dpo", password=PASSWORD, role=Role.DATA_PROTECTION_OFFICER),
    )
    return principal_of(exchange.sender, "dpo")


def published(deployment: Deployment) -> Any:
    """The deployment's public JWKS (a JSON document)."""
    return jwks_of(deployment)


def verify(signed: str, signer: Deployment) -> bytes:
    """The payload, verified by the JOSE library under the signer's published keys."""
    keys = KeySet.import_key_set(published(signer))
    return jws.deserialize_compact(signed, keys, algorithms=["Ed25519"]).payload


def receivers_child(receiver: Deployment) -> Child:
    with receiver.database.transaction() as session:
        child = session.scalars(select(Child).join(Case, Case.child_id == Child.id)).one()
        session.expunge(child)
        return child


def queued_erasure(deployment: Deployment) -> str:
    with deployment.database.transaction() as session:
        row = session.scalars(select(ExchangeOutbox).where(ExchangeOutbox.kind == "erasure")).one()
        return row.token


def assert_shredded(receiver: Deployment, before: Child) -> None:
    """B's copy yields no identity: no name in its database, the data key destroyed."""
    after = receivers_child(receiver)
    assert after.erased_at is not None
    assert (after.given_name, after.family_name, after.other_names, after.birth_date) == (
        None,
        None,
        None,
        None,
    )
    assert before.given_name is not None  # it did hold the (encrypted) name before
    assert before.uid in store_of(receiver.keyring).erased()
    with receiver.database.transaction() as session:
        assert session.scalars(select(NameToken).where(NameToken.child_id == after.id)).all() == []
        [row] = session.scalars(select(ExchangePackage)).all()
        assert row.status == "erased" and row.token is None


def test_an_erased_child_is_erased_by_the_partner_which_acknowledges(exchange: Exchange) -> None:
    package_id = sent_and_accepted(exchange)
    copy = receivers_child(exchange.receiver)
    erase_child(exchange.sender, dpo_of(exchange), exchange.reference)
    request = queued_erasure(exchange.sender)
    # The request names the package ids only: no identity, no case reference.
    asked = json.loads(verify(request, exchange.sender))
    assert set(asked) == {"type", "erase", "at"} and asked["erase"] == [package_id]
    with inbox_client(exchange.receiver) as client:
        assert deliver_due(exchange.sender, client).delivered == 1
        assert_shredded(exchange.receiver, copy)
        # The sender keeps B's signed acknowledgement on the package it sent.
        [logged] = [entry for entry in package_log(exchange.sender) if entry["direction"] == "sent"]
        assert logged["status"] == "erased"
        with exchange.sender.database.transaction() as session:
            sent = session.scalars(
                select(ExchangePackage).where(ExchangePackage.package_id == package_id)
            ).one()
            acknowledgement = sent.receipt
        assert acknowledgement and sent.acknowledged_at is not None
        claims = json.loads(verify(acknowledgement, exchange.receiver))
        assert claims["erased"] == [package_id]
        # Idempotent: the same request again changes nothing and is acknowledged again.
        before = row_counts(exchange.receiver)
        again = client.post(ERASURES, json={"erasure": request})
        assert again.status_code == 200 and again.json()["erased"] == [package_id]
        assert row_counts(exchange.receiver) == before


def test_a_package_still_in_the_outbox_never_leaves_after_erasure(exchange: Exchange) -> None:
    register(exchange.sender, "italy-https", exchange.receiver, [Purpose.CONTINUITY_OF_CARE],
             base_url=URL)  # fmt: skip
    packed = pack_case(exchange.sender, exchange.reference, "italy-https", CONTINUITY, outbox=True)
    erase_child(exchange.sender, dpo_of(exchange), exchange.reference)
    with inbox_client(exchange.receiver) as client:
        assert deliver_due(exchange.sender, client).delivered == 1  # the request, not the package
    with exchange.receiver.database.transaction() as session:
        assert session.scalars(select(ExchangePackage)).all() == []
        assert session.scalars(select(Child)).all() == []
    [logged] = package_log(exchange.sender)
    assert (logged["package_id"], logged["status"]) == (packed.package_id, "erased")
    with exchange.sender.database.transaction() as session:
        kept = session.scalars(select(ExchangeOutbox).where(ExchangeOutbox.kind == "package")).one()
        assert kept.status == "cancelled" and kept.token == ""


def test_a_withdrawn_cross_border_consent_erases_the_partners_copy(exchange: Exchange) -> None:
    sent_and_accepted(exchange)
    copy = receivers_child(exchange.receiver)
    record_actions.withdraw_consent(
        exchange.sender, exchange.worker, exchange.reference, exchange.consent_id
    )
    with inbox_client(exchange.receiver) as client:
        assert deliver_due(exchange.sender, client).delivered == 1
    assert_shredded(exchange.receiver, copy)
    # The sender's own case stays (only the consent was withdrawn).
    assert receivers_child(exchange.sender).given_name is not None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged_requests(exchange: Exchange, package_id: str) -> dict[str, str]:
    """Erasure requests nobody registered signed, and a genuine signed message of another kind."""
    claims = json.dumps({"type": "erasure_request", "erase": [package_id]}).encode()
    sender_kid = next(k["kid"] for k in published(exchange.sender)["keys"] if k["use"] == "sig")
    forger = OKPKey.generate_key("Ed25519", parameters={"kid": "forger"})
    impostor = OKPKey.generate_key("Ed25519", parameters={"kid": sender_kid})
    header = {"alg": "Ed25519", "typ": "routecare-erasure"}
    with exchange.sender.database.transaction() as session:
        receipt = sign_receipt(session, exchange.sender, package_id, "erase")
    return {
        "unsigned": "not.a.jws",
        "alg none": f"{b64(json.dumps({'alg': 'none', 'kid': sender_kid}).encode())}."
        f"{b64(claims)}.",
        "unregistered key": jws.serialize_compact(
            {**header, "kid": "forger"}, claims, forger, ["Ed25519"]
        ),
        "registered kid, other key": jws.serialize_compact(
            {**header, "kid": sender_kid}, claims, impostor, ["Ed25519"]
        ),
        "a receipt replayed as a request": receipt,
    }


def test_a_forged_or_unsigned_erasure_request_erases_nothing(exchange: Exchange) -> None:
    package_id = sent_and_accepted(exchange)
    copy = receivers_child(exchange.receiver)
    forgeries = forged_requests(exchange, package_id)
    before = row_counts(exchange.receiver)
    with inbox_client(exchange.receiver) as client:
        for name, forged in forgeries.items():
            refused = client.post(
                ERASURES, json={"erasure": forged}, headers={"Authorization": "Bearer rc_x"}
            )
            assert refused.status_code == 422, name
            assert "refused" in refused.json()["detail"], name
    assert row_counts(exchange.receiver) == before
    with exchange.receiver.database.transaction() as session:
        outcomes = session.scalars(
            select(AuditEntry.outcome).where(AuditEntry.action == "exchange.erasure.receive")
        ).all()
    assert outcomes == ["refused"] * len(forgeries)
    kept = receivers_child(exchange.receiver)
    assert kept.erased_at is None and kept.given_name == copy.given_name
    assert copy.uid not in store_of(exchange.receiver.keyring).erased()


def test_erasure_by_file_for_a_partner_without_an_address(
    exchange: Exchange, tmp_path: Path
) -> None:
    a, b = exchange.sender, exchange.receiver
    package = tmp_path / "PKG.jwe"
    assert run_cli(a, "exchange", "pack", "--case", exchange.reference, "--to", "italy",
                   "--purpose", CONTINUITY, "--output", str(package)).exit_code == 0  # fmt: skip
    assert run_cli(b, "exchange", "unpack", str(package)).exit_code == 0
    copy = receivers_child(b)
    erase_child(a, dpo_of(exchange), exchange.reference)
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))) as never:
        assert deliver_due(a, never) == Delivery()  # no address: nothing is posted
    requests, acknowledgements = tmp_path / "erasures.txt", tmp_path / "acks.txt"
    written = run_cli(a, "exchange", "erasures", "--to", "italy", "--output", str(requests))
    assert written.exit_code == 0 and "1 erasure request" in written.stdout
    assert "Mamadou" not in requests.read_text() and exchange.reference not in requests.read_text()
    # A forged file (B's own signature, which B registered for nobody) erases nothing.
    with b.database.transaction() as session:
        forged = sign_receipt(session, b, "x", "erase")
    (tmp_path / "forged.txt").write_text(forged)
    refused = run_cli(b, "exchange", "erase", str(tmp_path / "forged.txt"),
                      "--output", str(tmp_path / "none.txt"))  # fmt: skip
    assert refused.exit_code == 1 and "refused" in refused.stderr
    assert receivers_child(b).erased_at is None
    erased = run_cli(b, "exchange", "erase", str(requests), "--output", str(acknowledgements))
    assert erased.exit_code == 0, erased.output
    assert_shredded(b, copy)
    before = row_counts(b)
    assert run_cli(b, "exchange", "erase", str(requests),
                   "--output", str(tmp_path / "again.txt")).exit_code == 0  # fmt: skip
    assert row_counts(b) == before
    recorded = run_cli(a, "exchange", "acknowledge", str(acknowledgements))
    assert recorded.exit_code == 0, recorded.output
    [logged] = json.loads(run_cli(a, "exchange", "log", "--json").stdout)
    assert logged["status"] == "erased"
