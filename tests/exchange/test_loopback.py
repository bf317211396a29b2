"""Issue 16's first acceptance test: two deployments on loopback, as two operators run them.

Each data directory is set up only through the `routecare` CLI (`demo`, `exchange keys`,
`exchange partners add`), each deployment serves itself as its own `routecare serve` process on
a free 127.0.0.1 port, and the referral travels between the two processes over HTTP (`send`,
`deliver`, `queue`, `accept`, `deliver` back), then by files with the receiver's server down.
The CLI commands run in-process (the same Typer app an operator's shell runs, without paying
the interpreter's start-up for each); the servers are real subprocesses. SQLite only: the
deployments are data directories with their own databases, as `routecare serve` makes them.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from typer.testing import CliRunner, Result

from routecare.cli import app

CONTINUITY = "continuity_of_care"
PASSWORD = "loopback demo password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Site:
    """One deployment: its data directory, its port, its `routecare serve` process."""

    name: str
    data_dir: Path
    port: int
    server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> Result:
        """`routecare ARGS` on this data directory, the database inside it (SQLite)."""
        env = {"ROUTECARE_DATA_DIR": str(self.data_dir), "ROUTECARE_DATABASE_URL": None}
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)

    def ok(self, *args: str) -> str:
        result = self.cli(*args)
        assert result.exit_code == 0, (self.name, args, result.output)
        return result.stdout

    def serve(self) -> None:
        """Start `routecare serve` and return once it answers; its log is in the data dir."""
        env = {**os.environ, "ROUTECARE_DATA_DIR": str(self.data_dir)}
        env.pop("ROUTECARE_DATABASE_URL", None)
        with (self.data_dir / "serve.log").open("wb") as log:  # the child keeps its own copy
            self.server = subprocess.Popen(
                [str(Path(sys.executable).parent / "routecare"), "serve", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.server.poll() is None:
            try:
                if httpx.get(f"{self.url}/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"{self.name} did not start: {(self.data_dir / 'serve.log').read_text()}")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=30)
        self.server = None


@dataclass
class Pair:
    niger: Site
    italy: Site


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Niger refers to Italy: two demo deployments, each with its own keyring and exchange
    keys, registered with each other by their public JWKS and loopback URLs, both serving."""
    root = tmp_path_factory.mktemp("loopback")
    niger = Site("niger", root / "niger", free_port())
    italy = Site("italy", root / "italy", free_port())
    for site in (niger, italy):
        site.ok("demo", "--no-serve", "--password", PASSWORD)
        site.ok("exchange", "keys", "create")
        (root / f"{site.name}.json").write_text(site.ok("exchange", "keys", "public"))
    for site, other in ((niger, italy), (italy, niger)):
        site.ok(
            "exchange", "partners", "add", other.name, "--jwks", str(root / f"{other.name}.json"),
            "--url", other.url, "--purposes", CONTINUITY, "--agreement", "DSA-NER-ITA-2026",
        )  # fmt: skip
    try:
        niger.serve()
        italy.serve()
        yield Pair(niger, italy)
    finally:
        niger.stop()
        italy.stop()


def cross_border_cases(site: Site) -> Iterator[str]:
    """Niger's cases, as `cases list --json` prints them (those a consent lets leave pack)."""
    for row in json.loads(site.ok("cases", "list", "--json")):
        if row["reference"].startswith("NER-"):
            yield row["reference"]


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def receipt_claims(receipt: str, jwks: str) -> dict[str, str] | None:
    """The receipt's claims if it verifies under the JWKS, by jwcrypto (not the joserfc the
    code signs with: any JOSE library must verify it); None if it does not."""
    signed = jws.JWS()
    try:
        signed.deserialize(receipt)
        signed.verify(jwk.JWKSet.from_json(jwks))
    except JWException:
        return None
    return dict(json.loads(signed.payload))


def sent_package(site: Site, package_id: str) -> dict[str, object]:
    rows = json.loads(site.ok("exchange", "log", "--json"))
    return next(row for row in rows if row["package_id"] == package_id)


