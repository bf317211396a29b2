"""Indicator catalogues: versioned YAML, validated on load, immutable once published.

Every screening stores the catalogue key (`name-version`) and its SHA-256, so an old screening
is explained with the exact catalogue it was scored against, even after a new one is adopted.
Organisations add their own versions as files in `DATA_DIR/catalogues/`. A version is
published by listing its hash in the folder's `SHA256SUMS` (`sha256sum` format); a listed file
whose content changed is refused, so a published version can only be superseded, never edited.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from routecare.cases.vocabulary import Exploitation

BUILT_IN_DIR = Path(__file__).parent / "catalogues"
DEFAULT_CATALOGUE = "routecare-core-1.0"
LANGUAGES = ("en", "fr", "ar")
PUBLISHED_HASHES = "SHA256SUMS"


class CatalogueError(ValueError):
    """A catalogue file is missing, unreadable or breaks the schema."""


class Element(StrEnum):
    ACT = "act"
    MEANS = "means"
    PURPOSE = "purpose"
    SMUGGLING = "smuggling"
    VULNERABILITY = "vulnerability"


class Strength(StrEnum):
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


# The HTCDS forms of exploitation: one vocabulary for screenings and cases.
Form = Exploitation


MEANS_DIMENSIONS = frozenset(
    {
        "deceptive_recruitment",
        "coercive_recruitment",
        "recruitment_abuse_of_vulnerability",
        "coercion_at_destination",
        "abuse_of_vulnerability_at_destination",
    }
)
RECRUITMENT_DIMENSIONS = frozenset(
    {"deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability"}
)
DESTINATION_DIMENSIONS = frozenset(
    {"coercion_at_destination", "abuse_of_vulnerability_at_destination"}
)
DIMENSIONS_OF: dict[Element, frozenset[str]] = {
    Element.ACT: frozenset({"act"}),
    Element.MEANS: MEANS_DIMENSIONS,
    Element.PURPOSE: frozenset({"exploitative_conditions"}),
    Element.SMUGGLING: frozenset({"smuggling"}),
    Element.VULNERABILITY: frozenset({"route_risk"}),
}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=400)]


class Translated(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    en: Text
    fr: Text
    ar: Text


class StrengthByPopulation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    adult: Strength
    child: Strength


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z]+(\.[a-z0-9_]+)+$", max_length=80)]
    element: Element
    dimension: str
    strength: StrengthByPopulation
    forms: tuple[Form, ...] = ()
    source: str
    text: Translated
    child_text: Translated

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if not self.id.startswith(f"{self.element.value}."):
            raise ValueError(f"indicator {self.id}: id must start with '{self.element.value}.'")
        if self.dimension not in DIMENSIONS_OF[self.element]:
            allowed = ", ".join(sorted(DIMENSIONS_OF[self.element]))
            raise ValueError(f"indicator {self.id}: dimension must be one of {allowed}")
        if self.element is Element.PURPOSE and not self.forms:
            raise ValueError(f"indicator {self.id}: a purpose indicator names its forms")
        return self


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$")]
    published: str
    title: Translated
    sources: dict[str, str]
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    sha256: str = ""

    @model_validator(mode="after")
    def _references(self) -> Catalogue:
        seen: set[str] = set()
        for indicator in self.indicators:
            if indicator.id in seen:
                raise ValueError(f"indicator id {indicator.id} appears twice")
            seen.add(indicator.id)
            if indicator.source not in self.sources:
                raise ValueError(f"indicator {indicator.id}: unknown source {indicator.source!r}")
        return self

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate one catalogue file; the error names the file and the broken rule."""
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw)
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueError(f"{path.name}: cannot be read as YAML: {error}") from error
    sha256 = hashlib.sha256(raw).hexdigest()
    published = published_hashes(path.parent).get(path.name)
    if published is not None and published != sha256:
        raise CatalogueError(
            f"{path.name}: changed after publication (SHA-256 {sha256}, published {published}); "
            "publish a new version instead"
        )
    if not isinstance(data, dict):
        raise CatalogueError(f"{path.name}: a catalogue is a YAML mapping")
    try:
        catalogue = Catalogue.model_validate({**data, "sha256": sha256})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'catalogue'}: {e['msg']}"
            for e in error.errors()
        )
        raise CatalogueError(f"{path.name}: {problems}") from error
    if path.stem != catalogue.key:
        raise CatalogueError(f"{path.name}: the file must be named {catalogue.key}.yaml")
    return catalogue


def published_hashes(directory: Path) -> dict[str, str]:
    """The folder's published versions: file name -> SHA-256, from its `SHA256SUMS`."""
    manifest = directory / PUBLISHED_HASHES
    if not manifest.is_file():
        return {}
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return {name.lstrip("*"): digest for digest, name in (line.split() for line in lines if line)}


def catalogue_paths(extra_dir: Path | None = None) -> dict[str, Path]:
    """Every available catalogue file by key: built-in ones and an organisation's own."""
    paths = {p.stem: p for p in sorted(BUILT_IN_DIR.glob("*.yaml"))}
    if extra_dir is not None and extra_dir.is_dir():
        for path in sorted(extra_dir.glob("*.yaml")):
            if path.stem in paths:
                raise CatalogueError(f"{path.name}: version {path.stem} is already published")
            paths[path.stem] = path
    return paths


class CatalogueRegistry:
    """Loads each catalogue once; a deployment's screenings name the key they used."""

    def __init__(self, extra_dir: Path | None = None) -> None:
        self._paths = catalogue_paths(extra_dir)
        self._loaded: dict[str, Catalogue] = {}

    def keys(self) -> list[str]:
        return sorted(self._paths)

    def get(self, key: str = DEFAULT_CATALOGUE) -> Catalogue:
        if key not in self._loaded:
            if key not in self._paths:
                raise CatalogueError(f"no catalogue {key!r}; available: {', '.join(self.keys())}")
            self._loaded[key] = load_catalogue(self._paths[key])
        return self._loaded[key]
