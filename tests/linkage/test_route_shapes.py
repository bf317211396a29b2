"""The generator family does what its knobs say, so a variant's figures are about the data
shape its name promises (docs/linkage.md)."""

from __future__ import annotations

from routecare.linkage.names import ARABIC
from tests.linkage.route_data import generate
from tests.linkage.route_shapes import DEFAULT, VARIANTS

SIZE = 600


def _rows(name: str) -> tuple[list[dict[str, str]], list[dict[str, str]], set[tuple[str, str]]]:
    return generate(SIZE, seed=2, shape=VARIANTS[name])


def test_the_default_shape_is_the_generator_the_earlier_figures_came_from() -> None:
    assert generate(SIZE, seed=2) == generate(SIZE, seed=2, shape=DEFAULT)


def test_each_variant_differs_from_the_default_as_named() -> None:
    left, right, truth = _rows("default")
    share_arabic = sum(bool(ARABIC.search(r["given_name"])) for r in right) / SIZE
    dated = sum(bool(r["birth_date"]) for r in left) / SIZE
    names = {(r["given_name"].lower(), r["family_name"].lower()) for r in left}
    given_names = {r["given_name"].lower() for r in left}

    assert len(_rows("sparse")[2]) == int(SIZE * 0.2) < len(truth) < len(_rows("dense")[2])
    arabic = _rows("arabic")[1]
    assert sum(bool(ARABIC.search(r["given_name"])) for r in arabic) / SIZE > share_arabic + 0.2
    estimated = _rows("estimated")[0]
    assert sum(bool(r["birth_date"]) for r in estimated) / SIZE < dated / 2
    namesakes = _rows("namesakes")[0]
    assert len({(r["given_name"].lower(), r["family_name"].lower()) for r in namesakes}) < (
        len(names) / 2
    )
    dated_namesakes = [r for r in namesakes if r["birth_date"]]
    births = {(r["family_name"], r["father_name"], r["birth_date"]) for r in dated_namesakes}
    assert len(births) < len(dated_namesakes)  # siblings born the same day: twins
    diverse = _rows("diverse")[0]
    assert len({r["given_name"].lower() for r in diverse}) > 2 * len(given_names)
