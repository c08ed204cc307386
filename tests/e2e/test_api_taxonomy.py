"""The open API over HTTP, on every shipped release: what a partner or developer sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lmis.bootstrap import Services
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.formats.national import NationalScheme
from lmis.taxonomy.importing import ReleaseKind, import_path
from lmis.web.app import create_app

NATIONAL_SAMPLE = Path(__file__).parents[1] / "data" / "national_sample.csv"


@pytest.fixture(scope="module")
def client(shipped_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(shipped_services)) as test_client:
        yield test_client


def test_searching_nurse_returns_esco_nurse_occupations_with_their_isco_codes(client: TestClient) -> None:
    response = client.get("/api/v1/occupations", params={"q": "nurse", "limit": 50})
    assert response.status_code == 200
    items = response.json()["items"]
    esco = {item["concept"]["label"]: item for item in items if item["concept"]["scheme"] == "esco-occupation"}
    general = esco["nurse responsible for general care"]
    assert general["isco"]["code"] == "2221"
    assert general["isco"]["scheme"] == "isco-08"
    assert set(general["concept"]) == {"id", "code", "scheme", "label", "release"}
    assert general["concept"]["release"] == "esco-1.1.1"


def test_crosswalk_from_onet_registered_nurses_to_isco_gives_2221_with_the_path(client: TestClient) -> None:
    response = client.get("/api/v1/crosswalk", params={"code": "29-1141.00", "from": "onet-soc-2019", "to": "isco-08"})
    assert response.status_code == 200
    body = response.json()
    assert body["source"]["label"] == "Registered Nurses"
    best = body["results"][0]
    assert best["code"] == "2221"
    assert best["concept"]["label"] == "Nursing professionals"
    path = best["path"]
    assert path[0]["from_scheme"] == "onet-soc-2019"
    assert path[-1]["to_scheme"] == "isco-08"
    assert all(step["crosswalk"] for step in path)


def test_an_unknown_scheme_is_a_422_problem_with_suggestions(client: TestClient) -> None:
    response = client.get("/api/v1/crosswalk", params={"code": "2221", "from": "isco08x", "to": "onet"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == "from"
    assert "isco-08" in problem["suggestions"]


def test_an_unknown_code_is_a_404_problem_that_suggests_real_codes(client: TestClient) -> None:
    response = client.get("/api/v1/crosswalk", params={"code": "29-1141", "from": "onet", "to": "isco"})
    assert response.status_code == 404
    assert "29-1141.00" in response.json()["suggestions"]


def test_an_unknown_occupation_id_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/occupations/notanid")
    assert response.status_code == 404
    assert response.json()["title"] == "Not found"


def test_a_misspelt_search_answers_with_spelling_suggestions_not_silence(client: TestClient) -> None:
    body = client.get("/api/v1/occupations", params={"q": "nurce"}).json()
    assert body["total"] == 0
    assert "nurse" in body["suggestions"]


def test_a_search_without_text_or_code_is_rejected(client: TestClient) -> None:
    response = client.get("/api/v1/occupations")
    assert response.status_code == 422
    assert response.json()["field"] == "q"


def test_a_page_size_over_the_cap_is_rejected(client: TestClient) -> None:
    response = client.get("/api/v1/skills", params={"q": "python", "limit": 101})
    assert response.status_code == 422


def test_cursor_paging_walks_every_result_once(client: TestClient) -> None:
    seen: list[str] = []
    params: dict[str, str | int] = {"q": "engineer", "limit": 25}
    total = None
    while True:
        body = client.get("/api/v1/occupations", params=params).json()
        total = body["total"]
        seen += [item["concept"]["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert total is not None
    assert total > 25
    assert len(seen) == total == len(set(seen))


def test_an_occupation_shows_its_isco_path_skills_and_codes_elsewhere(client: TestClient) -> None:
    found = client.get("/api/v1/occupations", params={"q": "nurse responsible for general care", "limit": 1}).json()
    occupation_id = found["items"][0]["concept"]["id"]
    body = client.get(f"/api/v1/occupations/{occupation_id}").json()
    assert [b["code"] for b in body["broader"] if b["scheme"] == "isco-08"] == ["2", "22", "222", "2221"]
    assert len(body["essential_skills"]) > 10
    assert all(s["relevance"] == "essential" for s in body["essential_skills"])
    onet = next(c for c in body["crosswalks"] if c["to_scheme"] == "onet-soc-2019")
    assert "29-1141.00" in [r["code"] for r in onet["results"]]


def test_a_skill_lists_the_occupations_that_need_it(client: TestClient) -> None:
    skill = client.get("/api/v1/skills", params={"q": "Python (computer programming)", "limit": 1}).json()["items"][0]
    assert skill["concept"]["scheme"] == "esco-skill"
    detail = client.get(f"/api/v1/skills/{skill['concept']['id']}").json()
    assert "digital" in detail["collections"]
    needing = client.get(f"/api/v1/skills/{skill['concept']['id']}/occupations", params={"limit": 5}).json()
    assert needing["total"] >= len(needing["items"]) > 0


def test_releases_and_schemes_list_what_is_stored_with_licences(client: TestClient) -> None:
    releases = {r["id"]: r for r in client.get("/api/v1/releases").json()}
    assert {"esco-1.1.1", "isco-08", "onet-29.3", "soc-2010", "soc-2018"} <= set(releases)
    assert releases["onet-29.3"]["licence"] == "CC BY 4.0"
    schemes = {s["code"] for s in client.get("/api/v1/schemes").json()}
    assert {"esco-occupation", "esco-skill", "isco-08", "onet-soc-2019"} <= schemes


def test_the_openapi_document_and_docs_page_are_published(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/occupations", "/api/v1/crosswalk", "/api/v1/skills/{concept_id}"} <= set(spec["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_health_reports_the_schema_is_current(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"


def test_korean_search_works_once_a_korean_national_scheme_is_imported(sample_services: Services) -> None:
    scheme = NationalScheme("keco-sample", "Korean occupations (sample)", "2024")
    import_path(
        ReleaseKind.NATIONAL,
        NATIONAL_SAMPLE,
        uow=sample_services.uow(),
        now=sample_services.now,
        progress=SilentProgress(),
        national=scheme,
    )
    with TestClient(create_app(sample_services)) as client:
        items = client.get("/api/v1/occupations", params={"q": "간호사"}).json()["items"]
        assert items[0]["concept"]["label"] == "간호사"
        assert items[0]["isco"]["code"] == "2221"
        crosswalked = client.get("/api/v1/crosswalk", params={"code": "304", "from": "keco-sample", "to": "isco-08"})
        assert crosswalked.json()["results"][0]["code"] == "2221"
