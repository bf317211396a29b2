"""Referral flows pass through disclosure control: a small flow is hidden, and no published
total lets a solver recompute it."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linprog

from routecare.referrals.actions import send_referral
from routecare.referrals.schemas import ReferralIn
from tests.referrals.conftest import Referable, send

K = 11


def send_many(referable: Referable, count: int) -> list[int]:
    principal = referable.world.principal("case_worker")
    return [
        send_referral(
            referable.world.deployment, principal, ReferralIn.model_validate(send(referable))
        ).id
        for _ in range(count)
    ]


def attacker_bounds(flows: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """For each hidden state count, the smallest and largest value consistent with every
    published figure (linear programming over the state x kind table, counts >= 0)."""
    states = [row["state"] for row in flows["by_state"]]
    kinds = list(flows["by_service_kind"])
    cells = [(s, k) for s in states for k in kinds]
    rows, values = [], []
    for state, count in ((r["state"], r["count"]) for r in flows["by_state"]):
        if count is not None:
            rows.append([1.0 if s == state else 0.0 for s, _ in cells])
            values.append(count)
    for kind, count in flows["by_service_kind"].items():
        if count is not None:
            rows.append([1.0 if k == kind else 0.0 for _, k in cells])
            values.append(count)
    if flows["total"] is not None:
        rows.append([1.0] * len(cells))
        values.append(flows["total"])
    bounds: dict[str, tuple[float, float]] = {}
    for row in flows["by_state"]:
        if row["count"] is not None:
            continue
        objective = np.array([1.0 if s == row["state"] else 0.0 for s, _ in cells])
        low = linprog(objective, A_eq=rows, b_eq=values, bounds=(0, None))
        high = linprog(-objective, A_eq=rows, b_eq=values, bounds=(0, None))
        bounds[row["state"]] = (low.fun, -high.fun)
    return bounds


def test_a_small_flow_is_hidden_and_cannot_be_recovered_from_totals(
    referable: Referable,
) -> None:
    world = referable.world
    ids = send_many(referable, K + 1)
    accepted = world.api("shelter_worker").post(f"/api/v1/referrals/{ids[0]}/accept")
    assert accepted.status_code == 200, accepted.text
    response = world.api("coordinator").get("/api/v1/referrals/flows")
    assert response.status_code == 200, response.text
    flows = response.json()
    counts = {row["state"]: row["count"] for row in flows["by_state"]}
    assert flows["k"] == K
    assert counts["accepted"] is None  # one accepted referral: below k
    assert flows["median_hours_to_accept"] is None  # a figure about one referral
    bounds = attacker_bounds(flows)
    low, high = bounds["accepted"]
    # The solver cannot pin the hidden count: it may be anything from 0 to the total.
    assert high - low >= 1 and high >= K, bounds
    assert referable.case not in response.text
    # A country may demand a larger k: the same referrals then show no count at all.
    world.deployment.settings.observatory_k_by_country = {"NER": 20}
    stricter = world.api("coordinator").get("/api/v1/referrals/flows").json()
    assert stricter["k"] == 20
    assert {row["count"] for row in stricter["by_state"]} <= {None, 0}
