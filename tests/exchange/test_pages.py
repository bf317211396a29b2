"""The exchange's pages: the receiving coordinator's queue (open, decline with a reason,
accept into a case), the sender's case page showing what came back, and the DPO's oversight
page (no child named) with the partner suspended at once. Two real deployments."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from joserfc import jws
from joserfc.jwk import OKPKey
from sqlalchemy import select

from routecare.app import create_app
from routecare.audit.models import AuditEntry
from routecare.auth import actions as account_actions
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from routecare.children.actions import erase_child
from routecare.deployment import Deployment
from routecare.errors import Forbidden
from routecare.exchange.erasure import receive_acknowledgement
from routecare.exchange.keys import public_jwks
from routecare.exchange.models import ExchangePackage
from routecare.exchange.outbox import deliver_due
from routecare.exchange.queries import pending_packages
from routecare.exchange.receiving import PackageRefused, receive_package
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from tests.conftest import csrf_from, https_client, sign_in
from tests.exchange.conftest import CHILD, PASSWORD, Exchange, row_counts, staff
from tests.exchange.test_erasure import dpo_of, sent_and_accepted
from tests.exchange.test_http import SENDER_URL, give_url, inbox_client

CONTINUITY = Purpose.CONTINUITY_OF_CARE.value


def browser(deployment: Deployment, username: str) -> TestClient:
    return sign_in(https_client(create_app(deployment.settings, deployment)), username, PASSWORD)


def post(client: TestClient, page: str, action: str, **form: str) -> int:
    token = csrf_from(client.get(page).text)
    answer = client.post(action, data={"csrf_token": token, **form}, follow_redirects=False)
    return answer.status_code


def audited(deployment: Deployment, action: str) -> list[AuditEntry]:
    with deployment.database.transaction() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def test_the_coordinator_declines_and_accepts_and_the_sender_sees_both(
    exchange: Exchange,
) -> None:
    give_url(exchange.receiver, "niger", SENDER_URL)
    for _ in range(2):
        token = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY).token
        receive_package(exchange.receiver, token, transport="https")
    first, second = (p.package_id for p in pending_packages(exchange.receiver))
    coordinator = browser(exchange.receiver, "coordinator")
    home = coordinator.get("/").text
    assert 'id="queue-packages"' in home and f"/exchange/received/{first}" in home
    queue = coordinator.get("/exchange/received").text
    assert "Continuity of care" in queue and "niger" in queue and "Given name" in queue
    assert str(CHILD["given_name"]) not in queue  # the list names fields, never their values
    coordinator.cookies.set("routecare_lang", "ar")
    arabic = coordinator.get("/exchange/received").text
    assert "استمرارية الرعاية" in arabic and "الاسم" in arabic and "Continuity" not in arabic
    coordinator.cookies.set("routecare_lang", "en")
    opened = coordinator.get(f"/exchange/received/{first}").text
    for shown in (str(CHILD["given_name"]), "Forced labour", "Guardian", exchange.reference):
        assert shown in opened, shown
    page = f"/exchange/received/{first}"
    # A decline without a reason is refused next to the field, and changes nothing.
    before = row_counts(exchange.receiver)
    refused = coordinator.post(
        f"{page}/decline",
        data={"csrf_token": csrf_from(coordinator.get(page).text), "reason": "  "},
    )
    assert refused.status_code == 422 and 'data-field="reason"' in refused.text
    assert row_counts(exchange.receiver) == before
    reason = "No capacity for boys over 15 this month"
    assert post(coordinator, page, f"{page}/decline", reason=reason) == 303
    # Deciding twice is refused: the declined package cannot then be accepted.
    assert post(coordinator, "/exchange/received", f"{page}/accept") == 409
    accepted = coordinator.post(
        f"/exchange/received/{second}/accept",
        data={"csrf_token": csrf_from(coordinator.get("/exchange/received").text)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    case_page = coordinator.get(accepted.headers["location"])
    assert case_page.status_code == 200 and str(CHILD["given_name"]) in case_page.text
    assert "Received" in case_page.text  # the new case shows where it came from
    coordinator_id = coordinator.get("/api/v1/me").json()["id"]
    for action in ("exchange.package.accept", "exchange.package.decline"):
        [entry] = audited(exchange.receiver, action)
        assert entry.actor_user_id == coordinator_id
    read = audited(exchange.receiver, "exchange.package.read")
    assert read and {entry.actor_user_id for entry in read} == {coordinator_id}
    # Both decisions travel back signed; the sender's case page shows them.
    with inbox_client(exchange.sender, SENDER_URL) as sender_inbox:
        assert deliver_due(exchange.receiver, sender_inbox).delivered == 2
    sender_case = browser(exchange.sender, "worker").get(f"/cases/{exchange.reference}").text
    assert 'id="exchange"' in sender_case
    assert "<strong>Accepted</strong>" in sender_case and "<strong>Declined</strong>" in sender_case
    assert reason in sender_case and sender_case.count("signed receipt of") == 2
    # The receiver's officer sees both packages, the decline but not its typed reason.
    staff(exchange.receiver, "ITA", "officer", Role.DATA_PROTECTION_OFFICER)
    oversight = browser(exchange.receiver, "officer").get("/exchange/oversight").text
    assert oversight.count("Received") == 2 and "Declined" in oversight
    assert reason not in oversight and str(CHILD["given_name"]) not in oversight


def test_the_dpo_sees_every_package_without_the_child_and_suspends_a_partner(
    exchange: Exchange,
) -> None:
    account_actions.create_user(
        exchange.sender,
        organisation_id=exchange.worker.organisation_id,
        user=UserIn(username="dpo", password=PASSWORD, role=Role.DATA_PROTECTION_OFFICER),
    )
    pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY)
    dpo = browser(exchange.sender, "dpo")
    page = dpo.get("/exchange/oversight").text
    assert "italy" in page and "DSA-2026-07" in page and "Continuity of care" in page
    assert "Given name" in page and "Date of birth" in page  # field names, no values
    dpo.cookies.set("routecare_lang", "fr")
    french = dpo.get("/exchange/oversight").text
    assert "Continuité de la prise en charge" in french and "Suspendre le partenaire" in french
    dpo.cookies.set("routecare_lang", "en")
    for identity in ("given_name", "family_name", "other_names", "guardian_name"):
        assert str(CHILD[identity]) not in page, identity
    for identifying in (str(CHILD["birth_date"]), exchange.reference):
        assert identifying not in page
    # Suspension needs the confirmation ticked; without it nothing changes.
    assert post(dpo, "/exchange/oversight", "/exchange/partners/italy/suspension") == 422
    assert "Suspended" not in dpo.get("/exchange/oversight").text
    assert (
        post(dpo, "/exchange/oversight", "/exchange/partners/italy/suspension", confirm="true")
        == 303
    )
    assert "Suspended" in dpo.get("/exchange/oversight").text
    dpo_id = dpo.get("/api/v1/me").json()["id"]
    [entry] = audited(exchange.sender, "exchange.partner.suspend")
    assert entry.actor_user_id == dpo_id
    assert {e.actor_user_id for e in audited(exchange.sender, "exchange.log.read")} == {dpo_id}
    # From then on nothing leaves for that partner.
    try:
        pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY)
    except Forbidden as refused:
        assert "suspended" in str(refused)
    else:
        raise AssertionError("a package left for a suspended partner")
    with exchange.sender.database.transaction() as session:
        assert len(session.scalars(select(ExchangePackage)).all()) == 1


def test_the_erased_childs_history_shows_each_partners_signed_acknowledgement(
    exchange: Exchange,
) -> None:
    sent_and_accepted(exchange)
    erase_child(exchange.sender, dpo_of(exchange), exchange.reference)
    dpo = browser(exchange.sender, "dpo")
    trail = f"/audit?child={exchange.reference}"
    asked = dpo.get(trail).text
    assert 'id="erasure-italy-https"' in asked and "erasure requested on" in asked
    assert "not acknowledged yet" in asked
    # An acknowledgement under the partner's kid but another key is refused and not shown.
    with exchange.receiver.database.transaction() as session:
        published = public_jwks(session)["keys"]
    receiver_kid = next(key["kid"] for key in published if key["use"] == "sig")
    impostor = OKPKey.generate_key("Ed25519", parameters={"kid": receiver_kid})
    with exchange.sender.database.transaction() as session:
        [package_id] = session.scalars(select(ExchangePackage.package_id)).all()
    claims = json.dumps({"type": "erasure_acknowledgement", "erased": [package_id]}).encode()
    header = {"alg": "Ed25519", "typ": "routecare-erasure", "kid": receiver_kid}
    forged = jws.serialize_compact(header, claims, impostor, ["Ed25519"])
    with pytest.raises(PackageRefused):
        receive_acknowledgement(exchange.sender, forged)
    assert "erasure acknowledged" not in dpo.get(trail).text
    # The partner's genuine acknowledgement comes back with the delivery of the request.
    with inbox_client(exchange.receiver) as client:
        assert deliver_due(exchange.sender, client).delivered == 1
    acknowledged = dpo.get(trail).text
    assert "erasure acknowledged, signed, on" in acknowledged
    assert "not acknowledged yet" not in acknowledged
