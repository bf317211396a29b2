"""HTTPS delivery of queued packages to partners' inboxes (`POST /api/v1/exchange/inbox`),
retried with exponential backoff. The queue is a table, so a restart loses nothing; the
receiver keys on the package id, so a delivery repeated after a lost answer opens nothing
new. A partner's answer is a signed receipt, verified and kept on the package sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.exchange.jose import JoseRefusal
from routecare.exchange.models import ExchangeOutbox, ExchangePartner
from routecare.exchange.partners import partner_named

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
PATHS = {
    "package": "/api/v1/exchange/inbox",
    "receipt": "/api/v1/exchange/receipts",
    "erasure": "/api/v1/exchange/erasures",
}
BATCH = 100


@dataclass
class Delivery:
    delivered: int = 0
    retrying: int = 0
    refused: int = 0


def queue(
    session: Session,
    partner: ExchangePartner,
    package_id: str,
    token: str,
    now: datetime,
    kind: str = "package",
) -> None:
    """Queue a packed package (or our signed decision on one of theirs) for its partner,
    inside the transaction that made it."""
    session.add(
        ExchangeOutbox(
            package_id=package_id,
            partner_id=partner.id,
            kind=kind,
            token=token,
            status="queued",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


def hand_over_for_file(deployment: Deployment, partner_name: str, kind: str) -> list[str]:
    """The tokens of `kind` queued for a partner (one reached by files: no HTTPS delivery
    takes them), handed over now: they leave the queue, each audited as handed over."""
    with deployment.database.transaction() as session:
        partner = partner_named(session, partner_name)
        if partner is None:
            raise NotFound(f"no partner named {partner_name}")
        rows = session.scalars(
            select(ExchangeOutbox)
            .where(
                ExchangeOutbox.partner_id == partner.id,
                ExchangeOutbox.kind == kind,
                ExchangeOutbox.status == "queued",
            )
            .order_by(ExchangeOutbox.id)
        ).all()
        tokens = [row.token for row in rows]
        for row in rows:
            row.status, row.token = "delivered", ""
            audit.record(
                session,
                deployment.keyring.audit_key,
                action=f"exchange.{kind}.file",
                detail={
                    "request" if kind == "erasure" else "package": row.package_id,
                    "partner": partner.name,
                },
            )
        return tokens


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … at most an hour between attempts."""
    wait: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


def deliver_due(deployment: Deployment, client: httpx.Client) -> Delivery:
    """Try every queued package whose time has come, once (none to a suspended partner);
    returns what happened."""
    report = Delivery()
    now = utcnow()
    with deployment.database.transaction() as session:
        due = session.execute(
            select(
                ExchangeOutbox.id,
                ExchangeOutbox.kind,
                ExchangeOutbox.token,
                ExchangePartner.base_url,
            )
            .join(ExchangePartner, ExchangePartner.id == ExchangeOutbox.partner_id)
            .where(ExchangeOutbox.status == "queued", ExchangeOutbox.next_attempt_at <= now)
            .where(ExchangePartner.suspended_at.is_(None))  # suspended: nothing more leaves
            .where(ExchangePartner.base_url.is_not(None))  # the others are reached by files
            .order_by(ExchangeOutbox.id)
            .limit(BATCH)
        ).all()
    for outbox_id, kind, token, base_url in due:
        url = f"{str(base_url).rstrip('/')}{PATHS[kind]}"
        try:
            response = client.post(url, json={kind: token})
        except httpx.HTTPError as error:
            _settle(deployment, outbox_id, None, f"unreachable: {type(error).__name__}", report)
            continue
        _settle(deployment, outbox_id, response, None, report)
    return report


def _settle(
    deployment: Deployment,
    outbox_id: int,
    response: httpx.Response | None,
    error: str | None,
    report: Delivery,
) -> None:
    now = utcnow()
    with deployment.database.transaction() as session:
        row = session.get(ExchangeOutbox, outbox_id, with_for_update=True)
        if row is None or row.status != "queued":
            return
        partner = session.get(ExchangePartner, row.partner_id)
        assert partner is not None
        row.attempts += 1
        if response is not None and response.status_code in (200, 201):
            error = _acknowledge(session, deployment, partner, row.kind, response, now)
            if error is None:
                # Delivered: the copy the partner's key opens has no reason to stay here.
                row.status, row.last_error, row.token = "delivered", None, ""
                report.delivered += 1
                _audit(session, deployment, row, partner, "exchange.package.deliver")
                return
        elif response is not None and _refused(response):
            row.status, row.token = "refused", ""
            row.last_error = _detail(response)
            report.refused += 1
            _audit(session, deployment, row, partner, "exchange.package.refused")
            return
        if error is None and response is not None:
            error = f"HTTP {response.status_code}"
        row.last_error = (error or "")[:200]
        row.next_attempt_at = now + backoff(row.attempts)
        report.retrying += 1


def _acknowledge(
    session: Session,
    deployment: Deployment,
    partner: ExchangePartner,
    kind: str,
    response: httpx.Response,
    now: datetime,
) -> str | None:
    """A delivered package is answered with a receipt, an erasure request with an
    acknowledgement, which we verify and keep; a decision needs no answer."""
    from routecare.exchange.erasure import record_acknowledgement
    from routecare.exchange.receipts import record_receipt

    try:
        if kind == "package":
            record_receipt(session, deployment, partner, str(response.json()["receipt"]), now)
        elif kind == "erasure":
            answer = str(response.json()["acknowledgement"])
            record_acknowledgement(session, deployment, partner, answer, now)
    except (JoseRefusal, ValueError, KeyError, TypeError) as error:
        return f"bad receipt: {error}"[:200]
    return None


def _refused(response: httpx.Response) -> bool:
    """The partner said no for good (a client error that is not "later, please")."""
    return 400 <= response.status_code < 500 and response.status_code not in (408, 429)


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))[:200]
    except ValueError:
        return f"HTTP {response.status_code}"


def _audit(
    session: Session,
    deployment: Deployment,
    row: ExchangeOutbox,
    partner: ExchangePartner,
    action: str,
) -> None:
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        detail={"package": row.package_id, "partner": partner.name, "attempts": row.attempts},
    )
