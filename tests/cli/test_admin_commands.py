"""The admin CLI: help, first administrator, tokens, demo seeding, key rotation."""

from __future__ import annotations

import json

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from routecare.app import create_app
from routecare.cli import app as cli_app
from routecare.deployment import Deployment
from tests.cli_runner import run_cli
from tests.conftest import csrf_from

COMMANDS = [
    ["demo"],
    ["serve"],
    ["db", "upgrade"],
    ["db", "purge-idempotency-keys"],
    ["db", "backup"],
    ["db", "restore"],
    ["users", "create-admin"],
    ["users", "token"],
    ["users", "tokens"],
    ["users", "revoke-token"],
    ["users", "reset-second-factor"],
    ["users", "disable"],
    ["audit", "verify"],
    ["keys", "rotate"],
    ["observatory", "release"],
    ["observatory", "synthesize"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli_app, [*command, "--help"])
    assert result.exit_code == 0
    assert "--data-dir" in result.output


def _client(deployment: Deployment, token: str) -> TestClient:
    client = TestClient(create_app(deployment.settings, deployment), base_url="https://testserver")
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_first_admin_then_a_token_that_works(deployment: Deployment) -> None:
    created = run_cli(
        deployment,
        "users",
        "create-admin",
        "ministry_admin",
        "--organisation",
        "Niger Ministry of Justice",
        "--country",
        "NER",
        "--kind",
        "government_authority",
        input="a long admin password\na long admin password\n",
    )
    assert created.exit_code == 0, created.output
    token = run_cli(deployment, "users", "token", "ministry_admin").output.strip()
    me = _client(deployment, token).get("/api/v1/me").json()
    assert me["role"] == "administrator"
    assert me["organisation"]["country"] == "NER"


def test_a_short_admin_password_is_refused(deployment: Deployment) -> None:
    result = run_cli(
        deployment,
        "users",
        "create-admin",
        "admin2",
        "--organisation",
        "X",
        "--country",
        "NER",
        input="short\nshort\n",
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


def test_a_token_for_an_unknown_user_fails_clearly(deployment: Deployment) -> None:
    result = run_cli(deployment, "users", "token", "nobody")
    assert result.exit_code == 1
    assert "no user named 'nobody'" in result.output


def test_demo_seeds_a_route_and_prints_the_logins(deployment: Deployment) -> None:
    result = run_cli(deployment, "demo", "--no-serve", "--password", "demo password 1")
    assert result.exit_code == 0, result.output
    for username in (
        "caseworker",
        "screener",
        "supervisor",
        "coordinator",
        "analyst",
        "dpo",
        "admin",
    ):
        assert f"  {username} " in result.output
    for country in ("NER", "LBY", "TUN", "ITA", "MLT"):
        assert country in result.output
    again = run_cli(deployment, "demo", "--no-serve")
    assert "not seeding again" in again.output
    token = run_cli(deployment, "users", "token", "caseworker").output.strip()
    children = _client(deployment, token).get("/api/v1/children").json()
    assert len(children) >= 5
    _every_country_can_pack(deployment)


def _every_country_can_pack(deployment: Deployment) -> None:
    """A fresh demo holds, in every country, a case whose consent lets it leave for
    continuity of care (the exchange's CLI contract packs one; docs/exchange.md)."""
    from routecare.errors import Forbidden
    from routecare.exchange.sending import pack_case

    assert run_cli(deployment, "exchange", "keys", "create").exit_code == 0
    jwks = deployment.settings.data_dir / "own.json"
    jwks.write_text(run_cli(deployment, "exchange", "keys", "public").stdout)
    run_cli(deployment, "exchange", "partners", "add", "self", "--jwks", str(jwks),
            "--purposes", "continuity_of_care", "--agreement", "demo")  # fmt: skip
    packed = set()
    for row in json.loads(run_cli(deployment, "cases", "list", "--json").stdout):
        try:
            pack_case(deployment, row["reference"], "self", "continuity_of_care")
        except Forbidden:
            continue
        packed.add(row["reference"][:3])
    assert packed == {"NER", "LBY", "TUN", "ITA", "MLT"}


def test_key_rotation_keeps_every_record_readable(deployment: Deployment) -> None:
    run_cli(deployment, "demo", "--no-serve", "--password", "demo password 1")
    caseworker = _client(
        deployment, run_cli(deployment, "users", "token", "caseworker").output.strip()
    )
    screening = caseworker.post(
        "/api/v1/screenings", json={"age": 15, "answers": {}, "location": "Agadez bus station"}
    ).json()["reference"]
    request = caseworker.post(
        "/api/v1/placement/requests",
        json={"latitude": 16.97, "longitude": 7.99, "age": 15, "needs": ["medical_care"]},
    ).json()["id"]
    before = deployment.keyring.active
    result = run_cli(deployment, "keys", "rotate")
    assert result.exit_code == 0, result.output
    rotated = Deployment.open(deployment.settings)
    try:
        assert rotated.keyring.active != before
        assert list(rotated.keyring.master_keys) == [rotated.keyring.active]
        token = run_cli(rotated, "users", "token", "caseworker").output.strip()
        client = _client(rotated, token)
        for child in client.get("/api/v1/children").json():
            record = client.get(f"/api/v1/children/{child['reference']}").json()
            assert record["given_name"]
        read = client.get(f"/api/v1/screenings/{screening}").json()
        assert read["location"] == "Agadez bus station"
        placement = client.get(f"/api/v1/placement/requests/{request}").json()
        assert placement["needs"] == ["medical_care"]
        assert run_cli(rotated, "audit", "verify").exit_code == 0
    finally:
        rotated.close()


def test_the_demos_printed_logins_work_without_a_code(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new deployment requires a second factor for administrators; the demo turns it off."""
    served: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_options: served.append(app))
    result = run_cli(deployment, "demo", "--password", "demo password 1")
    assert result.exit_code == 0, result.output
    [app] = served
    assert app.state.deployment.settings.two_factor_required is False
    for username in ("admin", "dpo", "coordinator"):
        client = TestClient(app, base_url="https://testserver")
        page = client.get("/login")
        signed_in = client.post(
            "/login",
            data={
                "username": username,
                "password": "demo password 1",
                "csrf_token": csrf_from(page.text),
            },
            follow_redirects=False,
        )
        assert signed_in.headers["location"] == "/", username
        assert client.get("/api/v1/me").status_code == 200
    app.state.deployment.close()
