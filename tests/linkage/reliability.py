"""Whether scores mean what they say: links scored about p are right about p of the time.

Measured on links against the ground truth of generated data: a reliability diagram (links
in bins of score, each bin's mean score beside the share of its links that are right), the
expected calibration error (those gaps weighted by the bins' links), and precision and recall
at each threshold. Shared by the calibration tests and `bench/linkage/calibration.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routecare.linkage.matching import THRESHOLDS, Link

BINS = np.linspace(0.1, 1.0, 10)  # [0.1, 0.2), …, [0.9, 1.0]
LOWEST = float(BINS[0])  # links below this are not measured (too few, never shown)
# "Links scored at least p are right at least p of the time" is read at every one of these p,
# not only at the two thresholds.
CUTS = np.round(np.arange(LOWEST, 0.951, 0.05), 2)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    links: int
    mean_score: float
    right: float  # share of the bin's links that are true links


@dataclass(frozen=True)
class Reliability:
    bins: list[Bin]
    expected_calibration_error: float
    precision: dict[str, float]  # per threshold name: links scored at or above it
    recall: dict[str, float]
    worst_shortfall: float  # max over p in CUTS of p - precision(score >= p), or 0

    def f1(self, band: str) -> float:
        p, r = self.precision[band], self.recall[band]
        return 2 * p * r / max(p + r, 1e-9)


def reliability(links: list[Link], truth: set[tuple[str, str]]) -> Reliability:
    """The reliability of `links` (one-to-one, scored) against the true links."""
    scores = np.array([lk.score for lk in links])
    right = np.array([(lk.left_id, lk.right_id) in truth for lk in links], dtype=bool)
    measured = scores >= LOWEST
    bins = []
    for low, high in zip(BINS[:-1], BINS[1:], strict=True):
        inside = measured & (scores >= low) & ((scores < high) | (high == BINS[-1]))
        count = int(inside.sum())
        if count:
            bins.append(
                Bin(
                    float(low),
                    float(high),
                    count,
                    float(scores[inside].mean()),
                    right[inside].mean(),
                )
            )
    total = sum(b.links for b in bins)
    ece = sum(b.links * abs(b.mean_score - b.right) for b in bins) / max(total, 1)
    precision, recall = {}, {}
    for band, cut in THRESHOLDS.items():
        kept = scores >= cut
        precision[band] = float(right[kept].mean()) if kept.any() else 1.0
        recall[band] = float(right[kept].sum()) / max(len(truth), 1)
    shortfall = max(
        (float(cut - right[scores >= cut].mean()) for cut in CUTS if (scores >= cut).any()),
        default=0.0,
    )
    return Reliability(bins, float(ece), precision, recall, max(shortfall, 0.0))
