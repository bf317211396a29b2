"""A second factor at sign-in: time-based one-time codes (RFC 6238, pyotp) and recovery codes.

A stolen password alone must not open the files of every child its owner may see. The TOTP
secret is encrypted at rest (AES-GCM, key derived from the keyring); recovery codes are stored
as keyed hashes and work once. Every code attempt is counted by the login throttle before it is
checked, and a code is accepted once: its time step must be newer than the last one accepted.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pyotp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth import throttle
from routecare.auth.credentials import account_key, secret_hash
from routecare.auth.models import RecoveryCode, SecondFactor, User, WebSession
from routecare.auth.principal import Principal
from routecare.auth.sessions import forget_second_factor
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotAuthenticated, NotFound

ISSUER = "routecare"
RECOVERY_CODES = 10
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand
NONCE_BYTES = 12
T = TypeVar("T")


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret for manual entry and the otpauth:// URI."""

    secret: str
    uri: str


def is_required(deployment: Deployment, user: User) -> bool:
    settings = deployment.settings
    return settings.two_factor_required and user.role in settings.two_factor_roles


def second_step(deployment: Deployment, session: Session, user: User) -> str | None:
    """What a session owes after the password: "code", "enrol", or nothing."""
    factor = session.get(SecondFactor, user.id)
    if factor is not None and factor.confirmed_at is not None:
        return "code"
    return "enrol" if is_required(deployment, user) else None


def _aad(user_id: int) -> bytes:
    return f"second-factor/{user_id}".encode()


def _encrypt(deployment: Deployment, user_id: int, secret: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    cipher = AESGCM(deployment.keyring.second_factor_key)
    return nonce + cipher.encrypt(nonce, secret.encode(), _aad(user_id))


def _decrypt(deployment: Deployment, user_id: int, blob: bytes) -> str:
    cipher = AESGCM(deployment.keyring.second_factor_key)
    return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(user_id)).decode()


def _recovery_hash(deployment: Deployment, code: str) -> bytes:
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hmac.new(deployment.keyring.second_factor_key, normalised.encode(), "sha256").digest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def begin_enrolment(deployment: Deployment, principal: Principal) -> Enrolment:
    """The secret to scan (the same one until confirmed); refused once a factor is active."""
    with deployment.database.transaction() as session:
        user = session.get(User, principal.user_id)
        assert user is not None  # the principal was resolved from this row
        factor = session.get(SecondFactor, user.id)
        if factor is not None and factor.confirmed_at is not None:
            raise Conflict("a one-time-code app is already enrolled")
        if factor is None:
            secret = pyotp.random_base32()
            factor = SecondFactor(
                user_id=user.id, secret_ciphertext=_encrypt(deployment, user.id, secret)
            )
            session.add(factor)
        else:
            secret = _decrypt(deployment, user.id, factor.secret_ciphertext)
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
        return Enrolment(secret=secret, uri=uri)


def reset(deployment: Deployment, username: str) -> None:
    """Forget a user's app and recovery codes (CLI, for a lost phone): they enrol again at their
    next sign-in if their role requires it; their open sessions end."""
    with deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == username)).scalar()
        if user is None:
            raise NotFound(f"no user named {username!r}")
        forget_second_factor(session, user.id)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="second_factor.reset",
            subject_type="user",
            subject_id=user.id,
        )


def _accept_totp(deployment: Deployment, session: Session, factor: SecondFactor, code: str) -> bool:
    """A code of the current step or the one either side, newer than the last accepted."""
    totp = pyotp.TOTP(_decrypt(deployment, factor.user_id, factor.secret_ciphertext))
    now = utcnow()
    for drift in (-1, 0, 1):
        moment = now.timestamp() + drift * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            step = totp.timecode(now) + drift
            # One UPDATE decides: a parallel replay of the same code finds last_step moved.
            taken = session.execute(
                update(SecondFactor)
                .where(
                    SecondFactor.user_id == factor.user_id,
                    (SecondFactor.last_step.is_(None)) | (SecondFactor.last_step < step),
                )
                .values(last_step=step)
            )
            assert isinstance(taken, CursorResult)
            return taken.rowcount == 1
    return False


