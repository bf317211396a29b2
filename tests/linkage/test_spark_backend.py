"""The Spark engine returns the same links as the in-process default on a small set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from routecare.linkage.matching import THRESHOLDS, link
from routecare.linkage.spark_backend import link_on_spark, spark_session
from tests.linkage.helpers import encoded
from tests.linkage.route_data import generate

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local[2] session per module: Spark startup is the slow part."""
    with spark_session("local[2]") as session:
        yield session


@pytest.mark.parametrize("band", ["possible", "probable"])
def test_spark_links_equal_default_links(spark: SparkSession, band: str) -> None:
    left, right, _ = generate(300, seed=5)
    a, b = encoded(left), encoded(right)
    default = link(a, b, THRESHOLDS[band])
    steps: list[str] = []
    on_spark = link_on_spark(spark, a, b, THRESHOLDS[band], progress=steps.append)
    assert default
    assert on_spark == default
    assert steps[-1] == "scoring on Spark"
