"""`routecare screening score INPUT.json`: the engine from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from routecare.cli import app
from routecare.screening.catalogue import CatalogueRegistry


def strong_child_purpose(count: int = 2) -> dict[str, bool]:
    catalogue = CatalogueRegistry().get()
    ids = [
        i.id
        for i in catalogue.indicators
        if i.element.value == "purpose" and i.strength.child.value == "strong"
    ]
    return dict.fromkeys(ids[:count], True)


def _score(tmp_path: Path, body: object) -> tuple[int, str]:
    path = tmp_path / "input.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    result = CliRunner().invoke(app, ["screening", "score", str(path)])
    return result.exit_code, result.output


def test_score_prints_the_contract(tmp_path: Path) -> None:
    code, output = _score(
        tmp_path, {"age": 15, "age_basis": "claimed", "answers": strong_child_purpose()}
    )
    assert code == 0, output
    result = json.loads(output)
    assert result["outcome"] == "presumed_trafficking"
    assert result["treated_as_child"] is True
    for key in ("elements", "reasons", "next_steps", "catalogue_version"):
        assert key in result
    assert result["catalogue_version"] == "routecare-core-1.0"


def test_unknown_age_is_a_child_with_an_age_assessment(tmp_path: Path) -> None:
    code, output = _score(tmp_path, {"age": None, "age_basis": "unknown", "answers": {}})
    result = json.loads(output)
    assert result["treated_as_child"] and result["outcome"] == "no_indicators"
    codes = [s["code"] for s in result["next_steps"]]
    assert "request_age_assessment" in codes
    assert "refer_child_protection_if_unaccompanied" in codes


def test_an_unknown_indicator_is_named(tmp_path: Path) -> None:
    code, output = _score(
        tmp_path, {"age": 15, "age_basis": "claimed", "answers": {"purpose.made_up": True}}
    )
    assert code == 1 and "purpose.made_up" in output


def test_a_malformed_file_is_named(tmp_path: Path) -> None:
    code, output = _score(tmp_path, '{"age": 15, "answers": ')
    assert code == 1 and "input.json" in output and "JSON" in output
    code, output = _score(tmp_path, {"age": "fifteen", "age_basis": "claimed", "answers": {}})
    assert code == 1 and "age" in output
    code, output = _score(tmp_path, {"age": 15, "age_basis": "rumoured", "answers": {}})
    assert code == 1 and "age_basis" in output
