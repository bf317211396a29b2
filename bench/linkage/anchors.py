"""The anchors, run inside their own environment (they cannot share our lock: clkhash and
anonlink are 2023 packages pinned to setuptools<81, and Splink 4's API is the one used here).

    python anchors.py clk|splink LEFT.csv RIGHT.csv OUT.csv

Writes left_id,right_id,score and prints the wall time in seconds on the last line.
"""

from __future__ import annotations

import csv
import io
import sys
import time


def clk(left: str, right: str, output: str) -> None:
    import anonlink
    from clkhash import clk as clk_module
    from clkhash.schema import from_json_dict

    fields = ["given_name", "father_name", "family_name", "sex", "birth_date", "age",
              "nationality", "birth_place", "mother_name"]
    with open(left, encoding="utf-8") as handle:
        if "document_number" in next(csv.reader(handle)):
            fields.append("document_number")  # FEBRL4's soc_sec_id: the anchors get it too
    features = [{"identifier": "record_id", "ignored": True}]
    for name in fields:
        features.append({"identifier": name, "format": {"type": "string", "encoding": "utf-8"},
                         "hashing": {"comparison": {"type": "ngram", "n": 2},
                                     "strategy": {"bitsPerFeature": 100},
                                     "hash": {"type": "doubleHash"}, "missingValue":
                                     {"sentinel": "", "replaceWith": ""}}})
    features.append({"identifier": "registered_on", "ignored": True})
    schema = from_json_dict({"version": 3, "clkConfig": {"l": 1024, "kdf": {
        "type": "HKDF", "hash": "SHA256", "salt": "", "info": "", "keySize": 64}},
        "features": features})
    start = time.perf_counter()
    encoded = []
    for path in (left, right):
        with open(path, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        ids = [r["record_id"] for r in rows]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["record_id"] + fields + ["registered_on"])
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in ["record_id"] + fields + ["registered_on"]}
                         for r in rows)
        buffer.seek(0)
        encoded.append((ids, clk_module.generate_clk_from_csv(buffer, "secret", schema,
                                                              progress_bar=False)))
    candidates = anonlink.candidate_generation.find_candidate_pairs(
        [encoded[0][1], encoded[1][1]], anonlink.similarities.dice_coefficient_accelerated, 0.8)
    groups = anonlink.solving.greedy_solve(candidates)
    elapsed = time.perf_counter() - start
    with open(output, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["left_id", "right_id", "score"])
        for group in groups:
            members = dict(group)
            if 0 in members and 1 in members:
                out.writerow([encoded[0][0][members[0]], encoded[1][0][members[1]], ""])
    print(elapsed)


def splink(left: str, right: str, output: str) -> None:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    frames = []
    for path in (left, right):
        frame = pd.read_csv(path, dtype=str).fillna("")
        for column in ("given_name", "father_name", "family_name", "mother_name", "birth_place"):
            frame[column] = frame[column].str.lower().replace("", None)
        years = frame["birth_date"].str[:4]
        estimated = (pd.to_numeric(frame["registered_on"].str[:4], errors="coerce")
                     - pd.to_numeric(frame["age"], errors="coerce"))
        frame["birth_year"] = years.where(years != "", estimated.astype("Int64").astype(str))
        frames.append(frame.replace("", None))
    settings = SettingsCreator(
        link_type="link_only", unique_id_column_name="record_id",
        comparisons=[cl.JaroWinklerAtThresholds("given_name"),
                     cl.JaroWinklerAtThresholds("family_name"),
                     cl.JaroWinklerAtThresholds("father_name"),
                     cl.JaroWinklerAtThresholds("mother_name"),
                     cl.ExactMatch("birth_year"), cl.ExactMatch("sex"),
                     cl.ExactMatch("nationality"), cl.ExactMatch("birth_place")]
        + ([cl.JaroWinklerAtThresholds("document_number")]
           if "document_number" in frames[0].columns else []),
        blocking_rules_to_generate_predictions=[block_on("family_name"), block_on("given_name")],
    )
    linker = Linker(frames, settings, db_api=DuckDBAPI())
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    predictions = predictions.sort_values("match_probability", ascending=False)
    used_left: set[str] = set()
    used_right: set[str] = set()
    links = []
    for row in predictions.itertuples():
        a, b = str(row.record_id_l), str(row.record_id_r)
        if a in used_left or b in used_right:
            continue
        used_left.add(a)
        used_right.add(b)
        links.append((a, b, row.match_probability))
    elapsed = time.perf_counter() - start
    with open(output, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["left_id", "right_id", "score"])
        out.writerows(links)
    print(elapsed)


if __name__ == "__main__":
    {"clk": clk, "splink": splink}[sys.argv[1]](*sys.argv[2:5])
