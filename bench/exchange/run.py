"""Transnational packages: throughput of pack and unpack, and delivery of a queued backlog
after an outage, between two deployments on SQLite in temporary directories:

    uv run python bench/exchange/run.py [--count 1000]

1. JOSE alone (sign + encrypt, decrypt + verify a real package payload), one core.
2. `pack_case` (registry, consent, decryption of the case, JOSE, package record, audit) and
   `receive_package` into the coordinator's queue (verify, replay check, record, audit).
3. `--count` packages queued while the receiver is down, then delivered by `deliver_due`
   rounds to the receiver's app in process (no network), until none is left.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the exchange tests' two-deployment helpers

from tests.exchange.conftest import (  # noqa: E402
    CHILD,
    Exchange,
    open_deployment_in,
    register,
    staff,
)

from routecare.app import create_app  # noqa: E402
from routecare.auth.roles import Role  # noqa: E402
from routecare.cases.actions import create_case  # noqa: E402
from routecare.cases.schemas import CaseIn  # noqa: E402
from routecare.exchange.jose import seal, unseal, verified_payload  # noqa: E402
from routecare.exchange.keys import create_keys, decryption_keys, signing_key  # noqa: E402
from routecare.exchange.outbox import deliver_due  # noqa: E402
from routecare.exchange.package_schema import PURPOSE_FIELDS  # noqa: E402
from routecare.exchange.partners import encryption_key_of, partner_keys, partner_named  # noqa: E402
from routecare.exchange.receiving import receive_package  # noqa: E402
from routecare.exchange.sending import pack_case  # noqa: E402
from routecare.exchange.vocabulary import Purpose  # noqa: E402
from routecare.storage.database import Database  # noqa: E402
from routecare.storage.migrate import upgrade  # noqa: E402

URL = "https://receiver.example.org"
CONTINUITY = Purpose.CONTINUITY_OF_CARE


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s ({seconds:.2f} s for {count})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        template = root / "template.sqlite3"
        database = Database(f"sqlite:///{template}")
        upgrade(database)
        database.dispose()
        sender = open_deployment_in(root / "sender", template)
        receiver = open_deployment_in(root / "receiver", template)
        worker = staff(sender, "NER", "worker", Role.CASE_WORKER)
        staff(receiver, "ITA", "coordinator", Role.COORDINATOR)
        create_keys(sender)
        create_keys(receiver)
        register(sender, "italy", receiver, [CONTINUITY], base_url=URL)
        register(receiver, "niger", sender, [CONTINUITY])
        case = create_case(sender, worker, CaseIn.model_validate(CHILD), None)
        exchange = Exchange(sender, receiver, worker, case.reference, 0)
        exchange.consent(list(PURPOSE_FIELDS[CONTINUITY]))

        token = pack_case(sender, case.reference, "italy", CONTINUITY.value).token
        with receiver.database.transaction() as session:
            keys = decryption_keys(session, receiver)
            partner = partner_named(session, "niger")
            assert partner is not None
            sender_keys = partner_keys(partner)
        payload = verified_payload(unseal(token, keys), sender_keys)
        with sender.database.transaction() as session:
            signer = signing_key(session, sender)
            italy = partner_named(session, "italy")
            assert italy is not None
            recipient = encryption_key_of(italy)
        started = time.perf_counter()
        tokens = [seal(payload, signer, recipient) for _ in range(count)]
        sealed = time.perf_counter() - started
        started = time.perf_counter()
        for each in tokens:
            verified_payload(unseal(each, keys), sender_keys)
        opened = time.perf_counter() - started
        print(f"JOSE seal (sign + encrypt):    {rate(count, sealed)}")
        print(f"JOSE open (decrypt + verify):  {rate(count, opened)}")

        started = time.perf_counter()
        packed = [
            pack_case(sender, case.reference, "italy", CONTINUITY.value) for _ in range(count)
        ]
        print(f"pack_case (database, audit):   {rate(count, time.perf_counter() - started)}")
        started = time.perf_counter()
        for each in packed:
            receive_package(receiver, each.token, transport="bench")
        print(f"receive into the queue:        {rate(count, time.perf_counter() - started)}")

        for _ in range(count):
            pack_case(sender, case.reference, "italy", CONTINUITY.value, outbox=True)

        def down(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("down", request=request)

        with httpx.Client(transport=httpx.MockTransport(down)) as offline:
            deliver_due(sender, offline)  # every package fails once: the outage
        with sender.database.transaction() as session:
            from sqlalchemy import update

            from routecare.exchange.models import ExchangeOutbox

            session.execute(
                update(ExchangeOutbox).values(next_attempt_at=ExchangeOutbox.created_at)
            )
        started = time.perf_counter()
        delivered = 0
        with TestClient(create_app(receiver.settings, receiver), base_url=URL) as online:
            while report := deliver_due(sender, online):
                delivered += report.delivered
                if not report.delivered and not report.retrying:
                    break
        print(f"backlog delivered after outage: {rate(delivered, time.perf_counter() - started)}")
        sender.close()
        receiver.close()


if __name__ == "__main__":
    main()
