"""The small test catalogue with known strengths, compiled once."""

from __future__ import annotations

from pathlib import Path

import pytest

from routecare.screening.catalogue import load_catalogue
from routecare.screening.engine import Engine

TEST_CATALOGUE = Path(__file__).parent / "data" / "test-1.0.yaml"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(load_catalogue(TEST_CATALOGUE))
