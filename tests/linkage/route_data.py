"""A synthetic route: the same children registered in Niger and again in Libya or Italy.

Clerks spell names in their own conventions (variants from the published name-variant set,
Arabic script in Libya), swap name order, put the father's name into the given-name field,
make typos, replace dates of birth by estimated ages or 1 January; siblings travel together.
The ground truth is known: person k is `N<k>` on the left and `I<k>` on the right.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from routecare.linkage.records import COLUMNS, OPTIONAL_COLUMNS

VARIANTS = Path(__file__).resolve().parents[2] / "src/routecare/linkage/data/name_variants.csv"
MALE = [
    "abdoulaye",
    "abdourahmane",
    "abdelkader",
    "mamadou",
    "mohamed",
    "ousmane",
    "ibrahima",
    "aboubacar",
    "moussa",
    "ismael",
    "youssouf",
    "souleymane",
    "cheikh",
    "lamine",
    "alhassane",
    "ahmed",
    "omar",
    "ali",
    "hussein",
    "yonas",
]
FEMALE = ["fatoumata", "aissatou", "mariama", "kadiatou", "hawa", "djeneba"]
FAMILY = [
    "diallo",
    "bah",
    "barry",
    "sow",
    "toure",
    "traore",
    "camara",
    "conde",
    "keita",
    "coulibaly",
    "kourouma",
    "soumah",
    "sangare",
    "tesfay",
]
PLACES = ["Labé", "Conakry", "Kankan", "Mamou", "Bamako", "Kayes", "Niamey", "Zinder", "Kindia"]
NATIONALITIES = ["GIN"] * 6 + ["MLI"] * 2 + ["CIV", "SEN", "NER", "ERI"]
CONFUSED = {"GIN": "MLI", "MLI": "GIN", "CIV": "GIN", "SEN": "GMB", "NER": "NGA", "ERI": "ETH"}


def load_variants() -> dict[str, list[tuple[str, str, str]]]:
    table: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with VARIANTS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table[row["canonical"]].append((row["variant"], row["script"], row["convention"]))
    return table


@dataclass
class Person:
    given: str
    father: str
    family: str
    mother: str
    mother_family: str
    sex: str
    born: date
    nationality: str
    place: str


def _people(count: int, rng: random.Random) -> list[Person]:
    people: list[Person] = []
    while len(people) < count:
        family, father = rng.choice(FAMILY), rng.choice(MALE)
        mother, mother_family = rng.choice(FEMALE), rng.choice(FAMILY)
        nationality, place = rng.choice(NATIONALITIES), rng.choice(PLACES)
        eldest = date(2026, 1, 1) - timedelta(days=rng.randint(12 * 365, 17 * 365))
        siblings = 1 if rng.random() < 0.7 else rng.randint(2, 3)
        given_names = rng.sample([n for n in MALE + FEMALE if n != father], siblings)
        for order, given in enumerate(given_names):
            people.append(
                Person(
                    given,
                    father,
                    family,
                    mother,
                    mother_family,
                    "f" if given in FEMALE else "m",
                    eldest + timedelta(days=order * rng.randint(400, 1500)),
                    nationality,
                    place,
                )
            )
    return people[:count]


def _spell(
    canonical: str,
    variants: dict[str, list[tuple[str, str, str]]],
    rng: random.Random,
    convention: str,
    arabic: bool,
) -> str:
    options = variants[canonical]
    if arabic:
        scripted = [v for v, s, _ in options if s == "arabic"]
        if scripted:
            return scripted[0]
    preferred = [v for v, s, c in options if c == convention and s == "latin"]
    latin = [v for v, s, _ in options if s == "latin"]
    return rng.choice(preferred or latin)


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    return (
        name[:i] + name[i + 1 :]
        if rng.random() < 0.5
        else name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    )


def _row(
    record_id: str,
    person: Person,
    rng: random.Random,
    variants: dict[str, list[tuple[str, str, str]]],
    *,
    convention: str,
    arabic: float,
    registered: date,
    messy: bool,
) -> dict[str, str]:
    script = rng.random() < arabic
    given = _spell(person.given, variants, rng, convention, script)
    father = _spell(person.father, variants, rng, convention, script)
    family = _spell(person.family, variants, rng, convention, script)
    mother = (
        _spell(person.mother, variants, rng, convention, script)
        + " "
        + _spell(person.mother_family, variants, rng, convention, script)
    )
    if convention == "fr":
        family = family.upper()
    if messy and rng.random() < 0.10:
        given, family = family, given
    if messy and rng.random() < 0.10:
        given, father = f"{given} {father}", ""
    if messy and rng.random() < 0.12 and not script:
        given = _typo(given, rng)
    age = (
        registered.year
        - person.born.year
        - ((registered.month, registered.day) < (person.born.month, person.born.day))
    )
    birth_date, estimated = "", ""
    if rng.random() < (0.25 if messy else 0.4):
        birth_date = (
            date(person.born.year, 1, 1) if rng.random() < 0.3 else person.born
        ).isoformat()
    else:
        estimated = str(age + rng.choice([-2, -1, 0, 0, 0, 1, 2] if messy else [-1, 0, 0, 1]))
    nationality = person.nationality
    if messy and rng.random() < 0.05:
        nationality = CONFUSED[nationality]
    return {
        "record_id": record_id,
        "given_name": given,
        "father_name": father,
        "family_name": family,
        "sex": {"f": "female", "m": "male"}[person.sex],
        "birth_date": birth_date,
        "age": estimated,
        "registered_on": registered.isoformat(),
        "nationality": nationality,
        "birth_place": "" if rng.random() < (0.5 if messy else 0.3) else person.place,
        "mother_name": "" if rng.random() < (0.5 if messy else 0.3) else mother,
    }


def generate(
    size: int, seed: int = 1, overlap: float = 0.6
) -> tuple[list[dict[str, str]], list[dict[str, str]], set[tuple[str, str]]]:
    """(Niger registrations, Italy/Libya registrations, true links) of `size` children each."""
    rng = random.Random(seed)
    variants = load_variants()
    people = _people(int(size * (2 - overlap)) + 1, rng)
    left_people = people[:size]
    shared = int(size * overlap)
    right_people = people[:shared] + people[size : size + size - shared]
    left = [
        _row(
            f"N{k}",
            p,
            rng,
            variants,
            convention="fr",
            arabic=0.0,
            registered=date(2025, 3, 1) + timedelta(days=rng.randint(0, 200)),
            messy=False,
        )
        for k, p in enumerate(left_people)
    ]
    right = [
        _row(
            f"I{k}",
            p,
            rng,
            variants,
            convention=rng.choice(["en", "it", "so"]),
            arabic=0.25,
            registered=date(2025, 11, 1) + timedelta(days=rng.randint(0, 200)),
            messy=True,
        )
        for k, p in enumerate(right_people)
    ]
    truth = {(f"N{k}", f"I{k}") for k in range(shared)}
    rng.shuffle(right)
    return left, right, truth


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        extra = [c for c in OPTIONAL_COLUMNS if any(c in row for row in rows)]
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, *extra])
        writer.writeheader()
        writer.writerows(rows)
    return path
