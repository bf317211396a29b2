"""Ceiling benchmark: how much recall at precision 0.95 the fields of route data allow, per
variant of the generator family, beside routecare's `link` on the very same data.

    uv run --group bench python bench/linkage/ceiling.py [--size 2000] [--seed 1]
                                                         [--variants default,namesakes,…]

The ceiling is a supervised classifier on plaintext comparison features, trained with the
true labels on seed + 100 of the same variant and measured on --seed
(tests/linkage/ceiling.py): an upper bound a label-free, privacy-preserving model cannot be
expected to beat, not a fit to the test data. Prints per variant the candidate pairs its
blocking keeps and the true pairs among them, the highest recall of one-to-one links at
precision ≥ 0.95 over every cut (and the cut; "greedy only": the same without making the
probabilities exclusive first), precision and recall at 0.85; routecare's
`link` the same on the encoded records, and once more with m read from the true pairs (the
rest estimated as `link` does: what better estimation alone would give); then who the
ceiling's wrong links at 0.85 are, read from the generator's truth (twins, other siblings,
cousins, unrelated namesakes).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace

import numpy as np
from calibration import variant_arguments  # bench/linkage/calibration.py, beside this file
from run import ROOT  # bench/linkage/run.py, beside this file

sys.path.insert(0, str(ROOT))

from tests.linkage.ceiling import Ceiling, best_recall, ceiling  # noqa: E402
from tests.linkage.helpers import encoded  # noqa: E402
from tests.linkage.reliability import LOWEST, reliability  # noqa: E402
from tests.linkage.route_data import Person, generate, people_of  # noqa: E402
from tests.linkage.route_shapes import VARIANTS  # noqa: E402

from routecare.linkage.comparison import FIELDS  # noqa: E402
from routecare.linkage.encoded import EncodedSet  # noqa: E402
from routecare.linkage.matching import (  # noqa: E402
    THRESHOLDS,
    Link,
    candidate_pairs,
    fit,
    levels_of,
    link,
    links_of,
    score_pairs,
)
from routecare.linkage.model import match_frequencies  # noqa: E402

TRAINING_SEED = 100  # the model learns on seed + this, never on the data it is measured on
KINDS = ("twins", "siblings", "cousins", "unrelated namesakes", "other")


def kind_of(left: Person, right: Person) -> str:
    """Who a wrong link joins: relatives travel as one family (`kin`); a cousin has another
    father; unrelated namesakes share given and family names only."""
    if left.kin == right.kin:
        if left.father != right.father:
            return "cousins"
        return "twins" if left.born == right.born else "siblings"
    if (left.given, left.family) == (right.given, right.family):
        return "unrelated namesakes"
    return "other"


def _wrong_links(
    name: str, found: Ceiling, truth: set[tuple[str, str]], people: dict[str, Person]
) -> str:
    wrong = [
        lk
        for lk in found.links
        if lk.score >= THRESHOLDS["probable"] and (lk.left_id, lk.right_id) not in truth
    ]
    kinds = Counter(kind_of(people[lk.left_id], people[lk.right_id]) for lk in wrong)
    crossed = {left for left, _ in truth}
    stayed = sum(lk.left_id not in crossed for lk in wrong)
    return (
        f"| {name} | {len(wrong)} | " + " | ".join(str(kinds[k]) for k in KINDS) + f" | {stayed} |"
    )


def with_true_m(left: EncodedSet, right: EncodedSet, truth: set[tuple[str, str]]) -> list[Link]:
    """routecare's links with m read from the true pairs among its candidates (u, the prior
    and the rest as `link` estimates them): how far better estimation of m alone could take
    the model on its own comparison levels."""
    li, ri = candidate_pairs(left, right)
    model = fit(left, right, li, ri)
    levels = levels_of(left, right, li, ri)
    true = np.array([(left.ids[a], right.ids[b]) in truth for a, b in zip(li, ri, strict=True)])
    m = [match_frequencies(levels, column, true.astype(float)) for column in range(len(FIELDS))]
    scores = score_pairs(replace(model, m=m), left, right, li, ri)
    return links_of(left, right, li, ri, scores, LOWEST)


def main() -> None:
    args = variant_arguments(__doc__)
    rows, wrong = [], []
    for name in args.variants.split(","):
        shape = VARIANTS[name]
        test = generate(args.size, seed=args.seed, shape=shape)
        found = ceiling(generate(args.size, seed=args.seed + TRAINING_SEED, shape=shape), test)
        left, right, truth = test
        left_set, right_set = encoded(left), encoded(right)
        ours = link(left_set, right_set, LOWEST)
        ours_recall, ours_cut = best_recall(ours, truth)
        measured = reliability(ours, truth)
        told = with_true_m(left_set, right_set, truth)
        told_measured = reliability(told, truth)
        rows.append(
            f"| {name} | {found.pairs:,} | {found.kept:,} / {found.true_pairs:,} "
            f"| {found.recall:.3f} ({found.cut:.3f}) | {found.pairwise_recall:.3f} "
            f"| {found.precision_at_probable:.3f} | {found.recall_at_probable:.3f} "
            f"| {ours_recall:.3f} ({ours_cut:.3f}) "
            f"| {measured.precision['probable']:.3f} | {measured.recall['probable']:.3f} "
            f"| {best_recall(told, truth)[0]:.3f} | {told_measured.precision['probable']:.3f} "
            f"| {told_measured.recall['probable']:.3f} |"
        )
        wrong.append(_wrong_links(name, found, truth, people_of(args.size, args.seed, shape=shape)))
        print(f"{name} measured", file=sys.stderr, flush=True)
    trained = args.seed + TRAINING_SEED
    print(f"\nroute {args.size:,}×{args.size:,}, seed {args.seed}, trained on seed {trained}")
    print(
        "\n| variant | pairs blocked | true pairs kept | ceiling R at P ≥ 0.95 (cut) "
        "| greedy only | ceiling P at 0.85 | R | routecare R at P ≥ 0.95 (cut) "
        "| routecare P (probable) | R | m from the truth: R at P ≥ 0.95 | P (probable) | R |"
        "\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    print("\n".join(rows))
    print("\nThe ceiling's wrong links scored 0.85 and above, by who they join\n")
    print(
        "| variant | wrong links | " + " | ".join(KINDS) + " | left child never crossed |"
        "\n|---|---|" + "---|" * len(KINDS) + "---|"
    )
    print("\n".join(wrong))


if __name__ == "__main__":
    main()
