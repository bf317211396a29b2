"""What each role's work queue holds on a first visit to the demo, made through the product's
own actions: screenings with every outcome, possible matches (and, where the other record is
another organisation's, the match notices each country's coordinator reviews), an escalated
emergency request per country, and a care plan waiting for a supervisor who did not write it.
Every name here is invented."""

from __future__ import annotations

from datetime import date
from typing import Final, Literal, NamedTuple

from routecare.cases import actions as case_actions
from routecare.cases.demo import CASE_OWNERS
from routecare.cases.queries import read_case
from routecare.cases.schemas import CaseIn, CasePatch
from routecare.cases.vocabulary import Stage
from routecare.children.schemas import Sex
from routecare.deployment import Deployment
from routecare.linkage.queries import possible_matches
from routecare.placement.actions import request_placement
from routecare.placement.schemas import PlacementRequestIn
from routecare.screening.actions import record_screening
from routecare.screening.schemas import ScreeningIn
from routecare.services.schemas import Need

# Answers from the published catalogue giving each outcome (child of 15, age claimed).
SCREENINGS: dict[str, dict[str, bool]] = {
    "presumed_trafficking": {
        "act.recruited_through_family": True,
        "means.debt_bondage": True,
        "purpose.work_without_pay": True,
        "purpose.forced_work_to_pay_journey": True,
        "vulnerability.unaccompanied": True,
    },
    "at_risk": {"means.documents_confiscated": True},
    "smuggling": {"smuggling.paid_to_cross_border": True},
    "no_indicators": {"purpose.work_without_pay": False},
}


class Country(NamedTuple):
    """Who works a country's demo queues, and a place no emergency bed serves."""

    screener: str
    owner: str  # registers every child of the country's table
    neighbour: str  # another organisation's worker of the same country
    far_place: tuple[float, float]


COUNTRIES: dict[str, Country] = {
    "NER": Country("screener", "caseworker", "caseworker.unner", (19.0, 12.5)),
    "LBY": Country("caseworker.lby", "caseworker.lby", "shelter.lby", (25.9, 13.9)),
    "TUN": Country("caseworker.tun", "caseworker.tun", "shelter.tun", (33.9, 9.6)),
    "ITA": Country("screener.ita", "caseworker.ita", "shelter.ita", (37.6, 14.1)),
    "MLT": Country("caseworker.mlt", "caseworker.mlt", "shelter.mlt", (35.9, 14.4)),
}
# Country -> where its screenings happen (ISO 3166-2 admin area) and the route the children
# took (origin, then the countries crossed, in order): what the observatory counts by.
ROUTES: dict[str, tuple[str, str, list[str]]] = {
    "NER": ("NE-1", "GIN", ["MLI"]),
    "LBY": ("LY-SB", "GIN", ["MLI", "NER"]),
    "TUN": ("TN-61", "CIV", ["MLI", "DZA"]),
    "ITA": ("IT-82", "GIN", ["MLI", "NER", "LBY"]),
    "MLT": ("MT-60", "ERI", ["SDN", "LBY"]),
}


class Twice(NamedTuple):
    """A child the country's owner registers, then registers again under a variant spelling:
    the outcome says who registers the second time, so which queue the pair lands in."""

    outcome: Literal["possible_match", "match_notice"]
    sex: Sex
    given: str
    family: str
    father: str
    born: date
    again_given: str
    again_family: str


POSSIBLE_MATCH: Final = "possible_match"  # the owner again: a possible match on its newer case
MATCH_NOTICE: Final = "match_notice"  # another organisation: a notice for the coordinator

