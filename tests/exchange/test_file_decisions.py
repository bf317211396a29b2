"""A package carried as a file: the receiver's acceptance goes back signed as a file too
(`routecare exchange decisions`), and the sender records it (`routecare exchange receipts`);
a decision signed by anyone but the partner the package went to changes nothing."""

from __future__ import annotations

from pathlib import Path

import httpx

from routecare.exchange.outbox import Delivery, deliver_due
from routecare.exchange.queries import case_packages
from routecare.exchange.receipts import sign_receipt
from routecare.exchange.vocabulary import Purpose
from tests.cli_runner import run_cli
from tests.exchange.conftest import Exchange, row_counts

CONTINUITY = Purpose.CONTINUITY_OF_CARE.value


def test_an_unpacked_package_sends_its_signed_acceptance_back_as_a_file(
    exchange: Exchange, tmp_path: Path
) -> None:
    a, b = exchange.sender, exchange.receiver
    package, decisions = tmp_path / "PKG.jwe", tmp_path / "decisions.jws"
    assert run_cli(a, "exchange", "pack", "--case", exchange.reference, "--to", "italy",
                   "--purpose", CONTINUITY, "--output", str(package)).exit_code == 0  # fmt: skip
    unpacked = run_cli(b, "exchange", "unpack", str(package))
    assert unpacked.exit_code == 0
    opened = unpacked.stdout.strip()
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))) as never:
        assert deliver_due(b, never) == Delivery()  # "niger" has no address: nothing is posted
    written = run_cli(b, "exchange", "decisions", "--to", "niger", "--output", str(decisions))
    assert written.exit_code == 0 and "1 decision" in written.stdout
    assert "Mamadou" not in decisions.read_text()
    # Handed over once: a second export is empty.
    again = run_cli(b, "exchange", "decisions", "--to", "niger", "--output", str(tmp_path / "x"))
    assert "0 decision" in again.stdout
    # A forged decision (the sender's own key, which it registered for no partner) is refused
    # and changes nothing.
    forged = tmp_path / "forged.jws"
    with a.database.transaction() as session:
        [sent] = case_packages(a, exchange.worker, exchange.reference)
        forged.write_text(sign_receipt(session, a, sent.package_id, "declined", None, "x"))
    before = row_counts(a)
    refused = run_cli(a, "exchange", "receipts", str(forged))
    assert refused.exit_code == 1 and "refused" in refused.stderr
    assert row_counts(a) == before
    assert case_packages(a, exchange.worker, exchange.reference)[0].status == "sent"
    recorded = run_cli(a, "exchange", "receipts", str(decisions))
    assert recorded.exit_code == 0 and f"{sent.package_id} accepted" in recorded.stdout
    [shown] = case_packages(a, exchange.worker, exchange.reference)
    assert (shown.status, shown.partner_case) == ("accepted", opened)
    assert shown.receipt and shown.acknowledged_at is not None
