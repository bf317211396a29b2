"""The decision engine against BRIEF's decision table and the ILO/EC rule, row by row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routecare.screening.catalogue import DEFAULT_CATALOGUE, CatalogueRegistry, Element
from routecare.screening.engine import (
    OUTCOME_RANK,
    SECTIONS,
    AgeBasis,
    Engine,
    UnknownIndicators,
    decide_age,
    dimension_is_positive,
)

CHILD = (15, AgeBasis.DOCUMENTED)
ADULT = (30, AgeBasis.DOCUMENTED)
PURPOSE = {"purpose.unpaid_work": True, "purpose.long_hours": True}  # strong + medium: positive
WEAK_PURPOSE = {"purpose.poor_food": True}  # one weak: indicated, not established
ACT = {"act.transported": True}
MEANS = {"means.documents_taken": True, "means.threats": True}  # two strong: positive
SMUGGLING = {"smuggling.paid_crossing": True}
VULNERABLE = {"vulnerability.debt_to_smuggler": True}

# (row, who, answers, outcome, decisive rule) — one case or more per row of the table.
DECISION_TABLE_ROWS = [
    ("1 child act+purpose", CHILD, {**ACT, **PURPOSE}, "presumed_trafficking", "R1"),
    ("1 child purpose, act to confirm", CHILD, PURPOSE, "presumed_trafficking", "R1"),
    ("1 child, smuggling too", CHILD, {**PURPOSE, **SMUGGLING}, "presumed_trafficking", "R1"),
    ("2 adult act+means+purpose", ADULT, {**ACT, **MEANS, **PURPOSE}, "presumed_trafficking", "R2"),
    ("3 child purpose indicated", CHILD, WEAK_PURPOSE, "at_risk", "R3"),
    ("3 child risk indicator", CHILD, VULNERABLE, "at_risk", "R3"),
    ("3 unaccompanied child", CHILD, {"vulnerability.unaccompanied": True}, "at_risk", "R3"),
    ("3 child act only", CHILD, ACT, "at_risk", "R3"),
    ("3 child means only", CHILD, MEANS, "at_risk", "R3"),
    ("3 child one weak means", CHILD, {"means.deceived_pay": True}, "at_risk", "R3"),
    ("4 adult purpose, no means", ADULT, {**ACT, **PURPOSE}, "at_risk", "R4"),
    ("4 adult means+purpose, no act", ADULT, {**MEANS, **PURPOSE}, "at_risk", "R4"),
    ("4 adult risk", ADULT, VULNERABLE, "at_risk", "R4"),
    ("4 adult means only", ADULT, MEANS, "at_risk", "R4"),
    ("4 adult one means", ADULT, {"means.threats": True}, "at_risk", "R4"),
    ("4 adult means+smuggling", ADULT, {**MEANS, **SMUGGLING}, "at_risk", "R4"),
    ("5 smuggling only, adult", ADULT, SMUGGLING, "smuggling", "R5"),
    ("5 smuggling only, child", CHILD, SMUGGLING, "smuggling", "R5"),
    ("6 nothing, adult", ADULT, {}, "no_indicators", "R6"),
    ("6 nothing, child", CHILD, {"purpose.unpaid_work": False}, "no_indicators", "R6"),
]


@pytest.mark.parametrize(
    ("row", "who", "answers", "outcome", "rule"),
    DECISION_TABLE_ROWS,
    ids=[r[0] for r in DECISION_TABLE_ROWS],
)
def test_decision_table(
    engine: Engine,
    row: str,
    who: tuple[int, AgeBasis],
    answers: dict[str, bool],
    outcome: str,
    rule: str,
) -> None:
    result = engine.score(answers, *who)
    assert (result.outcome, result.rule) == (outcome, rule)
    assert result.reasons[0]["rule"] == rule and result.reasons[0]["citation"]
    assert result.catalogue_version == "test-1.0"


# (strong, medium, weak) -> positive, straight from the ILO/EC brochure's rule.
ILO_RULE = [
    ((2, 0, 0), True),
    ((1, 1, 0), True),
    ((1, 0, 1), True),
    ((0, 3, 0), True),
    ((0, 2, 1), True),
    ((1, 0, 0), False),
    ((0, 2, 0), False),
    ((0, 1, 1), False),
    ((0, 0, 5), False),
    ((0, 1, 3), False),
    ((0, 0, 0), False),
]


@pytest.mark.parametrize(("counts", "positive"), ILO_RULE, ids=[str(c) for c, _ in ILO_RULE])
def test_ilo_ec_dimension_rule(counts: tuple[int, int, int], positive: bool) -> None:
    assert dimension_is_positive(*counts) is positive


def test_strength_depends_on_the_population(engine: Engine) -> None:
    # "No school because of work" is weak for adults, medium for children.
    answers = {"purpose.long_hours": True, "purpose.begging": True, "purpose.no_school": True}
    assert "exploitative_conditions" in engine.score(answers, *CHILD).positive_dimensions
    assert (
        "exploitative_conditions"
        not in engine.score(
            {"purpose.long_hours": True, "purpose.no_school": True}, *ADULT
        ).positive_dimensions
    )


@pytest.mark.parametrize(
    ("age", "basis", "child", "doubt"),
    [
        (15, AgeBasis.DOCUMENTED, True, False),
        (19, AgeBasis.DOCUMENTED, False, False),
        (16, AgeBasis.CLAIMED, True, True),
        (25, AgeBasis.CLAIMED, False, False),
        (19, AgeBasis.ESTIMATED, True, True),
        (21, AgeBasis.ESTIMATED, False, False),
        (None, AgeBasis.UNKNOWN, True, True),
        (None, AgeBasis.DOCUMENTED, True, True),
        (17, AgeBasis.ASSESSED, True, False),
    ],
)
def test_benefit_of_the_doubt_on_age(
    age: int | None, basis: AgeBasis, child: bool, doubt: bool
) -> None:
    decision = decide_age(age, basis)
    assert (decision.treated_as_child, decision.doubt_remains) == (child, doubt)


def test_age_assessment_recommended_only_where_doubt_remains(engine: Engine) -> None:
    codes = lambda r: [s["code"] for s in r.next_steps]  # noqa: E731
    assert "request_age_assessment" in codes(engine.score({}, None, AgeBasis.UNKNOWN))
    assert "request_age_assessment" not in codes(engine.score({}, 15, AgeBasis.DOCUMENTED))


def test_a_child_is_never_left_without_a_child_protection_step(engine: Engine) -> None:
    result = engine.score({}, *CHILD)
    assert result.outcome == "no_indicators"
    assert "refer_child_protection_if_unaccompanied" in [s["code"] for s in result.next_steps]


def test_presumed_child_victim_gets_the_urgent_steps(engine: Engine) -> None:
    steps = [s["code"] for s in engine.score(PURPOSE, *CHILD).next_steps]
    for code in ("urgent_referral", "separate_interview", "notify_guardianship", "medical_care"):
        assert code in steps


def test_unknown_indicator_ids_are_named(engine: Engine) -> None:
    with pytest.raises(UnknownIndicators, match="purpose.invented"):
        engine.score({"purpose.invented": True}, *CHILD)


def test_reasons_in_each_language(engine: Engine) -> None:
    for language, word in (("fr", "enfant"), ("ar", "للطفل")):
        assert word in engine.score(PURPOSE, *CHILD, language=language).reasons[0]["text"]


def test_every_matching_row_is_recorded_and_only_those(engine: Engine) -> None:
    assert engine.score({**ACT, **PURPOSE, **SMUGGLING}, *CHILD).matched_rules == ["R1", "R3"]
    assert engine.score(SMUGGLING, *ADULT).matched_rules == ["R5"]
    assert engine.score({}, *ADULT).matched_rules == ["R6"]


def test_positive_dimensions_are_named_in_the_readers_language(engine: Engine) -> None:
    answers = {**ACT, **MEANS, **PURPOSE}
    for language, name in (
        ("en", "exploitative conditions"),
        ("fr", "conditions d'exploitation"),
        ("ar", "ظروف الاستغلال"),
    ):
        texts = [r["text"] for r in engine.score(answers, *ADULT, language=language).reasons]
        assert any(name in text for text in texts)
        assert not any("_" in text or "{" in text for text in texts)


def test_every_section_is_asked_even_once_trafficking_is_presumed(engine: Engine) -> None:
    asked = engine.questions_to_ask(PURPOSE)
    assert {q.split(".")[0] for q in asked} == {e.value for e in SECTIONS}
    assert not set(asked) & PURPOSE.keys()
    assert [q.split(".")[0] for q in asked] == sorted(
        (q.split(".")[0] for q in asked), key=lambda e: SECTIONS.index(Element(e))
    )
    assert engine.questions_to_ask(dict.fromkeys(engine.catalogue.by_id, False)) == []


answers_strategy = st.dictionaries(
    st.sampled_from(
        [
            "act.transported",
            "purpose.unpaid_work",
            "purpose.sold_sex",
            "purpose.long_hours",
            "purpose.no_school",
            "purpose.begging",
            "purpose.poor_food",
            "means.deceived_job",
            "means.deceived_pay",
            "means.documents_taken",
            "means.threats",
            "vulnerability.unaccompanied",
            "vulnerability.separated",
            "vulnerability.debt_to_smuggler",
            "smuggling.no_papers_crossing",
        ]
    ),
    st.booleans(),
)
ages = st.one_of(st.none(), st.integers(0, 40))
bases = st.sampled_from(list(AgeBasis))


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy, age=ages, basis=bases)
def test_adding_smuggling_never_lowers_presumed_trafficking(
    engine: Engine, answers: dict[str, bool], age: int | None, basis: AgeBasis
) -> None:
    before = engine.score(answers, age, basis)
    after = engine.score({**answers, "smuggling.paid_crossing": True}, age, basis)
    if before.outcome == "presumed_trafficking":
        assert after.outcome == "presumed_trafficking"
    assert OUTCOME_RANK[after.outcome] >= OUTCOME_RANK[before.outcome]


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy, age=st.integers(0, 17))
def test_means_never_qualify_a_child_but_always_flag_a_risk(
    engine: Engine, answers: dict[str, bool], age: int
) -> None:
    """Means never make a child's trafficking (no rule needs them), but a child who reports
    them is at least at risk: they only ever raise the outcome to `at_risk`."""
    without_means = {k: v for k, v in answers.items() if not k.startswith("means.")}
    outcome = engine.score(answers, age, AgeBasis.DOCUMENTED).outcome
    without = engine.score(without_means, age, AgeBasis.DOCUMENTED).outcome
    if OUTCOME_RANK[without] >= OUTCOME_RANK["at_risk"]:
        assert outcome == without
    else:
        assert outcome in (without, "at_risk")


@settings(max_examples=200, deadline=None)
@given(answers=answers_strategy, age=ages, basis=bases)
def test_any_yes_answer_never_reads_no_indicators(
    engine: Engine, answers: dict[str, bool], age: int | None, basis: AgeBasis
) -> None:
    outcome = engine.score(answers, age, basis).outcome
    assert (outcome == "no_indicators") == (not any(answers.values()))


@pytest.fixture(scope="module")
def core() -> Engine:
    return Engine(CatalogueRegistry().get(DEFAULT_CATALOGUE))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), age=ages, basis=bases)
def test_any_yes_answer_never_reads_no_indicators_in_the_published_catalogue(
    core: Engine, data: st.DataObject, age: int | None, basis: AgeBasis
) -> None:
    ids = st.sampled_from(sorted(core.catalogue.by_id))
    answers = data.draw(st.dictionaries(ids, st.booleans(), min_size=1, max_size=6))
    outcome = core.score(answers, age, basis).outcome
    assert (outcome == "no_indicators") == (not any(answers.values()))


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy, basis=bases)
def test_a_younger_age_is_never_less_protective(
    engine: Engine, answers: dict[str, bool], basis: AgeBasis
) -> None:
    older = engine.score(answers, 19, basis).outcome
    younger = engine.score(answers, 17, basis).outcome
    assert OUTCOME_RANK[younger] >= OUTCOME_RANK[older]