def case_exchange(site: Site, reference: str) -> list[dict[str, object]]:
    """What the sender's case shows, read from its own server with a token from the CLI."""
    token = site.ok("users", "token", "coordinator").strip()
    response = httpx.get(
        f"{site.url}/api/v1/cases/{reference}/exchange",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return list(response.json())


def test_referred_over_http_accepted_and_the_sender_shows_the_signed_receipt(pair: Pair) -> None:
    niger, italy = pair.niger, pair.italy
    for reference in cross_border_cases(niger):
        sent = niger.cli("exchange", "send", "--case", reference, "--to", "italy",
                         "--purpose", CONTINUITY)  # fmt: skip
        if sent.exit_code == 0:
            break
    else:
        pytest.fail("no Niger case of the demo may leave for continuity of care")
    package_id = sent.stdout.strip()
    assert niger.ok("exchange", "deliver").startswith("delivered 1,")
    assert sent_package(niger, package_id)["status"] == "pending"
    queued = [line.split("\t") for line in italy.ok("exchange", "queue").splitlines()]
    assert [row[:3] for row in queued] == [[package_id, "niger", CONTINUITY]]
    received = italy.ok("exchange", "accept", package_id).strip()
    assert received in {row["reference"] for row in json.loads(italy.ok("cases", "list", "--json"))}
    assert italy.ok("exchange", "queue") == ""
    assert italy.ok("exchange", "deliver").startswith("delivered 1,")  # the decision, back
    assert sent_package(niger, package_id)["status"] == "accepted"
    (shown,) = [row for row in case_exchange(niger, reference) if row["package_id"] == package_id]
    assert shown["status"] == "accepted" and shown["partner"] == "italy"
    receipt = str(shown["receipt"])
    claims = receipt_claims(receipt, italy.ok("exchange", "keys", "public"))
    assert claims is not None and claims["package_id"] == package_id
    assert claims["status"] == "accepted" and claims["case"] == received
    assert receipt_claims(receipt, niger.ok("exchange", "keys", "public")) is None
    # Over the network, a receipt rewritten to say "declined" (Italy's signature kept) is
    # refused by Niger's server, and the case still shows the acceptance.
    header, _, signature = receipt.split(".")
    declined = {**claims, "status": "declined", "reason": "forged"}
    forged = f"{header}.{base64url(json.dumps(declined).encode())}.{signature}"
    answer = httpx.post(f"{niger.url}/api/v1/exchange/receipts", json={"receipt": forged})
    assert answer.status_code == 422, answer.text
    assert sent_package(niger, package_id)["status"] == "accepted"
    # A second delivery round finds nothing left on either side.
    assert niger.ok("exchange", "deliver").startswith("delivered 0, retrying 0")
    assert italy.ok("exchange", "deliver").startswith("delivered 0, retrying 0")


def test_the_same_over_files_with_the_receiver_down(pair: Pair, tmp_path: Path) -> None:
    niger, italy = pair.niger, pair.italy
    italy.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{italy.url}/healthz")
    package = tmp_path / "PKG.jwe"
    for reference in reversed(list(cross_border_cases(niger))):
        packed = niger.cli("exchange", "pack", "--case", reference, "--to", "italy",
                           "--purpose", CONTINUITY, "--output", str(package))  # fmt: skip
        if packed.exit_code == 0:
            break
    else:
        pytest.fail("no Niger case of the demo may leave for continuity of care")
    package_id = packed.stderr.split()[1].rstrip(":")
    received = italy.ok("exchange", "unpack", str(package)).strip()
    assert italy.ok("exchange", "unpack", str(package)).strip() == received
    assert italy.ok("exchange", "queue") == ""  # a file is accepted at once
    decisions = tmp_path / "decisions.jwt"
    assert italy.ok("exchange", "decisions", "--to", "niger", "--output", str(decisions)) == (
        "1 decision(s) written\n"
    )
    assert niger.ok("exchange", "receipts", str(decisions)) == f"{package_id} accepted\n"
    assert sent_package(niger, package_id)["status"] == "accepted"
    (shown,) = [row for row in case_exchange(niger, reference) if row["package_id"] == package_id]
    assert shown["status"] == "accepted"
    claims = receipt_claims(str(shown["receipt"]), italy.ok("exchange", "keys", "public"))
    assert claims is not None and claims["package_id"] == package_id
    assert claims["status"] == "accepted" and claims["case"] == received
