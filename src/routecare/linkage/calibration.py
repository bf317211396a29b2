"""Scores that are probabilities: a prior over all record pairs, and m re-estimated from the
posteriors the one-to-one scores give.

How likely a pair is to be the same child before its fields are compared is estimated from
how many records have a match at all.

A share of *candidate* pairs depends on blocking (how many namesakes share a key), not on the
data: on a route where few children reach the other side, the matches' share of candidates is
set by EM against relatives and namesakes and comes out far too high, and every score with it
(precision 0.77 at `probable` where a fifth of the children crossed). So the prior is read from
the records instead. Each record either has its match somewhere on the other side, with
probability π, equally likely any of the N records there, or has none. Given the pairs'
likelihood ratios LR (the model's weights; u is measured on random pairs, so these are ratios
over all pairs, not over candidates), the posterior that a record has a match is S / (1 + S),
S = λ Σ LR over its candidates, with prior odds per pair λ = π / ((1 − π) N). EM re-estimates
the number of records with a match, M = Σ S / (1 + S), on both sides, until it settles. The
scores `matching.exclusive` then makes of the pairs' odds λ·LR are their posteriors under
this model with each record at most one child (`one_to_one_marginals`).

Across two sets, a pair the sibling rule vetoes (`matching.sibling_veto`) still counts
towards how many children cross: the rule keeps a pair from being linked, it is not evidence
that the child has no match (a given name the normaliser cannot bring together looks like a
sibling's). Counted as no match, the true pairs it vetoes (478 of 3,000 on the route at
5,000 × 5,000) pulled the number of children crossing under the truth (1,964 estimated for
2,400 at 4,000) and every score with it. Within one set (`dedupe`) every sibling of a family
registered together is a candidate of every other, vetoed pairs are mostly siblings, and
counting them made the scores too high where few are registered twice (`sparse`: ECE 0.10
→ 0.15), so there they count as no match.

The first EM (`model.estimate`) learns m among candidates with a share of candidate pairs as
its prior; its posteriors still count a child's namesakes and relatives as part-matches. So m
is estimated once more (`refine`) from the posteriors of this very model: each pair's
probability when every record is at most one child (`one_to_one_marginals`), which is what
the links are scored by. Namesakes then share one match instead of each adding to m.
Both steps need only the comparison levels and their weights, never an encoding, so they hold
for any encoding whose levels EM learns m and u for.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from routecare.linkage.model import Model, Patterns, Side, reestimated_m
from routecare.linkage.workers import CORES

ROUNDS = 100
REFINING = 8  # rounds of re-estimating m from exclusive posteriors (it settles in about 5)
SETTLED = 1e-4  # relative change in the number of matched records that ends EM
SETTLED_M = 1e-3  # largest change of an m probability that ends the refinement
LOWEST = 0.5  # at least half a matched record: a prior of zero would never recover
MESSAGE_ROUNDS = 60  # belief propagation rounds at most (a chain of eight strong pairs needs 60)
REFINING_MESSAGES = 5  # belief propagation rounds per round of m, each from the last's messages
SETTLED_MARGINALS = 1e-5  # largest change of a pair's probability that ends them
ACTIVE = 1e-4  # odds under which a pair's message is its odds (it takes no one's match)


def pair_odds(matched: float, left_records: int, right_records: int) -> float:
    """Prior odds that a given pair is a match when `matched` records of the smaller side have
    their match on the other side: π / ((1 − π) N) seen from each side, their geometric mean
    (the two agree when the sides are the same size)."""
    from_left = matched / (max(left_records - matched, LOWEST) * right_records)
    from_right = matched / (max(right_records - matched, LOWEST) * left_records)
    return float(np.sqrt(from_left * from_right))


def matched_records(
    totals: list[np.ndarray], left_records: int, right_records: int, *, same_set: bool = False
) -> float:
    """EM estimate of how many records have their match on the other side, from each record's
    sum of likelihood ratios over its candidates (`totals`: left records', then right
    records'; one array within one set, where a record's candidates are the pairs it is in on
    either side)."""
    most = float(min(left_records, right_records)) - LOWEST
    if most < LOWEST:
        return LOWEST
    share = 1.0 if same_set else 0.5  # both sides count the same matches
    matched = most / 2
    for _ in range(ROUNDS):
        odds = pair_odds(matched, left_records, right_records)
        estimate = 0.0
        for summed in totals:
            estimate += share * float((odds * summed / (1.0 + odds * summed)).sum())
        estimate = float(np.clip(estimate, LOWEST, most))
        settled = abs(estimate - matched) < SETTLED * matched
        matched = estimate
        if settled:
            break
    return matched


def record_totals(
    values: np.ndarray, left: Side, right: Side, *, same_set: bool = False
) -> list[np.ndarray]:
    """Each record's sum of `values` over its pairs: left records', then right records' (one
    array within one set, a record's pairs on either side of it)."""
    if same_set:
        return [left.totals(values) + right.totals(values)]
    return [left.totals(values), right.totals(values)]


