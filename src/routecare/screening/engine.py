"""The decision engine: answers in, a legally grounded outcome out. Pure and side-effect free.

It applies, in this order:
1. age — who is treated as a child (benefit of the doubt, decided on the lower bound of an
   estimate; CoE Convention art. 10(3), Directive 2011/36/EU art. 13(2));
2. the ILO/EC dimension rule — a dimension is positive with ≥2 strong indicators, or 1 strong
   + 1 medium or weak, or 3 medium, or 2 medium + 1 weak; weak indicators alone never count;
3. the elements — act (any act indicator), means (a positive means dimension; relevant for
   adults only), purpose (the exploitative-conditions dimension positive = present; any purpose
   indicator = indicated), smuggling, and risk (act, purpose, vulnerability or means indicators);
4. the decision table (data, `decision-table-*.yaml`): first match decides, all are recorded.

Means never qualify a child's trafficking (they only ever raise the outcome to `at_risk`),
any indicator answered yes never reads `no_indicators`, and smuggling never lowers a
trafficking outcome: the tests hold these as properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from routecare.screening.catalogue import (
    DESTINATION_DIMENSIONS,
    MEANS_DIMENSIONS,
    RECRUITMENT_DIMENSIONS,
    Catalogue,
    Element,
)

DECISION_TABLE = Path(__file__).parent / "decision-table-1.1.yaml"
ADULTHOOD = 18
ESTIMATE_MARGIN_YEARS = 2  # typical error of a visual or interview-based age estimate
OUTCOME_RANK = {"no_indicators": 0, "smuggling": 1, "at_risk": 2, "presumed_trafficking": 3}
UNACCOMPANIED = "vulnerability.unaccompanied"
SEPARATED = "vulnerability.separated"
MEDICAL_FORMS = frozenset({"SexualExploitation", "OrganRemoval", "Surrogacy"})
STRENGTH_SLOTS = ("strong", "medium", "weak")
SCORED_DIMENSIONS = MEANS_DIMENSIONS | {"exploitative_conditions"}  # act etc. are not ILO/EC
ELEMENTS = tuple(Element)
# The interview's sections, in asking order: the journey first, borders last.
SECTIONS = (Element.ACT, Element.PURPOSE, Element.VULNERABILITY, Element.MEANS, Element.SMUGGLING)


class AgeBasis(StrEnum):
    DOCUMENTED = "documented"
    ASSESSED = "assessed"
    CLAIMED = "claimed"
    ESTIMATED = "estimated"
    UNKNOWN = "unknown"


class UnknownIndicators(ValueError):
    """Answers name indicators the catalogue does not have."""

    def __init__(self, ids: list[str], catalogue_key: str) -> None:
        super().__init__(f"unknown indicator ids for {catalogue_key}: {', '.join(ids)}")
        self.ids = ids


@dataclass(frozen=True)
class AgeDecision:
    treated_as_child: bool
    doubt_remains: bool


def decide_age(age: int | None, basis: AgeBasis) -> AgeDecision:
    """Who is treated as a child until an assessment says otherwise."""
    if age is None or basis is AgeBasis.UNKNOWN:
        return AgeDecision(treated_as_child=True, doubt_remains=True)
    if basis in (AgeBasis.DOCUMENTED, AgeBasis.ASSESSED):
        return AgeDecision(treated_as_child=age < ADULTHOOD, doubt_remains=False)
    if basis is AgeBasis.CLAIMED:
        # A claimed minority is believed; it is doubted only by an assessment, never by default.
        return AgeDecision(treated_as_child=age < ADULTHOOD, doubt_remains=age < ADULTHOOD)
    lowest, highest = age - ESTIMATE_MARGIN_YEARS, age + ESTIMATE_MARGIN_YEARS
    return AgeDecision(
        treated_as_child=lowest < ADULTHOOD, doubt_remains=lowest < ADULTHOOD <= highest
    )


def dimension_is_positive(strong: int, medium: int, weak: int) -> bool:
    """The ILO/EC (2009) combination rule for one dimension."""
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


@dataclass(frozen=True)
class _Entry:
    element: Element
    dimension: str
    strength_slot: dict[bool, int]  # keyed by treated_as_child: 0 strong, 1 medium, 2 weak
    purpose_forms: tuple[str, ...]  # only purpose indicators point to a form


@dataclass(frozen=True)
class Rule:
    id: str
    outcome: str
    when: dict[str, str | bool]
    citation: str
    reason: dict[str, str]
    cites: tuple[Element, ...]


class DecisionTable:
    """The decision table and the next-step texts, loaded from data."""

    def __init__(self, path: Path = DECISION_TABLE) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.version: str = data["version"]
        self.rules = [
            Rule(
                r["id"],
                r["outcome"],
                r["when"],
                r["citation"],
                r["reason"],
                tuple(Element(e) for e in r["cites"]),
            )
            for r in data["rules"]
        ]
        self.next_steps: dict[str, dict[str, str]] = data["next_steps"]
        self.supporting: dict[str, dict[str, str]] = data["supporting_reasons"]
        self.dimensions: dict[str, dict[str, str]] = data["dimensions"]


@dataclass
class Result:
    outcome: str
    rule: str
    matched_rules: list[str]
    treated_as_child: bool
    age_assessment_recommended: bool
    elements: list[str]
    positive_dimensions: list[str]
    ilo_ec_adult_combination: bool
    smuggling: bool
    forms: list[str]  # described by the person: an answer naming this form alone
    suggested_forms: list[str]  # named by an answer that fits several forms: to review
    indicators_present: list[str]
    reasons: list[dict[str, Any]]
    next_steps: list[dict[str, str]]
    catalogue_version: str
    decision_table_version: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Engine:
    """A catalogue compiled for fast scoring (tens of thousands of screenings per second)."""

    def __init__(self, catalogue: Catalogue, table: DecisionTable | None = None) -> None:
        self.catalogue = catalogue
        self.table = table or DecisionTable()
        self._entries = {
            i.id: _Entry(
                i.element,
                i.dimension,
                {
                    True: STRENGTH_SLOTS.index(i.strength.child.value),
                    False: STRENGTH_SLOTS.index(i.strength.adult.value),
                },
                tuple(f.value for f in i.forms) if i.element is Element.PURPOSE else (),
            )
            for i in catalogue.indicators
        }

    def check(self, answers: Mapping[str, bool]) -> None:
        if answers.keys() <= self._entries.keys():
            return
        unknown = sorted(set(answers) - self._entries.keys())
        raise UnknownIndicators(unknown, self.catalogue.key)

    def score(
        self,
        answers: Mapping[str, bool],
        age: int | None,
        age_basis: AgeBasis,
        language: str = "en",
    ) -> Result:
        self.check(answers)
        age_decision = decide_age(age, age_basis)
        child = age_decision.treated_as_child
        present = [i for i, yes in answers.items() if yes]
        present.sort()
        counts: dict[str, list[int]] = {}
        by_element: dict[Element, list[str]] = {e: [] for e in ELEMENTS}
        forms: set[str] = set()
        suggested: set[str] = set()
        entries = self._entries
        for indicator_id in present:
            entry = entries[indicator_id]
            by_element[entry.element].append(indicator_id)
            tally = counts.get(entry.dimension)
            if tally is None:
                tally = counts[entry.dimension] = [0, 0, 0]
            tally[entry.strength_slot[child]] += 1
            # An answer naming one form describes it; one naming several (someone takes the
            # earnings, long hours) only suggests them, for the case worker to review.
            if len(entry.purpose_forms) == 1:
                forms.update(entry.purpose_forms)
            else:
                suggested.update(entry.purpose_forms)
        positive = sorted(
            d
            for d, (s, m, w) in counts.items()
            if d in SCORED_DIMENSIONS and dimension_is_positive(s, m, w)
        )
        act = bool(by_element[Element.ACT])
        means = any(d in MEANS_DIMENSIONS for d in positive)
        purpose_present = "exploitative_conditions" in positive
        purpose_indicated = bool(by_element[Element.PURPOSE])
        # Any indicator answered yes is a risk: means alone (threats, debt, documents taken,
        # deception) never read "no indicators", for a child or an adult.
        risk = bool(
            by_element[Element.ACT]
            or purpose_indicated
            or by_element[Element.VULNERABILITY]
            or by_element[Element.MEANS]
        )
        smuggling = bool(by_element[Element.SMUGGLING])
        facts: dict[str, str | bool] = {
            "child": child,
            "purpose": "present" if purpose_present else ("indicated_or_risk" if risk else "none"),
            "all_elements": act and means and purpose_present,
            "smuggling": smuggling,
        }
        matched = [rule for rule in self.table.rules if self._matches(rule, facts)]
        decisive = matched[0]
        elements = [
            e.value
            for e, found in (
                (Element.ACT, act),
                (Element.MEANS, means and not child),
                (Element.PURPOSE, purpose_present),
                (Element.SMUGGLING, smuggling),
                (Element.VULNERABILITY, bool(by_element[Element.VULNERABILITY])),
            )
            if found
        ]
        notes = []
        if child and decisive.id == "R1" and not act:
            notes.append("act_to_confirm")  # whoever keeps or receives the child harbours them
        if child and by_element[Element.MEANS]:
            notes.append("means_irrelevant_for_a_child")
        if smuggling and decisive.outcome != "smuggling":
            notes.append("smuggling_also_present")
        age_reason = (
            "adult"
            if not child
            else "child_benefit_of_doubt"
            if age_decision.doubt_remains or age_basis in (AgeBasis.CLAIMED, AgeBasis.ESTIMATED)
            else "child_established"
        )
        reasons = [
            self._reason(decisive, by_element, language),
            self._supporting(age_reason, [], language),
        ]
        for dimension in positive:
            if child and dimension in MEANS_DIMENSIONS:
                continue
            cited = [i for i in present if self._entries[i].dimension == dimension]
            reasons.append(self._supporting("dimension_positive", cited, language, dimension))
        reasons += [
            self._supporting(
                note,
                by_element[Element.MEANS]
                if note.startswith("means")
                else by_element[Element.SMUGGLING]
                if note.startswith("smuggling")
                else [],
                language,
            )
            for note in notes
        ]
        return Result(
            outcome=decisive.outcome,
            rule=decisive.id,
            matched_rules=[rule.id for rule in matched],
            treated_as_child=child,
            age_assessment_recommended=age_decision.doubt_remains,
            elements=elements,
            positive_dimensions=positive,
            ilo_ec_adult_combination=bool(
                RECRUITMENT_DIMENSIONS & set(positive)
                and purpose_present
                and DESTINATION_DIMENSIONS & set(positive)
            ),
            smuggling=smuggling,
            forms=sorted(forms),
            suggested_forms=sorted(suggested - forms),
            indicators_present=present,
            reasons=reasons,
            next_steps=self._next_steps(decisive.outcome, age_decision, answers, forms, language),
            catalogue_version=self.catalogue.key,
            decision_table_version=self.table.version,
            notes=notes,
        )

    @staticmethod
    def _matches(rule: Rule, facts: dict[str, str | bool]) -> bool:
        for key, wanted in rule.when.items():
            actual = facts[key]
            if key == "purpose" and wanted == "indicated_or_risk":
                if actual not in ("present", "indicated_or_risk"):
                    return False
            elif actual != wanted:
                return False
        return True

    def _reason(
        self, rule: Rule, by_element: dict[Element, list[str]], language: str
    ) -> dict[str, Any]:
        cited = [i for element in rule.cites for i in by_element[element]]
        return {
            "rule": rule.id,
            "citation": rule.citation,
            "text": rule.reason.get(language, rule.reason["en"]),
            "indicators": cited,
        }

    def _supporting(
        self, code: str, cited: list[str], language: str, dimension: str = ""
    ) -> dict[str, Any]:
        entry = self.table.supporting[code]
        text = entry.get(language, entry["en"])
        if dimension:
            label = self.table.dimensions[dimension]
            text = text.replace("{dimension}", label.get(language, label["en"]))
        return {"rule": code, "citation": entry["citation"], "text": text, "indicators": cited}

    def _next_steps(
        self,
        outcome: str,
        age: AgeDecision,
        answers: Mapping[str, bool],
        forms: set[str],
        language: str,
    ) -> list[dict[str, str]]:
        child = age.treated_as_child
        alone = answers.get(UNACCOMPANIED, False) or answers.get(SEPARATED, False)
        codes: list[str] = []
        if outcome == "presumed_trafficking":
            codes += ["urgent_referral", "separate_interview", "reflection_period"]
            if child:
                codes.append("notify_guardianship")
            codes.append("medical_care")
        elif outcome == "at_risk":
            codes += (
                ["refer_child_protection", "separate_interview"] if child else ["assess_further"]
            )
            if child and alone:
                codes.append("notify_guardianship")
        elif outcome == "smuggling":
            codes += ["refer_child_protection_if_unaccompanied"] if child else []
            codes.append("inform_rights")
        elif child:
            codes.append("refer_child_protection_if_unaccompanied")
        if forms & MEDICAL_FORMS and "medical_care" not in codes:
            codes.append("medical_care")
        if age.doubt_remains:
            codes.append("request_age_assessment")
        codes.append("rescreen_next_contact")
        steps = self.table.next_steps
        return [{"code": c, "text": steps[c].get(language, steps[c]["en"])} for c in codes]

    def questions_to_ask(self, answers: Mapping[str, bool]) -> list[str]:
        """Unanswered indicators, section by section in `SECTIONS` order.

        Every section is asked, even once trafficking is presumed: vulnerability and smuggling
        answers decide the person's protection (a guardian for an unaccompanied child, a
        shelter), and means are recorded for a child too, not only the outcome.
        """
        return [
            i.id
            for element in SECTIONS
            for i in self.catalogue.indicators
            if i.element is element and i.id not in answers
        ]
