"""Privacy benchmark: every attack of `bench/linkage/attacks` beside linkage quality, per
encoding design, in one run: the trade-off between F1 and re-identification.

    uv run --group bench python bench/linkage/privacy.py [--size 4000] [--attack-size 2000]

The attacked file is the left side (Niger) of the route generator at --attack-size; the
realistic attacker holds another sample of the same population (another seed), the strongest
one the attacked file's exact frequencies. Linkage quality: the route generator at --size and
FEBRL4, linked in-process at `probable` (the CLI's default). Designs: randomized response of
increasing strength (the shipped encoding flips 2 %), a keyed diffusion layer (compared by Dice
estimated from Hamming distances), and the shipped file as a keyless attacker holds it
(scheme 3: every record sealed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.linkage.attacks.clusters import cluster_attack  # noqa: E402
from bench.linkage.attacks.common import base_rate, bits_of, hit_rate, name_key  # noqa: E402
from bench.linkage.attacks.designs import diffused, diffused_level_table  # noqa: E402
from bench.linkage.attacks.graphs import (  # noqa: E402
    Model,
    bloom_distances,
    diffused_distances,
    graph_matching,
)
from bench.linkage.attacks.patterns import pattern_mining  # noqa: E402
from bench.linkage.attacks.pseudonyms import pseudonym_attack  # noqa: E402
from bench.linkage.attacks.salted import given_names_by_salt, per_salt_attacks  # noqa: E402
from bench.linkage.attacks.salting import salt_rule, salted_design  # noqa: E402
from bench.linkage.attacks.sealed import (  # noqa: E402
    joined_on_sealed_texts,
    sealed_bits,
    sealed_texts,
)
from bench.linkage.attacks.years import year_attack  # noqa: E402
from bench.linkage.run import febrl4, measured, scores  # noqa: E402
from tests.linkage.helpers import registration  # noqa: E402
from tests.linkage.route_data import generate, write_csv  # noqa: E402

from routecare.linkage import comparison  # noqa: E402
from routecare.linkage.encoded import EncodedSet, write_encoded  # noqa: E402
from routecare.linkage.encoding import Encoder  # noqa: E402
from routecare.linkage.matching import THRESHOLDS, link  # noqa: E402
from routecare.linkage.records import Registration, read_registrations  # noqa: E402
from routecare.linkage.sealing import partner_seal  # noqa: E402

SECRET = b"benchmark secret agreed by partners"
FIELDS = {"given": "given_name", "family": "family_name"}
ATTACKS = ("cluster alignment", "pattern mining", "graph matching")
PER_SALT = "pattern mining per salt"  # bench/linkage/attacks/salted.py
FLIPS = 0.02  # the shipped randomized response, also over the diffused designs


@dataclass
class View:
    """What the attacker holds of one design's file: bits per name field, the encoded set
    (None when it cannot be read), how graph matching models it, and the share of records
    joined across two files."""

    bits: dict[str, np.ndarray]
    encoded: EncodedSet | None
    model: Model
    joined: float
    pattern: bool = True  # bigram positions survive (Bloom filters, not diffused)
    salted: bool = False  # given names salted by family name (attacks/salting.py): attack each salt


def _year(record: Registration) -> int:
    found = record.birth_year()
    return found[0] if found else 0


def name_rates(view: View, attacked: list[Registration], sample: list[Registration]):
    """{(attack, attacker, "given" | "pair"): rate}, and the base rates."""
    truth = {f: [name_key(getattr(r, c)) for r in attacked] for f, c in FIELDS.items()}
    pairs = list(zip(truth["given"], truth["family"], strict=True))
    attackers = {
        "sample": {f: Counter(name_key(getattr(s, c)) for s in sample) for f, c in FIELDS.items()},
        "exact": {f: Counter(truth[f]) for f in FIELDS},
    }
    rates: dict[tuple[str, str, str], float] = {}
    for attacker, frequencies in attackers.items():
        guesses: dict[str, dict[str, list[str]]] = {a: {} for a in ATTACKS}
        for field in FIELDS:
            counts = frequencies[field]
            by_cluster, denoised = cluster_attack(view.bits[field], counts)
            guesses["cluster alignment"][field] = by_cluster
            if view.pattern:
                guesses["pattern mining"][field] = pattern_mining(denoised, counts)
            guesses["graph matching"][field] = graph_matching(denoised, counts, view.model)
        if view.salted and view.encoded is not None:
            by_salt = (
                given_names_by_salt(sample)
                if attacker == "sample"
                else given_names_by_salt(attacked)
            )
            within = per_salt_attacks(view.encoded, attacked, by_salt)["pattern mining"]
            guesses[PER_SALT] = {"given": within, "family": guesses["pattern mining"]["family"]}
        for attack, found in guesses.items():
            if found:
                both = list(zip(found["given"], found["family"], strict=True))
                rates[(attack, attacker, "given")] = hit_rate(found["given"], truth["given"])
                rates[(attack, attacker, "pair")] = hit_rate(both, pairs)
    sample_pairs = Counter((name_key(s.given_name), name_key(s.family_name)) for s in sample)
    bases = {
        "given": base_rate(truth["given"], attackers["sample"]["given"]),
        "pair": base_rate(pairs, sample_pairs),
    }
    return rates, bases


def year_rate(view: View, attacked: list[Registration], sample: list[Registration]):
    truth = [_year(r) for r in attacked]
    years = Counter(y for y in map(_year, sample) if y)
    if view.encoded is None:  # nothing to chain: the guess of the commonest year
        guesses = [years.most_common(1)[0][0]] * len(attacked)
    else:
        guesses = year_attack(view.encoded, years)
    return hit_rate(guesses, truth), base_rate(truth, years)


def clear_view(
    encoder: Encoder, attacked: list[Registration], transform=None, salted: bool = False
) -> View:
    """What a holder of the design's file in clear sees (`salted`: the family-name salting
    design of `attacks/salting.py`)."""
    encode = partial(salted_design, encoder) if salted else encoder.encode_set
    encoded = encode(attacked)
    again = encode([replace(r, record_id=f"x{r.record_id}") for r in attacked])
    truth = {r.record_id: f"x{r.record_id}" for r in attacked}
    model: Model = bloom_distances
    if transform is not None:
        clean = encoder.encode_set(attacked, hardened=False)
        encoded, model = transform(clean)
    return View(
        {f: bits_of(encoded.bloom[f"{f}_latin"]) for f in FIELDS},
        encoded,
        model,
        pseudonym_attack(encoded, again, truth).joined,
        pattern=transform is None,
        salted=salted and transform is None,
    )


def sealed_view(encoder: Encoder, attacked: list[Registration], work: Path) -> View:
    texts = []
    for name, records in (
        ("first", attacked),
        ("again", [replace(r, record_id=f"x{r.record_id}") for r in attacked]),
    ):
        path = work / f"{name}.enc"
        write_encoded(path, encoder.encode_set(records), partner_seal(SECRET))
        texts.append(sealed_texts(path))
    bits = sealed_bits(texts[0])
    return View({f: bits for f in FIELDS}, None, bloom_distances, joined_on_sealed_texts(*texts))


def quality(encoder: Encoder, left, right, truth, salted: bool = False) -> float:
    encode = partial(salted_design, encoder) if salted else encoder.encode_set
    with salt_rule() if salted else nullcontext():
        links = link(encode(left), encode(right), THRESHOLDS["probable"])
    return scores({(lk.left_id, lk.right_id) for lk in links}, truth)[2]


def _diffusion(taps: int) -> Callable[[EncodedSet], tuple[EncodedSet, Model]]:
    return lambda clean: (diffused(clean, taps, FLIPS), diffused_distances(taps))


@contextmanager
def _diffused_comparison(taps: int) -> Iterator[None]:
    """Comparison levels read from diffused filters (Dice estimated from Hamming distances,
    `designs.diffused_level_table`) while the block runs."""
    original = comparison._level_table
    comparison._level_table = cache(diffused_level_table(taps, FLIPS))
    try:
        yield
    finally:
        comparison._level_table = original


def diffused_quality(encoder: Encoder, taps: int, left, right, truth) -> float:
    sides = [diffused(encoder.encode_set(s, hardened=False), taps, FLIPS) for s in (left, right)]
    with _diffused_comparison(taps):
        links = link(*sides, THRESHOLDS["probable"])
    return scores({(lk.left_id, lk.right_id) for lk in links}, truth)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--attack-size", type=int, default=2000)
    args = parser.parse_args()
    left, right, truth = generate(args.size, seed=1)
    route = [registration(r) for r in left], [registration(r) for r in right]
    attacked = [registration(r) for r in generate(args.attack_size, seed=1)[0]]
    sample = [registration(r) for r in generate(args.attack_size, seed=101)[0]]
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        a, b, febrl_truth = febrl4(work)
        febrl = read_registrations(a), read_registrations(b)
        shipped = Encoder(SECRET)
        f1 = quality(shipped, *route, truth), quality(shipped, *febrl, febrl_truth)
        designs: list[tuple[str, tuple[float, float] | None, View]] = [
            (
                "sealed file (scheme 3, shipped), keyless attacker",
                f1,
                sealed_view(shipped, attacked, work),
            ),
            (
                "Bloom filters, 2 % flips (scheme 3 once opened, or in clear)",
                f1,
                clear_view(shipped, attacked),
            ),
            (
                "names salted by family name, 2 % flips (design, not shipped)",
                (
                    quality(shipped, *route, truth, salted=True),
                    quality(shipped, *febrl, febrl_truth, salted=True),
                ),
                clear_view(shipped, attacked, salted=True),
            ),
        ]
        for flips in (0.05, 0.10):
            encoder = Encoder(SECRET, flip_probability=flips)
            designs.append(
                (
                    f"Bloom filters, {round(100 * flips)} % flips",
                    (quality(encoder, *route, truth), quality(encoder, *febrl, febrl_truth)),
                    clear_view(encoder, attacked),
                )
            )
        for taps in (3, 5):
            linkage = (
                diffused_quality(shipped, taps, *route, truth),
                diffused_quality(shipped, taps, *febrl, febrl_truth),
            )
            designs.append(
                (
                    f"diffusion, {taps} taps, 2 % flips",
                    linkage,
                    clear_view(shipped, attacked, _diffusion(taps)),
                )
            )
        route_files = write_csv(work / "left.csv", left), write_csv(work / "right.csv", right)
        anchor = clk_anchor([(*route_files, truth), (a, b, febrl_truth)])
        for design, linkage, view in designs:
            rates, bases = name_rates(view, attacked, sample)
            year, year_base = year_rate(view, attacked, sample)
            rows.append((design, linkage, rates, bases, year, year_base, view.joined))
            print(f"measured {design}", file=sys.stderr)
    print(
        "\n| design | F1 route | F1 FEBRL4 | given names: cluster / pattern / graph / "
        "pattern per salt (another sample; exact frequencies) | given + family (another "
        "sample) | year chain | base rates (given, pair, year) | joined across files |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for design, linkage, rates, bases, year, year_base, joined in rows:

        def pct(key: tuple[str, str, str], rates=rates) -> str:
            return f"{100 * rates[key]:.1f}" if key in rates else "–"

        given = " / ".join(
            f"{pct((a, 'sample', 'given'))}; {pct((a, 'exact', 'given'))}"
            for a in (*ATTACKS, PER_SALT)
        )
        pair = " / ".join(pct((a, "sample", "pair")) for a in (*ATTACKS, PER_SALT))
        f1 = f"{linkage[0]:.3f} | {linkage[1]:.3f}" if linkage else "– | –"
        print(
            f"| {design} | {f1} | {given} | {pair} | {100 * year:.1f} "
            f"| {100 * bases['given']:.1f}, {100 * bases['pair']:.1f}, {100 * year_base:.1f} "
            f"| {100 * joined:.1f} % |"
        )
    print(f"\n{anchor}")


def clk_anchor(runs: list[tuple[Path, Path, set[tuple[str, str]]]]) -> str:
    """clkhash + anonlink on the same route and FEBRL4 files, in this run (in its own
    environment: `run.anchor_python`), for reference: record-level CLKs, one Dice cut."""
    f1 = [measured(["clk"], *run, repeats=1)[0]["clk"].get("f1", float("nan")) for run in runs]
    return f"clkhash + anonlink (anchor, this run): F1 route {f1[0]:.3f}, FEBRL4 {f1[1]:.3f}"


if __name__ == "__main__":
    main()
