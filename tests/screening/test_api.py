"""Screening through the HTTP API: the same engine, stored screenings, access by policy."""

from __future__ import annotations

from tests.conftest import World
from tests.screening.test_score_cli import strong_child_purpose


def test_api_scores_with_the_cli_engine(world: World) -> None:
    body = {"age": 16, "age_basis": "claimed", "answers": strong_child_purpose()}
    result = world.api("screener").post("/api/v1/screening/score", json=body)
    assert result.status_code == 200
    assert result.json()["outcome"] == "presumed_trafficking"
    arabic = (
        world.api("screener")
        .post("/api/v1/screening/score", json={**body, "language": "ar"})
        .json()
    )
    assert "للطفل" in arabic["reasons"][0]["text"]


def test_unknown_indicators_are_a_clear_422(world: World) -> None:
    response = world.api("screener").post(
        "/api/v1/screening/score", json={"answers": {"means.invented": True}}
    )
    assert response.status_code == 422
    assert "means.invented" in response.text


def test_a_stored_screening_is_its_organisations_only(world: World) -> None:
    body = {
        "age": 15,
        "age_basis": "estimated",
        "answers": strong_child_purpose(),
        "location": "Assamaka border post",
        "interpreter_language": "ff",
    }
    created = world.api("screener").post("/api/v1/screenings", json=body)
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    read = world.api("case_worker").get(f"/api/v1/screenings/{reference}").json()
    assert read["location"] == "Assamaka border post"
    assert read["result"]["outcome"] == "presumed_trafficking"
    assert read["result"]["catalogue_version"] == "routecare-core-1.0"
    assert world.api("other_case_worker").get(f"/api/v1/screenings/{reference}").status_code == 404
    assert world.api("analyst").get(f"/api/v1/screenings/{reference}").status_code == 403
    no_case = world.api("screener").post(
        f"/api/v1/screenings/{reference}/no-case", json={"reason": "child ran away before referral"}
    )
    assert no_case.status_code == 204
    assert (
        world.api("screener")
        .get(f"/api/v1/screenings/{reference}")
        .json()["no_case_reason"]
        .startswith("child ran")
    )


def test_the_indicator_catalogue_over_the_api(world: World) -> None:
    listing = world.api("screener").get("/api/v1/screening/indicators").json()
    assert listing["version"] == "routecare-core-1.0" and len(listing["indicators"]) >= 60
