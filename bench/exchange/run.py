"""Transnational packages: throughput of pack and unpack, and delivery of a queued backlog
after an outage, between two deployments on SQLite in temporary directories, on one core:

    taskset -c 0 uv run python bench/exchange/run.py [--count 1000] [--batch 100]

Every figure gives the wall-clock rate and the rate per second of this process's CPU time
(`time.process_time`); under `taskset -c 0` both deployments share that one core.

1. JOSE alone (sign + encrypt, decrypt + verify a real package payload).
2. `pack_case` one package per call (registry, consent, decryption of the case, JOSE, package
   record, audit: one transaction, two key-store reads, one audit witness write each), and
   `pack_cases` in batches of `--batch` (one transaction, the key store read once per key,
   still one audit entry per package); `receive_package` into the coordinator's queue.
3. `--count` packages queued, an outage (every delivery fails once), then the receiver comes
   back as a real `routecare serve` process on 127.0.0.1 and `deliver_due` rounds post them
   over loopback HTTP until none is left: end to end, wall clock, with the server's CPU too.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the exchange tests' two-deployment helpers

from tests.exchange.conftest import (  # noqa: E402
    CHILD,
    Exchange,
    open_deployment_in,
    register,
    staff,
)

from routecare.auth.roles import Role  # noqa: E402
from routecare.cases.actions import create_case  # noqa: E402
from routecare.cases.schemas import CaseIn  # noqa: E402
from routecare.exchange.jose import seal, unseal, verified_payload  # noqa: E402
from routecare.exchange.keys import create_keys, decryption_keys, signing_key  # noqa: E402
from routecare.exchange.outbox import deliver_due  # noqa: E402
from routecare.exchange.package_schema import PURPOSE_FIELDS  # noqa: E402
from routecare.exchange.partners import encryption_key_of, partner_keys, partner_named  # noqa: E402
from routecare.exchange.receiving import receive_package  # noqa: E402
from routecare.exchange.sending import PackOrder, pack_case, pack_cases  # noqa: E402
from routecare.exchange.vocabulary import Purpose  # noqa: E402
from routecare.storage.database import Database  # noqa: E402
from routecare.storage.migrate import upgrade  # noqa: E402

CONTINUITY = Purpose.CONTINUITY_OF_CARE


def measured(name: str, count: int, work: Callable[[], object]) -> None:
    """Run `work` and print its rate by wall clock and by this process's CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{name:34} {count / wall:8,.0f}/s wall  {count / cpu:8,.0f}/s CPU  ({wall:.2f} s)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of another process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """The receiver as its own `routecare serve` process; returns once it answers."""
    log = (data_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "routecare"), "serve", "--port", str(port)]
        + ["--data-dir", str(data_dir)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the receiver did not start: {(data_dir / 'serve.log').read_text()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    options = parser.parse_args()
    count, batch = options.count, options.batch
    port = free_port()
    url = f"http://127.0.0.1:{port}"
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
        register(sender, "italy", receiver, [CONTINUITY], base_url=url)
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
        tokens: list[str] = []
        measured(
            "JOSE seal (sign + encrypt)",
            count,
            lambda: tokens.extend(seal(payload, signer, recipient) for _ in range(count)),
        )
        measured(
            "JOSE open (decrypt + verify)",
            count,
            lambda: [verified_payload(unseal(each, keys), sender_keys) for each in tokens],
        )

        packed: list[str] = []

        def one_by_one() -> None:
            for _ in range(count):
                packed.append(pack_case(sender, case.reference, "italy", CONTINUITY.value).token)

        def batched() -> None:
            order = PackOrder(case.reference, "italy", CONTINUITY.value)
            for start in range(0, count, batch):
                pack_cases(sender, [order] * min(batch, count - start))

        measured("pack_case, one per call", count, one_by_one)
        measured(f"pack_cases, batches of {batch}", count, batched)
        measured(
            "receive into the queue",
            count,
            lambda: [receive_package(receiver, each, transport="bench") for each in packed],
        )

        order = PackOrder(case.reference, "italy", CONTINUITY.value)
        for start in range(0, count, batch):
            pack_cases(sender, [order] * min(batch, count - start), outbox=True)

        def down(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("down", request=request)

        with httpx.Client(transport=httpx.MockTransport(down)) as offline:
            while deliver_due(sender, offline).retrying:  # every package fails once: the outage
                pass
        with sender.database.transaction() as session:
            from sqlalchemy import update

            from routecare.exchange.models import ExchangeOutbox

            session.execute(
                update(ExchangeOutbox).values(next_attempt_at=ExchangeOutbox.created_at)
            )
        receiver.close()  # the receiver's own process serves its data directory now
        server = serve(root / "receiver", port)
        try:
            delivered = 0
            server_cpu = cpu_seconds(server.pid)
            wall, cpu = time.perf_counter(), time.process_time()
            with httpx.Client(timeout=30) as online:
                while report := deliver_due(sender, online):
                    delivered += report.delivered
                    if not report.delivered and not report.retrying:
                        break
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            server_cpu = cpu_seconds(server.pid) - server_cpu
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(
            f"{'backlog over loopback HTTP':34} {delivered / wall:8,.0f}/s wall  "
            f"({delivered} delivered in {wall:.2f} s; CPU: sender {cpu:.2f} s, "
            f"receiver {server_cpu:.2f} s)"
        )
        sender.close()


if __name__ == "__main__":
    main()
