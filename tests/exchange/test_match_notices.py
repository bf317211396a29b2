"""Match notices over the exchange channel between two deployments: the same boy, registered
in Niger and in Italy under different spellings, becomes a notice in both coordinators' queues,
over HTTPS and over files; packages carry no identity; a tampered, replayed or unauthorised
package is refused and changes nothing."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwcrypto import jwe as third_jwe
from jwcrypto import jwk as third_jwk
from jwcrypto import jws as third_jws
from sqlalchemy import select, update

from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Forbidden
from routecare.exchange.keys import decryption_keys, public_jwks
from routecare.exchange.match_notices import send_notices
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.notice_inbox import receive_notices
from routecare.exchange.outbox import deliver_due
from routecare.exchange.receiving import PackageRefused
from routecare.linkage.queries import list_notices
from routecare.linkage.schemas import MatchNoticeOut
from routecare.linkage.sealing import partner_seal
from tests.cli_runner import run_cli
from tests.exchange.conftest import Exchange, row_counts
from tests.exchange.notices_setup import IDENTITIES, SECRET, Noticing, set_up
from tests.exchange.test_http import inbox_client


@pytest.fixture
def noticing(unkeyed: Exchange) -> Noticing:
    return set_up(unkeyed)


def queue_of(deployment: Deployment, coordinator: object) -> list[MatchNoticeOut]:
    return list_notices(deployment, coordinator)  # type: ignore[arg-type]


def assert_one_notice_each_side(noticing: Noticing) -> None:
    """Italy's coordinator sees its boy noticed as a Niger record; Niger's sees its boy
    noticed as an Italy record; each names the other's opaque id, never an identity."""
    [italian] = queue_of(noticing.receiver, noticing.italy_coordinator)
    [nigerien] = queue_of(noticing.sender, noticing.niger_coordinator)
    assert (italian.case_reference, italian.partner) == (noticing.italy_boy, "niger")
    assert (nigerien.case_reference, nigerien.partner) == (noticing.niger_boy, "italy")
    assert italian.band == nigerien.band and italian.score == nigerien.score
    for notice in (italian, nigerien):
        shown = notice.model_dump_json()
        for identity in IDENTITIES:
            assert all(name not in shown for name in identity.values())


def test_a_notice_in_both_queues_over_https_once(noticing: Noticing) -> None:
    packed = send_notices(noticing.sender, "italy", outbox=True)
    with inbox_client(noticing.receiver) as online:
        assert deliver_due(noticing.sender, online).delivered == len(packed) == 1
    assert_one_notice_each_side(noticing)
    # Delivered again (a lost answer, a replay): the same answer, nothing new on either side.
    before = (row_counts(noticing.sender), row_counts(noticing.receiver))
    with inbox_client(noticing.receiver) as online:
        again = online.post("/api/v1/exchange/inbox", json={"package": packed[0].token})
    assert again.status_code == 201 and again.json()["status"] == "matched"
    assert (row_counts(noticing.sender), row_counts(noticing.receiver)) == before
    # Sent again (a new package of the same children): still one notice per pair.
    send_notices(noticing.sender, "italy", outbox=True)
    with inbox_client(noticing.receiver) as online:
        assert deliver_due(noticing.sender, online).delivered == 1
    assert_one_notice_each_side(noticing)


def test_a_notice_in_both_queues_over_files_with_the_network_down(
    noticing: Noticing, tmp_path: Path
) -> None:
    package, answers = tmp_path / "niger.jwe", tmp_path / "italy-answers.jws"
    sent = run_cli(noticing.sender, "exchange", "notices", "send", "--to", "italy",
                   "--output", str(package))  # fmt: skip
    assert sent.exit_code == 0, sent.output
    mistaken = run_cli(noticing.receiver, "exchange", "unpack", str(package))
    assert mistaken.exit_code == 1 and "exchange notices receive" in mistaken.output
    with httpx.Client(transport=httpx.MockTransport(_down)) as offline:
        assert deliver_due(noticing.sender, offline).retrying == 0  # nothing queued: a file
    received = run_cli(noticing.receiver, "exchange", "notices", "receive", str(package),
                       "--output", str(answers))  # fmt: skip
    assert received.exit_code == 0, received.output
    assert ": 1 new notice(s)" in received.output
    recorded = run_cli(noticing.sender, "exchange", "notices", "answers", str(answers))
    assert recorded.exit_code == 0, recorded.output
    assert ": matched" in recorded.output
    assert_one_notice_each_side(noticing)
    # The secret both sides matched under is in neither database as it is stored: a copy of
    # Italy's database file does not hold it (it is encrypted under a key-store data key).
    for database_file in noticing.receiver.settings.data_dir.glob("routecare.sqlite3*"):
        assert SECRET not in database_file.read_bytes()
    secret_file = tmp_path / "secret.key"
    secret_file.write_bytes(SECRET)
    twice = run_cli(noticing.receiver, "exchange", "notices", "secret", "niger",
                    "--secret-file", str(secret_file))  # fmt: skip
    assert twice.exit_code == 1 and "already recorded" in twice.output
    # The same file imported again: the same answer, nothing new.
    before = row_counts(noticing.receiver)
    again = run_cli(noticing.receiver, "exchange", "notices", "receive", str(package),
                    "--output", str(answers))  # fmt: skip
    assert again.exit_code == 0 and ": 0 new notice(s)" in again.output
    assert row_counts(noticing.receiver) == before


