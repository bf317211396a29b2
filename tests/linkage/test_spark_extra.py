"""Spark is an optional extra: without pyspark the engine names `routecare[spark]`, through
the Python API and through `routecare linkage match --engine spark`, and the in-process
engine needs none of it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from routecare.linkage.spark_extra import SparkNotInstalled
from tests.linkage.route_data import generate, write_csv
from tests.linkage.test_cli_contract import SECRET, run


@pytest.fixture
def without_pyspark(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process in which pyspark cannot be imported, as in an install without the extra."""
    for name in [n for n in sys.modules if n == "pyspark" or n.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # None: `import pyspark` raises
    monkeypatch.delitem(sys.modules, "routecare.linkage.spark_backend", raising=False)


@pytest.mark.usefixtures("without_pyspark")
def test_the_spark_engine_names_the_extra_when_pyspark_is_absent() -> None:
    with pytest.raises(SparkNotInstalled, match=r"routecare\[spark\]"):
        importlib.import_module("routecare.linkage.spark_backend")


@pytest.mark.usefixtures("without_pyspark")
def test_cli_spark_engine_without_the_extra_fails_clearly_and_in_process_still_links(
    tmp_path: Path,
) -> None:
    left, right, _ = generate(60, seed=3)
    (tmp_path / "key").write_text(SECRET, encoding="utf-8")
    for side, rows in (("left", left), ("right", right)):
        plain = write_csv(tmp_path / f"{side}.csv", rows)
        result = run(
            "encode", "--secret-file", str(tmp_path / "key"), str(plain), f"{tmp_path / side}.enc"
        )
        assert result.exit_code == 0, result.output
    outputs = {}
    for engine in ("spark", "in-process"):
        outputs[engine] = run(
            "match",
            str(tmp_path / "left.enc"),
            str(tmp_path / "right.enc"),
            "--output",
            str(tmp_path / f"{engine}.csv"),
            "--engine",
            engine,
        )
    assert outputs["spark"].exit_code == 1
    assert "routecare[spark]" in outputs["spark"].output
    assert not (tmp_path / "spark.csv").exists()
    assert outputs["in-process"].exit_code == 0, outputs["in-process"].output
