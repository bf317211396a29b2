"""Receiving: once per package id, only from registered partners, never altered or expired;
a refusal stores nothing but its audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from routecare.audit.models import AuditEntry
from routecare.cases.queries import all_cases
from routecare.exchange.actions import suspend_partner
from routecare.exchange.receiving import PackageRefused, receive_package
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from tests.exchange.conftest import Exchange, row_counts

CONTINUITY = Purpose.CONTINUITY_OF_CARE.value


def refusals(exchange: Exchange) -> list[str]:
    with exchange.receiver.database.transaction() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "exchange.package.receive")
        )
        return [entry.outcome for entry in entries]


def test_one_case_per_package_holding_only_consented_fields(exchange: Exchange) -> None:
    packed = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY)
    first = receive_package(exchange.receiver, packed.token, accept=True)
    assert first.created and first.reference
    after_first = row_counts(exchange.receiver)
    again = [receive_package(exchange.receiver, packed.token, accept=True) for _ in range(2)]
    assert {r.reference for r in again} == {first.reference} and not any(r.created for r in again)
    assert row_counts(exchange.receiver) == after_first
    assert [case["reference"] for case in all_cases(exchange.receiver)] == [first.reference]
    # A later package under a consent without the family name: the new case lacks it.
    from routecare.cases import record_actions
    from routecare.exchange.package_schema import PURPOSE_FIELDS

    record_actions.withdraw_consent(
        exchange.sender, exchange.worker, exchange.reference, exchange.consent_id
    )
    fields = [f for f in PURPOSE_FIELDS[Purpose.CONTINUITY_OF_CARE] if f != "prs_FamilyName"]
    exchange.consent(fields)
    token = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY).token
    received = receive_package(exchange.receiver, token, accept=True)
    assert received.reference != first.reference
    with exchange.receiver.database.transaction() as session:
        from routecare.cases.models import Case
        from routecare.children.models import Child
        from routecare.exchange.models import ExchangePackage

        case = session.scalars(select(Case).where(Case.reference == received.reference)).one()
        child = session.get(Child, case.child_id)
        assert child is not None and child.family_name is None and child.given_name is not None
        assert child.narrative is None and child.contact is None
        assert case.risk_level == "high" and case.exploitation_forms == "ForcedLabour"
        provenance = session.scalars(
            select(ExchangePackage).where(ExchangePackage.case_id == case.id)
        ).one()
        assert provenance.partner_case == exchange.reference
        assert "prs_FamilyName" not in provenance.fields.split()


def test_altered_expired_suspended_or_unknown_packages_are_refused(exchange: Exchange) -> None:
    token = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY).token
    before = row_counts(exchange.receiver)
    # One position in each of the five parts of the compact JWE, and the last character.
    starts = [0] + [i + 1 for i, c in enumerate(token) if c == "."]
    for position in [s + 3 for s in starts] + [len(token) - 1]:
        flipped = "B" if token[position] != "B" else "C"
        altered = token[:position] + flipped + token[position + 1 :]
        with pytest.raises(PackageRefused, match="refused"):
            receive_package(exchange.receiver, altered)
    assert row_counts(exchange.receiver) == before

    # Expired.
    token = pack_case(
        exchange.sender, exchange.reference, "italy", CONTINUITY, lifetime=timedelta(seconds=-1)
    ).token
    before = row_counts(exchange.receiver)
    with pytest.raises(PackageRefused, match="expired"):
        receive_package(exchange.receiver, token)
    assert row_counts(exchange.receiver) == before
    # From a suspended partner, then from one no longer registered.
    token = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY).token
    suspend_partner(exchange.receiver, "niger")
    before = row_counts(exchange.receiver)
    with pytest.raises(PackageRefused, match="suspended"):
        receive_package(exchange.receiver, token)
    with exchange.receiver.database.transaction() as session:
        from routecare.exchange.models import ExchangePartner

        session.delete(session.scalars(select(ExchangePartner)).one())
    before = {**before, "exchange_partners": 0}
    with pytest.raises(PackageRefused, match="no registered partner"):
        receive_package(exchange.receiver, token)
    assert row_counts(exchange.receiver) == before
    assert refusals(exchange) == ["refused"] * 9