def _accept_recovery_code(
    deployment: Deployment, session: Session, user_id: int, code: str
) -> bool:
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _recovery_hash(deployment, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    assert isinstance(spent, CursorResult)
    return spent.rowcount == 1


def confirm_enrolment(
    deployment: Deployment, principal: Principal, cookie: str | None, code: str, address: str
) -> list[str]:
    """Activate the enrolled secret with a first code; returns the recovery codes (shown once).

    The session it is called from (`cookie`) is released from its enrolment step.
    """
    return _with_counted_code(
        deployment,
        principal,
        address,
        lambda session: _confirm(deployment, session, principal, cookie, code),
    )


def _confirm(
    deployment: Deployment, session: Session, principal: Principal, cookie: str | None, code: str
) -> list[str] | None:
    factor = session.get(SecondFactor, principal.user_id)
    if factor is None:
        raise InvalidInput("start the enrolment first")
    if factor.confirmed_at is not None:
        raise Conflict("a one-time-code app is already enrolled")
    if not _accept_totp(deployment, session, factor, code.strip()):
        return None
    factor.confirmed_at = utcnow()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(
        RecoveryCode(user_id=principal.user_id, code_hash=_recovery_hash(deployment, c))
        for c in codes
    )
    _release_session(session, cookie)
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="second_factor.enrol",
        actor_user_id=principal.user_id,
        actor_organisation_id=principal.organisation_id,
        subject_type="user",
        subject_id=principal.user_id,
    )
    return codes


def complete_sign_in(
    deployment: Deployment, principal: Principal, cookie: str, code: str, address: str
) -> None:
    """The second step of a sign-in: a one-time code or an unused recovery code."""
    _with_counted_code(
        deployment,
        principal,
        address,
        lambda session: _complete(deployment, session, principal, cookie, code),
    )


def _complete(
    deployment: Deployment, session: Session, principal: Principal, cookie: str, code: str
) -> bool | None:
    factor = session.get(SecondFactor, principal.user_id)
    if factor is None or factor.confirmed_at is None:
        return None
    code = code.strip()
    if code.isdigit():
        accepted = _accept_totp(deployment, session, factor, code)
        kind = "totp"
    else:
        accepted = _accept_recovery_code(deployment, session, principal.user_id, code)
        kind = "recovery_code"
    if not accepted:
        return None
    _release_session(session, cookie)
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="login",
        outcome="ok",
        actor_user_id=principal.user_id,
        actor_organisation_id=principal.organisation_id,
        subject_type="user",
        subject_id=principal.user_id,
        detail={"second_factor": kind},
    )
    return True


def _release_session(session: Session, cookie: str | None) -> None:
    if cookie:
        session.execute(
            update(WebSession).where(WebSession.id_hash == secret_hash(cookie)).values(pending=None)
        )


def _with_counted_code(
    deployment: Deployment, principal: Principal, address: str, check: Callable[[Session], T | None]
) -> T:
    """Count the attempt like a failed login, run `check` in one transaction, forgive on success."""
    with deployment.database.transaction() as session:
        username = session.execute(
            select(User.username).where(User.id == principal.user_id)
        ).scalar_one()
    attempt = throttle.begin_attempt(
        deployment, account_key(deployment.keyring.index_key, username), address
    )
    with deployment.database.transaction() as session:
        result = check(session)
        if result is None:
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="second_factor.check",
                outcome="failed",
                actor_user_id=principal.user_id,
                actor_organisation_id=principal.organisation_id,
                subject_type="user",
                subject_id=principal.user_id,
            )
    if result is None:
        raise NotAuthenticated("wrong or already used code")
    throttle.forgive(deployment, attempt)
    return result