def exclusive_odds(
    li: np.ndarray, ri: np.ndarray, odds: np.ndarray, *, same_set: bool = False
) -> np.ndarray:
    """Each pair's probability given every other candidate pair (`one_to_one_marginals`).
    Within one set (`same_set`) a record competes on either side of a pair."""
    records = max(int(li.max(initial=-1)), int(ri.max(initial=-1))) + 1 if same_set else 0
    left, right = Side.of(li, records), Side.of(ri, records)
    return one_to_one_marginals(odds, left, right, same_set=same_set)


@dataclass
class Messages:
    """What each pair's records offer each other (`one_to_one_marginals`), one value per
    candidate pair and side, kept between calls on the same pairs: `refine` starts each
    round's belief propagation from the last round's messages, each scaled by how much its
    pair's odds moved (a message is its pair's odds over what the sender has besides), which
    m moves little, instead of from the odds."""

    to_left: np.ndarray
    to_right: np.ndarray
    odds: np.ndarray  # the pairs' odds they were computed for
    spare: np.ndarray  # room for one value per pair: fresh arrays are faulted in page by page

    @classmethod
    def none(cls, pairs: int) -> Messages:
        """No messages yet: each pair starts from its odds."""
        return cls(np.zeros(pairs), np.zeros(pairs), np.zeros(pairs), np.empty(pairs))


