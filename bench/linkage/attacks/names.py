"""The name attacks (cluster alignment, pattern mining) on the given and family names of an
encoded file, each with the realistic attacker's frequencies (another sample of the
population) and the strongest attacker's (the attacked file's own)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bench.linkage.attacks.clusters import cluster_attack, exact_recovery
from bench.linkage.attacks.common import Outcome, base_rate, bits_of, hit_rate, name_key
from bench.linkage.attacks.patterns import pattern_mining

from routecare.linkage.encoded import EncodedSet
from routecare.linkage.records import Registration

FIELDS = {"given": "given_name", "family": "family_name"}


def _guesses(
    encoded: EncodedSet, field: str, frequencies: Counter[str]
) -> tuple[list[str], list[str], object]:
    bits = bits_of(encoded.bloom[f"{field}_latin"])
    by_cluster, denoised = cluster_attack(bits, frequencies)
    return by_cluster, pattern_mining(denoised, frequencies), denoised


def name_attacks(
    encoded: EncodedSet,
    records: Sequence[Registration],
    sample: Sequence[Registration],
    clean: EncodedSet | None = None,
) -> tuple[list[Outcome], dict[str, float]]:
    """Outcomes of both attacks by both attackers on given names and on given + family
    names, and (if the unflipped encodings `clean` are given) the share of voted given-name
    filters recovered exactly."""
    truth = {f: [name_key(getattr(r, column)) for r in records] for f, column in FIELDS.items()}
    pairs = list(zip(truth["given"], truth["family"], strict=True))
    attackers = {
        "sample": {f: Counter(name_key(getattr(s, c)) for s in sample) for f, c in FIELDS.items()},
        "exact": {f: Counter(truth[f]) for f in FIELDS},
    }
    sample_pairs = Counter((name_key(s.given_name), name_key(s.family_name)) for s in sample)
    pair_frequencies = {"sample": sample_pairs, "exact": Counter(pairs)}
    outcomes, extra = [], {}
    for attacker, frequencies in attackers.items():
        found = {f: _guesses(encoded, f, frequencies[f]) for f in FIELDS}
        if clean is not None and attacker == "sample":
            clean_bits = bits_of(clean.bloom["given_latin"])
            extra["exact_filters"] = exact_recovery(found["given"][2], clean_bits)  # type: ignore[arg-type]
        for k, attack in enumerate(("cluster alignment", "pattern mining")):
            given, family = found["given"][k], found["family"][k]
            outcomes.append(
                Outcome(
                    f"{attack}, given names",
                    attacker,
                    hit_rate(given, truth["given"]),
                    base_rate(truth["given"], frequencies["given"]),
                )
            )
            both = list(zip(given, family, strict=True))
            outcomes.append(
                Outcome(
                    f"{attack}, given + family",
                    attacker,
                    hit_rate(both, pairs),
                    base_rate(pairs, pair_frequencies[attacker]),
                )
            )
    return outcomes, extra
