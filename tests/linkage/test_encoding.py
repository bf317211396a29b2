"""Encodings: deterministic per record, unrelated under another key, never byte-identical for
two children of the same name (which alone does not protect them: tests/linkage/test_attacks.py)."""

from __future__ import annotations

import base64
import random
from collections import Counter
from datetime import date

import numpy as np

from routecare.linkage.encoding import Encoder
from routecare.linkage.records import Registration


def child(record_id: str, given: str, family: str = "Diallo") -> Registration:
    return Registration(
        record_id,
        given,
        "Ibrahima",
        family,
        "m",
        None,
        15,
        date(2025, 6, 1),
        "GIN",
        "Labé",
        "Fatoumata Bah",
    )


def encode(encoder: Encoder, record: Registration) -> dict[str, object]:
    """One registration's encoding as the output file holds it."""
    return encoder.encode_set([record]).record(0)


def bits(encoding: dict[str, object], field: str = "given_latin") -> np.ndarray:
    raw = base64.b64decode(encoding["bloom"][field])  # type: ignore[index]
    return np.unpackbits(np.frombuffer(raw, dtype=np.uint8))


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return float(2 * (a & b).sum() / (a.sum() + b.sum()))


def test_the_same_registration_always_encodes_the_same_way() -> None:
    encoder = Encoder(b"partners secret 0123456789")
    again = Encoder(b"partners secret 0123456789")
    assert encode(encoder, child("1", "Mamadou")) == encode(again, child("1", "Mamadou"))


def test_another_key_gives_unrelated_encodings() -> None:
    one, other = Encoder(b"partners secret 0123456789"), Encoder(b"another secret 9876543210")
    a, b = encode(one, child("1", "Mamadou")), encode(other, child("1", "Mamadou"))
    assert dice(bits(a), bits(b)) < 0.5
    tokens = [{v for v in e["tokens"].values() if isinstance(v, str)} for e in (a, b)]  # type: ignore[attr-defined]
    assert not tokens[0] & tokens[1]
    assert not set(a["blocks"]) & set(b["blocks"])  # type: ignore[call-overload]


def test_same_name_similar_but_not_identical_across_records() -> None:
    encoder = Encoder(b"partners secret 0123456789")
    a, b = encode(encoder, child("1", "Mamadou")), encode(encoder, child("2", "Mamadou"))
    assert bits(a).tolist() != bits(b).tolist()
    assert dice(bits(a), bits(b)) > 0.8
    c = encode(encoder, child("3", "Ousmane"))
    assert dice(bits(a), bits(c)) < 0.5


def frequency_attack(
    encoder: Encoder, *, hardened: bool, population: int = 4000, seed: int = 5
) -> tuple[int, int]:
    """The attacker knows how common each given name is (a public name census) and sees the
    encodings: equal encodings are grouped, groups ranked by size and aligned with names
    ranked by frequency. Returns (records re-identified, records)."""
    rng = random.Random(seed)
    names = [
        "Mamadou",
        "Fatoumata",
        "Ibrahima",
        "Aissatou",
        "Mohamed",
        "Mariama",
        "Ousmane",
        "Kadiatou",
        "Abdoulaye",
        "Hawa",
        "Alpha",
        "Aminata",
        "Boubacar",
        "Oumou",
        "Sekou",
        "Djenabou",
        "Thierno",
        "Hadja",
        "Lansana",
        "Saran",
    ]
    weights = [1 / (rank + 1) for rank in range(len(names))]  # Zipf, as first names are
    people = rng.choices(names, weights=weights, k=population)
    encoded = encoder.encode_set(
        [child(str(i), n) for i, n in enumerate(people)], hardened=hardened
    )
    encodings = [row.tobytes() for row in encoded.bloom["given_latin"]]
    groups = Counter(encodings)
    guess = {
        pattern: names[rank] for rank, (pattern, _) in enumerate(groups.most_common(len(names)))
    }
    hits = sum(guess.get(pattern) == name for pattern, name in zip(encodings, people, strict=True))
    return hits, population


def test_randomized_response_leaves_no_equal_encodings_to_group() -> None:
    encoder = Encoder(b"partners secret 0123456789")
    plain, total = frequency_attack(encoder, hardened=False)
    hardened, _ = frequency_attack(encoder, hardened=True)
    print(
        f"frequency attack: unhardened Bloom filters {plain}/{total} re-identified, "
        f"hardened {hardened}/{total}"
    )
    assert plain > 0.5 * total
    assert hardened < 0.02 * total and hardened * 50 < plain
