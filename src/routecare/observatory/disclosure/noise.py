"""Counts released with calibrated noise (differential privacy), through OpenDP.

Each child is in exactly one interior cell, so adding or removing one child changes the vector
of interior counts by 1 in L1 norm; OpenDP's discrete Laplace mechanism with scale 1/ε is then
ε-differentially private (its privacy map is checked, not assumed). Margins are sums of the
noisy cells (post-processing, no extra budget), and negative draws are raised to zero, which
post-processing also allows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import opendp.prelude as dp

from routecare.errors import InvalidInput

dp.enable_features("contrib")


def check_epsilon(epsilon: float) -> None:
    if isinstance(epsilon, bool) or not math.isfinite(epsilon) or epsilon <= 0:
        raise InvalidInput("epsilon must be a positive number")


def noisy_counts(
    counts: Mapping[tuple[str, ...], int], epsilon: float
) -> tuple[dict[tuple[str, ...], int], float]:
    """`counts` (a histogram: each person in one cell; zero cells included, as the set of
    cells must not depend on who is in the data) with discrete Laplace noise of scale 1/ε,
    negatives raised to 0; returns the noisy counts and the scale."""
    check_epsilon(epsilon)
    keys = list(counts)
    if not keys:
        return {}, 1.0 / epsilon
    mechanism = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=1.0 / epsilon
    )
    spent = mechanism.map(1)  # type: ignore[no-untyped-call]
    if spent > epsilon * (1 + 1e-9):  # pragma: no cover - OpenDP's own guarantee
        raise RuntimeError("the noise mechanism spends more than the stated epsilon")
    released = mechanism([int(counts[key]) for key in keys])
    return {key: max(0, int(value)) for key, value in zip(keys, released, strict=True)}, (
        1.0 / epsilon
    )
