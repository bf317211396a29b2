"""routecare's side of the benchmark, run the way the anchors are (anchors.py): in a fresh
process, timed from reading the two CSV files to the links, imports excluded, so neither side
starts with the other's warm caches. Each side's file is read and encoded by its own process,
as each partner encodes its own registrations; the two sets are then linked on both cores.

    python ours.py LEFT.csv RIGHT.csv OUT.csv

Writes left_id,right_id,score for every link at `possible` or above and prints the wall time
in seconds on the last line.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from routecare.linkage.encoded import EncodedSet
from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import THRESHOLDS, link
from routecare.linkage.records import read_registrations
from routecare.linkage.workers import split


def encoded(encoder: Encoder, path: str) -> EncodedSet:
    return encoder.encode_set(read_registrations(Path(path)), cores=1)


def main(left: str, right: str, output: str) -> None:
    start = time.perf_counter()
    encoder = Encoder(b"benchmark secret agreed by partners")
    a, b = split(encoded, [(encoder, left), (encoder, right)])
    links = link(a, b, THRESHOLDS["possible"])
    elapsed = time.perf_counter() - start
    with open(output, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["left_id", "right_id", "score"])
        out.writerows((lk.left_id, lk.right_id, lk.score) for lk in links)
    print(elapsed)


if __name__ == "__main__":
    main(*sys.argv[1:4])
