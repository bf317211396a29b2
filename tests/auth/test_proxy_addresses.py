"""Login throttling behind a reverse proxy: every request reaches the server from the proxy's
address, so the client's address is read from X-Forwarded-For, but only when the request comes
from a configured trusted proxy (`ROUTECARE_TRUSTED_PROXIES`) and only the address the proxy
itself appended (the right-most one that is not a trusted proxy): a client cannot forge it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from routecare.app import create_app
from routecare.config import Settings
from tests.auth.test_throttling import WRONG, attempt
from tests.conftest import PASSWORD, World

PROXY = "10.0.0.5"
STRANGER = "203.0.113.7"  # connects directly, not through the proxy


def _app_behind_proxy(world: World) -> FastAPI:
    settings = world.deployment.settings
    trusted = Settings(**{**settings.model_dump(), "trusted_proxies": [PROXY, "10.1.0.0/24"]})
    return create_app(trusted, world.deployment)


def _client(app: FastAPI, peer: str, forwarded_for: str | None = None) -> TestClient:
    """A browser whose connection the server sees coming from `peer`, with the header the
    proxy (or the client itself) set."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return TestClient(
        app,
        base_url="https://testserver",
        client=(peer, 40000),
        headers=headers,
    )


def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(world: World) -> None:
    app = _app_behind_proxy(world)
    limit = world.deployment.settings.login_max_failures
    attacker = _client(app, PROXY, "198.51.100.7")
    for _ in range(limit):
        assert attempt(attacker, "supervisor", WRONG) == 401
    assert attempt(attacker, "supervisor", PASSWORD) == 429
    # The owner reaches the server through the same proxy, from another address: not locked.
    assert attempt(_client(app, PROXY, "198.51.100.8"), "supervisor", PASSWORD) == 303
    # A chain of trusted proxies (10.1.0.0/24 in front of PROXY) still names the client.
    chained = _client(app, PROXY, "198.51.100.7, 10.1.0.9")
    assert attempt(chained, "supervisor", PASSWORD) == 429


def test_a_forged_forwarded_for_changes_nothing(world: World) -> None:
    app = _app_behind_proxy(world)
    limit = world.deployment.settings.login_max_failures
    # Straight to the server, a new made-up address each time: all counted on the real one.
    for number in range(limit):
        stranger = _client(app, STRANGER, f"192.0.2.{number}")
        assert attempt(stranger, "supervisor", WRONG) == 401
    assert attempt(_client(app, STRANGER, "192.0.2.200"), "supervisor", PASSWORD) == 429
    # Nor can a stranger lock the owner's address out by claiming it.
    assert attempt(_client(app, PROXY, "192.0.2.3"), "supervisor", PASSWORD) == 303
    # Through the proxy, addresses the client puts before the one the proxy appends are ignored.
    for number in range(limit):
        forged = _client(app, PROXY, f"192.0.2.{number + 50}, 198.51.100.9")
        assert attempt(forged, "case_worker", WRONG) == 401
    assert attempt(_client(app, PROXY, "192.0.2.99, 198.51.100.9"), "case_worker", PASSWORD) == 429
    # Without the setting, the header is not read at all: the proxy's address is the client's.
    direct = _client(world.app, PROXY, "198.51.100.9")
    assert attempt(direct, "case_worker", PASSWORD) == 303


@pytest.mark.parametrize("value", ["*", "proxy.example", "10.0.0.0/33", ""])
def test_trusted_proxies_must_be_addresses_or_networks(value: str) -> None:
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(trusted_proxies=[value])


def test_trusted_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTECARE_TRUSTED_PROXIES", '["10.0.0.5", "10.1.0.0/24"]')
    assert [str(network) for network in Settings().trusted_proxies] == [
        "10.0.0.5/32",
        "10.1.0.0/24",
    ]
