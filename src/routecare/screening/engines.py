"""The catalogues a deployment offers (built-in plus its own) and their compiled engines."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from routecare.screening.catalogue import DEFAULT_CATALOGUE, CatalogueError, CatalogueRegistry
from routecare.screening.engine import DecisionTable, Engine


@lru_cache(maxsize=8)
def _registry(catalogue_dir: Path) -> CatalogueRegistry:
    return CatalogueRegistry(catalogue_dir)


@lru_cache(maxsize=32)
def _engine(catalogue_dir: Path, key: str) -> Engine:
    return Engine(_registry(catalogue_dir).get(key), DecisionTable())


def engine_for(data_dir: Path, key: str = DEFAULT_CATALOGUE) -> Engine:
    """The engine of catalogue `key`; an organisation's own catalogues live in
    DATA_DIR/catalogues/<name>-<version>.yaml."""
    return _engine((data_dir / "catalogues").resolve(), key)


def available_catalogues(data_dir: Path) -> list[str]:
    return _registry((data_dir / "catalogues").resolve()).keys()


__all__ = ["CatalogueError", "available_catalogues", "engine_for"]