def test_nothing_identifying_in_the_package_or_the_answer(noticing: Noticing) -> None:
    """Opened with the receiver's key by a second JOSE implementation: only sealed encodings
    of the consenting children; no name, date of birth or case reference, in the package or in
    the receiver's signed answer."""
    [packed] = send_notices(noticing.sender, "italy")
    with noticing.receiver.database.transaction() as session:
        keys = decryption_keys(session, noticing.receiver)
    opened = third_jwe.JWE()
    opened.deserialize(packed.token, key=third_jwk.JWK(**keys.keys[0].as_dict(private=True)))
    signed = third_jws.JWS()
    signed.deserialize(opened.payload.decode())
    with noticing.sender.database.transaction() as session:
        sender_keys = public_jwks(session)["keys"]
    signed.verify(third_jwk.JWK(**sender_keys[0]), alg="Ed25519")
    payload = json.loads(signed.payload)
    assert payload["purpose"] == "match_notice" and len(payload["records"]) == 2
    sealed = partner_seal(SECRET)
    opened_records = [sealed.open(record, "record") for record in payload["records"]]
    answer = receive_notices(noticing.receiver, packed.token).receipt
    claims = base64.urlsafe_b64decode(answer.split(".")[1] + "==").decode()
    text = json.dumps([payload, opened_records]) + claims
    values = [value for identity in IDENTITIES for value in identity.values()]
    values += ["Mamadou", "Bah", "2011-03-04", "2011"]
    values += [noticing.niger_boy, noticing.niger_girl, noticing.italy_boy]
    assert [value for value in values if mentions(text, value)] == []


def mentions(text: str, value: str) -> bool:
    """`value` as a word of its own in `text`: not inside a base64 or hex string, where any
    short text turns up by chance."""
    word = "[A-Za-z0-9+/=_-]"
    return re.search(rf"(?<!{word}){re.escape(value)}(?!{word})", text, re.IGNORECASE) is not None


def flip_bit(token: str, part: int, index: int, bit: int) -> str:
    """The compact JWE with one bit of one of its five parts' bytes flipped."""
    parts = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(parts[part] + "=" * (-len(parts[part]) % 4)))
    raw[index % len(raw)] ^= 1 << bit
    parts[part] = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    return ".".join(parts)


def test_a_tampered_replayed_or_expired_package_is_refused_and_changes_nothing(
    noticing: Noticing, monkeypatch: pytest.MonkeyPatch
) -> None:
    [packed] = send_notices(noticing.sender, "italy")
    before = row_counts(noticing.receiver)

    @given(part=st.integers(0, 4), index=st.integers(0, 10_000), bit=st.integers(0, 7))
    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
    def altered_anywhere(part: int, index: int, bit: int) -> None:
        with pytest.raises(PackageRefused, match="refused"):
            receive_notices(noticing.receiver, flip_bit(packed.token, part, index, bit))

    altered_anywhere()
    [stale] = send_notices(noticing.sender, "italy", lifetime=-timedelta(seconds=1))
    with pytest.raises(PackageRefused, match="expired"):
        receive_notices(noticing.receiver, stale.token)
    assert row_counts(noticing.receiver) == before
    assert queue_of(noticing.receiver, noticing.italy_coordinator) == []
    # Received once, then replayed after its expiry (the clock of the receiver 15 days on).
    receive_notices(noticing.receiver, packed.token)
    after_once = row_counts(noticing.receiver)
    later = utcnow() + timedelta(days=15)
    monkeypatch.setattr("routecare.exchange.notice_inbox.utcnow", lambda: later)
    with pytest.raises(PackageRefused, match="expired"):
        receive_notices(noticing.receiver, packed.token)
    assert row_counts(noticing.receiver) == after_once


def test_a_partner_not_allowed_match_notices_is_refused_both_ways(unkeyed: Exchange) -> None:
    noticing = set_up(unkeyed, allowed=False)
    before = row_counts(noticing.sender)
    with pytest.raises(Forbidden, match="not allowed the purpose match_notice"):
        send_notices(noticing.sender, "italy")
    assert row_counts(noticing.sender) == before
    # Niger's registry allows it now, Italy's still does not: Italy refuses the package and
    # stores nothing.
    with noticing.sender.database.transaction() as session:
        session.execute(
            update(ExchangePartner)
            .where(ExchangePartner.name == "italy")
            .values(purposes="continuity_of_care match_notice")
        )
    [packed] = send_notices(noticing.sender, "italy")
    received_before = row_counts(noticing.receiver)
    with pytest.raises(PackageRefused, match="not allowed the purpose match_notice"):
        receive_notices(noticing.receiver, packed.token)
    assert row_counts(noticing.receiver) == received_before
    with noticing.receiver.database.transaction() as session:
        assert session.scalars(select(ExchangePackage)).all() == []


def _down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)
