"""`routecare linkage encode | match | dedupe` as partners script them."""

from __future__ import annotations

import base64
import csv
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from routecare.cli import app
from routecare.linkage.matching import THRESHOLDS
from routecare.linkage.sealing import partner_seal
from tests.linkage.route_data import generate, write_csv

SECRET = "a secret the two partners agreed on"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["linkage", *args])


def match(key: Path, left: Path, right: Path, output: Path, *options: str) -> Result:
    return run(
        "match", str(left), str(right), "--output", str(output), "--secret-file", str(key), *options
    )


def opened(path: Path) -> list[dict]:
    """The records of an encoded file, opened with the partners' secret."""
    seal = partner_seal(SECRET.encode())
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [seal.open(json.loads(line)["sealed"], "test") for line in lines]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("linkage")
    left, right, truth = generate(400, seed=11)
    for number, row in enumerate(left[::3]):  # some children carry a passport or identity card
        row["document_number"] = f"GN-{number:07d}"
    (root / "key").write_text(SECRET, encoding="utf-8")
    paths = {
        "left": write_csv(root / "niger.csv", left),
        "right": write_csv(root / "italy.csv", right),
        "key": root / "key",
        "root": root,
    }
    with (root / "truth.json").open("w") as handle:
        json.dump(sorted(truth), handle)
    for side in ("left", "right"):
        result = run(
            "encode",
            "--seal",
            "--secret-file",
            str(paths["key"]),
            str(paths[side]),
            str(root / f"{side}.enc"),
        )
        assert result.exit_code == 0, result.output
        paths[f"{side}_enc"] = root / f"{side}.enc"
    return paths


def _encoded_strings(path: Path) -> list[bytes]:
    """Every value the encoding file carries once opened (Bloom filters decoded), JSON keys
    excluded."""
    lines = path.read_text(encoding="utf-8").splitlines()
    values: list[bytes] = [json.dumps(json.loads(lines[0])).encode()]
    for record in opened(path):
        values += [base64.b64decode(v) for v in record["bloom"].values()]
        for value in record["tokens"].values():
            values += [v.encode() for v in (value if isinstance(value, list) else [value])]
        values += [b.encode() for b in record["blocks"]]
    return values


def test_encodings_hold_no_plaintext(files: dict[str, Path]) -> None:
    carried = b"\n".join(_encoded_strings(files["left_enc"])).lower()
    ids = {record["id"] for record in opened(files["left_enc"])}
    with files["left"].open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column, value in row.items():
                if column != "record_id" and len(value) >= 4:
                    assert value.lower().encode() not in carried, f"{column} found in clear"
            assert row["record_id"] in ids


def test_without_the_secret_a_file_shows_no_encoding(files: dict[str, Path]) -> None:
    """The keyless thief: every record is sealed (no id, filter, token or blocking key to
    compare), and two encodings of the same registrations share no sealed text."""
    text = files["left_enc"].read_text(encoding="utf-8")
    lines = text.splitlines()
    assert all(set(json.loads(line)) == {"sealed"} for line in lines[1:])
    for clear in ('"bloom"', '"tokens"', '"blocks"', '"id"'):
        assert clear not in "\n".join(lines[1:])
    # No record id ("N1…") in clear: each sealed text is base64 alone (a random nonce may
    # make one begin with "N1", which is no id).
    assert not any('"' in json.loads(line)["sealed"] for line in lines[1:])
    again = files["root"] / "again.enc"
    assert (
        run(
            "encode", "--seal", "--secret-file", str(files["key"]), str(files["left"]), str(again)
        ).exit_code
        == 0
    )
    assert not set(lines[1:]) & set(again.read_text(encoding="utf-8").splitlines()[1:])
    assert opened(again) == opened(files["left_enc"])


