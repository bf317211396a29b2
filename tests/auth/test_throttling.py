"""Attacks on the login: parallel guesses, guesses from many addresses, spraying, floods.

Each client speaks from its own address (`TestClient(client=(address, port))`), as the ASGI
server would report it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import argon2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from routecare.app import create_app
from routecare.auth.models import LoginFailure
from routecare.clock import utcnow
from routecare.deployment import Deployment
from tests.conftest import PASSWORD, World, csrf_from

WRONG = "not the password at all"


def client_at(world: World, address: str) -> TestClient:
    return TestClient(world.app, base_url="https://testserver", client=(address, 40000))


def attempt(client: TestClient, username: str, password: str) -> int:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    return int(response.status_code)


def counted(world: World) -> int:
    with world.deployment.database.transaction() as session:
        return int(session.execute(select(func.count()).select_from(LoginFailure)).scalar_one())


def in_parallel(count: int, task: Callable[[int], int]) -> list[int]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(task, range(count)))


def test_twenty_parallel_wrong_passwords_count_twenty_and_only_the_limit_is_checked(
    world: World,
) -> None:
    limit = world.deployment.settings.login_max_failures
    clients = [client_at(world, "203.0.113.7") for _ in range(20)]
    tokens = [csrf_from(c.get("/login").text) for c in clients]
    start = threading.Barrier(20)

    def guess(index: int) -> int:
        start.wait()
        response = clients[index].post(
            "/login",
            data={"username": "supervisor", "password": WRONG, "csrf_token": tokens[index]},
            follow_redirects=False,
        )
        return int(response.status_code)

    statuses = in_parallel(20, guess)
    assert counted(world) == 20
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= limit  # no more passwords tried than the limit allows
    assert attempt(clients[0], "supervisor", PASSWORD) == 429


def test_the_attackers_address_is_locked_but_the_owner_elsewhere_signs_in(world: World) -> None:
    attacker = client_at(world, "203.0.113.7")
    for _ in range(world.deployment.settings.login_max_failures):
        assert attempt(attacker, "supervisor", WRONG) == 401
    assert attempt(attacker, "supervisor", PASSWORD) == 429
    assert attempt(client_at(world, "198.51.100.20"), "supervisor", PASSWORD) == 303


def test_one_address_spraying_many_accounts_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(world.deployment.settings, "login_source_max_failures", 3)
    sprayer = client_at(world, "203.0.113.9")
    for username in ("screener", "case_worker", "analyst"):
        assert attempt(sprayer, username, WRONG) == 401
    assert attempt(sprayer, "supervisor", PASSWORD) == 429
    assert attempt(client_at(world, "198.51.100.20"), "supervisor", PASSWORD) == 303


def test_many_addresses_on_one_account_meet_a_capped_backoff_the_owner_does_not(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = world.deployment.settings
    monkeypatch.setattr(settings, "login_account_max_failures", 3)
    monkeypatch.setattr(settings, "login_window_minutes", 60)  # failures outlive the cap
    attackers = [client_at(world, f"203.0.113.{n}") for n in range(1, 9)]
    for attacker in attackers:
        assert attempt(attacker, "supervisor", WRONG) == 401
    page = attackers[0].get("/login")
    again = attackers[0].post(
        "/login",
        data={"username": "supervisor", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert again.status_code == 429
    assert 0 < int(again.headers["retry-after"]) <= settings.login_backoff_cap_minutes * 60
    # The owner, from an address that never failed, is not slowed by strangers' failures.
    assert attempt(client_at(world, "198.51.100.20"), "supervisor", PASSWORD) == 303
    # However many failures, the backoff ends after the cap.
    for attacker in attackers[1:]:
        assert attempt(attacker, "supervisor", WRONG) == 429
    cap = timedelta(minutes=settings.login_backoff_cap_minutes, seconds=1)
    with world.deployment.database.transaction() as session:
        session.execute(update(LoginFailure).values(at=utcnow() - cap))
    assert attempt(attackers[0], "supervisor", PASSWORD) == 303


def test_a_flood_over_the_whole_deployment_trips_the_breaker(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(world.deployment.settings, "login_global_max_failures", 4)
    for n, username in enumerate(("screener", "case_worker", "analyst", "supervisor")):
        assert attempt(client_at(world, f"203.0.113.{n}"), username, WRONG) == 401
    bystander = client_at(world, "198.51.100.20")
    page = bystander.get("/login")
    refused = bystander.post(
        "/login",
        data={"username": "coordinator", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert refused.status_code == 429


def test_failures_older_than_the_window_are_purged(world: World) -> None:
    client = client_at(world, "203.0.113.7")
    assert attempt(client, "supervisor", WRONG) == 401
    window = timedelta(minutes=world.deployment.settings.login_window_minutes, seconds=1)
    with world.deployment.database.transaction() as session:
        session.execute(update(LoginFailure).values(at=utcnow() - window))
    assert attempt(client, "case_worker", WRONG) == 401
    assert counted(world) == 1  # the old one is gone, the new one counted


def test_password_checks_never_run_more_than_the_bound_at_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    bound = 2
    settings = world.deployment.settings.model_copy(update={"password_check_concurrency": bound})
    deployment = Deployment.open(settings)
    app = create_app(settings, deployment)
    inside = 0
    peak = 0
    lock = threading.Lock()
    # Meets only if one more check than the bound runs at once; otherwise times out harmlessly.
    one_too_many = threading.Barrier(bound + 1, timeout=1)
    real_verify = argon2.PasswordHasher.verify

    def observed_verify(self: argon2.PasswordHasher, hash: str, password: str) -> bool:
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
        with contextlib.suppress(threading.BrokenBarrierError):
            one_too_many.wait()
        try:
            return bool(real_verify(self, hash, password))
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(argon2.PasswordHasher, "verify", observed_verify)
    clients = [
        TestClient(app, base_url="https://testserver", client=(f"192.0.2.{n}", 1)) for n in range(8)
    ]
    tokens = [csrf_from(c.get("/login").text) for c in clients]

    def sign_in(index: int) -> int:
        response = clients[index].post(
            "/login",
            data={"username": "case_worker", "password": PASSWORD, "csrf_token": tokens[index]},
            follow_redirects=False,
        )
        return int(response.status_code)

    try:
        statuses = in_parallel(8, sign_in)
    finally:
        deployment.close()
    assert statuses == [303] * 8  # they queued for a slot, none was turned away
    assert 1 <= peak <= bound