# Each child is registered twice only: a third registration would compete with the first as the
# second one's match, and two equal matches are neither shown. Different children in each
# country, so that no country's registrations compete with another's.
TWICE: dict[str, list[Twice]] = {
    "NER": [
        Twice(POSSIBLE_MATCH, Sex.MALE, "Oumar", "Sangaré", "Bakary", date(2011, 3, 4),
              "Umaru", "Sangare"),
        Twice(MATCH_NOTICE, Sex.FEMALE, "Mariam", "Kouyaté", "Lassana", date(2010, 9, 21),
              "Mariam", "Kouyate"),
    ],
    "LBY": [
        Twice(POSSIBLE_MATCH, Sex.MALE, "Souleymane", "Diakité", "Moussa", date(2010, 1, 12),
              "Suleiman", "Diakite"),
        Twice(MATCH_NOTICE, Sex.FEMALE, "Rokia", "Dembélé", "Adama", date(2011, 6, 2),
              "Rokia", "Dembele"),
    ],
    "TUN": [
        Twice(POSSIBLE_MATCH, Sex.MALE, "Bakary", "Fofana", "Sidiki", date(2009, 11, 30),
              "Bakari", "Fofanah"),
        Twice(MATCH_NOTICE, Sex.FEMALE, "Nafissatou", "Cissé", "Amadou", date(2010, 4, 17),
              "Nafissatou", "Cisse"),
    ],
    "ITA": [
        Twice(POSSIBLE_MATCH, Sex.MALE, "Lamine", "Dramé", "Ousmane", date(2010, 8, 8),
              "Lamin", "Darame"),
        Twice(MATCH_NOTICE, Sex.FEMALE, "Fatoumata", "Sylla", "Karim", date(2011, 2, 14),
              "Fatoumata", "Silla"),
    ],
    "MLT": [
        Twice(POSSIBLE_MATCH, Sex.MALE, "Tesfalem", "Haile", "Gebre", date(2009, 12, 5),
              "Tesfaalem", "Hailu"),
        Twice(MATCH_NOTICE, Sex.FEMALE, "Saba", "Tekle", "Yohannes", date(2010, 7, 19),
              "Saba", "Tekleh"),
    ],
}  # fmt: skip


def seed_queues(deployment: Deployment) -> None:
    from routecare.demo.seed import principal_of

    for code, country in COUNTRIES.items():
        screener = principal_of(deployment, country.screener)
        admin_area, origin, transit = ROUTES[code]
        for answers in SCREENINGS.values():
            screening = ScreeningIn(
                age=15,
                age_basis="claimed",
                answers=answers,
                location=code,
                admin_area=admin_area,
                country_of_origin=origin,
                transit_countries=transit,
            )
            record_screening(deployment, screener, screening, source="web")
        owner = principal_of(deployment, country.owner)
        neighbour = principal_of(deployment, country.neighbour)
        for index, child in enumerate(TWICE[code]):
            first = CaseIn(
                given_name=child.given,
                family_name=child.family,
                other_names=child.father,
                birth_date=child.born,
                sex=child.sex,
                age=15,
                nationality="MLI",
            )
            again = first.model_copy(
                update={"given_name": child.again_given, "family_name": child.again_family}
            )
            key = f"demo-twice-{code}-{index}"
            case_actions.create_case(deployment, owner, first, f"{key}-first")
            registrar = owner if child.outcome == POSSIBLE_MATCH else neighbour
            later = case_actions.create_case(deployment, registrar, again, f"{key}-again")
            possible_matches(deployment, registrar, later.reference)  # another's: for review
        far = PlacementRequestIn(
            latitude=country.far_place[0],
            longitude=country.far_place[1],
            age=14,
            sex=Sex.FEMALE,
            needs=list(Need),  # no place supports every need: escalated at once
        )
        request_placement(deployment, owner, far)


def write_care_plans(deployment: Deployment, case_references: list[str]) -> None:
    """In every country the case worker writes the care plan of the case at the care-plan
    stage (`seed_cases` made one per stage, country by country): it waits for a supervisor's
    approval, never its author's (four eyes)."""
    from routecare.demo.seed import principal_of

    at_care_plan = list(Stage).index(Stage.CARE_PLAN)
    for position, (worker_name, _) in enumerate(CASE_OWNERS.values()):
        worker = principal_of(deployment, worker_name)
        reference = case_references[position * len(Stage) + at_care_plan]
        version = read_case(deployment, worker, reference).version
        plan = CasePatch(care_plan="Reception house, guardian, legal aid, school.")
        case_actions.update_case(deployment, worker, reference, version, plan)
