"""What each role's work queue holds on a first visit to the demo, made through the product's
own actions: screenings with every outcome, possible matches (and, where the other record is
another organisation's, the match notices each country's coordinator reviews), an escalated
emergency request per country, and a care plan waiting for a supervisor who did not write it.
Every name here is invented."""

from __future__ import annotations

from datetime import date

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
# Country -> (screening user, case owner, another organisation's case worker, a place far out).
COUNTRIES: dict[str, tuple[str, str, str, tuple[float, float]]] = {
    "NER": ("screener", "caseworker", "caseworker.unner", (19.0, 12.5)),
    "LBY": ("caseworker.lby", "caseworker.lby", "shelter.lby", (25.9, 13.9)),
    "TUN": ("caseworker.tun", "caseworker.tun", "shelter.tun", (33.9, 9.6)),
    "ITA": ("screener.ita", "caseworker.ita", "shelter.ita", (37.6, 14.1)),
    "MLT": ("caseworker.mlt", "caseworker.mlt", "shelter.mlt", (35.9, 14.4)),
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
# In each country the first child is registered twice by the case owner (a possible match on
# the newer case), the second once by the owner and once by another organisation of the country
# (a match notice for the country's coordinator).
# (given, family, father's name, birth date, the second registration's given and family name);
# different children in each country, so that no country's registrations compete with another's.
TWICE: dict[str, list[tuple[str, str, str, date, str, str]]] = {
    "NER": [
        ("Oumar", "Sangaré", "Bakary", date(2011, 3, 4), "Umaru", "Sangare"),
        ("Mariam", "Kouyaté", "Lassana", date(2010, 9, 21), "Mariam", "Kouyate"),
    ],
    "LBY": [
        ("Souleymane", "Diakité", "Moussa", date(2010, 1, 12), "Suleiman", "Diakite"),
        ("Rokia", "Dembélé", "Adama", date(2011, 6, 2), "Rokia", "Dembele"),
    ],
    "TUN": [
        ("Bakary", "Fofana", "Sidiki", date(2009, 11, 30), "Bakari", "Fofanah"),
        ("Nafissatou", "Cissé", "Amadou", date(2010, 4, 17), "Nafissatou", "Cisse"),
    ],
    "ITA": [
        ("Lamine", "Dramé", "Ousmane", date(2010, 8, 8), "Lamin", "Darame"),
        ("Fatoumata", "Sylla", "Karim", date(2011, 2, 14), "Fatoumata", "Silla"),
    ],
    "MLT": [
        ("Tesfalem", "Haile", "Gebre", date(2009, 12, 5), "Tesfaalem", "Hailu"),
        ("Saba", "Tekle", "Yohannes", date(2010, 7, 19), "Saba", "Tekleh"),
    ],
}


def seed_queues(deployment: Deployment) -> None:
    from routecare.demo.seed import principal_of

    for country, (screener, owner, neighbour, (latitude, longitude)) in COUNTRIES.items():
        screening_user = principal_of(deployment, screener)
        admin_area, origin, transit = ROUTES[country]
        for answers in SCREENINGS.values():
            record_screening(
                deployment,
                screening_user,
                ScreeningIn(
                    age=15,
                    age_basis="claimed",
                    answers=answers,
                    location=country,
                    admin_area=admin_area,
                    country_of_origin=origin,
                    transit_countries=transit,
                ),
                source="web",
            )
        owning, other = principal_of(deployment, owner), principal_of(deployment, neighbour)
        for index, (given, family, father, born, variant_given, variant_family) in enumerate(
            TWICE[country]
        ):
            first = CaseIn(
                given_name=given,
                family_name=family,
                other_names=father,
                birth_date=born,
                sex=Sex.MALE if index == 0 else Sex.FEMALE,
                age=15,
                nationality="MLI",
            )
            again = first.model_copy(
                update={"given_name": variant_given, "family_name": variant_family}
            )
            key = f"demo-twice-{country}-{index}"
            case_actions.create_case(deployment, owning, first, f"{key}-first")
            # Each child is registered twice only: a third registration would compete with
            # the first as the second one's match, and two equal matches are neither shown.
            registrar = owning if index == 0 else other
            later = case_actions.create_case(deployment, registrar, again, f"{key}-again")
            possible_matches(deployment, registrar, later.reference)  # another's: for review
        request_placement(
            deployment,
            owning,
            PlacementRequestIn(
                latitude=latitude,
                longitude=longitude,
                age=14,
                sex=Sex.FEMALE,
                needs=list(Need),  # no place supports every need: escalated at once
            ),
        )


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
