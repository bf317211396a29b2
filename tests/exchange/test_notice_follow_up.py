"""After a match notice over the exchange channel: the coordinator starts a referral to the
partner from it (only under the case's cross-border consent, else told which is missing), and
an erased child or a withdrawn consent erases the partner's notices that name the child."""

from __future__ import annotations

import pytest

from routecare.auth.roles import Role
from routecare.cases import record_actions
from routecare.children.actions import erase_child
from routecare.errors import Conflict
from routecare.exchange.match_notices import send_notices
from routecare.exchange.notice_referrals import refer_from_notice
from routecare.exchange.outbox import deliver_due
from routecare.exchange.queries import pending_packages
from routecare.exchange.vocabulary import Purpose
from routecare.linkage.queries import list_notices
from tests.exchange.conftest import Exchange
from tests.exchange.notices_setup import (
    SENDER_URL,
    Noticing,
    colleague,
    consent_to_every_field,
    set_up,
)
from tests.exchange.test_http import inbox_client

CONTINUITY = Purpose.CONTINUITY_OF_CARE


@pytest.fixture
def noticed(unkeyed: Exchange) -> Noticing:
    """Both sides hold their notice of the boy (sent over HTTPS)."""
    noticing = set_up(unkeyed)
    send_notices(noticing.sender, "italy", outbox=True)
    with inbox_client(noticing.receiver) as online:
        assert deliver_due(noticing.sender, online).delivered == 1
    assert len(list_notices(noticing.receiver, noticing.italy_coordinator)) == 1
    assert len(list_notices(noticing.sender, noticing.niger_coordinator)) == 1
    return noticing


def test_a_notice_starts_a_referral_only_under_consent(noticed: Noticing) -> None:
    italy, coordinator = noticed.receiver, noticed.italy_coordinator
    [notice] = list_notices(italy, coordinator)
    with pytest.raises(Conflict, match="missing: no cross-border consent for continuity_of_care"):
        refer_from_notice(italy, coordinator, notice.id, CONTINUITY)
    assert pending_packages(noticed.sender) == []
    consent_to_every_field(italy, noticed.italy_worker, noticed.italy_boy, CONTINUITY)
    started = refer_from_notice(italy, coordinator, notice.id, CONTINUITY)
    assert started.partner == "niger" and "prs_GivenName" in started.fields
    with inbox_client(noticed.sender, SENDER_URL) as niger_inbox:
        assert deliver_due(italy, niger_inbox).delivered == 1
    [arrived] = pending_packages(noticed.sender)
    assert arrived.package_id == started.package_id and arrived.partner == "italy"


def test_an_erased_child_erases_the_partners_notice(noticed: Noticing) -> None:
    dpo = colleague(noticed.sender, noticed.exchange.worker, "dpo", Role.DATA_PROTECTION_OFFICER)
    erase_child(noticed.sender, dpo, noticed.niger_boy)
    with inbox_client(noticed.receiver) as online:
        assert deliver_due(noticed.sender, online).delivered == 1
    assert list_notices(noticed.receiver, noticed.italy_coordinator, reviewed=True) == []


def test_withdrawal_or_erasure_at_either_end_erases_the_notices(noticed: Noticing) -> None:
    record_actions.withdraw_consent(
        noticed.sender, noticed.exchange.worker, noticed.niger_boy, noticed.niger_boy_consent
    )
    with inbox_client(noticed.receiver) as online:
        assert deliver_due(noticed.sender, online).delivered == 1
    assert list_notices(noticed.receiver, noticed.italy_coordinator, reviewed=True) == []
    # Sent again, the boy's encoding no longer leaves: no notice comes back.
    send_notices(noticed.sender, "italy", outbox=True)
    with inbox_client(noticed.receiver) as online:
        assert deliver_due(noticed.sender, online).delivered == 1
    assert list_notices(noticed.receiver, noticed.italy_coordinator, reviewed=True) == []
    # The other way: Italy erases its boy, and Niger's notice naming him goes.
    assert len(list_notices(noticed.sender, noticed.niger_coordinator)) == 1
    italy_dpo = colleague(
        noticed.receiver, noticed.italy_coordinator, "dpo-it", Role.DATA_PROTECTION_OFFICER
    )
    erase_child(noticed.receiver, italy_dpo, noticed.italy_boy)
    with inbox_client(noticed.sender, SENDER_URL) as niger_inbox:
        assert deliver_due(noticed.receiver, niger_inbox).delivered == 1
    assert list_notices(noticed.sender, noticed.niger_coordinator, reviewed=True) == []
