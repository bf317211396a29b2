"""Random bearer secrets (session cookies, API tokens) and how they are stored: hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> bytes:
    """SHA-256 suffices here: the secrets are 256-bit random, not guessable passwords."""
    return hashlib.sha256(secret.encode("utf-8")).digest()


def account_key(index_key: bytes, username: str) -> bytes:
    """Keyed hash of a username, so throttling can count failures without storing names."""
    return hmac.new(index_key, b"login/" + username.strip().lower().encode(), "sha256").digest()
