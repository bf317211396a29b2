"""API tokens: expiry, last use, listing and revoking one by one (CLI contract and API)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import update

from routecare.auth.models import ApiToken
from routecare.clock import utcnow
from tests.cli_runner import run_cli
from tests.conftest import World, https_client

CONTRACT_KEYS = {"id", "created_at", "expires_at", "last_used_at", "revoked"}


def bearer(world: World, token: str):  # type: ignore[no-untyped-def]
    client = https_client(world.app)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def listed(world: World, username: str) -> list[dict[str, object]]:
    result = run_cli(world.deployment, "users", "tokens", username, "--json")
    assert result.exit_code == 0, result.output
    tokens: list[dict[str, object]] = json.loads(result.output)
    return tokens


def issue(world: World, username: str, *options: str) -> str:
    result = run_cli(world.deployment, "users", "token", username, *options)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_a_token_expires_after_the_default_90_days_and_is_refused_at_once(world: World) -> None:
    token = issue(world, "case_worker")
    [entry] = listed(world, "case_worker")
    assert set(entry) == CONTRACT_KEYS
    lifetime = datetime.fromisoformat(str(entry["expires_at"])) - datetime.fromisoformat(
        str(entry["created_at"])
    )
    assert lifetime == timedelta(days=world.deployment.settings.token_days) == timedelta(days=90)
    client = bearer(world, token)
    assert client.get("/api/v1/me").status_code == 200
    with world.deployment.database.transaction() as session:
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/api/v1/me").status_code == 401


def test_expires_in_sets_the_lifetime_and_bad_values_are_refused(world: World) -> None:
    issue(world, "case_worker", "--expires-in", "7")
    [entry] = listed(world, "case_worker")
    lifetime = datetime.fromisoformat(str(entry["expires_at"])) - datetime.fromisoformat(
        str(entry["created_at"])
    )
    assert lifetime == timedelta(days=7)
    for bad in ("0", "-3", "100000"):
        refused = run_cli(world.deployment, "users", "token", "case_worker", "--expires-in", bad)
        assert refused.exit_code != 0
        assert "rc_" not in refused.output
    assert len(listed(world, "case_worker")) == 1  # nothing half-issued


def test_last_use_is_recorded(world: World) -> None:
    token = issue(world, "case_worker")
    assert listed(world, "case_worker")[0]["last_used_at"] is None
    before = utcnow()
    assert bearer(world, token).get("/api/v1/me").status_code == 200
    used = datetime.fromisoformat(str(listed(world, "case_worker")[0]["last_used_at"]))
    assert used >= before - timedelta(seconds=1)


def test_revoking_one_token_stops_it_and_only_it(world: World) -> None:
    first = bearer(world, issue(world, "case_worker"))
    second = bearer(world, issue(world, "case_worker"))
    assert first.get("/api/v1/me").status_code == 200
    first_id = min(int(str(t["id"])) for t in listed(world, "case_worker"))
    revoked = run_cli(world.deployment, "users", "revoke-token", str(first_id))
    assert revoked.exit_code == 0, revoked.output
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 200
    states = {t["id"]: t["revoked"] for t in listed(world, "case_worker")}
    assert states[first_id] is True and list(states.values()).count(False) == 1


def test_revoking_an_unknown_token_is_a_clear_error(world: World) -> None:
    for unknown in ("999999", str(2**63)):
        result = run_cli(world.deployment, "users", "revoke-token", unknown)
        assert result.exit_code == 1
        assert f"no API token {unknown}" in result.output


def test_users_list_and_revoke_their_own_tokens_only(world: World) -> None:
    mine = world.api("case_worker")
    theirs = world.api("supervisor")
    own = mine.get("/api/v1/me/tokens").json()
    assert [set(t) for t in own] == [CONTRACT_KEYS]
    their_id = theirs.get("/api/v1/me/tokens").json()[0]["id"]
    assert mine.delete(f"/api/v1/me/tokens/{their_id}").status_code == 404
    assert theirs.get("/api/v1/me").status_code == 200
    assert mine.delete(f"/api/v1/me/tokens/{own[0]['id']}").status_code == 204
    assert mine.get("/api/v1/me").status_code == 401
