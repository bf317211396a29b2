"""Cross-border match notices in the demo: a child registered in Niger and again in Italy (and
one in Libya and again in Malta), linked the way two national deployments link, through
`routecare linkage export` on one side and `routecare linkage notices-from` on the other.

The demo keeps its five countries in one database, so each side exports and matches only its
own country's children (`country=`), as its own deployment would. Every name here is invented.
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import date
from pathlib import Path

from routecare.cases import actions as case_actions
from routecare.cases.schemas import CaseIn
from routecare.children.schemas import Sex
from routecare.deployment import Deployment
from routecare.linkage.encoded import read_encoded
from routecare.linkage.encoding import Encoder
from routecare.linkage.partners import export_encodings, notices_from_partner
from routecare.linkage.sealing import partner_seal

# How a deployment names its partner on the notices its coordinators read.
PARTNER_NAMES = {
    "NER": "routecare Niger",
    "ITA": "routecare Italia",
    "LBY": "routecare Libya",
    "MLT": "routecare Malta",
}
# (country, its case worker, the other country, its case worker, the child as registered
# first, the given and family names the second registration spells).
ACROSS: list[tuple[str, str, str, str, CaseIn, tuple[str, str]]] = [
    (
        "NER",
        "caseworker",
        "ITA",
        "caseworker.ita",
        CaseIn(
            given_name="Aboubacar",
            family_name="Traoré",
            other_names="Sékou",
            birth_date=date(2010, 5, 3),
            sex=Sex.MALE,
            age=16,
            nationality="GIN",
        ),
        ("Abubakar", "Traore"),
    ),
    (
        "LBY",
        "caseworker.lby",
        "MLT",
        "caseworker.mlt",
        CaseIn(
            given_name="Hadiza",
            family_name="Maïga",
            other_names="Abdourahamane",
            birth_date=date(2009, 10, 27),
            sex=Sex.FEMALE,
            age=17,
            nationality="CIV",
        ),
        ("Hadiza", "Maiga"),
    ),
]


def seed_cross_border(deployment: Deployment) -> None:
    """Register each child on both sides, then let each side match the other's export: a
    notice appears for the coordinators of both countries."""
    from routecare.demo.seed import principal_of

    with tempfile.TemporaryDirectory() as folder:
        for here, registrar, there, other_registrar, child, (given, family) in ACROSS:
            again = child.model_copy(update={"given_name": given, "family_name": family})
            key = f"demo-across-{here}-{there}"
            case_actions.create_case(deployment, principal_of(deployment, registrar), child, key)
            case_actions.create_case(
                deployment, principal_of(deployment, other_registrar), again, f"{key}-again"
            )
            encoder = Encoder(secrets.token_bytes(32))  # the secret the two partners agree
            for exporter, importer in ((here, there), (there, here)):
                path = Path(folder) / f"{exporter}-for-{importer}.jsonl"
                export_encodings(deployment, encoder, path, country=exporter)
                partner_set = read_encoded(path, partner_seal(encoder.keys.secret))
                notices_from_partner(
                    deployment,
                    encoder,
                    partner_set,
                    PARTNER_NAMES[exporter],
                    str(path),
                    country=importer,
                )
