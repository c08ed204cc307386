"""/api/v1/training over HTTP: courses with their ESCO skills, filters with did-you-mean, one course, the OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.training_data import HASKELL, import_sample

from lmis.bootstrap import Services
from lmis.training.services import course_id
from lmis.web.app import create_app

API = "/api/v1/training/courses"


@pytest.fixture
def client(sample_services: Services) -> Iterator[TestClient]:
    """The app with the sample courses, imported with the shipped gazetteer's places."""
    report = import_sample(sample_services, regions=sample_services.course_regions)
    assert report.quarantined == 0, report.reasons
    with TestClient(create_app(sample_services)) as test_client:
        yield test_client


def test_anyone_lists_courses_with_coded_skills_place_cost_and_subsidy(client: TestClient) -> None:
    response = client.get(API, params={"skill": "Haskell", "region": "Seoul"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["title"] for item in body["items"]] == [
        "Functional programming with Haskell and Erlang",
        "Haskell in a weekend",
    ]
    first = body["items"][0]
    assert first["skills"][0]["id"] == HASKELL
    assert first["skills"][0]["scheme"] == "esco-skill"
    assert first["skills"][0]["label"] == "Haskell"
    assert first["region"] == {"id": "KR-11", "name": "Seoul"}
    assert (first["cost"], first["net_cost"], first["currency"]) == (1_000_000, 200_000, "KRW")
    assert first["subsidy"]["programme"] == "National Tomorrow Learning Card"
    assert first["subsidy"]["share"] == 0.8
    assert body["total"] == 2
    assert body["next_cursor"] is None


def test_pages_carry_a_cursor_to_the_next(client: TestClient) -> None:
    first = client.get(API, params={"limit": 2}).json()
    second = client.get(API, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert first["total"] == 5
    assert len(first["items"]) == len(second["items"]) == 2
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


@pytest.mark.parametrize(
    ("params", "field", "suggestion"),
    [
        ({"skill": "haskel"}, "skill", "Haskell"),
        ({"region": "Seoull"}, "region", "KR-11"),
        ({"max_cost": "5000"}, "currency", "KRW"),
    ],
)
def test_an_unknown_filter_value_is_a_422_problem_naming_the_field_with_suggestions(
    client: TestClient, params: dict[str, str], field: str, suggestion: str
) -> None:
    response = client.get(API, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["field"] == field
    assert suggestion in problem["suggestions"]


def test_one_course_by_id_and_an_unknown_id_is_a_404(client: TestClient) -> None:
    found = client.get(f"{API}/{course_id('kr-hrd', 'ER-ONLINE')}")
    assert found.status_code == 200
    assert found.json()["mode"] == "online"
    assert found.json()["region"] is None
    missing = client.get(f"{API}/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_the_openapi_document_describes_both_operations_with_an_example_course(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/training/courses", "/api/v1/training/courses/{course_id}"} <= set(document["paths"])
    course = document["components"]["schemas"]["CourseOut"]
    assert course["examples"][0]["subsidy"]["share"] == 0.8
    parameters = {p["name"] for p in document["paths"]["/api/v1/training/courses"]["get"]["parameters"]}
    assert {"skill", "region", "mode", "max_cost", "currency", "text", "cursor", "limit"} <= parameters
