"""Bad input gets a clear 4xx, echoes no personal data, and saves nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from routecare.children.models import Child
from tests.conftest import World

SECRET_NAME = "Fatoumata Secretname"


def _children_count(world: World) -> int:
    with world.deployment.database.transaction() as session:
        return int(session.execute(select(func.count()).select_from(Child)).scalar_one())


def test_malformed_json_is_a_clear_422(world: World) -> None:
    response = world.api("case_worker").post(
        "/api/v1/children",
        content=b'{"given_name": "' + SECRET_NAME.encode() + b'"',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert SECRET_NAME not in response.text
    assert _children_count(world) == 0


def test_invalid_fields_are_named_without_echoing_values(world: World) -> None:
    response = world.api("case_worker").post(
        "/api/v1/children",
        json={"given_name": SECRET_NAME, "nationality": "Guinea", "age": 140, "extra": SECRET_NAME},
    )
    assert response.status_code == 422
    problems = {tuple(p["loc"]) for p in response.json()["detail"]}
    assert ("body", "nationality") in problems and ("body", "age") in problems
    assert ("body", "extra") in problems
    assert SECRET_NAME not in response.text
    assert _children_count(world) == 0


def test_an_unknown_country_code_is_refused(world: World) -> None:
    response = world.api("case_worker").post(
        "/api/v1/children", json={"given_name": "Awa", "nationality": "XYZ"}
    )
    assert response.status_code == 422
    assert "ISO 3166-1 alpha-3" in response.text


def test_an_oversized_body_is_refused_before_it_is_read(world: World) -> None:
    limit = world.deployment.settings.max_body_bytes
    response = world.api("case_worker").post(
        "/api/v1/children", json={"given_name": "A", "narrative": "x" * (limit + 1)}
    )
    assert response.status_code == 413
    assert _children_count(world) == 0


def test_security_headers_are_on_every_response(world: World) -> None:
    for response in (
        world.api("case_worker").get("/api/v1/children"),
        world.api("case_worker").get("/api/v1/children/NOPE"),
        world.api("analyst").get("/"),
    ):
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(
            ["given_name", "family_name", "sex", "age", "nationality", "birth_date", "x"]
        ),
        st.one_of(st.none(), st.integers(-5, 400), st.text(max_size=300), st.booleans()),
    )
)
def test_any_body_gets_a_4xx_or_a_complete_record(world: World, body: dict[str, object]) -> None:
    client = world.api("case_worker")
    before = _children_count(world)
    response = client.post("/api/v1/children", json=body)
    assert response.status_code in (201, 422), response.text
    assert _children_count(world) == before + (1 if response.status_code == 201 else 0)
