"""The deployment's stored encodings held in memory with the model fitted on them, so that one
new registration is matched in milliseconds.

Reading 10,000 encodings takes about 0.3 s and fitting the model about 3 s: too slow for every
registration. The index keeps both between requests. Encodings stored since it was built are
read incrementally and searched as a small second set; the whole set is rebuilt once enough of
them have accumulated, and the model is refitted in a background thread when the set has grown
by a quarter (its weights move little with a few more records; the previous model serves
meanwhile). `routecare serve` builds the index at start (`warm`), so only a model never fitted
makes a registration wait. Case workers' decisions are read at every lookup, so a new one
counts at once. Erased children leave the database and so the results
(callers keep only candidates whose encoding is still stored).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from routecare.linkage.candidates import Candidate, candidates_in, with_decisions
from routecare.linkage.comparison import compare
from routecare.linkage.encoded import EncodedSet, from_encodings
from routecare.linkage.matching import candidate_pairs, fit
from routecare.linkage.model import Model
from routecare.linkage.models import ChildEncoding, LinkageDecision
from routecare.linkage.sealing import Seal, stored_seal
from routecare.linkage.store import renew_unsealed
from routecare.storage.database import Database

if TYPE_CHECKING:
    from routecare.crypto.keyring import Keyring

REBUILD_AFTER = 500  # encodings searched as a second set before the whole set is rebuilt
REFIT_GROWTH = 1.25  # refit the model once the set has grown by this factor
KEY_CHECK = "deployment"  # all stored encodings share the deployment's linkage key


def _encoded(seal: Seal, texts: Sequence[str]) -> EncodedSet:
    """Stored encodings opened (each is sealed: `linkage.sealing`)."""
    return from_encodings([seal.open(text, "a stored encoding") for text in texts], KEY_CHECK)


class LinkageIndex:
    """One per deployment (`Deployment.linkage_index`); safe to share between threads.
    Stored encodings are opened with the seal of the keyring's linkage key; encodings
    stored in clear by scheme 2 are renewed (re-encoded and sealed) before the first read."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring
        self._seal = stored_seal(keyring.linkage_key)
        self._renewed = False
        self._lock = threading.Lock()
        self._whole: EncodedSet | None = None
        self._last_id = 0
        self._model: Model | None = None
        self._fitted_on = 0
        self._refitting = False

    def warm(self, database: Database) -> None:
        """Build the index and fit the model now, rather than at the first registration."""
        with database.transaction() as session, self._lock:
            self._current(session)

    def candidates(
        self, session: Session, linkage_id: str, skip: Collection[str] = ()
    ) -> list[Candidate]:
        """Stored registrations that may be the child with `linkage_id`, best first (that
        child, and ids in `skip`, left out). Empty until the model can be estimated."""
        with self._lock:
            sets = self._current(session)
            model = self._model
        probe_text = session.execute(
            select(ChildEncoding.encoding).where(ChildEncoding.linkage_id == linkage_id)
        ).scalar_one()
        if model is None:
            return []
        model = _with_stored_decisions(session, model, self._seal)
        probe = _encoded(self._seal, [probe_text])
        found: list[Candidate] = []
        newer: set[str] = set()
        for encoded in reversed(sets):  # a child re-encoded since is searched as it is now
            found += candidates_in(model, probe, encoded, {linkage_id, *skip, *newer})
            newer.update(encoded.ids)
        return sorted(found, key=lambda c: -c.score)

    def _current(self, session: Session) -> list[EncodedSet]:
        """The sets to search: the whole set as built, plus the encodings stored since."""
        if not self._renewed:
            renew_unsealed(session, self._keyring)
            session.flush()
            self._renewed = True
        newer = session.execute(
            select(ChildEncoding.id, ChildEncoding.encoding)
            .where(ChildEncoding.id > self._last_id)
            .order_by(ChildEncoding.id)
        ).all()
        size = len(self._whole or ()) + len(newer)
        if (
            self._whole is None
            or self._model is None
            or len(newer) > REBUILD_AFTER
            or (size >= self._fitted_on * REFIT_GROWTH and not self._refitting)
        ):
            self._rebuild(session)
            return [self._whole] if self._whole is not None else []
        if not newer:
            return [self._whole]
        return [self._whole, _encoded(self._seal, [text for _, text in newer])]

    def _rebuild(self, session: Session) -> None:
        rows = session.execute(
            select(ChildEncoding.id, ChildEncoding.encoding).order_by(ChildEncoding.id)
        ).all()
        self._whole = _encoded(self._seal, [text for _, text in rows])
        self._last_id = rows[-1][0] if rows else 0
        if self._model is None:
            self._model, self._fitted_on = _fitted(self._whole)
        elif len(rows) >= self._fitted_on * REFIT_GROWTH and not self._refitting:
            self._refitting = True
            threading.Thread(target=self._refit, args=(self._whole,), daemon=True).start()

    def _refit(self, whole: EncodedSet) -> None:
        model, size = _fitted(whole)
        with self._lock:
            if model is not None:
                self._model, self._fitted_on = model, size
            self._refitting = False


def _fitted(encoded: EncodedSet) -> tuple[Model | None, int]:
    """The model fitted on a set and the set's size; None without a single blocked pair
    (there is nothing to estimate weights from)."""
    li, ri = candidate_pairs(encoded, encoded, same_set=True)
    if not li.size:
        return None, 0
    return fit(encoded, encoded, li, ri), len(encoded)


def _with_stored_decisions(session: Session, model: Model, seal: Seal) -> Model:
    """The model moved by every confirm/reject decision stored in the deployment."""
    child, other = aliased(ChildEncoding), aliased(ChildEncoding)
    rows = session.execute(
        select(child.encoding, other.encoding, LinkageDecision.same_child)
        .join(child, child.child_id == LinkageDecision.child_id)
        .join(other, other.child_id == LinkageDecision.other_child_id)
    ).all()
    if not rows:
        return model
    pairs = np.arange(len(rows))
    levels = compare(
        _encoded(seal, [r[0] for r in rows]), _encoded(seal, [r[1] for r in rows]), pairs, pairs
    )
    return with_decisions(model, levels, np.array([r[2] for r in rows], dtype=bool))
