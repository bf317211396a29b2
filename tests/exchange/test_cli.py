"""The CLI contract between two deployments (two data directories): A packs for B, B unpacks.
Run through `routecare exchange …` exactly as docs/exchange.md and the README give it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import Result
from sqlalchemy import select

from routecare.audit.models import AuditEntry
from routecare.deployment import Deployment
from routecare.exchange.sending import pack_case
from tests.cli_runner import run_cli
from tests.exchange.conftest import Exchange, row_counts

CONTINUITY = "continuity_of_care"


def actions(deployment: Deployment) -> list[str]:
    with deployment.database.transaction() as session:
        entries = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("exchange.%"))
        )
        return list(entries)


def pack(deployment: Deployment, reference: str, output: Path) -> Result:
    return run_cli(
        deployment, "exchange", "pack", "--case", reference, "--to", "italy",
        "--purpose", CONTINUITY, "--output", str(output),
    )  # fmt: skip


def test_a_packs_for_b_and_b_unpacks_once(unkeyed: Exchange, tmp_path: Path) -> None:
    a, b = unkeyed.sender, unkeyed.receiver
    for deployment, jwks in ((a, tmp_path / "a.json"), (b, tmp_path / "b.json")):
        assert run_cli(deployment, "exchange", "keys", "create").exit_code == 0
        public = run_cli(deployment, "exchange", "keys", "public")
        assert public.exit_code == 0 and '"d"' not in public.stdout
        jwks.write_text(public.stdout, encoding="utf-8")
    added = run_cli(
        a, "exchange", "partners", "add", "italy", "--jwks", str(tmp_path / "b.json"),
        "--url", "https://127.0.0.1:8443", "--purposes", "continuity_of_care,family_tracing",
        "--agreement", "DSA-2026-07",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    added = run_cli(
        b, "exchange", "partners", "add", "niger", "--jwks", str(tmp_path / "a.json"),
        "--purposes", "continuity_of_care", "--agreement", "DSA-2026-07",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = json.loads(run_cli(a, "cases", "list", "--json").stdout)
    reference = next(row["reference"] for row in listed if row["reference"] == unkeyed.reference)
    package = tmp_path / "PKG.jwe"
    packed = pack(a, reference, package)
    assert packed.exit_code == 0, packed.output
    first = run_cli(b, "exchange", "unpack", str(package))
    assert first.exit_code == 0, first.output
    received = first.stdout.strip()
    assert received in {
        row["reference"] for row in json.loads(run_cli(b, "cases", "list", "--json").stdout)
    }
    before = row_counts(b)
    again = run_cli(b, "exchange", "unpack", str(package))
    assert again.exit_code == 0 and again.stdout.strip() == received
    assert row_counts(b) == before
    # Altered in one byte, expired, from an unknown sender (A's new key, which B has not
    # registered), from a suspended partner: exit 1, say why, store nothing.
    token = package.read_text()
    middle = len(token) // 2
    altered = tmp_path / "altered.jwe"
    altered.write_text(
        token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    )
    expired = tmp_path / "expired.jwe"
    expired.write_text(pack_case(a, reference, "italy", CONTINUITY, lifetime=timedelta(0)).token)
    valid = tmp_path / "valid.jwe"
    valid.write_text(pack_case(a, reference, "italy", CONTINUITY).token)
    assert run_cli(a, "exchange", "keys", "rotate").exit_code == 0
    unknown = tmp_path / "unknown.jwe"
    assert pack(a, reference, unknown).exit_code == 0
    before = row_counts(b)
    for path, reason in (
        (altered, "does not open"),
        (expired, "expired"),
        (unknown, "signed by no registered partner"),
    ):
        refused = run_cli(b, "exchange", "unpack", str(path))
        assert refused.exit_code == 1 and reason in refused.stderr, (path, refused.output)
        assert row_counts(b) == before
    assert run_cli(b, "exchange", "partners", "suspend", "niger").exit_code == 0
    refused = run_cli(b, "exchange", "unpack", str(valid))
    assert refused.exit_code == 1 and "suspended" in refused.stderr
    assert row_counts(b) == before
    # Oversight: every package, both ways, with no case reference and no identity.
    for deployment, direction in ((a, "sent"), (b, "received")):
        logged = run_cli(deployment, "exchange", "log", "--json")
        rows = json.loads(logged.stdout)
        assert rows and {row["direction"] for row in rows} == {direction}
        assert reference not in logged.stdout and received not in logged.stdout
        assert "Mamadou" not in logged.stdout and "Bah" not in logged.stdout
    # Both sides audited every step.
    assert actions(a).count("exchange.package.send") == 4
    assert "exchange.partner.register" in actions(a)
    assert actions(b).count("exchange.package.receive") == 5  # one received, four refused
    assert "exchange.package.repeat" in actions(b)


def test_bad_input_is_refused_clearly(unkeyed: Exchange, tmp_path: Path) -> None:
    a = unkeyed.sender
    run_cli(a, "exchange", "keys", "create")
    private = tmp_path / "private.json"
    private.write_text(json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "d": "x", "x": "y"}]}))
    for jwks, purposes, message in [
        (tmp_path / "missing.json", "continuity_of_care", "not a readable JSON file"),
        (private, "continuity_of_care", "private key"),
    ]:
        result = run_cli(a, "exchange", "partners", "add", "x", "--jwks", str(jwks),
                         "--purposes", purposes, "--agreement", "DSA")  # fmt: skip
        assert result.exit_code == 1 and message in result.stderr, result.output
    result = run_cli(a, "exchange", "pack", "--case", unkeyed.reference, "--to", "nobody",
                     "--purpose", CONTINUITY, "--output", str(tmp_path / "p.jwe"))  # fmt: skip
    assert result.exit_code == 1 and "not a registered partner" in result.stderr
    assert not (tmp_path / "p.jwe").exists()
    assert run_cli(a, "exchange", "keys", "create").exit_code == 1


def test_a_plain_http_partner_url_is_refused_unless_on_loopback(
    unkeyed: Exchange, tmp_path: Path
) -> None:
    """A partner is reached over HTTPS; plain HTTP only where nothing leaves the machine (the
    loopback test, tests/exchange/test_loopback.py, runs two deployments that way)."""
    a, b = unkeyed.sender, unkeyed.receiver
    run_cli(b, "exchange", "keys", "create")
    jwks = tmp_path / "b.json"
    jwks.write_text(run_cli(b, "exchange", "keys", "public").stdout)
    refused = [
        "http://italy.example", "http://192.0.2.7:8000", "http://localhost.example.org",
        "http://127.0.0.1.example.org", "http://[::ffff:192.0.2.1]:8000", "http://10.0.0.1",
    ]  # fmt: skip
    for number, url in enumerate(refused):
        result = run_cli(a, "exchange", "partners", "add", f"p{number}", "--jwks", str(jwks),
                         "--url", url, "--purposes", CONTINUITY, "--agreement", "DSA")  # fmt: skip
        assert result.exit_code == 1 and "https://" in result.stderr, (url, result.output)
    assert run_cli(a, "exchange", "partners", "list").stdout == ""
    allowed = ["https://italy.example", "http://127.0.0.1:8000", "http://[::1]:8000",
               "http://localhost:8000"]  # fmt: skip
    for number, url in enumerate(allowed):
        result = run_cli(a, "exchange", "partners", "add", f"ok{number}", "--jwks", str(jwks),
                         "--url", url, "--purposes", CONTINUITY, "--agreement", "DSA")  # fmt: skip
        assert result.exit_code == 0, (url, result.output)
    assert len(run_cli(a, "exchange", "partners", "list").stdout.splitlines()) == len(allowed)
