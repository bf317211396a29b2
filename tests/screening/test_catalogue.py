"""The published catalogue and the `routecare screening indicators --json` contract."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from routecare.cli import app
from routecare.screening.catalogue import (
    BUILT_IN_DIR,
    PUBLISHED_HASHES,
    CatalogueError,
    CatalogueRegistry,
    Form,
    load_catalogue,
    published_hashes,
)
from tests.screening.conftest import TEST_CATALOGUE


def test_indicators_json_contract() -> None:
    result = CliRunner().invoke(app, ["screening", "indicators", "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    assert listing["version"] == "routecare-core-1.0"
    indicators = listing["indicators"]
    assert len(indicators) >= 60
    for item in indicators:
        assert {"id", "element", "strength", "dimension", "forms", "text"} <= item.keys()
        assert item["strength"] in {"strong", "medium", "weak"}
        assert set(item["text"]) >= {"en", "fr", "ar"} and all(item["text"].values())
    elements = {item["element"] for item in indicators}
    assert elements == {"act", "means", "purpose", "smuggling", "vulnerability"}
    purpose_forms = {
        f for item in indicators if item["element"] == "purpose" for f in item["forms"]
    }
    assert purpose_forms == {form.value for form in Form}
    assert len({item["id"] for item in indicators}) == len(indicators)


def test_a_catalogue_that_breaks_its_schema_is_refused_by_name(tmp_path: Path) -> None:
    broken = tmp_path / "test-1.0.yaml"
    text = TEST_CATALOGUE.read_text(encoding="utf-8")
    broken.write_text(text.replace("element: purpose", "element: profit", 1), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"test-1.0.yaml: indicators\.1\.element"):
        load_catalogue(broken)
    wrong_name = tmp_path / "test-2.0.yaml"
    shutil.copy(TEST_CATALOGUE, wrong_name)
    with pytest.raises(CatalogueError, match="must be named test-1.0.yaml"):
        load_catalogue(wrong_name)


def test_an_organisation_adds_its_own_version_and_cannot_overwrite_a_published_one(
    tmp_path: Path,
) -> None:
    shutil.copy(TEST_CATALOGUE, tmp_path / "test-1.0.yaml")
    registry = CatalogueRegistry(tmp_path)
    assert {"test-1.0", "routecare-core-1.0"} <= set(registry.keys())
    assert registry.get("test-1.0").sha256
    shutil.copy(Path(registry._paths["routecare-core-1.0"]), tmp_path / "routecare-core-1.0.yaml")
    with pytest.raises(CatalogueError, match="already published"):
        CatalogueRegistry(tmp_path)


def test_every_built_in_version_is_published_by_hash() -> None:
    listed = published_hashes(BUILT_IN_DIR)
    assert set(listed) == {path.name for path in BUILT_IN_DIR.glob("*.yaml")}
    registry = CatalogueRegistry()
    for key in registry.keys():  # noqa: SIM118 (a registry, not a dict)
        assert registry.get(key).sha256 == listed[f"{key}.yaml"]


def test_a_published_version_that_was_edited_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "test-1.0.yaml"
    shutil.copy(TEST_CATALOGUE, copy)
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    (tmp_path / PUBLISHED_HASHES).write_text(f"{digest}  test-1.0.yaml\n", encoding="utf-8")
    assert load_catalogue(copy).sha256 == digest
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="test-1.0.yaml: changed after publication"):
        load_catalogue(copy)
