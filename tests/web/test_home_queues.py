"""The home page is each role's work queue, and every item links to where the work is done."""

from __future__ import annotations

import re

from routecare.auth import actions
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from tests.conftest import World
from tests.web.scenario import fill_every_queue


def _section(html: str, section_id: str) -> str:
    found = re.search(rf'<section class="card" id="{section_id}">(.*?)</section>', html, re.S)
    assert found, f"no {section_id} on the page"
    return found.group(1)


def test_each_role_sees_its_queue_with_links_to_the_work(world: World) -> None:
    queues = fill_every_queue(world)
    expected = {
        "case_worker": {
            "queue-overdue": f'href="/cases/{queues.case}#tasks"',
            "queue-held-beds": f'href="/cases/{queues.case}"',
        },
        "supervisor": {"queue-approvals": f'href="/cases/{queues.case}#approval"'},
        "shelter_worker": {
            "queue-incoming": f'href="/referrals/{queues.referral_id}"',
            "queue-held-beds": 'href="/placement#held-beds"',
        },
        "coordinator": {
            "queue-escalated": f'href="/placement/requests/{queues.escalated_id}"',
            "queue-notices": 'href="/linkage/notices"',
        },
    }
    # Queues a role cannot work on are not on its page at all.
    hidden = {
        "case_worker": {"queue-approvals", "queue-escalated", "queue-notices"},
        "supervisor": {"queue-escalated", "queue-notices"},
        "shelter_worker": {"queue-approvals", "queue-escalated", "queue-notices"},
        "coordinator": {"queue-approvals", "queue-incoming", "queue-overdue"},
    }
    for username, shown in expected.items():
        home = world.browser(username).get("/")
        assert home.status_code == 200
        for queue, link in shown.items():
            assert link in _section(home.text, queue), (username, queue)
        for queue in hidden[username]:
            assert f'id="{queue}"' not in home.text, (username, queue)
    # Each link leads to a page that role may open, where the work is done.
    shelter = world.browser("shelter_worker")
    referral = shelter.get(f"/referrals/{queues.referral_id}")
    assert referral.status_code == 200 and 'value="accept"' in referral.text
    supervisor = world.browser("supervisor")
    case = supervisor.get(f"/cases/{queues.case}")
    assert case.status_code == 200 and f"/cases/{queues.case}/approvals" in case.text
    coordinator = world.browser("coordinator")
    assert coordinator.get(f"/placement/requests/{queues.escalated_id}").status_code == 200
    assert queues.case in supervisor.get("/").text
    # Another organisation's supervisor (same role) sees nothing of it.
    actions.create_user(
        world.deployment,
        organisation_id=world.organisation_ids["other"],
        user=UserIn(username="other_supervisor", password=world.password, role=Role.SUPERVISOR),
    )
    assert queues.case not in world.browser("other_supervisor").get("/").text
    # Once approved, it leaves the queue.
    approved = world.api("supervisor").post(
        f"/api/v1/cases/{queues.case}/approvals", json={"stage": "care_plan"}
    )
    assert approved.status_code == 200
    assert queues.case not in _section(supervisor.get("/").text, "queue-approvals")
