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
from tests.linkage.route_shapes import DEFAULT, RouteShape

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
    kin: int = 0  # the family a child travels with: siblings and a grandfather's namesake share it


def _synthetic(count: int, taken: set[str], kind: str) -> list[str]:
    """`count` made-up canonical names (English-like spelling, which each clerk's convention
    respells), the same on every call: pools larger than the named ones."""
    rng = random.Random(f"synthetic {kind} names")
    onsets = ["b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "r", "s", "sh", "t", "w", "y", "z"]
    names: list[str] = []
    while len(names) < count:
        syllables = rng.randint(2, 3)
        name = "".join(rng.choice(onsets) + rng.choice("aiuoe") for _ in range(syllables))
        name += rng.choice(["", "", "n", "m", "r"])
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


@dataclass(frozen=True)
class Names:
    """The name pools of one shape, and how often each name is drawn."""

    male: list[str]
    female: list[str]
    family: list[str]
    skew: float

    @classmethod
    def of(cls, shape: RouteShape) -> Names:
        taken = set(MALE + FEMALE + FAMILY)

        def pool(named: list[str], size: int, kind: str) -> list[str]:
            return named[:size] + _synthetic(max(0, size - len(named)), taken, kind)

        return cls(
            pool(MALE, shape.male_names, "male"),
            pool(FEMALE, shape.female_names, "female"),
            pool(FAMILY, shape.family_names, "family"),
            shape.name_skew,
        )

    def pick(self, pool: list[str], rng: random.Random) -> str:
        if not self.skew:
            return rng.choice(pool)
        return rng.choices(
            pool, weights=[1 / (rank + 1) ** self.skew for rank in range(len(pool))]
        )[0]

    def sample(self, pool: list[str], count: int, rng: random.Random) -> list[str]:
        if not self.skew:
            return rng.sample(pool, count)
        chosen: list[str] = []
        while len(chosen) < count:
            name = self.pick(pool, rng)
            if name not in chosen:
                chosen.append(name)
        return chosen


def _people(count: int, rng: random.Random, shape: RouteShape = DEFAULT) -> list[Person]:
    names = Names.of(shape)
    people: list[Person] = []
    kin = 0
    while len(people) < count:
        kin += 1
        family, father = names.pick(names.family, rng), names.pick(names.male, rng)
        mother, mother_family = names.pick(names.female, rng), names.pick(names.family, rng)
        nationality, place = rng.choice(NATIONALITIES), rng.choice(PLACES)
        eldest = date(2026, 1, 1) - timedelta(days=rng.randint(12 * 365, 17 * 365))
        siblings = 1 if rng.random() < 1 - shape.siblings else rng.randint(2, 3)
        twins = siblings > 1 and shape.twins > 0 and rng.random() < shape.twins
        given_names = names.sample(
            [n for n in names.male + names.female if n != father], siblings, rng
        )
        for order, given in enumerate(given_names):
            gap = 0 if twins and order == 1 else order * rng.randint(400, 1500)
            people.append(
                Person(
                    given,
                    father,
                    family,
                    mother,
                    mother_family,
                    "f" if given in names.female else "m",
                    eldest + timedelta(days=gap),
                    nationality,
                    place,
                    kin,
                )
            )
        if shape.grandfather and rng.random() < shape.grandfather:
            # The father's brother named his child after their father too: a cousin with the
            # same given and family names, of about the same age, from the same place.
            uncle = names.pick([n for n in names.male if n != father], rng)
            people.append(
                Person(
                    given_names[0],
                    uncle,
                    family,
                    names.pick(names.female, rng),
                    names.pick(names.family, rng),
                    "f" if given_names[0] in names.female else "m",
                    eldest + timedelta(days=rng.randint(-700, 700)),
                    nationality,
                    place,
                    kin,
                )
            )
    return people[:count]


# How a clerk respells a name the published variants do not list (synthetic names).
RESPELLING = {
    "fr": [("sh", "ch"), ("j", "dj"), ("u", "ou"), ("w", "ou")],
    "en": [],
    "ar": [],
    "it": [("sh", "sc"), ("j", "gi"), ("k", "c"), ("w", "u")],
    "so": [("h", "x"), ("j", "j")],
}


def _spell(
    canonical: str,
    variants: dict[str, list[tuple[str, str, str]]],
    rng: random.Random,
    convention: str,
    arabic: bool,
) -> str:
    options = variants.get(canonical)
    if not options:
        spelled = canonical
        for written, respelled in RESPELLING[convention]:
            spelled = spelled.replace(written, respelled)
        return spelled.capitalize()
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


@dataclass(frozen=True)
class Clerk:
    """How one side's clerks register a child (drawn from a `RouteShape`)."""

    convention: str
    arabic: float
    dates: float
    placeholder: float
    age_error: tuple[int, ...]
    typos: float = 0.0
    swapped: float = 0.0
    father_in_given: float = 0.0
    confused_nationality: float = 0.0
    missing_place: float = 0.3


def _row(
    record_id: str,
    person: Person,
    rng: random.Random,
    variants: dict,
    clerk: Clerk,
    registered: date,
) -> dict[str, str]:
    script = rng.random() < clerk.arabic
    convention = clerk.convention
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
    if clerk.swapped and rng.random() < clerk.swapped:
        given, family = family, given
    if clerk.father_in_given and rng.random() < clerk.father_in_given:
        given, father = f"{given} {father}", ""
    if clerk.typos and rng.random() < clerk.typos and not script:
        given = _typo(given, rng)
    age = (
        registered.year
        - person.born.year
        - ((registered.month, registered.day) < (person.born.month, person.born.day))
    )
    birth_date, estimated = "", ""
    if rng.random() < clerk.dates:
        birth_date = (
            date(person.born.year, 1, 1) if rng.random() < clerk.placeholder else person.born
        ).isoformat()
    else:
        estimated = str(age + rng.choice(clerk.age_error))
    nationality = person.nationality
    if clerk.confused_nationality and rng.random() < clerk.confused_nationality:
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
        "birth_place": "" if rng.random() < clerk.missing_place else person.place,
        "mother_name": "" if rng.random() < clerk.missing_place else mother,
    }


