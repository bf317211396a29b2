"""A field office's file is small: EM has a handful of matches to learn m from, and an
obvious match must still be called probable, whatever secret the partners agreed. The two
files are the demo's Italy and Niger registrations (routecare.demo.cross_border): one child
on both sides, born the same day, his names spelled by two clerks; within each file two
children registered twice, and namesakes across the files that are other children."""

from __future__ import annotations

from datetime import date

from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import THRESHOLDS, link
from routecare.linkage.records import Registration

Row = tuple[
    str, str, str, str, str, int | None, str
]  # given, father, family, sex, born, age, nationality
HERE: list[Row] = [
    ("Alhassane", "", "Touré", "m", "", 16, "GIN"),
    ("Abdulai", "", "Jallow", "m", "", 15, "GIN"),
    ("Djénéba", "", "Sangaré", "f", "", 16, "MLI"),
    ("Mohamed Lamine", "", "Kanté", "m", "", 17, "GIN"),
    ("Blessing", "", "Okafor", "f", "", 16, "NGA"),
    ("Thierno", "", "Bangoura", "m", "", 13, "MLI"),
    ("Kadija", "", "Kaba", "f", "", 14, "GIN"),
    ("Sekou", "", "Camara", "m", "", 15, "GIN"),
    ("Nene", "", "Sidibé", "f", "", 16, "MLI"),
    ("Alpha", "", "Sylla", "m", "", 17, "GIN"),
    ("Oumou", "", "Cissé", "f", "", 13, "GIN"),
    ("Boubacar", "", "Doumbouya", "m", "", 14, "MLI"),
    ("Fanta", "", "Fofana", "f", "", 15, "GIN"),
    ("Lamine", "Ousmane", "Dramé", "m", "2010-08-08", 15, "MLI"),
    ("Lamin", "Ousmane", "Darame", "m", "2010-08-08", 15, "MLI"),
    ("Fatoumata", "Karim", "Sylla", "f", "2011-02-14", 15, "MLI"),
    ("Fatoumata", "Karim", "Silla", "f", "2011-02-14", 15, "MLI"),
    ("Abubakar", "Sékou", "Traore", "m", "2010-05-03", 16, "GIN"),
]
THERE: list[Row] = [
    ("Mamadou Aliou", "", "Bah", "m", "", 15, "GIN"),
    ("Fatoumata Binta", "", "Sow", "f", "", 16, "GIN"),
    ("Ibrahima", "", "Kourouma", "m", "", 14, "GIN"),
    ("Aminata", "", "Traoré", "f", "", 13, "MLI"),
    ("Seydou", "", "Coulibaly", "m", "", 17, "MLI"),
    ("Moussa", "", "Keïta", "m", "", None, "MLI"),
    ("Ousmane", "", "Barry", "m", "", 16, "GIN"),
    ("Kadiatou", "", "Camara", "f", "", 15, "GIN"),
    ("Yao Kouassi", "", "N'Guessan", "m", "", 12, "CIV"),
    ("Thierno", "", "Sylla", "m", "", 13, "MLI"),
    ("Kadija", "", "Cissé", "f", "", 14, "GIN"),
    ("Sekou", "", "Doumbouya", "m", "", 15, "GIN"),
    ("Nene", "", "Fofana", "f", "", 16, "MLI"),
    ("Alpha", "", "Bangoura", "m", "", 17, "GIN"),
    ("Oumou", "", "Kaba", "f", "", 13, "GIN"),
    ("Boubacar", "", "Camara", "m", "", 14, "MLI"),
    ("Fanta", "", "Sidibé", "f", "", 15, "GIN"),
    ("Oumar", "Bakary", "Sangaré", "m", "2011-03-04", 15, "MLI"),
    ("Umaru", "Bakary", "Sangare", "m", "2011-03-04", 15, "MLI"),
    ("Mariam", "Lassana", "Kouyaté", "f", "2010-09-21", 15, "MLI"),
    ("Mariam", "Lassana", "Kouyate", "f", "2010-09-21", 15, "MLI"),
    ("Aboubacar", "Sékou", "Traoré", "m", "2010-05-03", 16, "GIN"),
]


def _registrations(side: str, rows: list[Row]) -> list[Registration]:
    return [
        Registration(
            f"{side}{k}",
            given,
            father,
            family,
            sex,
            date.fromisoformat(born) if born else None,
            age,
            date(2026, 12, 6),
            nationality,
            "",
            "",
            "",
        )
        for k, (given, father, family, sex, born, age, nationality) in enumerate(rows)
    ]


def test_a_small_office_calls_an_obvious_match_probable_whatever_the_secret() -> None:
    # With m drawn towards every level alike the child scored 0.43-0.86 over these secrets.
    here, there = _registrations("it", HERE), _registrations("ne", THERE)
    for k in range(20):
        encoder = Encoder(f"the secret two partners agreed, {k}".encode())
        links = link(encoder.encode_set(here), encoder.encode_set(there), THRESHOLDS["possible"])
        probable = [(lk.left_id, lk.right_id) for lk in links if lk.band == "probable"]
        assert probable == [("it17", "ne21")], (k, links)
