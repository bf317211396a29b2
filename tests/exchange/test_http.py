"""Over HTTPS: the sender's outbox delivers to the receiver's inbox (the receiver's real ASGI
app), retries with backoff while the receiver is down, survives a restart, and keeps the
receiver's signed receipt; the inbox takes a package once and trusts no session."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from routecare.app import create_app
from routecare.cases.queries import all_cases
from routecare.deployment import Deployment
from routecare.exchange.models import ExchangeOutbox, ExchangePackage, ExchangePartner
from routecare.exchange.outbox import deliver_due
from routecare.exchange.queries import case_packages, pending_packages
from routecare.exchange.receiving import accept_package, decline_package
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from tests.exchange.conftest import Exchange, register, row_counts

URL = "https://italy.example.org"
SENDER_URL = "https://niger.example.org"
CONTINUITY = Purpose.CONTINUITY_OF_CARE.value


def inbox_client(receiver: Deployment, url: str = URL) -> TestClient:
    return TestClient(create_app(receiver.settings, receiver), base_url=url)


def give_url(deployment: Deployment, partner: str, url: str) -> None:
    """The partner's address (the registry has no edit command yet; the coordinator would
    register it with --url)."""
    with deployment.database.transaction() as session:
        session.execute(
            update(ExchangePartner).where(ExchangePartner.name == partner).values(base_url=url)
        )


def down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def outbox(deployment: Deployment) -> ExchangeOutbox:
    with deployment.database.transaction() as session:
        row = session.scalars(select(ExchangeOutbox)).one()
        session.expunge(row)
        return row


def test_receiver_down_then_delivered_once_after_it_returns(exchange: Exchange) -> None:
    register(exchange.sender, "italy-https", exchange.receiver, [Purpose.CONTINUITY_OF_CARE],
             base_url=URL)  # fmt: skip
    packed = pack_case(exchange.sender, exchange.reference, "italy-https", CONTINUITY, outbox=True)
    with httpx.Client(transport=httpx.MockTransport(down)) as offline:
        assert deliver_due(exchange.sender, offline).retrying == 1
        waiting = outbox(exchange.sender)
        assert waiting.status == "queued" and waiting.attempts == 1
        assert "unreachable" in (waiting.last_error or "")
        # Backoff: not tried again before its time.
        assert deliver_due(exchange.sender, offline).retrying == 0
    # The sender restarts (a new process on the same data); the receiver is back; time passes.
    restarted = Deployment.open(exchange.sender.settings)
    try:
        with restarted.database.transaction() as session:
            session.execute(
                update(ExchangeOutbox).values(
                    next_attempt_at=waiting.next_attempt_at - timedelta(hours=1)
                )
            )
        with inbox_client(exchange.receiver) as online:
            assert deliver_due(restarted, online).delivered == 1
            assert deliver_due(restarted, online).delivered == 0  # nothing left to send
    finally:
        restarted.close()
    delivered = outbox(exchange.sender)
    assert delivered.status == "delivered" and delivered.token == ""
    # Delivered once, waiting in the receiving coordinator's queue; accepting opens one case
    # and the signed acceptance goes back to the sender's receipts inbox.
    assert all_cases(exchange.receiver) == []
    [pending] = pending_packages(exchange.receiver)
    give_url(exchange.receiver, "niger", SENDER_URL)
    reference = accept_package(exchange.receiver, pending.package_id)
    assert [case["reference"] for case in all_cases(exchange.receiver)] == [reference]
    with inbox_client(exchange.sender, SENDER_URL) as sender_inbox:
        assert deliver_due(exchange.receiver, sender_inbox).delivered == 1
    with exchange.sender.database.transaction() as session:
        sent = session.scalars(
            select(ExchangePackage).where(ExchangePackage.package_id == packed.package_id)
        ).one()
        assert sent.receipt and sent.acknowledged_at is not None
    # The sender's case shows it: to whom, why, which fields, the receipt.
    shown = case_packages(exchange.sender, exchange.worker, exchange.reference)
    assert [(p.direction, p.partner, p.status, p.partner_case) for p in shown] == [
        ("sent", "italy-https", "accepted", reference)
    ]


def test_the_inbox_takes_a_package_once_and_no_session(exchange: Exchange) -> None:
    token = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY).token
    with inbox_client(exchange.receiver) as client:
        answers = [client.post("/api/v1/exchange/inbox", json={"package": token}) for _ in range(3)]
        assert [a.status_code for a in answers] == [201, 201, 201]
        assert len({a.json()["package_id"] for a in answers}) == 1
        assert {a.json()["status"] for a in answers} == {"pending"}
        assert len(pending_packages(exchange.receiver)) == 1
        accept_package(exchange.receiver, answers[0].json()["package_id"])
        again = client.post("/api/v1/exchange/inbox", json={"package": token})
        assert again.json()["status"] == "accepted"
        assert len(all_cases(exchange.receiver)) == 1
        before = row_counts(exchange.receiver)
        altered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
        refused = client.post(
            "/api/v1/exchange/inbox",
            json={"package": altered},
            headers={"Authorization": "Bearer rc_not_a_token"},
        )
        assert refused.status_code == 422 and "refused" in refused.json()["detail"]
        assert row_counts(exchange.receiver) == before
        schema = client.get(f"/api/v1/exchange/schemas/{CONTINUITY}/1.0").json()
        assert "prs_GivenName" in schema["$defs"][f"Child_{CONTINUITY}"]["properties"]
        keys = client.get("/api/v1/exchange/jwks").json()["keys"]
        assert keys and all("d" not in key for key in keys)


def test_a_decline_deletes_the_package_and_its_reason_goes_back(exchange: Exchange) -> None:
    give_url(exchange.receiver, "niger", SENDER_URL)
    token = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY).token
    with inbox_client(exchange.receiver) as client:
        package_id = client.post("/api/v1/exchange/inbox", json={"package": token}).json()[
            "package_id"
        ]
    decline_package(exchange.receiver, package_id, "No capacity for boys over 15 this month")
    with exchange.receiver.database.transaction() as session:
        row = session.scalars(select(ExchangePackage)).one()
        assert row.token is None and row.case_id is None and row.status == "declined"
    # A forged decision (signed by the receiver's key? no: by nobody registered) is refused.
    with inbox_client(exchange.sender, SENDER_URL) as sender_inbox:
        forged = sender_inbox.post("/api/v1/exchange/receipts", json={"receipt": token})
        assert forged.status_code == 422
        assert deliver_due(exchange.receiver, sender_inbox).delivered == 1
    [shown] = case_packages(exchange.sender, exchange.worker, exchange.reference)
    assert shown.status == "declined" and shown.reason and "capacity" in shown.reason
    assert all_cases(exchange.receiver) == []
