"""Possible matches for one new registration inside one organisation, with evidence per field.

The seam the cases domain calls at registration (plaintext allowed there, same engine as
cross-border matching). A case worker's confirm/reject decisions come back as `Decision`s and
are counted into the model as labelled pairs, so the organisation's own judgements move the
weights instead of being lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import numpy as np

from routecare.linkage.comparison import FIELDS, MISSING, NAME_CUTS, compare
from routecare.linkage.encoded import EncodedSet, from_encodings
from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import (
    MAX_BLOCK,
    band_of,
    candidate_pairs,
    exclusive,
    fit,
    sibling_veto,
)
from routecare.linkage.model import Model
from routecare.linkage.records import Registration

# The words the API has always used for a name's Dice similarity, from these values up; each
# level of `comparison.NAME_CUTS` takes the word of the cut it reaches.
NAME_WORDS = ((0.85, "agrees"), (0.65, "similar"), (0.55, "partly agrees"))
NAME_LEVELS = ("disagrees",) + tuple(
    next((word for edge, word in NAME_WORDS if cut >= edge), "disagrees")
    for cut in sorted(NAME_CUTS)
)
TOKEN_LEVELS = {
    "sex": ("disagrees", "agrees"),
    "nationality": ("disagrees", "neighbouring", "agrees"),
    # Two years apart or one: the same words, as the API has always said them.
    "year": ("disagrees", "within two years", "within two years", "agrees"),
    "birth_date": ("disagrees", "agrees"),
}
LABEL_WEIGHT = 5.0  # one human decision counts as this many EM pseudo-pairs


@dataclass(frozen=True)
class Decision:
    """A case worker's judgement on a suggested pair: the same child or not."""

    new_id: str
    existing_id: str
    same_child: bool


@dataclass(frozen=True)
class Candidate:
    record_id: str
    score: float
    band: str
    evidence: dict[str, str]  # field -> "agrees", "similar", …, "missing"


def _evidence(levels: np.ndarray) -> dict[str, str]:
    return {
        field: "missing" if level == MISSING else TOKEN_LEVELS.get(field, NAME_LEVELS)[int(level)]
        for field, level in zip(FIELDS, levels, strict=True)
    }


def with_decisions(model: Model, levels: np.ndarray, same_child: np.ndarray) -> Model:
    """Confirmed pairs add their comparison levels to m, rejected pairs to u (as weighted
    pseudo-counts). `levels` holds one row per decided pair, `same_child` its verdict."""
    if not len(levels):
        return model
    m, u = [p.copy() for p in model.m], [p.copy() for p in model.u]
    for column in range(len(FIELDS)):
        for target, chosen in ((m, same_child), (u, ~same_child)):
            observed = levels[chosen, column]
            observed = observed[observed != MISSING]
            counts = np.bincount(observed, minlength=target[column].size) * LABEL_WEIGHT
            total = counts.sum()
            if total:
                target[column] = (target[column] * 100 + counts) / (100 + total)
    return Model(m, u, model.prior)


def candidates_in(
    model: Model, probe: EncodedSet, index: EncodedSet, skip: Collection[str] = ()
) -> list[Candidate]:
    """Records of `index` that may be the one registration in `probe`, best first, with
    evidence: blocked like `link`, scored by `model`, siblings vetoed, ids in `skip` left out."""
    first, stop = index.blocks_of(probe.block_keys)
    by_block = index.rows_by_block()
    ri = np.unique(
        np.concatenate(
            [by_block[a : min(b, a + MAX_BLOCK)] for a, b in zip(first, stop, strict=True)]
            + [np.empty(0, dtype=np.int64)]
        )
    )
    ri = np.array([r for r in ri.tolist() if index.ids[r] not in skip], dtype=np.int64)
    if not ri.size:
        return []
    levels = compare(probe, index, np.zeros(ri.size, dtype=np.int64), ri)
    scores = model.probability(levels)
    scores[sibling_veto(levels)] = 0.0
    candidates = [
        Candidate(index.ids[r], round(float(s), 6), band_of(float(s)), _evidence(level))
        for r, s, level in zip(ri, scores, levels, strict=True)
        if s > 0
    ]
    return sorted(candidates, key=lambda c: -c.score)


def competing(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates of one registration scored against each other (`matching.exclusive`):
    three namesakes are not each "probably" the child. Called on the candidates the case
    worker may be told of, so records they may not know of change nothing they see."""
    if not candidates:
        return []
    rows = np.arange(len(candidates))
    scores = exclusive(np.zeros_like(rows), rows, np.array([c.score for c in candidates]))
    rescored = [
        replace(c, score=round(float(s), 6), band=band_of(float(s)))
        for c, s in zip(candidates, scores, strict=True)
    ]
    return sorted(rescored, key=lambda c: -c.score)


def find_candidates(
    new_record: Registration,
    existing_records: Sequence[Registration],
    decisions: Sequence[Decision] = (),
) -> list[Candidate]:
    """Existing registrations that may be `new_record`, best first, with per-field evidence.
    Weights are estimated without labels on the existing records, then moved by `decisions`;
    a pair already rejected is not suggested again, siblings are never suggested."""
    records = [*existing_records, new_record]
    encoder = Encoder(secrets.token_bytes(32))  # in-house: the secret never leaves the call
    encoded = encoder.encode_set(records)
    li, ri = candidate_pairs(encoded, encoded, same_set=True)
    model = fit(encoded, encoded, li, ri)
    row = {record_id: i for i, record_id in enumerate(encoded.ids)}
    known = [d for d in decisions if d.new_id in row and d.existing_id in row]
    if known:
        levels = compare(
            encoded,
            encoded,
            np.array([row[d.new_id] for d in known]),
            np.array([row[d.existing_id] for d in known]),
        )
        model = with_decisions(model, levels, np.array([d.same_child for d in known]))
    rejected = {
        d.existing_id for d in decisions if d.new_id == new_record.record_id and not d.same_child
    }
    probe = from_encodings([encoded.record(len(records) - 1)], encoded.key_check)
    return competing(candidates_in(model, probe, encoded, {new_record.record_id, *rejected}))
