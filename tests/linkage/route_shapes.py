"""A family of route generators, not one: the knobs that make real route data differ from our
own default generator, and named variants far from it.

A threshold or a model tuned on one generator holds on that generator only. Every knob here is
something registrations on a real route do differently: how many namesakes there are (name
pools and how skewed their frequencies are), how families travel (siblings, twins, cousins
named after their grandfather), how clerks write (transliteration conventions, Arabic script,
typos, names in the wrong field), what they know of the date of birth (exact, 1 January as a
placeholder, or an estimated age and how far off it is), and how many children are registered
on both sides. `DEFAULT` is the generator the figures before this family were measured on:
it gives the very same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RouteShape:
    """How one generated route looks. Pool sizes beyond the named pools of `route_data` add
    synthetic names, spelled by each clerk's convention."""

    male_names: int = 20
    female_names: int = 6
    family_names: int = 14
    name_skew: float = 0.0  # Zipf exponent of name frequencies (0: every name alike)
    siblings: float = 0.3  # share of families with two or three children on the route
    twins: float = 0.0  # share of those whose two eldest are twins (same day of birth)
    grandfather: float = 0.0  # share of families with a cousin named after the grandfather
    left_convention: str = "fr"
    right_conventions: tuple[str, ...] = ("en", "it", "so")
    arabic: float = 0.25  # share of right-side registrations written in Arabic script
    left_dates: float = 0.4  # share of left registrations with a date of birth (else an age)
    right_dates: float = 0.25
    placeholder: float = 0.3  # share of those dates that are 1 January of the year
    left_age_error: tuple[int, ...] = (-1, 0, 0, 1)  # estimated age minus true age, drawn
    right_age_error: tuple[int, ...] = (-2, -1, 0, 0, 0, 1, 2)
    typos: float = 0.12  # right side, Latin script
    swapped: float = 0.10  # given and family names swapped (right side)
    father_in_given: float = 0.10  # father's name written into the given-name field (right)
    confused_nationality: float = 0.05  # right side
    left_missing_place: float = 0.3  # birth place and mother's name left blank
    right_missing_place: float = 0.5
    overlap: float = 0.6  # share of left children registered on the right too


DEFAULT = RouteShape()

VARIANTS: dict[str, RouteShape] = {
    "default": DEFAULT,
    # Few names, big families, cousins named after their grandfather, twins: many namesakes.
    "namesakes": replace(
        DEFAULT,
        male_names=10,
        female_names=4,
        family_names=6,
        siblings=0.55,
        twins=0.25,
        grandfather=0.4,
    ),
    # Many names with skewed frequencies (a few very common, a long tail of rare ones).
    "diverse": replace(DEFAULT, male_names=120, female_names=60, family_names=150, name_skew=1.1),
    # English-writing clerks on the left; most right registrations in Arabic script.
    "arabic": replace(
        DEFAULT, left_convention="en", right_conventions=("it", "en"), arabic=0.6, typos=0.05
    ),
    # Hardly any exact date, placeholders, ages estimated three years off, more typos.
    "estimated": replace(
        DEFAULT,
        left_dates=0.1,
        right_dates=0.05,
        placeholder=0.7,
        left_age_error=(-2, -1, 0, 1, 2),
        right_age_error=(-3, -2, -1, 0, 1, 2, 3),
        typos=0.3,
        swapped=0.2,
        father_in_given=0.2,
    ),
    # Few of the left children reach the right side.
    "sparse": replace(DEFAULT, overlap=0.2, siblings=0.45, grandfather=0.2),
    # Nearly every child is on both sides, with clean Latin spelling and exact dates.
    "dense": replace(
        DEFAULT,
        overlap=0.9,
        arabic=0.0,
        left_dates=0.8,
        right_dates=0.6,
        placeholder=0.1,
        typos=0.05,
    ),
}
