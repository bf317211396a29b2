"""Packing many packages at once (`pack_cases`, what the benchmark's faster path uses): one
transaction, yet every package checked, recorded and audited on its own; one refusal packs
nothing."""

from __future__ import annotations

import json

from sqlalchemy import select

from routecare.audit.models import AuditEntry
from routecare.errors import Forbidden
from routecare.exchange.receiving import receive_package
from routecare.exchange.sending import PackOrder, pack_cases
from routecare.exchange.vocabulary import Purpose
from tests.exchange.conftest import Exchange, row_counts

CONTINUITY = Purpose.CONTINUITY_OF_CARE.value


def sends_audited(exchange: Exchange) -> list[str]:
    with exchange.sender.database.transaction() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "exchange.package.send")
        ).all()
        return [json.loads(entry.detail)["package"] for entry in entries]


def test_a_batch_audits_each_package_and_one_refusal_packs_none(exchange: Exchange) -> None:
    order = PackOrder(exchange.reference, "italy", CONTINUITY)
    packed = pack_cases(exchange.sender, [order] * 3)
    assert len({p.package_id for p in packed}) == 3
    assert sorted(sends_audited(exchange)) == sorted(p.package_id for p in packed)
    for each in packed:  # each opens on its own at the partner
        assert receive_package(exchange.receiver, each.token).created
    before, audited = row_counts(exchange.sender), sends_audited(exchange)
    # The last order names a purpose the partner is not allowed: nothing of the batch is kept.
    refused = PackOrder(exchange.reference, "italy", Purpose.SAFE_RETURN_ASSESSMENT.value)
    try:
        pack_cases(exchange.sender, [order, order, refused])
    except Forbidden as error:
        assert "not allowed" in str(error)
    else:
        raise AssertionError("a batch with a refused order was packed")
    assert row_counts(exchange.sender) == before
    assert sends_audited(exchange) == audited
