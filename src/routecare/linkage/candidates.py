"""Possible matches for one new registration inside one organisation, with evidence per field.

The seam the cases domain calls at registration (plaintext allowed there, same engine as
cross-border matching). A case worker's confirm/reject decisions come back as `Decision`s and
are counted into the model as labelled pairs, so the organisation's own judgements move the
weights instead of being lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from routecare.linkage.comparison import FIELDS, MISSING, compare
from routecare.linkage.encoded import EncodedSet
from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import MAX_BLOCK, band_of, candidate_pairs, fit, sibling_veto
from routecare.linkage.model import Model
from routecare.linkage.records import Registration

NAME_LEVELS = ("disagrees", "partly agrees", "similar", "agrees")
TOKEN_LEVELS = {
    "sex": ("disagrees", "agrees"),
    "nationality": ("disagrees", "neighbouring", "agrees"),
    "year": ("disagrees", "within two years", "agrees"),
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


def _with_decisions(model: Model, encoded: EncodedSet, decisions: Sequence[Decision]) -> Model:
    """Confirmed pairs add their levels to m, rejected pairs to u (as weighted pseudo-counts)."""
    row = {record_id: i for i, record_id in enumerate(encoded.ids)}
    known = [d for d in decisions if d.new_id in row and d.existing_id in row]
    if not known:
        return model
    li = np.array([row[d.new_id] for d in known])
    ri = np.array([row[d.existing_id] for d in known])
    levels = compare(encoded, encoded, li, ri)
    same = np.array([d.same_child for d in known])
    m, u = [p.copy() for p in model.m], [p.copy() for p in model.u]
    for column in range(len(FIELDS)):
        for target, chosen in ((m, same), (u, ~same)):
            observed = levels[chosen, column]
            observed = observed[observed != MISSING]
            counts = np.bincount(observed, minlength=target[column].size) * LABEL_WEIGHT
            total = counts.sum()
            if total:
                target[column] = (target[column] * 100 + counts) / (100 + total)
    return Model(m, u, model.prior)


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
    probe = len(records) - 1
    rows = sorted(
        {r for key in encoded.record_blocks[probe] for r in encoded.blocks.get(key, [])[:MAX_BLOCK]}
        - {probe}
    )
    if not rows:
        return []
    li, ri = candidate_pairs(encoded, encoded, same_set=True)
    model = _with_decisions(fit(encoded, encoded, li, ri), encoded, decisions)
    rejected = {(d.new_id, d.existing_id) for d in decisions if not d.same_child}
    ri = np.asarray(rows, dtype=np.int64)
    levels = compare(encoded, encoded, np.full(ri.size, probe), ri)
    scores = model.probability(levels)
    scores[sibling_veto(levels)] = 0.0
    candidates = [
        Candidate(encoded.ids[r], round(float(s), 6), band_of(float(s)), _evidence(level))
        for r, s, level in zip(ri, scores, levels, strict=True)
        if s > 0 and (new_record.record_id, encoded.ids[r]) not in rejected
    ]
    return sorted(candidates, key=lambda c: -c.score)
