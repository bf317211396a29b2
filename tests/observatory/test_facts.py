"""Facts files: one bad value anywhere is named by its column and line, never echoed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routecare.errors import InvalidInput
from routecare.observatory.facts_files import count_facts
from tests.observatory.facts_files import facts_rows, write_facts

BAD_VALUES = {
    "record_id": [""],
    "reporting_country": ["It", "ITALY", ""],
    "nationality": ["ng", "N1A"],
    "sex": ["F", "Female", ""],
    "age": ["-1", "121", "1.5", "twelve"],
    "exploitation_type": ["Smuggling", "forcedlabour"],
    "year": ["99", "2O25", ""],
    "route": ["GIN-NER", "GIN>", "gin>ner"],
}


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    column=st.sampled_from(sorted(BAD_VALUES)),
    line=st.integers(2, 41),
    choice=st.integers(0, 3),
    by=st.sampled_from([["sex"], ["nationality", "year"], ["route"]]),
)
def test_a_bad_value_is_named_by_column_and_line(
    tmp_path: Path, column: str, line: int, choice: int, by: list[str]
) -> None:
    rows = facts_rows(random.Random(line), 40)
    values = BAD_VALUES[column]
    rows[line - 2][column] = values[choice % len(values)]
    facts = write_facts(tmp_path / "facts.csv", rows)
    with pytest.raises(InvalidInput) as refused:
        count_facts(facts, by)
    assert f"line {line}: column {column} must be" in str(refused.value)
