"""The keyless attacker of docs/linkage.md, with the attacks of `bench/linkage/attacks`: each
is shown to work on encodings in clear (what scheme 2 files carried, and what a key holder
sees) and to get no more than the base rate from a sealed file (scheme 3)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from bench.linkage.attacks.clusters import cluster_attack
from bench.linkage.attacks.common import base_rate, hit_rate, name_key
from bench.linkage.attacks.names import name_attacks
from bench.linkage.attacks.patterns import pattern_mining
from bench.linkage.attacks.pseudonyms import pseudonym_attack
from bench.linkage.attacks.sealed import joined_on_sealed_texts, sealed_bits, sealed_texts
from bench.linkage.attacks.years import year_attacks

from routecare.linkage.encoded import from_encodings, write_encoded
from routecare.linkage.encoding import Encoder
from routecare.linkage.records import LinkageInputError, Registration
from routecare.linkage.sealing import partner_seal
from tests.linkage.helpers import registration
from tests.linkage.route_data import generate

SECRET = b"a secret the two partners agreed on"
SIZE = 1500


@pytest.fixture(scope="module")
def population() -> tuple[list[Registration], list[Registration]]:
    """The attacked registrations, and the attacker's own sample of the same population."""
    attacked = [registration(r) for r in generate(SIZE, seed=1)[0]]
    sample = [registration(r) for r in generate(SIZE, seed=101)[0]]
    return attacked, sample


def test_the_attacks_name_children_from_encodings_in_clear(
    population: tuple[list[Registration], list[Registration]],
) -> None:
    attacked, sample = population
    encoder = Encoder(SECRET)
    encoded = encoder.encode_set(attacked)
    outcomes, _ = name_attacks(encoded, attacked, sample)
    found = {(o.attack, o.attacker): o for o in outcomes}
    given = found[("pattern mining, given names", "sample")]
    pair = found[("pattern mining, given + family", "sample")]
    assert given.rate >= 0.5 > given.base_rate + 0.02
    assert pair.rate >= 0.3 > pair.base_rate + 0.01
    year = {o.attacker: o for o in year_attacks(encoded, attacked, sample)}["sample"]
    assert year.rate >= 0.9 > year.base_rate + 0.5
    again = encoder.encode_set([replace(r, record_id=f"x{r.record_id}") for r in attacked])
    truth = {r.record_id: f"x{r.record_id}" for r in attacked}
    assert pseudonym_attack(encoded, again, truth).joined >= 0.4


def test_a_keyless_attacker_gets_the_base_rate_from_sealed_files(
    population: tuple[list[Registration], list[Registration]], tmp_path: Path
) -> None:
    """What the thief of a file holds: sealed texts. The same attacks, run on them."""
    attacked, sample = population
    encoder = Encoder(SECRET)
    paths = []
    for name, records in (
        ("first", attacked),
        ("again", [replace(r, record_id=f"x{r.record_id}") for r in attacked]),
    ):
        paths.append(tmp_path / f"{name}.enc")
        write_encoded(paths[-1], encoder.encode_set(records), partner_seal(SECRET))
    texts = sealed_texts(paths[0])
    bits = sealed_bits(texts)
    truth = [name_key(r.given_name) for r in attacked]
    pairs = list(zip(truth, [name_key(r.family_name) for r in attacked], strict=True))
    names = Counter(name_key(r.given_name) for r in sample)
    families = Counter(name_key(r.family_name) for r in sample)
    given, denoised = cluster_attack(bits, names)
    mined = pattern_mining(denoised, names)
    family_mined = pattern_mining(cluster_attack(bits, families)[1], families)
    base = base_rate(truth, names)
    assert hit_rate(given, truth) <= base + 0.02
    assert hit_rate(mined, truth) <= base + 0.02
    assert hit_rate(list(zip(mined, family_mined, strict=True)), pairs) <= 0.01
    # No token, window or blocking key to read: nothing to chain years or join files on.
    with pytest.raises(LinkageInputError, match="not a routecare-pprl/3 encoding"):
        from_encodings([{"sealed": t} for t in texts], "")
    assert joined_on_sealed_texts(texts, sealed_texts(paths[1])) == 0.0
    assert joined_on_sealed_texts(texts, sealed_texts(paths[0])) == 1.0  # the join works