def _travellers(
    size: int, rng: random.Random, shape: RouteShape, overlap: float
) -> tuple[list[Person], list[Person], int]:
    """The children registered on the left, those on the right, and how many are on both
    (the first ones of each list)."""
    people = _people(int(size * (2 - overlap)) + 1, rng, shape)
    shared = int(size * overlap)
    return people[:size], people[:shared] + people[size : size + size - shared], shared


def people_of(
    size: int, seed: int = 1, overlap: float | None = None, shape: RouteShape = DEFAULT
) -> dict[str, Person]:
    """Who each record of `generate` (same arguments) is, by record id: to tell twins,
    siblings, cousins and unrelated namesakes apart among wrong links."""
    overlap = shape.overlap if overlap is None else overlap
    left, right, _ = _travellers(size, random.Random(seed), shape, overlap)
    return {f"N{k}": p for k, p in enumerate(left)} | {f"I{k}": p for k, p in enumerate(right)}


def generate(
    size: int, seed: int = 1, overlap: float | None = None, shape: RouteShape = DEFAULT
) -> tuple[list[dict[str, str]], list[dict[str, str]], set[tuple[str, str]]]:
    """(Niger registrations, Italy/Libya registrations, true links) of `size` children each,
    shaped by `shape` (`overlap`, when given, in place of the shape's)."""
    rng = random.Random(seed)
    variants = load_variants()
    overlap = shape.overlap if overlap is None else overlap
    left_people, right_people, shared = _travellers(size, rng, shape, overlap)
    home = Clerk(
        shape.left_convention,
        0.0,
        shape.left_dates,
        shape.placeholder,
        shape.left_age_error,
        missing_place=shape.left_missing_place,
    )
    left = [
        _row(
            f"N{k}", p, rng, variants, home, date(2025, 3, 1) + timedelta(days=rng.randint(0, 200))
        )
        for k, p in enumerate(left_people)
    ]
    right = []
    for k, p in enumerate(right_people):
        convention = rng.choice(shape.right_conventions)
        registered = date(2025, 11, 1) + timedelta(days=rng.randint(0, 200))
        clerk = Clerk(
            convention,
            shape.arabic,
            shape.right_dates,
            shape.placeholder,
            shape.right_age_error,
            shape.typos,
            shape.swapped,
            shape.father_in_given,
            shape.confused_nationality,
            shape.right_missing_place,
        )
        right.append(_row(f"I{k}", p, rng, variants, clerk, registered))
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
