"""The second factor, attacked: a stolen password alone, replayed and guessed codes, a
database copy; and the path of a user who must enrol. Codes come from pyotp fed with the secret
the enrolment page shows, as a user's authenticator app would compute them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from routecare.auth.models import RecoveryCode, SecondFactor
from routecare.clock import utcnow
from routecare.config import Settings
from tests.cli_runner import run_cli
from tests.conftest import PASSWORD, World, csrf_from, https_client


@pytest.fixture
def guarded(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world with the requirement as a new deployment has it."""
    monkeypatch.setattr(world.deployment.settings, "two_factor_required", True)
    return world


def password_step(client: TestClient, username: str, password: str = PASSWORD) -> str:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def submit(client: TestClient, path: str, code: str) -> int:
    page = client.get(path)
    response = client.post(
        path, data={"code": code, "csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    return int(response.status_code)


def enrol(client: TestClient) -> tuple[pyotp.TOTP, list[str]]:
    """Read the secret off the page, confirm with a code; returns the app and recovery codes."""
    page = client.get("/account/two-factor")
    assert "<svg" in page.text  # the QR code is drawn on the page
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text)
    assert match, "the enrolment page shows no secret"
    app = pyotp.TOTP(match.group(1))
    response = client.post(
        "/account/two-factor",
        data={"code": app.now(), "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 200, response.text
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.text)
    assert len(codes) == 10
    return app, codes


def next_step_code(app: pyotp.TOTP) -> str:
    """The code of the next time step: the current one was spent at enrolment."""
    return app.at(utcnow() + timedelta(seconds=app.interval))


def test_a_new_deployment_requires_the_second_factor_for_the_sensitive_roles() -> None:
    settings = Settings()
    assert settings.two_factor_required
    assert {r.value for r in settings.two_factor_roles} == {
        "administrator",
        "data_protection_officer",
        "coordinator",
    }


def test_an_administrator_without_a_factor_can_do_nothing_until_enrolled(guarded: World) -> None:
    client = https_client(guarded.app)
    assert password_step(client, "administrator") == "/account/two-factor"
    assert client.get("/api/v1/users").status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/account/two-factor"
    enrol(client)
    assert client.get("/api/v1/users").status_code == 200


def test_a_stolen_password_alone_opens_nothing(guarded: World) -> None:
    owner = https_client(guarded.app)
    password_step(owner, "coordinator")
    enrol(owner)
    thief = https_client(guarded.app)
    assert password_step(thief, "coordinator") == "/login/code"
    assert thief.get("/api/v1/me").status_code == 401
    assert thief.get("/", follow_redirects=False).headers["location"] == "/login/code"
    # Nor can the thief enrol a factor of their own from the half-open session.
    assert thief.get("/account/two-factor", follow_redirects=False).status_code == 303


def test_the_right_code_signs_in_and_the_same_code_is_refused_after(guarded: World) -> None:
    first = https_client(guarded.app)
    password_step(first, "data_protection_officer")
    app, _codes = enrol(first)
    code = next_step_code(app)
    second = https_client(guarded.app)
    password_step(second, "data_protection_officer")
    assert submit(second, "/login/code", code) == 303
    assert second.get("/api/v1/me").status_code == 200
    replay = https_client(guarded.app)
    password_step(replay, "data_protection_officer")
    assert submit(replay, "/login/code", code) == 401
    assert replay.get("/api/v1/me").status_code == 401


def test_wrong_codes_are_throttled_like_wrong_passwords(guarded: World) -> None:
    owner = https_client(guarded.app)
    password_step(owner, "administrator")
    app, _codes = enrol(owner)
    guesser = https_client(guarded.app)
    password_step(guesser, "administrator")
    right = next_step_code(app)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    # The password attempt counts until a right code follows it, then each wrong code.
    for _ in range(guarded.deployment.settings.login_max_failures - 1):
        assert submit(guesser, "/login/code", wrong) == 401
    assert submit(guesser, "/login/code", right) == 429
    assert guesser.get("/api/v1/me").status_code == 401


def test_signing_in_again_does_not_reset_the_code_throttle(guarded: World) -> None:
    owner = https_client(guarded.app)
    password_step(owner, "administrator")
    app, _codes = enrol(owner)
    thief = https_client(guarded.app)
    password_step(thief, "administrator")
    wrong = f"{(int(next_step_code(app)) + 1) % 1_000_000:06d}"
    for _ in range(guarded.deployment.settings.login_max_failures - 1):
        assert submit(thief, "/login/code", wrong) == 401
    page = thief.get("/login")
    again = thief.post(
        "/login",
        data={
            "username": "administrator",
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert again.status_code == 429


def test_a_recovery_code_works_once(guarded: World) -> None:
    owner = https_client(guarded.app)
    password_step(owner, "administrator")
    _app, codes = enrol(owner)
    lost_phone = https_client(guarded.app)
    password_step(lost_phone, "administrator")
    assert submit(lost_phone, "/login/code", codes[0].upper()) == 303
    assert lost_phone.get("/api/v1/me").status_code == 200
    again = https_client(guarded.app)
    password_step(again, "administrator")
    assert submit(again, "/login/code", codes[0]) == 401


def test_a_database_copy_holds_neither_the_secret_nor_the_recovery_codes(guarded: World) -> None:
    owner = https_client(guarded.app)
    password_step(owner, "administrator")
    app, codes = enrol(owner)
    with guarded.deployment.database.transaction() as session:
        stored = session.execute(select(SecondFactor.secret_ciphertext)).scalar_one()
        hashes = session.execute(select(RecoveryCode.code_hash)).scalars().all()
    assert app.secret.encode() not in stored
    assert len(hashes) == 10
    for code in codes:
        assert not any(code.replace("-", "").encode() in h for h in hashes)


def test_roles_outside_the_list_sign_in_with_the_password_and_may_enrol(guarded: World) -> None:
    client = https_client(guarded.app)
    assert password_step(client, "case_worker") == "/"
    assert client.get("/api/v1/me").status_code == 200
    app, _codes = enrol(client)
    later = https_client(guarded.app)
    assert password_step(later, "case_worker") == "/login/code"
    assert submit(later, "/login/code", next_step_code(app)) == 303


def test_a_reset_forgets_the_app_and_ends_the_sessions(guarded: World) -> None:
    owner = https_client(guarded.app)
    password_step(owner, "administrator")
    enrol(owner)
    result = run_cli(guarded.deployment, "users", "reset-second-factor", "administrator")
    assert result.exit_code == 0, result.output
    assert owner.get("/api/v1/users").status_code == 401
    again = https_client(guarded.app)
    assert password_step(again, "administrator") == "/account/two-factor"
    enrol(again)
    missing = run_cli(guarded.deployment, "users", "reset-second-factor", "nobody")
    assert missing.exit_code == 1 and "no user named" in missing.output
