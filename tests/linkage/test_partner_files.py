"""`routecare linkage export` and `notices-from`: partners exchange encodings only, and a
partner's file becomes match notices that hold no identity."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from routecare.linkage.models import ChildEncoding, MatchNotice
from routecare.linkage.records import COLUMNS
from routecare.linkage.sealing import partner_seal
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.linkage.registrations import open_case, register_population

SECRET = "the secret Niger and Italy agreed"


def _partner_file(tmp_path: Path, secret: Path) -> Path:
    """Italy's registrations, one of them the boy Niger registered, spelled the Italian way."""
    rows = [
        {
            "record_id": "ITA-7731",
            "given_name": "Abdulai",
            "family_name": "Jallow",
            "father_name": "Ibrahim",
            "sex": "male",
            "age": "15",
            "registered_on": "2026-11-20",
            "nationality": "GIN",
        },
        {
            "record_id": "ITA-7732",
            "given_name": "Chiara",
            "family_name": "Bianchi",
            "father_name": "Marco",
            "sex": "female",
            "age": "12",
            "registered_on": "2026-11-20",
            "nationality": "ITA",
        },
    ]
    source = tmp_path / "italy.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    encoded = tmp_path / "italy.encoded"
    result = run_cli_plain("encode", "--secret-file", str(secret), str(source), str(encoded))
    assert result.exit_code == 0, result.output
    return encoded


def run_cli_plain(*args: str) -> object:
    from typer.testing import CliRunner

    from routecare.cli import app

    return CliRunner().invoke(app, ["linkage", *args], catch_exceptions=False)


def test_notices_from_a_partner_file_hold_no_identity(world: World, tmp_path: Path) -> None:
    secret = tmp_path / "partner.key"
    secret.write_text(SECRET)
    register_population(world, size=100)
    ours = open_case(world.api("case_worker"), "Abdoulaye", "Diallo", "Ibrahima")
    partner_file = _partner_file(tmp_path, secret)

    args = ("linkage", "notices-from", str(partner_file), "--secret-file", str(secret))
    result = run_cli(world.deployment, *args, "--partner", "Italy (Sicily Minors Network)")
    assert result.exit_code == 0, result.output
    assert "1 new match notices" in result.output
    again = run_cli(world.deployment, *args, "--partner", "Italy (Sicily Minors Network)")
    assert "0 new match notices" in again.output

    with world.deployment.database.transaction() as session:
        notices = session.execute(select(MatchNotice)).scalars().all()
        stored = [str(vars(n)) for n in notices]
    assert [n.partner_record_id for n in notices] == ["ITA-7731"]
    assert not any(name in row for row in stored for name in ("Abdoulaye", "Diallo", "Abdulai"))
    listed = world.api("coordinator").get("/api/v1/linkage/notices").json()
    assert [(n["case_reference"], n["partner_record_id"]) for n in listed] == [(ours, "ITA-7731")]


def test_export_writes_encodings_only(world: World, tmp_path: Path) -> None:
    secret = tmp_path / "partner.key"
    secret.write_text(SECRET)
    reference = open_case(world.api("case_worker"), "Abdoulaye", "Diallo", "Ibrahima")
    output = tmp_path / "niger.encoded"
    result = run_cli(
        world.deployment, "linkage", "export", "--secret-file", str(secret), str(output)
    )
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2  # header and one child
    for plain in ("Abdoulaye", "abdoulaye", "Diallo", "diallo", "Ibrahima", reference, "GIN"):
        assert plain not in text
    # The partner can match it with the contract's `match` command.
    partner_file = _partner_file(tmp_path, secret)
    matches = tmp_path / "matches.csv"
    linked = run_cli_plain(
        "match",
        str(output),
        str(partner_file),
        "--output",
        str(matches),
        "--threshold",
        "0.5",
        "--secret-file",
        str(secret),
    )
    assert linked.exit_code == 0, linked.output


def test_a_partner_file_under_another_secret_is_refused(world: World, tmp_path: Path) -> None:
    secret, wrong = tmp_path / "partner.key", tmp_path / "wrong.key"
    secret.write_text(SECRET)
    wrong.write_text("a different secret altogether")
    open_case(world.api("case_worker"), "Abdoulaye", "Diallo", "Ibrahima")
    partner_file = _partner_file(tmp_path, secret)
    result = run_cli(
        world.deployment,
        "linkage",
        "notices-from",
        str(partner_file),
        "--secret-file",
        str(wrong),
        "--partner",
        "Italy",
    )
    assert result.exit_code == 1
    assert "encoded with another secret" in result.output
    missing = run_cli(
        world.deployment,
        "linkage",
        "notices-from",
        str(tmp_path / "none.encoded"),
        "--secret-file",
        str(secret),
        "--partner",
        "Italy",
    )
    assert missing.exit_code == 1 and "none.encoded" in missing.output
    with world.deployment.database.transaction() as session:
        assert session.execute(select(MatchNotice)).first() is None


def _exported_ids(world: World, secret: Path, output: Path) -> set[str]:
    result = run_cli(
        world.deployment, "linkage", "export", "--secret-file", str(secret), str(output)
    )
    assert result.exit_code == 0, result.output
    seal = partner_seal(secret.read_bytes().strip())
    lines = output.read_text(encoding="utf-8").splitlines()[1:]
    return {str(seal.open(json.loads(line)["sealed"], "test")["id"]) for line in lines}


def test_two_partners_cannot_join_their_exports_on_record_ids(world: World, tmp_path: Path) -> None:
    """Italy and Libya pool the files Niger sent them: no record id is common to both, nor a
    stored linkage id; the same partner gets the same ids every time (its notices hold)."""
    open_case(world.api("case_worker"), "Abdoulaye", "Diallo", "Ibrahima")
    open_case(world.api("case_worker"), "Aissatou", "Bah", "Mamadou")
    italy, libya = tmp_path / "italy.key", tmp_path / "libya.key"
    italy.write_text(SECRET)
    libya.write_text("the secret Niger and Libya agreed")
    to_italy = _exported_ids(world, italy, tmp_path / "italy.encoded")
    again = _exported_ids(world, italy, tmp_path / "italy-again.encoded")
    to_libya = _exported_ids(world, libya, tmp_path / "libya.encoded")
    with world.deployment.database.transaction() as session:
        stored = set(session.execute(select(ChildEncoding.linkage_id)).scalars())
    assert len(to_italy) == len(to_libya) == len(stored) == 2
    assert to_italy == again
    assert not to_italy & to_libya and not (to_italy | to_libya) & stored
