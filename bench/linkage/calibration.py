"""Calibration benchmark: do routecare's scores mean what they say on route data shaped unlike
its default generator? Beside clkhash + anonlink on the same data, in the same run.

    uv run --group bench python bench/linkage/calibration.py [--size 2000] [--seed 1]
                                                             [--variants default,sparse,…]

For every variant of the generator family (tests/linkage/route_shapes.py) it prints a row per
method: expected calibration error (ECE, over routecare's one-to-one links scored 0.1 and
above, in bins of 0.1), precision / recall / F1 at `probable` and at `possible`, and
`linkage dedupe` on both sides' registrations as one organisation's; then each variant's
reliability diagram (per bin of score: links, mean score, share right), and where `dedupe`'s
wrong pairs scored 0.5 and above come from: two registrations of the same side (which the
truth of two sides never pairs: namesakes and relatives written by the same clerks) or one of
each side. clkhash + anonlink
(greedy solve at Dice 0.8, one cut, no score to calibrate) runs on the same CSV files as in
run.py, and once more on names as routecare's normaliser writes them. Nothing is set on a
variant: the model learns each one without labels.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from run import ROOT, measured, normalised_names  # bench/linkage/run.py, beside this file

sys.path.insert(0, str(ROOT))

from tests.linkage.helpers import encoded, registration  # noqa: E402
from tests.linkage.reliability import Reliability, reliability  # noqa: E402
from tests.linkage.route_data import generate, write_csv  # noqa: E402
from tests.linkage.route_shapes import VARIANTS  # noqa: E402

from routecare.linkage.dedupe import scored_duplicates  # noqa: E402
from routecare.linkage.matching import Link, band_of, link  # noqa: E402

LOWEST = 0.1  # links scored below this are not returned, so not measured
SURE = 0.5  # `dedupe`'s wrong pairs from this score up are counted by where they come from


def _wrong_duplicates(variant: str, duplicates: list[Link], truth: set[tuple[str, str]]) -> str:
    """Where `dedupe`'s wrong pairs scored SURE and above come from: two records of one side
    (left ids start with N, right ones with I) or one of each."""
    wrong = [d for d in duplicates if d.score >= SURE and (d.left_id, d.right_id) not in truth]
    same_side = sum(d.left_id[0] == d.right_id[0] for d in wrong)
    return f"| {variant} | {len(wrong)} | {same_side} | {len(wrong) - same_side} |"


def _row(variant: str, method: str, measured_: Reliability) -> str:
    cells = [f"{measured_.expected_calibration_error:.3f}"]
    for band in ("probable", "possible"):
        cells += [
            f"{measured_.precision[band]:.3f}",
            f"{measured_.recall[band]:.3f}",
            f"{measured_.f1(band):.3f}",
        ]
    return f"| {variant} | {method} | " + " | ".join(cells) + " |"


def _anchor_row(variant: str, method: str, quality: dict[str, float]) -> str:
    if "error" in quality:
        return f"| {variant} | {method} | failed | | | | | | |"
    p, r, f = quality["precision"], quality["recall"], quality["f1"]
    return f"| {variant} | {method} | – | {p:.3f} | {r:.3f} | {f:.3f} | | | |"


def variant_arguments(description: str) -> argparse.Namespace:
    """--size, --seed and --variants, as the benchmarks over the generator family take them."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    return parser.parse_args()


def main() -> None:
    args = variant_arguments(__doc__)
    rows, diagrams, wrong = [], [], []
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        for name in args.variants.split(","):
            left, right, truth = generate(args.size, seed=args.seed, shape=VARIANTS[name])
            links = link(encoded(left), encoded(right), LOWEST)
            ours = reliability(links, truth)
            rows.append(_row(name, "routecare link", ours))
            duplicates = [
                Link(*sorted((a, b), key=lambda i: i[0] != "N"), s, band_of(s))  # left id first
                for a, b, s in scored_duplicates([registration(r) for r in left + right], LOWEST)
            ]
            deduped = reliability(duplicates, truth)
            rows.append(_row(name, "routecare dedupe (both sides as one set)", deduped))
            wrong.append(_wrong_duplicates(name, duplicates, truth))
            lp, rp = write_csv(work / "left.csv", left), write_csv(work / "right.csv", right)
            anchors = measured(["clk"], lp, rp, truth, 1)[0]
            rows.append(_anchor_row(name, "clkhash+anonlink", anchors["clk"]))
            ln = normalised_names(lp, work / "normalised_left.csv")
            rn = normalised_names(rp, work / "normalised_right.csv")
            anchors = measured(["clk"], ln, rn, truth, 1)[0]
            rows.append(
                _anchor_row(name, "clkhash+anonlink, routecare's normaliser", anchors["clk"])
            )
            diagrams.append((name, ours))
            print(f"{name} measured", file=sys.stderr, flush=True)
    print(f"\nroute {args.size:,}×{args.size:,}, seed {args.seed}")
    print(
        "\n| variant | method | ECE | P (probable) | R | F1 | P (possible) | R | F1 |"
        "\n|---|---|---|---|---|---|---|---|---|"
    )
    print("\n".join(rows))
    print("\nReliability of routecare's links (per bin: links, mean score → share right)\n")
    print(
        "| variant | " + " | ".join(f"{b / 10:.1f}–{(b + 1) / 10:.1f}" for b in range(1, 10)) + " |"
    )
    print("|---|" + "---|" * 9)
    for name, measured_ in diagrams:
        cells = {round(b.low * 10): b for b in measured_.bins}
        print(
            f"| {name} | "
            + " | ".join(
                f"{cells[k].links}: {cells[k].mean_score:.2f} → {cells[k].right:.2f}"
                if k in cells
                else ""
                for k in range(1, 10)
            )
            + " |"
        )
    print(f"\n`dedupe`'s wrong pairs scored {SURE} and above, by where their records come from\n")
    print("| variant | wrong pairs | one side | both sides |\n|---|---|---|---|")
    print("\n".join(wrong))


if __name__ == "__main__":
    main()
