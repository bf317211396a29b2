"""One-way tables (one dimension and its total) through disclosure control, for the small
aggregates other domains show, such as referral flows."""

from __future__ import annotations

from collections.abc import Mapping

from routecare.observatory.disclosure.hypercube import ALL
from routecare.observatory.disclosure.suppression import protect_counts


def protected_one_way(
    counts: Mapping[str, int], dimension: str, k: int
) -> tuple[dict[str, int | None], int | None]:
    """Each value's count (None when suppressed) and the total (None when suppressed)."""
    table = protect_counts({(value,): count for value, count in counts.items()}, [dimension], k)
    shown = {cell.key[0]: cell.count for cell in table.cells}
    total = shown.pop(ALL, 0)
    return {value: shown.get(value, 0) for value in counts}, total