def one_to_one_marginals(
    odds: np.ndarray,
    left: Side,
    right: Side,
    *,
    same_set: bool = False,
    messages: Messages | None = None,
    rounds_at_most: int = MESSAGE_ROUNDS,
) -> np.ndarray:
    """Each pair's probability of being a match when every record is at most one child and
    the pairs have prior-times-likelihood odds `odds`: the marginals of that one-to-one
    model, by belief propagation (exact where the pairs form no cycle). `messages`, when
    given, are where it starts and receive where it ends.

    Setting a pair's odds o against the summed odds of its records' other candidates,
    o / (1 + sum), counts a namesake as a full competitor even when the namesake is itself
    near-certainly another child's match: a true pair among look-alikes then scores too low,
    and the child's namesakes' matches pull it under `probable` (route 4,000 × 4,000: 191
    true pairs). Here a candidate competes only with the odds it has left once its own other
    candidates are counted: b's message to a is o_ab / (1 + the messages b gets from its
    other candidates), and a pair's probability is
    o / (o + (1 + what a's other candidates offer) (1 + what b's other candidates offer)).
    A pair alone keeps o / (1 + o); a record with a few candidates of which none has another,
    o / (1 + sum) exactly.

    The rounds run in place in buffers allocated once (`model.Pairs` does the same for EM):
    fresh arrays each round cost as much as the arithmetic. `rounds_at_most` caps them:
    `refine` iterates its rounds of m and of belief propagation together (see there)."""
    if messages is None:
        messages = Messages.none(odds.size)
    # Pairs too unlikely to compete keep their odds as messages, summed once; only the rest
    # (a few per record, where candidate pairs number millions) are iterated.
    active = np.flatnonzero(odds >= ACTIVE)
    resting = messages.spare  # free until the end
    np.copyto(resting, odds)
    resting[active] = 0.0
    fixed = _record_sums(resting, resting, left, right, same_set)
    live = np.take(odds, active)
    li, ri = np.take(left.index, active), np.take(right.index, active)
    sides = Side.of(li, left.records), Side.of(ri, right.records)
    # Warm start: the last messages scaled as their pairs' odds moved; a message of nothing
    # would stay nothing, so such a pair starts from its odds.
    before = np.take(messages.odds, active)
    known = before > 0
    moved = np.divide(live, before, out=np.ones_like(live), where=known)
    to_left = np.where(known, np.take(messages.to_left, active) * moved, live)
    to_right = np.where(known, np.take(messages.to_right, active) * moved, live)
    marginal = live / (1.0 + live)
    rounds = _Rounds(live, li, ri, to_left, to_right, marginal)
    rest_left, rest_right = fixed[0] + 1.0, fixed[1] + 1.0  # 1 + the resting pairs' messages
    for _ in range(rounds_at_most if live.size else 0):  # (bincount of nothing is integers)
        by_left, by_right = _record_sums(to_left, to_right, *sides, same_set)
        if rounds.run(by_left + rest_left, by_right + rest_right) < SETTLED_MARGINALS:
            break
    messages.odds.fill(0.0)  # a resting pair's messages are its odds, none kept
    messages.odds[active], messages.to_left[active], messages.to_right[active] = (
        live,
        to_left,
        to_right,
    )
    # Every pair as a resting one, against every message its records get but its own; then
    # the iterated pairs' marginals in their place.
    by_left, by_right = _record_sums(to_left, to_right, *sides, same_set)
    result = np.take(by_left + fixed[0] + 1.0, left.index)
    result -= odds
    np.maximum(result, 1.0, out=result)
    others = np.take(by_right + fixed[1] + 1.0, right.index, out=messages.spare, mode="clip")
    others -= odds
    np.maximum(others, 1.0, out=others)
    result *= others
    result += odds
    np.divide(odds, result, out=result)
    result[active] = marginal
    return result


CHUNK = 65_536  # pairs updated together: their intermediate arrays stay in the cache
THREADED = 1_000_000  # from this many iterated pairs on, the chunks are shared by threads


