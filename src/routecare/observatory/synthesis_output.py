"""Synthetic people and their utility report as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from routecare.observatory.disclosure.suppression import protect_counts
from routecare.observatory.synthesis import ATTRIBUTES, Synthesis


def synthetic_csv(synthesis: Synthesis) -> str:
    """One line per synthetic person, with a fresh id that leads to no one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["synthetic_id", *ATTRIBUTES])
    for number, person in enumerate(synthesis.rows, start=1):
        writer.writerow([f"s{number}", *(person[name] for name in ATTRIBUTES)])
    return buffer.getvalue()


def utility_csv(
    synthesis: Synthesis, real: Mapping[tuple[str, str], Mapping[tuple[str, ...], int]], k: int
) -> str:
    """Each reported cross-tab's cells: real count (suppressed below k, with audited
    complementary cells, as a release would be) beside the synthetic count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["dimension_1", "dimension_2", "value_1", "value_2", "real", "synthetic"])
    for pair in real:
        shown = {
            cell.key: cell.count
            for cell in protect_counts(real[pair], pair, k).cells
            if "All" not in cell.key
        }
        for row in synthesis.utility:
            if row.dimensions == pair:
                count = shown.get(row.key, 0)
                writer.writerow([*pair, *row.key, "" if count is None else count, row.synthetic])
    return buffer.getvalue()
