"""Login throttling: every password or code attempt is counted before it is checked.

An attempt is one INSERT, committed before the limits are read back, so parallel attempts are
all counted: the k-th attempt to commit sees at least k rows and at most the limit get their
password checked. A successful attempt deletes its own row and its address's earlier failures
on the account; a refused one stays counted.

Limits over the sliding window (`login_window_minutes`), from the strictest to the widest:

- one account from one address: `login_max_failures`, then that address is refused for the
  window (this is the attacker's own address: a long lock costs nobody else);
- one address over all accounts: `login_source_max_failures` (password spraying);
- one account from all addresses: past `login_account_max_failures`, addresses that have failed
  on it wait an exponential backoff since its last failure, capped at `login_backoff_cap_minutes`.
  An address with no failure on the account is not slowed, so a stranger cannot lock the owner
  out; a distributed attacker gets one guess per fresh address, bounded by the global limit;
- the whole deployment: `login_global_max_failures`, then every login waits a minute.

Rows older than the window are purged at each attempt (nothing else needs them).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from routecare.auth.models import LoginFailure
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import TooManyAttempts

GLOBAL_PAUSE_SECONDS = 60
PURGE_BATCH = 1000  # at most this many old rows deleted per attempt


@dataclass(frozen=True)
class Attempt:
    """One counted attempt; `forgive` it when it succeeds."""

    id: int
    account_key: bytes
    source_key: bytes


def source_key(index_key: bytes, address: str) -> bytes:
    """Keyed hash of a client address, so the table stores no address."""
    return hmac.new(index_key, b"source/" + address.encode(), "sha256").digest()


def begin_attempt(deployment: Deployment, account_key: bytes, address: str) -> Attempt:
    """Count one attempt, then refuse it (TooManyAttempts) if it is past a limit.

    Call before checking the secret; the attempt counts as failed unless `forgive` is called.
    """
    settings = deployment.settings
    now = utcnow()
    window_start = now - timedelta(minutes=settings.login_window_minutes)
    source = source_key(deployment.keyring.index_key, address)
    with deployment.database.transaction() as session:
        # Rows another attempt is purging are skipped, not waited for: parallel purges never
        # lock each other (PostgreSQL; SQLite runs one writer at a time anyway).
        stale = (
            select(LoginFailure.id)
            .where(LoginFailure.at <= window_start)
            .order_by(LoginFailure.id)
            .limit(PURGE_BATCH)
            .with_for_update(skip_locked=True)
        )
        session.execute(delete(LoginFailure).where(LoginFailure.id.in_(stale.scalar_subquery())))
        row = LoginFailure(account_key=account_key, source_key=source, at=now)
        session.add(row)
        session.flush()
        attempt = Attempt(id=row.id, account_key=account_key, source_key=source)
    with deployment.database.transaction() as session:
        recent = select(func.count()).where(LoginFailure.at > window_start)
        pair = session.execute(
            recent.where(LoginFailure.account_key == account_key, LoginFailure.source_key == source)
        ).scalar_one()
        window_seconds = settings.login_window_minutes * 60
        if pair > settings.login_max_failures:
            raise TooManyAttempts("too many failed logins; try again later", window_seconds)
        by_source = session.execute(recent.where(LoginFailure.source_key == source)).scalar_one()
        if by_source > settings.login_source_max_failures:
            raise TooManyAttempts("too many failed logins; try again later", window_seconds)
        overall = session.execute(recent).scalar_one()
        if overall > settings.login_global_max_failures:
            raise TooManyAttempts("the service is busy; try again later", GLOBAL_PAUSE_SECONDS)
        by_account = session.execute(
            recent.where(LoginFailure.account_key == account_key)
        ).scalar_one()
        excess = by_account - settings.login_account_max_failures
        if excess > 0 and pair > 1:
            previous = session.execute(
                select(func.max(LoginFailure.at)).where(
                    LoginFailure.account_key == account_key, LoginFailure.id != attempt.id
                )
            ).scalar_one()
            wait = backoff_seconds(excess, settings.login_backoff_cap_minutes)
            remaining = wait - (now - previous).total_seconds() if previous else 0
            if remaining > 0:
                raise TooManyAttempts("too many failed logins; try again later", int(remaining) + 1)
    return attempt


def backoff_seconds(excess: int, cap_minutes: int) -> int:
    """2, 4, 8 … seconds for each failure past the account limit, never above the cap."""
    return min(1 << min(excess, 20), cap_minutes * 60)


def forgive(deployment: Deployment, attempt: Attempt) -> None:
    """A successful attempt: it and its address's earlier failures on the account stop counting."""
    with deployment.database.transaction() as session:
        session.execute(
            delete(LoginFailure).where(
                LoginFailure.account_key == attempt.account_key,
                LoginFailure.source_key == attempt.source_key,
            )
        )