class _Rounds:
    """One round of belief propagation over the iterated pairs, given what each record gets:
    a chunk of pairs at a time, every step of a chunk in buffers that fit the processor's
    cache. Over whole arrays each step was a pass through memory (fifteen per round); at
    100,000 × 100,000, 22.6 million pairs, that made a round 0.45 s and sixty of them half
    the run. From THREADED pairs on, the chunks are shared by one thread per core (NumPy
    releases the interpreter lock inside each step)."""

    def __init__(
        self,
        live: np.ndarray,
        li: np.ndarray,
        ri: np.ndarray,
        to_left: np.ndarray,
        to_right: np.ndarray,
        marginal: np.ndarray,
    ) -> None:
        self.live, self.li, self.ri = live, li, ri
        self.to_left, self.to_right, self.marginal = to_left, to_right, marginal
        threads = CORES if live.size >= THREADED else 1
        share = max(1, -(-live.size // threads))
        self.shares = [(s, min(s + share, live.size)) for s in range(0, live.size, share)]

    def run(self, by_left: np.ndarray, by_right: np.ndarray) -> float:
        """Each pair's marginal from the records' sums `by_left`, `by_right` (1 + every
        message each record gets), and its messages damped towards the new ones; the
        largest change of a marginal."""
        if len(self.shares) == 1:
            return self._share(by_left, by_right, *self.shares[0])
        with ThreadPoolExecutor(len(self.shares)) as threads:
            changes = threads.map(lambda share: self._share(by_left, by_right, *share), self.shares)
            return max(changes)

    def _share(self, by_left: np.ndarray, by_right: np.ndarray, start: int, stop: int) -> float:
        size = min(CHUNK, stop - start)
        others_left, others_right, new, spare = np.empty((4, size))
        changed = 0.0
        for first in range(start, stop, CHUNK):
            chunk = slice(first, min(first + CHUNK, stop))
            count = chunk.stop - chunk.start
            ol, orr, m, sp = others_left[:count], others_right[:count], new[:count], spare[:count]
            live, to_left, to_right = self.live[chunk], self.to_left[chunk], self.to_right[chunk]
            # 1 + what each pair's left (right) record gets from its other pairs.
            np.take(by_left, self.li[chunk], out=ol, mode="clip")
            ol -= to_left
            np.maximum(ol, 1.0, out=ol)
            np.take(by_right, self.ri[chunk], out=orr, mode="clip")
            orr -= to_right
            np.maximum(orr, 1.0, out=orr)
            np.multiply(ol, orr, out=m)
            m += live
            np.divide(live, m, out=m)
            np.subtract(m, self.marginal[chunk], out=sp)
            changed = max(changed, float(np.abs(sp, out=sp).max()))
            self.marginal[chunk] = m
            # Damped (geometric mean with the last round): undamped messages can oscillate
            # on cycles of look-alikes.
            for own, others in ((to_left, orr), (to_right, ol)):
                np.divide(live, others, out=sp)
                own *= sp
                np.sqrt(own, out=own)
        return changed


def _record_sums(
    to_left: np.ndarray, to_right: np.ndarray, left: Side, right: Side, same_set: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per record, the sum of the messages it gets: left records', right records' (within one
    set both are every record's, from either side of its pairs)."""
    by_left, by_right = left.totals(to_left), right.totals(to_right)
    if same_set:
        by_left = by_right = by_left + by_right
    return by_left, by_right


def refine(
    model: Model,
    patterns: Patterns,
    vetoed: np.ndarray,
    li: np.ndarray,
    ri: np.ndarray,
    left_records: int,
    right_records: int,
    *,
    same_set: bool = False,
) -> Model:
    """`model` with m re-estimated from exclusive posteriors and its prior over all record
    pairs, on the candidate pairs `li`, `ri` (their `patterns`; `vetoed` patterns never
    link) of `left_records` × `right_records` records. Each round sums the pairs' likelihood
    ratios per record once for the number of matched records; the pairs' exclusive
    posteriors follow by belief propagation.

    The two fixed points are iterated together: each round of m runs REFINING_MESSAGES
    rounds of belief propagation from the last round's messages, not up to MESSAGE_ROUNDS
    from the odds (m moves little from one round to the next). At 5,000 × 5,000 the scores
    stayed within 2e-5 of thirty rounds from the odds in every round of m."""
    records = max(left_records, right_records) if same_set else 0
    left, right = Side.of(li, records), Side.of(ri, records)
    sizes = (left_records, right_records)
    # A vetoed pair's posterior is exactly 0 and it offers no record anything: belief
    # propagation runs over the others only (a third of the candidates on the route).
    linkable = ~vetoed[patterns.inverse]
    open_left, open_right = Side.of(li[linkable], records), Side.of(ri[linkable], records)
    open_patterns = Patterns(patterns.table, patterns.inverse[linkable])
    messages = Messages.none(open_patterns.inverse.size)  # each round starts from the last's
    rounds = 0
    while True:
        ratios = np.exp(np.clip(model.log_ratios(patterns.table), -60.0, 60.0))
        per_pair = np.take(ratios, open_patterns.inverse)
        if same_set:  # vetoed pairs count as no match here (module docstring)
            totals = record_totals(per_pair, open_left, open_right, same_set=True)
        else:  # across two sets, how many children cross counts the vetoed pairs
            totals = record_totals(np.take(ratios, patterns.inverse), left, right)
        odds = pair_odds(matched_records(totals, *sizes, same_set=same_set), *sizes)
        if rounds == REFINING:  # the prior of the last m
            break
        per_pair *= odds
        posterior = one_to_one_marginals(
            per_pair,
            open_left,
            open_right,
            same_set=same_set,
            messages=messages,
            rounds_at_most=REFINING_MESSAGES,
        )
        m = reestimated_m(model.m, model.u, patterns.table, open_patterns.weights_of(posterior))
        moved = max(float(np.abs(new - old).max()) for new, old in zip(m, model.m, strict=True))
        model = replace(model, m=m)
        rounds = REFINING if moved < SETTLED_M else rounds + 1
    return replace(model, prior=odds / (1.0 + odds))
