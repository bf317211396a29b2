"""The demo's services along the route, published through the product's own action.

Every shelter operator gets a manager (supervisor) who publishes its places; other services are
published by the NGOs and authorities' own supervisors. Names and places are invented;
P-codes are illustrative.
"""

from __future__ import annotations

from typing import Any

from routecare.auth import actions as account_actions
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from routecare.demo.fixtures import ORGANISATIONS
from routecare.deployment import Deployment
from routecare.services.actions import publish_service
from routecare.services.schemas import ServiceIn

ALL = ["female", "male", "other", "unknown"]
# (organisation index, name, kind, lat, lon, P-code, area, languages, extra fields)
SERVICES: list[tuple[int, str, str, float, float, str, str, list[str], dict[str, Any]]] = [
    (
        3,
        "Tafadek emergency rooms",
        "emergency_shelter",
        16.97,
        7.99,
        "NE001",
        "Agadez",
        ["fr", "ha"],
        {"beds_total": 12, "beds_free": 4, "needs_supported": ["medical_care"]},
    ),
    (
        3,
        "Tafadek girls' house",
        "emergency_shelter",
        16.96,
        7.98,
        "NE001",
        "Agadez",
        ["fr", "ha"],
        {"beds_total": 6, "beds_free": 2, "eligibility": {"sexes": ["female"]}},
    ),
    (
        3,
        "Niamey transit house",
        "long_term_shelter",
        13.51,
        2.11,
        "NE008",
        "Niamey",
        ["fr", "ha"],
        {"beds_total": 20, "beds_free": 5},
    ),
    (1, "Legal desk Niamey", "legal_aid", 13.52, 2.12, "NE008", "Niamey", ["fr", "en"], {}),
    (0, "Agadez family tracing", "family_tracing", 16.98, 7.99, "NE001", "Agadez", ["fr"], {}),
    (
        5,
        "Tripoli safe rooms",
        "emergency_shelter",
        32.89,
        13.19,
        "LY021",
        "Tripoli",
        ["ar", "en"],
        {"beds_total": 10, "beds_free": 3, "needs_supported": ["psychosocial_care"]},
    ),
    (
        5,
        "Sabha night shelter",
        "emergency_shelter",
        27.04,
        14.43,
        "LY013",
        "Sabha",
        ["ar", "fr"],
        {"beds_total": 8, "beds_free": 1},
    ),
    (4, "Sabha clinic for minors", "medical", 27.03, 14.44, "LY013", "Sabha", ["ar", "fr"], {}),
    (
        7,
        "Dar El Amen emergency wing",
        "emergency_shelter",
        34.74,
        10.76,
        "TN34",
        "Sfax",
        ["ar", "fr"],
        {"beds_total": 14, "beds_free": 6, "needs_supported": ["mother_and_baby"]},
    ),
    (
        7,
        "Dar El Amen long stay",
        "long_term_shelter",
        34.75,
        10.75,
        "TN34",
        "Sfax",
        ["ar", "fr"],
        {"beds_total": 25, "beds_free": 3},
    ),
    (
        6,
        "Sfax psychosocial team",
        "psychosocial_support",
        34.73,
        10.77,
        "TN34",
        "Sfax",
        ["ar", "fr"],
        {},
    ),
    (
        10,
        "Casa Aurora first reception",
        "emergency_shelter",
        37.31,
        13.58,
        "IT084",
        "Agrigento",
        ["it", "en", "fr"],
        {"beds_total": 30, "beds_free": 9, "eligibility": {"victims_of_trafficking_only": False}},
    ),
    (
        10,
        "Casa Aurora protected house",
        "long_term_shelter",
        37.32,
        13.59,
        "IT084",
        "Agrigento",
        ["it", "en", "fr"],
        {"beds_total": 12, "beds_free": 2, "eligibility": {"victims_of_trafficking_only": True}},
    ),
    (
        9,
        "Volunteer guardians Sicily",
        "guardianship",
        38.12,
        13.36,
        "IT082",
        "Palermo",
        ["it", "fr"],
        {},
    ),
    (
        9,
        "Interpreters Pular/Susu/Maninka",
        "interpretation",
        37.50,
        15.09,
        "IT087",
        "Catania",
        ["it", "fr", "ful", "sus", "man"],
        {},
    ),
    (
        12,
        "Dar il-Wens emergency beds",
        "emergency_shelter",
        35.90,
        14.46,
        "MT",
        "Birkirkara",
        ["mt", "en"],
        {"beds_total": 8, "beds_free": 3},
    ),
    (
        11,
        "Malta return and reintegration desk",
        "safe_return_and_reintegration",
        35.90,
        14.51,
        "MT",
        "Valletta",
        ["en", "fr"],
        {},
    ),
]


def seed_services(deployment: Deployment, password: str, organisation_ids: list[int]) -> None:
    """Publish the demo services, each by a supervisor of its own organisation."""
    from routecare.demo.seed import principal_of

    publishers: dict[int, str] = {}
    for index, *_ in SERVICES:
        if index in publishers:
            continue
        username = f"manager.{ORGANISATIONS[index][1].lower()}.{index}"
        account_actions.create_user(
            deployment,
            organisation_id=organisation_ids[index],
            user=UserIn(username=username, password=password, role=Role.SUPERVISOR),
        )
        publishers[index] = username
    for index, name, kind, lat, lon, pcode, area, languages, extra in SERVICES:
        publish_service(
            deployment,
            principal_of(deployment, publishers[index]),
            ServiceIn.model_validate(
                {
                    "name": name,
                    "kind": kind,
                    "latitude": lat,
                    "longitude": lon,
                    "admin_area_pcode": pcode if len(pcode) > 2 else None,
                    "admin_area_name": area,
                    "languages": languages,
                    **extra,
                }
            ),
        )
