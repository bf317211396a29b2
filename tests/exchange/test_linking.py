"""Accepting a received package into a case the coordinator's organisation already has: the
case a match notice ties to the sender's record is offered on the package page, any other by
reference; the package's provenance goes on the case, its values never overwrite the case's,
and a case the coordinator's organisation does not own is refused as not found."""

from __future__ import annotations

import json

from routecare.auth import actions as account_actions
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.cases import actions as case_actions
from routecare.cases.queries import read_case
from routecare.cases.schemas import CaseIn
from routecare.demo.seed import principal_of
from routecare.exchange.models import ExchangePackage
from routecare.exchange.notice_referrals import refer_from_notice
from routecare.exchange.outbox import deliver_due
from routecare.exchange.queries import pending_packages
from routecare.exchange.receiving import receive_package
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from routecare.linkage.actions import review_notice
from routecare.linkage.queries import list_notices
from routecare.linkage.schemas import NoticeReviewIn
from tests.cli_runner import run_cli
from tests.conftest import csrf_from
from tests.exchange.conftest import CHILD, PASSWORD, Exchange, row_counts
from tests.exchange.notices_setup import SENDER_URL, Noticing, colleague, consent_to_every_field
from tests.exchange.test_http import inbox_client
from tests.exchange.test_notice_follow_up import noticed  # noqa: F401 (fixture)
from tests.exchange.test_pages import audited, browser, post

CONTINUITY = Purpose.CONTINUITY_OF_CARE


def queued(exchange: Exchange) -> str:
    """One package of the sender's case, waiting in the receiving coordinator's queue."""
    token = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY.value).token
    return receive_package(exchange.receiver, token, transport="https").package_id


def italian_case(exchange: Exchange, username: str, *, own: bool = True) -> str:
    """A case already open at the receiver for the same boy, spelled and assessed otherwise:
    in the coordinator's organisation (`own`) or in another Italian organisation."""
    if own:
        coordinator = principal_of(exchange.receiver, "coordinator")
        worker = colleague(exchange.receiver, coordinator, username, Role.CASE_WORKER)
    else:
        organisation = account_actions.create_organisation(
            exchange.receiver, name="Another NGO", country="ITA", kind=OrganisationKind.NGO
        )
        account_actions.create_user(
            exchange.receiver,
            organisation_id=organisation,
            user=UserIn(username=username, password=PASSWORD, role=Role.CASE_WORKER),
        )
        worker = principal_of(exchange.receiver, username)
    data = {"given_name": "Mamadu", "family_name": "Bah", "sex": "male", "risk_level": "medium"}
    return case_actions.create_case(exchange.receiver, worker, CaseIn.model_validate(data), None)


def package_row(exchange: Exchange, package_id: str) -> ExchangePackage:
    with exchange.receiver.database.transaction() as session:
        row = session.query(ExchangePackage).filter_by(package_id=package_id).one()
        session.expunge(row)
        return row


def test_the_cli_links_a_package_to_an_existing_case_once_and_keeps_its_data(
    exchange: Exchange,
) -> None:
    package_id = queued(exchange)
    reference = italian_case(exchange, "worker-it").reference
    before = row_counts(exchange.receiver)
    linked = run_cli(exchange.receiver, "exchange", "accept", package_id, "--case", reference)
    assert linked.exit_code == 0, linked.output
    assert linked.stdout.strip() == reference
    after = row_counts(exchange.receiver)
    assert after["cases"] == before["cases"] and after["children"] == before["children"]
    # The provenance is on the existing case, as for a new one; the case keeps its values.
    row = package_row(exchange, package_id)
    assert (row.status, row.token, row.partner_case) == ("accepted", None, exchange.reference)
    case = read_case(exchange.receiver, principal_of(exchange.receiver, "coordinator"), reference)
    assert row.case_id is not None
    assert (case.child.given_name, case.risk_level, case.guardian_name) == (
        "Mamadu",
        "medium",
        None,
    )
    [link] = audited(exchange.receiver, "exchange.package.link")
    detail = json.loads(link.detail or "{}")
    assert {"prs_GivenName", "cas_RiskLevel", "spl_GuardianName"} <= set(detail["kept"])
    assert "prs_FamilyName" not in detail["kept"]  # the same on both sides
    assert CHILD["given_name"] not in link.detail and "Mamadu" not in link.detail
    # Accepting the same package again links once: the same answer, nothing new anywhere.
    again = run_cli(exchange.receiver, "exchange", "accept", package_id, "--case", reference)
    assert again.exit_code == 0 and again.stdout.strip() == reference
    assert row_counts(exchange.receiver) == after
    assert len(audited(exchange.receiver, "exchange.package.link")) == 1
    # Into another case of ours, or into a new one, it is refused: it was accepted already.
    another = italian_case(exchange, "worker-it2").reference
    now = row_counts(exchange.receiver)
    for other_way in ([], ["--case", another]):
        refused = run_cli(exchange.receiver, "exchange", "accept", package_id, *other_way)
        assert refused.exit_code == 1 and "already accepted" in refused.output
    assert row_counts(exchange.receiver) == now
    # Without --case the contract is unchanged: a new case, its reference printed.
    other = queued(exchange)
    opened = run_cli(exchange.receiver, "exchange", "accept", other)
    assert opened.exit_code == 0 and opened.stdout.strip() not in ("", reference, another)
    assert row_counts(exchange.receiver)["cases"] == now["cases"] + 1


