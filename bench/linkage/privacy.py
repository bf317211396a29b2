"""Privacy benchmark: every attack of `bench/linkage/attacks` beside linkage quality, per
encoding design, in one run: the trade-off between F1 and re-identification.

    uv run --group bench python bench/linkage/privacy.py [--size 4000] [--attack-size 4000]

The attacked file is the left side (Niger) of the route generator at --attack-size; the
realistic attacker holds another sample of the same population (another seed), the strongest
one the attacked file's exact frequencies. Linkage quality: the route generator at --size and
FEBRL4, linked in-process at `probable` (the CLI's default).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.linkage.attacks.common import Outcome  # noqa: E402
from bench.linkage.attacks.names import name_attacks  # noqa: E402
from bench.linkage.attacks.pseudonyms import pseudonym_attack  # noqa: E402
from bench.linkage.attacks.years import year_attacks  # noqa: E402
from bench.linkage.run import febrl4, scores  # noqa: E402
from tests.linkage.helpers import registration  # noqa: E402
from tests.linkage.route_data import generate  # noqa: E402

from routecare.linkage.encoding import Encoder  # noqa: E402
from routecare.linkage.matching import THRESHOLDS, link  # noqa: E402
from routecare.linkage.records import Registration, read_registrations  # noqa: E402

SECRET = b"benchmark secret agreed by partners"
# Designs measured: randomized response of increasing strength (the shipped scheme flips 2 %).
DESIGNS = {f"Bloom filters, {round(p * 100)} % flips": p for p in (0.02, 0.05, 0.10, 0.20)}


def quality(encoder: Encoder, left: list[Registration], right: list[Registration], truth) -> float:
    links = link(encoder.encode_set(left), encoder.encode_set(right), THRESHOLDS["probable"])
    return scores({(lk.left_id, lk.right_id) for lk in links}, truth)[2]


def attacks(encoder: Encoder, records: list[Registration], sample: list[Registration]):
    encoded = encoder.encode_set(records)
    outcomes, extra = name_attacks(encoded, records, sample)
    outcomes += year_attacks(encoded, records, sample)
    again = encoder.encode_set([replace(r, record_id=f"again-{r.record_id}") for r in records])
    truth = {r.record_id: f"again-{r.record_id}" for r in records}
    joined = pseudonym_attack(encoded, again, truth)
    return outcomes, joined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--attack-size", type=int, default=4000)
    args = parser.parse_args()
    left, right, truth = generate(args.size, seed=1)
    route = [registration(r) for r in left], [registration(r) for r in right]
    attacked = [registration(r) for r in generate(args.attack_size, seed=1)[0]]
    sample = [registration(r) for r in generate(args.attack_size, seed=101)[0]]
    with tempfile.TemporaryDirectory() as work:
        a, b, febrl_truth = febrl4(Path(work))
        febrl = read_registrations(a), read_registrations(b)
    rows = []
    for design, flips in DESIGNS.items():
        encoder = Encoder(SECRET, flip_probability=flips)
        outcomes, joined = attacks(encoder, attacked, sample)
        rows.append(
            (design, quality(encoder, *route, truth), quality(encoder, *febrl, febrl_truth))
            + (outcomes, joined)
        )
        print(f"measured {design}", file=sys.stderr)
    print(
        "\n| design | F1 route | F1 FEBRL4 | given names: cluster / pattern (sample; exact) "
        "| given + family | year chain | base rates (given, pair, year) | joined across files |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for design, route_f1, febrl_f1, outcomes, joined in rows:
        found = {(o.attack, o.attacker): o for o in outcomes}

        def pct(attack: str, attacker: str, found: dict[tuple[str, str], Outcome] = found) -> str:
            return f"{100 * found[(attack, attacker)].rate:.1f}"

        given = " / ".join(
            f"{pct(f'{kind}, given names', 'sample')}; {pct(f'{kind}, given names', 'exact')}"
            for kind in ("cluster alignment", "pattern mining")
        )
        pair = " / ".join(
            pct(f"{kind}, given + family", "sample")
            for kind in ("cluster alignment", "pattern mining")
        )
        bases = ", ".join(
            f"{100 * found[(a, 'sample')].base_rate:.1f}"
            for a in ("pattern mining, given names", "pattern mining, given + family", "year chain")
        )
        print(
            f"| {design} | {route_f1:.3f} | {febrl_f1:.3f} | {given} | {pair} "
            f"| {pct('year chain', 'sample')} | {bases} | {100 * joined.joined:.1f} % |"
        )


if __name__ == "__main__":
    main()
