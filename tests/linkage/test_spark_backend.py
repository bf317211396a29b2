"""The Spark engine returns the same links as the in-process default on a small set, through
the Python API and through `routecare linkage match --engine spark`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# Without the spark extra these tests cannot run; `make test` (and so CI) installs it.
pytest.importorskip("pyspark", reason="the spark extra is not installed: uv sync --extra spark")

from pyspark.sql import SparkSession  # noqa: E402

from routecare.linkage.matching import THRESHOLDS, link  # noqa: E402
from routecare.linkage.spark_backend import link_on_spark, spark_session  # noqa: E402
from tests.linkage.helpers import encoded  # noqa: E402
from tests.linkage.route_data import generate, write_csv  # noqa: E402
from tests.linkage.test_cli_contract import SECRET, run  # noqa: E402

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


def test_cli_spark_engine_writes_the_default_engines_matches(
    spark: SparkSession, tmp_path: Path
) -> None:
    left, right, _ = generate(300, seed=7)
    (tmp_path / "key").write_text(SECRET, encoding="utf-8")
    for side, rows in (("left", left), ("right", right)):
        plain = write_csv(tmp_path / f"{side}.csv", rows)
        encoded_file = str(tmp_path / f"{side}.enc")
        encoding = run("encode", "--secret-file", str(tmp_path / "key"), str(plain), encoded_file)
        assert encoding.exit_code == 0, encoding.output
    outputs = {}
    for engine in ("in-process", "spark"):
        output = tmp_path / f"{engine}.csv"
        result = run(
            "match",
            str(tmp_path / "left.enc"),
            str(tmp_path / "right.enc"),
            "--output",
            str(output),
            "--threshold",
            "possible",
            "--engine",
            engine,
            "--spark-master",
            "local[2]",
            "--secret-file",
            str(tmp_path / "key"),
        )
        assert result.exit_code == 0, result.output
        outputs[engine] = output.read_text(encoding="utf-8")
    assert "scoring on Spark" in result.output
    assert outputs["spark"] == outputs["in-process"]
    assert len(outputs["spark"].splitlines()) > 50


def test_a_model_fitted_on_a_sample_of_left_records_finds_nearly_the_same_links(
    spark: SparkSession,
) -> None:
    """Above `fit_pairs` candidate pairs the model is fitted on a sample of left records."""
    left, right, _ = generate(300, seed=5)
    a, b = encoded(left), encoded(right)
    default = {(lk.left_id, lk.right_id) for lk in link(a, b, THRESHOLDS["possible"])}
    steps: list[str] = []
    sampled = link_on_spark(
        spark, a, b, THRESHOLDS["possible"], progress=steps.append, fit_pairs=700
    )
    assert any("fitted on a sample of left records" in step for step in steps)
    found = {(lk.left_id, lk.right_id) for lk in sampled}
    assert len(found & default) >= 0.95 * len(default)
    assert len(found) <= 1.1 * len(default)
