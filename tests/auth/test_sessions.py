"""Login, throttling, session expiry, logout, CSRF and bearer tokens, through HTTP."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from routecare.auth import actions
from routecare.auth.http import SESSION_COOKIE
from routecare.auth.models import WebSession
from routecare.clock import utcnow
from tests.conftest import PASSWORD, World, csrf_from, https_client, sign_in


def _try_login(client, username: str, password: str) -> int:  # type: ignore[no-untyped-def]
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    return int(response.status_code)


def test_login_sets_a_hardened_cookie_and_opens_the_home_page(world: World) -> None:
    client = https_client(world.app)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "case_worker", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    home = client.get("/")
    assert home.status_code == 200
    assert "Agadez Child Protection" in home.text
    assert home.headers["cache-control"] == "no-store"


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(world: World) -> None:
    client = https_client(world.app)
    assert _try_login(client, "case_worker", "wrong password!!") == 401
    assert _try_login(client, "nobody_at_all", "wrong password!!") == 401
    assert SESSION_COOKIE not in client.cookies


def test_repeated_failures_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = https_client(world.app)
    limit = world.deployment.settings.login_max_failures
    for _ in range(limit):
        assert _try_login(client, "supervisor", "not the password") == 401
    page = client.get("/login")
    locked = client.post(
        "/login",
        data={"username": "supervisor", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert _try_login(client, "case_worker", PASSWORD) == 303  # other accounts unaffected


def test_a_new_session_id_at_every_login(world: World) -> None:
    client = sign_in(https_client(world.app), "case_worker")
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, "case_worker")
    assert client.cookies[SESSION_COOKIE] != first


def test_logout_kills_the_session_on_the_server(world: World) -> None:
    client = sign_in(https_client(world.app), "case_worker")
    stolen = client.cookies[SESSION_COOKIE]
    home = client.get("/")
    response = client.post(
        "/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    replay = https_client(world.app)
    replay.cookies.set(SESSION_COOKIE, stolen)
    assert replay.get("/api/v1/me").status_code == 401
    assert replay.get("/", follow_redirects=False).headers["location"] == "/login"


def _age_sessions(world: World, *, idle: timedelta, age: timedelta) -> None:
    now = utcnow()
    with world.deployment.database.transaction() as session:
        session.execute(update(WebSession).values(last_seen_at=now - idle, created_at=now - age))


def test_idle_session_expires(world: World) -> None:
    client = sign_in(https_client(world.app), "case_worker")
    assert client.get("/api/v1/me").status_code == 200
    idle = timedelta(minutes=world.deployment.settings.session_idle_minutes + 1)
    _age_sessions(world, idle=idle, age=idle)
    assert client.get("/api/v1/me").status_code == 401


def test_absolute_timeout_ends_even_an_active_session(world: World) -> None:
    client = sign_in(https_client(world.app), "case_worker")
    age = timedelta(hours=world.deployment.settings.session_absolute_hours, minutes=1)
    _age_sessions(world, idle=timedelta(seconds=1), age=age)
    assert client.get("/api/v1/me").status_code == 401
    with world.deployment.database.transaction() as session:
        ended = session.execute(select(WebSession.ended_at)).scalars().all()
    assert all(e is not None for e in ended)


def test_cookie_writes_need_the_csrf_token(world: World) -> None:
    client = sign_in(https_client(world.app), "case_worker")
    body = {"given_name": "Testchild"}
    assert client.post("/api/v1/children", json=body).status_code == 403
    forged = client.post("/api/v1/children", json=body, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    token = csrf_from(client.get("/").text)
    ok = client.post("/api/v1/children", json=body, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403


def test_login_form_needs_its_csrf_token(world: World) -> None:
    client = https_client(world.app)
    client.get("/login")
    response = client.post(
        "/login",
        data={"username": "case_worker", "password": PASSWORD, "csrf_token": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_a_disabled_users_token_and_session_stop_working(world: World) -> None:
    api = world.api("case_worker")
    browser = world.browser("case_worker")
    assert api.get("/api/v1/me").status_code == 200
    actions.set_user_active(world.deployment, "case_worker", active=False)
    assert api.get("/api/v1/me").status_code == 401
    assert browser.get("/api/v1/me").status_code == 401
    assert _try_login(https_client(world.app), "case_worker", PASSWORD) == 401


def test_malformed_bearer_header_is_refused(world: World) -> None:
    client = https_client(world.app)
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
