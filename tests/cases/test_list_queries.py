"""A list of cases costs the same number of SQL statements however many cases it shows: the
children's data keys are read from the key store in one batch, not one query per child."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from routecare.cases.actions import create_case
from routecare.cases.schemas import CaseIn
from routecare.children.schemas import Sex
from routecare.crypto.keystore import store_of
from tests.conftest import World


@contextmanager
def counting(engines: dict[str, Engine]) -> Iterator[dict[str, int]]:
    """Counts the statements each engine sends while the block runs."""
    counts = dict.fromkeys(engines, 0)
    listeners: list[tuple[Engine, Callable[..., None]]] = []
    for name, engine in engines.items():

        def counted(*_: object, name: str = name) -> None:
            counts[name] += 1

        event.listen(engine, "before_cursor_execute", counted)
        listeners.append((engine, counted))
    try:
        yield counts
    finally:
        for engine, counted in listeners:
            event.remove(engine, "before_cursor_execute", counted)


def _family_name(number: int) -> str:
    return f"Ba{chr(97 + number // 26)}{chr(97 + number % 26)}"


def _register(world: World, first: int, last: int) -> None:
    worker = world.principal("case_worker")
    for number in range(first, last):
        child = CaseIn(given_name="Awa", family_name=_family_name(number), sex=Sex.FEMALE, age=14)
        create_case(world.deployment, worker, child, None)


def _statements_of_lists(world: World, shown: int) -> dict[str, int]:
    """Statements sent to the database and to the key store by the API list and the list
    page, the fewer of two requests each: a token's or session's last use is written at most
    once a minute, and that write is not the list's."""
    engines = {
        "database": world.deployment.database.engine,
        "key store": store_of(world.deployment.keyring).database.engine,
    }
    api, page = world.api("case_worker"), world.browser("case_worker")

    def from_api() -> set[str]:
        return {row["display_name"] for row in api.get("/api/v1/cases").json()}

    def from_page() -> set[str]:
        return set(re.findall(r"· (Awa Ba[a-z]{2})", page.get("/cases").text))

    names = {f"Awa {_family_name(number)}" for number in range(shown)}
    counts: dict[str, int] = {}
    for name, list_names in (("api", from_api), ("page", from_page)):
        for _ in range(2):
            with counting(engines) as sent:
                assert list_names() == names  # each child's name opened with its own key
            for engine, count in sent.items():
                counts[f"{name}, {engine}"] = min(count, counts.get(f"{name}, {engine}", count))
    return counts


def test_a_case_list_reads_keys_in_one_batch_whatever_its_length(world: World) -> None:
    _register(world, 0, 5)
    few = _statements_of_lists(world, 5)
    _register(world, 5, 50)
    assert _statements_of_lists(world, 50) == few
    assert few["api, key store"] <= 2 and few["page, key store"] <= 2  # BEGIN and one SELECT