def test_match_writes_one_to_one_links(files: dict[str, Path]) -> None:
    output = files["root"] / "matches.csv"
    result = match(files["key"], files["left_enc"], files["right_enc"], output)
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["left_id", "right_id", "score", "band"]
        rows = list(reader)
    assert len({r["left_id"] for r in rows}) == len(rows) == len({r["right_id"] for r in rows})
    probable = THRESHOLDS["probable"]
    assert all(r["band"] == "probable" and float(r["score"]) >= probable for r in rows)
    truth = {tuple(p) for p in json.loads((files["root"] / "truth.json").read_text())}
    correct = sum((r["left_id"], r["right_id"]) in truth for r in rows)
    assert correct / len(rows) >= 0.85  # precision at `probable` on route-like data
    assert correct / len(truth) >= 0.40
    looser = files["root"] / "possible.csv"
    linked = match(
        files["key"], files["left_enc"], files["right_enc"], looser, "--threshold", "possible"
    )
    assert linked.exit_code == 0
    assert len(looser.read_text().splitlines()) >= len(rows) + 1


def test_unsealed_files_link_without_the_secret_as_partners_script_it(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    """The partners' contract (`encode --secret-file KEY`, then `match LEFT RIGHT --output`)
    still holds: without --seal the file is not sealed and `match` needs no secret, with the
    same links as the sealed files give. A sealed file without the secret is refused by name."""
    unsealed = {}
    for side in ("left", "right"):
        unsealed[side] = tmp_path / f"{side}.enc"
        encoded = run(
            "encode", "--secret-file", str(files["key"]), str(files[side]), str(unsealed[side])
        )
        assert encoded.exit_code == 0, encoded.output
    plain, sealed = tmp_path / "plain.csv", tmp_path / "sealed.csv"
    result = run("match", str(unsealed["left"]), str(unsealed["right"]), "--output", str(plain))
    assert result.exit_code == 0, result.output
    assert match(files["key"], files["left_enc"], files["right_enc"], sealed).exit_code == 0
    assert plain.read_text(encoding="utf-8") == sealed.read_text(encoding="utf-8")
    assert len(plain.read_text(encoding="utf-8").splitlines()) > 10
    refused = run("match", str(files["left_enc"]), str(unsealed["right"]), "--output", str(plain))
    assert refused.exit_code == 1
    assert "left.enc: its encodings are sealed: pass --secret-file" in refused.output


def test_dedupe_clusters_a_dataset(files: dict[str, Path]) -> None:
    doubled = files["root"] / "doubled.csv"
    with files["left"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    copies = [{**r, "record_id": r["record_id"] + "-again"} for r in rows[:20]]
    write_csv(doubled, rows + copies)
    output = files["root"] / "clusters.csv"
    result = run("dedupe", str(doubled), "--output", str(output))
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8") as handle:
        clusters = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(handle)}
    together = sum(
        clusters[r["record_id"]] == clusters[r["record_id"] + "-again"] for r in rows[:20]
    )
    assert together >= 18


def test_missing_columns_are_named(tmp_path: Path, files: dict[str, Path]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,given_name\n1,Awa\n", encoding="utf-8")
    result = run("encode", "--secret-file", str(files["key"]), str(bad), str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "bad.csv: missing columns father_name" in result.output
    assert not (tmp_path / "out").exists()


def test_an_unparseable_date_names_the_row(tmp_path: Path, files: dict[str, Path]) -> None:
    with files["left"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:3]
    rows[1]["birth_date"] = "17/03/2011"
    path = write_csv(tmp_path / "dates.csv", rows)
    result = run("encode", "--secret-file", str(files["key"]), str(path), str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "dates.csv row 3: birth_date '17/03/2011' is not an ISO date" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("record_id", "", "row 3: record_id is empty"),
        ("record_id", "SAME", "row 3: record_id 'SAME' appears twice"),
        ("sex", "boy", "row 3: sex 'boy' is not female/male/unknown"),
        ("age", "14.5", "row 3: age '14.5' is not a whole number"),
        ("nationality", "GN", "row 3: nationality 'GN' is not ISO alpha-3"),
        ("registered_on", "2024-13-01", "row 3: registered_on '2024-13-01' is not an ISO date"),
    ],
)
def test_a_bad_value_names_its_row(
    tmp_path: Path, files: dict[str, Path], column: str, value: str, message: str
) -> None:
    with files["left"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:4]
    rows[0]["record_id"] = "SAME" if value == "SAME" else rows[0]["record_id"]
    rows[1][column] = value
    path = write_csv(tmp_path / "values.csv", rows)
    result = run("encode", "--secret-file", str(files["key"]), str(path), str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"values.csv {message}" in result.output
    assert not (tmp_path / "out").exists()


def test_columns_in_any_order_short_rows_and_blank_lines_read_the_same(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    """Spreadsheets drop trailing empty cells and leave blank lines; partners reorder columns."""
    with files["left"].open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)[:50]
    # Another order, the most often empty columns last, so that many rows end early.
    order = sorted(range(len(header)), key=lambda i: -sum(bool(row[i]) for row in rows))
    lines = [",".join(header[i] for i in order)]
    for number, row in enumerate(rows):
        cells = [row[i] for i in order]
        while cells and not cells[-1]:
            cells.pop()  # as a spreadsheet saves a row whose last cells are empty
        lines.append(",".join(f'"{c}"' for c in cells))
        if number % 10 == 0:
            lines.append("")
    assert sum(line.count(",") < len(header) - 1 for line in lines if line) > 10
    messy = tmp_path / "messy.csv"
    messy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tidy = tmp_path / "tidy.csv"
    with tidy.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    outputs = []
    for path in (messy, tidy):
        output = tmp_path / f"{path.stem}.enc"
        result = run("encode", "--seal", "--secret-file", str(files["key"]), str(path), str(output))
        assert result.exit_code == 0, result.output
        outputs.append(opened(output))
    assert outputs[0] == outputs[1]


def test_a_different_secret_is_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    other_key = tmp_path / "other"
    other_key.write_text("somebody else's secret, not agreed", encoding="utf-8")
    other = tmp_path / "other.enc"
    assert (
        run(
            "encode", "--seal", "--secret-file", str(other_key), str(files["right"]), str(other)
        ).exit_code
        == 0
    )
    result = match(files["key"], files["left_enc"], other, tmp_path / "m.csv")
    assert result.exit_code == 1 and "other.enc: encoded with another secret" in result.output
    assert not (tmp_path / "m.csv").exists()
    # Nor can the holder of another secret read a file: a forged header does not help.
    lines = files["left_enc"].read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["key_check"] = json.loads(other.read_text(encoding="utf-8").splitlines()[0])["key_check"]
    forged = tmp_path / "forged.enc"
    forged.write_text("\n".join([json.dumps(header), *lines[1:]]), encoding="utf-8")
    result = match(other_key, forged, other, tmp_path / "m.csv")
    assert result.exit_code == 1
    assert "forged.enc record 1: cannot be opened with this secret" in result.output
    assert not (tmp_path / "m.csv").exists()


@pytest.mark.parametrize("scheme", ["routecare-pprl/2", "routecare-pprl/0"])
def test_another_scheme_version_is_refused(
    tmp_path: Path, files: dict[str, Path], scheme: str
) -> None:
    """Scheme 2's files (encodings in clear) and any other version are refused by name."""
    lines = files["right_enc"].read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["scheme"] = scheme
    old = tmp_path / "old.enc"
    old.write_text("\n".join([json.dumps(header), *lines[1:]]), encoding="utf-8")
    result = match(files["key"], files["left_enc"], old, tmp_path / "m.csv")
    assert result.exit_code == 1
    assert f"old.enc: encoded with scheme '{scheme}'; this version matches" in result.output


def test_a_short_secret_is_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    short = tmp_path / "short"
    short.write_text("1234", encoding="utf-8")
    result = run("encode", "--secret-file", str(short), str(files["left"]), str(tmp_path / "o"))
    assert result.exit_code == 1 and "at least 16 bytes" in result.output


def test_a_file_with_no_registrations_encodes_and_links_to_nothing(
    files: dict[str, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    with files["left"].open(encoding="utf-8") as handle:
        empty.write_text(handle.readline(), encoding="utf-8")
    encoded = tmp_path / "empty.enc"
    encoding = run("encode", "--secret-file", str(files["key"]), str(empty), str(encoded))
    assert encoding.exit_code == 0, encoding.output
    output = tmp_path / "matches.csv"
    result = match(files["key"], encoded, files["right_enc"], output)
    assert result.exit_code == 0, result.output
    assert output.read_text(encoding="utf-8").splitlines() == ["left_id,right_id,score,band"]
    clusters = tmp_path / "clusters.csv"
    assert run("dedupe", str(empty), "--output", str(clusters)).exit_code == 0
    assert clusters.read_text(encoding="utf-8").splitlines() == ["record_id,cluster_id"]


@pytest.mark.parametrize(
    ("corrupt", "why"),
    [
        (lambda r: r.pop("id"), "'id'"),
        (lambda r: r.update(bloom=["not", "an", "object"]), "not a routecare-pprl"),
        (lambda r: r["bloom"].update(favourite_colour="AAAA"), "unknown filters"),
        (lambda r: r["bloom"].update(given_latin="not base64!"), "not a routecare-pprl"),
        (lambda r: r["bloom"].update(given_latin="AAAA"), "a filter has 24 bits, expected 256"),
        (lambda r: r["tokens"].update(sex="1" * 40), "is not a 64-bit hexadecimal number"),
        (lambda r: r.update(blocks=["zz"]), "not a routecare-pprl"),
    ],
)
def test_a_damaged_encoding_is_named_and_nothing_is_written(
    tmp_path: Path, files: dict[str, Path], corrupt: Callable[[dict], object], why: str
) -> None:
    """Damaged by a holder of the secret (sealed again after the damage): named all the same."""
    lines = files["right_enc"].read_text(encoding="utf-8").splitlines()
    record = opened(files["right_enc"])[2]
    corrupt(record)
    resealed = json.dumps({"sealed": partner_seal(SECRET.encode()).seal(record)})
    damaged = tmp_path / "damaged.enc"
    damaged.write_text("\n".join([*lines[:3], resealed, *lines[4:]]), encoding="utf-8")
    output = tmp_path / "m.csv"
    result = match(files["key"], files["left_enc"], damaged, output)
    assert result.exit_code == 1
    assert "damaged.enc record 3" in result.output and why in result.output
    assert not output.exists()


def test_a_changed_sealed_record_is_refused(tmp_path: Path, files: dict[str, Path]) -> None:
    """A record changed without the secret (one character of its sealed text) is refused."""
    lines = files["right_enc"].read_text(encoding="utf-8").splitlines()
    sealed = json.loads(lines[5])["sealed"]
    flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    changed = tmp_path / "changed.enc"
    changed.write_text(
        "\n".join([*lines[:5], json.dumps({"sealed": flipped}), *lines[6:]]), encoding="utf-8"
    )
    output = tmp_path / "m.csv"
    result = match(files["key"], files["left_enc"], changed, output)
    assert result.exit_code == 1
    assert "changed.enc record 5: cannot be opened with this secret" in result.output
    assert not output.exists()


def test_encode_and_match_start_without_the_database_layer(files: dict[str, Path]) -> None:
    """Partners script these: they must not wait for the web framework and the database."""
    script = (
        "import sys; from routecare.cli import main; sys.argv = sys.argv[1:]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code\n"
        "print(sorted({'sqlalchemy', 'fastapi', 'alembic'} & set(sys.modules)))"
    )
    encoded = files["root"] / "startup.enc"
    for command in (
        ["encode", "--secret-file", str(files["key"]), str(files["left"]), str(encoded)],
        ["match", str(encoded), str(files["right_enc"]), "--output", str(encoded) + ".csv"]
        + ["--secret-file", str(files["key"])],
    ):
        result = subprocess.run(
            [sys.executable, "-c", script, "routecare", "linkage", *command],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.splitlines()[-1] == "[]", result.stdout + result.stderr
