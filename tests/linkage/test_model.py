"""EM without labels does not collapse, siblings stay apart, swapped names still meet,
namesakes are not each "probable", worker processes change nothing."""

from __future__ import annotations

from routecare.linkage.comparison import FIELDS
from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import Link, candidate_pairs, fit, link
from tests.linkage.helpers import SECRET, encoded, registration
from tests.linkage.route_data import generate


def test_em_learns_that_matches_agree() -> None:
    left, right, truth = generate(1500, seed=21)
    a, b = encoded(left), encoded(right)
    li, ri = candidate_pairs(a, b)
    model = fit(a, b, li, ri)
    for field in ("given", "family", "father", "year", "birth_date"):
        column = FIELDS.index(field)
        top = len(model.m[column]) - 1
        assert model.m[column][top] > 2 * model.u[column][top], field
    # The prior is over all record pairs: a left record has its match with probability
    # π = matches / records, any of the right records alike (calibration.pair_odds).
    expected_odds = len(truth) / ((len(left) - len(truth)) * len(right))
    odds = model.prior / (1 - model.prior)
    assert expected_odds / 2 < odds < 2 * expected_odds


def test_within_one_set_no_record_is_its_own_random_pair() -> None:
    """u is measured on random pairs; within one set, a record drawn against itself agrees
    on every field and made agreement look common among non-matches (600 children: exact
    name sets 46 times, dates of birth 7 times as common as among distinct children)."""
    children, _, _ = generate(600, seed=4)
    own = encoded(children)
    li, ri = candidate_pairs(own, own, same_set=True)
    model = fit(own, own, li, ri)
    for field, ceiling in (("all_names", 0.001), ("birth_date", 0.004)):
        column = FIELDS.index(field)
        assert model.u[column][-1] < ceiling, field


def _child(record_id: str, given: str, born: str, **other: str) -> dict[str, str]:
    return {
        "record_id": record_id,
        "given_name": given,
        "father_name": "Ibrahima",
        "family_name": "Kourouma",
        "sex": other.get("sex", "male"),
        "birth_date": born,
        "age": "",
        "registered_on": other.get("registered_on", "2025-04-01"),
        "nationality": "GIN",
        "birth_place": "Kankan",
        "mother_name": "Hawa Conde",
    }


def test_siblings_are_never_merged() -> None:
    left, right, _ = generate(600, seed=4)
    brothers = [
        _child("N-elder", "Sekou", "2010-03-02"),
        _child("N-younger", "Lansana", "2012-07-19"),
    ]
    only_younger = [_child("I-younger", "Lansana", "2012-07-19", registered_on="2025-12-01")]
    links = link(encoded(left + brothers), encoded(right + only_younger), threshold=0.5)
    pairs = {(lk.left_id, lk.right_id) for lk in links}
    assert ("N-younger", "I-younger") in pairs
    assert ("N-elder", "I-younger") not in pairs
    only_elder = [_child("I-elder", "Sekou", "2010-03-02", registered_on="2025-12-01")]
    links = link(encoded(left + brothers[1:]), encoded(right + only_elder), threshold=0.5)
    assert not {lk.right_id for lk in links} & {"I-elder"}  # his brother is not him


def test_links_do_not_depend_on_how_the_work_is_split() -> None:
    """Encoding split over processes, comparison over threads: the same encodings and links."""
    left, right, _ = generate(2500, seed=3)
    encoder = Encoder(SECRET)
    records = [registration(r) for r in left]
    serial, parallel = encoder.encode_set(records, cores=1), encoder.encode_set(records, cores=2)
    assert [serial.record(i) for i in range(len(serial))] == [
        parallel.record(i) for i in range(len(parallel))
    ]
    other = encoder.encode_set([registration(r) for r in right], cores=1)
    assert link(serial, other, 0.5, cores=1) == link(parallel, other, 0.5, cores=2)


def _population_with(
    extra_left: list[dict[str, str]], extra_right: list[dict[str, str]], threshold: float = 0.3
) -> list[Link]:
    left, right, _ = generate(800, seed=8)
    return link(encoded(left + extra_left), encoded(right + extra_right), threshold)


def test_swapped_given_and_family_names_still_link() -> None:
    """A clerk who writes the family name first: the order-free set of names agrees."""
    child = _child("N-child", "Sekou", "2011-05-04")
    swapped = {**child, "record_id": "I-child", "given_name": "Kourouma", "family_name": "Sekou"}
    swapped["registered_on"] = "2025-12-01"
    links = {(lk.left_id, lk.right_id): lk for lk in _population_with([child], [swapped])}
    assert links[("N-child", "I-child")].band == "probable"


def test_namesakes_are_not_each_probably_the_child() -> None:
    """Two children the encodings cannot tell apart: neither is `probable`, though each
    alone would be."""
    child = _child("N-child", "Sekou", "", registered_on="2025-04-01")
    child["age"] = "13"
    alone = {**child, "record_id": "I-one", "registered_on": "2025-12-01"}
    links = {lk.right_id: lk for lk in _population_with([child], [alone])}
    assert links["I-one"].band == "probable"
    namesake = {**alone, "record_id": "I-two"}
    links = {lk.right_id: lk for lk in _population_with([child], [alone, namesake])}
    (found,) = {"I-one", "I-two"} & set(links)  # one-to-one: one of them, at about even odds
    assert 0.3 < links[found].score <= 0.5 and links[found].band != "probable"
