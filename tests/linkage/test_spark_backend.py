"""The Spark engine returns the same links as the in-process default on a small set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from routecare.linkage.matching import THRESHOLDS, link
from routecare.linkage.spark_backend import spark_blocking
from tests.linkage.helpers import encoded
from tests.linkage.route_data import generate

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local[2] session per module: Spark startup is the slow part."""
    session = (
        SparkSession.builder.master("local[2]")
        .appName("routecare-linkage-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.mark.parametrize("band", ["possible", "probable"])
def test_spark_links_equal_default_links(spark: SparkSession, band: str) -> None:
    left, right, _ = generate(300, seed=5)
    a, b = encoded(left), encoded(right)
    default = link(a, b, THRESHOLDS[band])
    on_spark = link(a, b, THRESHOLDS[band], blocking=spark_blocking(spark))
    assert default
    assert on_spark == default
