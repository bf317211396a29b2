"""The DPO's pages: the trail and a child's access history, without identities; another
organisation's child (a crafted reference) shows nothing of its history."""

from __future__ import annotations

import re

from tests.cases.helpers import create_case
from tests.conftest import World


def test_a_childs_access_history_names_no_one_and_stays_in_the_organisation(
    world: World,
) -> None:
    ours = create_case(world.api("case_worker"), given_name="Mariama", family_name="Sow")
    world.api("supervisor").get(f"/api/v1/cases/{ours['reference']}")
    theirs = create_case(world.api("other_case_worker"), given_name="Lucia")
    dpo = world.browser("data_protection_officer")

    trail = dpo.get("/audit")
    assert trail.status_code == 200 and "case.read" in trail.text

    history = dpo.get(f"/audit?child={ours['reference'].lower()}")
    assert history.status_code == 200
    rows = re.findall(r"<tr>\s*<td dir=\"ltr\">\d+", history.text)
    assert len(rows) >= 2  # the creation and the supervisor's read
    assert "case.read" in history.text
    for identity in ("Mariama", "Sow", "Lucia"):
        assert identity not in history.text and identity not in trail.text

    foreign = dpo.get(f"/audit?child={theirs['reference']}")
    assert foreign.status_code == 200
    assert 'id="child-problem"' in foreign.text
    assert not re.findall(r"<tr>\s*<td dir=\"ltr\">\d+", foreign.text)