def test_a_case_the_coordinator_may_not_see_is_refused_and_nothing_changes(
    exchange: Exchange,
) -> None:
    package_id = queued(exchange)
    theirs = italian_case(exchange, "worker-other", own=False).reference
    erased_or_unknown = "CASE-0000-NOPE"
    coordinator = browser(exchange.receiver, "coordinator")
    before = row_counts(exchange.receiver)
    for reference in (theirs, erased_or_unknown):
        refused = run_cli(exchange.receiver, "exchange", "accept", package_id, "--case", reference)
        assert refused.exit_code == 1 and "no child record with that reference" in refused.output
    page = f"/exchange/received/{package_id}"
    # The comparison of a case of another organisation shows none of its values.
    compared = coordinator.get(page, params={"case": theirs})
    assert compared.status_code == 200 and 'id="link-case-error"' in compared.text
    assert "Mamadu" not in compared.text and 'id="accept-link"' not in compared.text
    # A crafted accept naming it is refused as not found, as a hidden case is everywhere.
    assert post(coordinator, page, f"{page}/accept", case=theirs) == 404
    assert row_counts(exchange.receiver) == before
    assert package_row(exchange, package_id).status == "pending"
    assert audited(exchange.receiver, "exchange.package.link") == []


def test_the_case_a_match_notice_ties_is_offered_and_linked_on_the_page(
    noticed: Noticing,  # noqa: F811 (the fixture imported above)
) -> None:
    italy, niger = noticed.receiver, noticed.sender
    consent_to_every_field(italy, noticed.italy_worker, noticed.italy_boy, CONTINUITY)
    [notice] = list_notices(italy, noticed.italy_coordinator)
    started = refer_from_notice(italy, noticed.italy_coordinator, notice.id, CONTINUITY)
    with inbox_client(niger, SENDER_URL) as niger_inbox:
        assert deliver_due(italy, niger_inbox).delivered == 1
    coordinator = browser(niger, "coordinator-ne")
    page = f"/exchange/received/{started.package_id}"
    offered = coordinator.get(page).text
    assert f"{page}?case={noticed.niger_boy}" in offered  # the notice's case, offered
    assert noticed.niger_girl not in offered
    # Once the coordinator judged the notice not the same child, it offers the case no more;
    # a case can still be chosen by reference.
    [ours] = list_notices(niger, noticed.niger_coordinator)
    review_notice(niger, noticed.niger_coordinator, ours.id, NoticeReviewIn(same_child=False))
    assert f"{page}?case=" not in coordinator.get(page).text
    compared = coordinator.get(page, params={"case": noticed.niger_boy}).text
    assert 'id="link-differences"' in compared and "Abdulai" in compared
    assert "Abdoulaye" in compared  # what the case holds, kept
    coordinator.cookies.set("routecare_lang", "ar")
    arabic = coordinator.get(page, params={"case": noticed.niger_boy}).text
    assert "الربط بملف موجود لديكم" in arabic and "في الملف (محفوظ)" in arabic
    coordinator.cookies.set("routecare_lang", "en")
    before = row_counts(niger)
    answer = coordinator.post(
        f"{page}/accept",
        data={"csrf_token": csrf_from(compared), "case": noticed.niger_boy},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/cases/{noticed.niger_boy}"
    assert row_counts(niger)["cases"] == before["cases"]
    assert pending_packages(niger) == []
    case = read_case(niger, noticed.niger_coordinator, noticed.niger_boy)
    assert case.child.given_name == "Abdoulaye"
    shown = coordinator.get(f"/cases/{noticed.niger_boy}").text
    assert "Cross-border exchange" in shown and "italy" in shown
