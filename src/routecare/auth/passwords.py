"""Password hashing with Argon2id, at RFC 9106's low-memory parameters (argon2-cffi's default)."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from routecare.deployment import Deployment
from routecare.errors import TooManyAttempts

PARAMETERS = profiles.RFC_9106_LOW_MEMORY
_hasher = PasswordHasher.from_parameters(PARAMETERS)
MIN_PASSWORD_LENGTH = 12

# Verified against when the username is unknown, so a missing account costs the same time as
# a wrong password and response times do not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("routecare-timing-equaliser")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# How long a login waits for a free hashing slot before answering "busy".
CHECK_WAIT_SECONDS = 10


def check_password(deployment: Deployment, password_hash: str | None, password: str) -> bool:
    """`verify_password`, at most `password_check_concurrency` at once per deployment.

    Each Argon2id check holds 64 MiB; a flood of logins queues here (then gets 429) instead of
    exhausting the server's memory.
    """
    if not deployment.password_checks.acquire(timeout=CHECK_WAIT_SECONDS):
        raise TooManyAttempts("the server is busy checking passwords; try again", 5)
    try:
        return verify_password(password_hash, password)
    finally:
        deployment.password_checks.release()
