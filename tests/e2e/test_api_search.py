"""Job search and typeahead through HTTP: full text in Korean and English, filters by name, facets,
explanations, zero-result reasons, paging, duplicate folding and freshness after a partner push."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import enrichment_services, ingest
from tests.identities import api_key, bearer, make_account

from lmis.bootstrap import Services
from lmis.config import EnrichStep
from lmis.identity.model import Role, Scope
from lmis.ingest.validation import posting_id
from lmis.web.app import create_app

STEPS: list[EnrichStep] = ["salary", "place", "cluster", "fraud"]  # no model to load
SEARCH = "/api/v1/postings/search"
BODIES = {
    "n1": "<p>Join our acute medical ward team. Patient care and wound care experience wanted.</p>",
    "n2": "<p>Lead shifts on a busy surgical unit; mentor students and manage the ward rota.</p>",
    "n3": "<p>Scrub and recovery duties in our day surgery theatres, with anaesthetic support.</p>",
}


def _ad(external_id: str, title: str, locality: str, country: str, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": title,
        "description": extra.pop("description", BODIES.get(external_id, "<p>Details to follow.</p>")),
        "employer": {"name": extra.pop("employer", "Demo Hospital")},
        "address": {"locality": locality, "country": country},
        "date_posted": extra.pop("date_posted", "2026-11-20"),
        **extra,
    }


ADS = [
    _ad("n1", "Staff Nurse", "London", "GB", salary={"currency": "GBP", "min": 28_000, "max": 34_000, "unit": "year"}),
    _ad("n2", "Senior Staff Nurse", "Manchester", "GB", employment_type="PART_TIME", date_posted="2026-11-21"),
    _ad("n3", "Theatre Nurse", "London", "GB", date_posted="2026-11-22"),
    _ad(
        "k1", "간호사 모집", "Seoul", "KR", description="<p>서울 병원에서 간호사를 모집합니다. 환자 간호 경험 우대.</p>"
    ),
    _ad("w1", "Welder", "Busan", "KR", description="<p>용접 작업 및 금속 가공. Welding of steel frames.</p>"),
    _ad("d1", "Data analyst", "Leeds", "GB", description="<p>SQL and Python reporting for the trust.</p>"),
]


def _engine(database_url: str) -> str:
    """On PostgreSQL the API is tested on the PostgreSQL search engine; on SQLite on the embedded one."""
    return "postgresql" if database_url.startswith("postgresql") else "tantivy"


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[tuple[TestClient, Services]]:
    services = enrichment_services(tmp_path, database_url, STEPS, search_engine=_engine(database_url))
    ingest(services, "board", ADS)
    services.search.sync(services.now)
    with TestClient(create_app(services)) as http:
        yield http, services
    services.engine.dispose()


def _titles(body: dict[str, Any]) -> list[str]:
    return [item["posting"]["title"] for item in body["items"]]


def test_a_word_finds_postings_that_name_it_in_title_or_text_and_says_how_it_was_read(
    client: tuple[TestClient, Services],
) -> None:
    http, _ = client
    body = http.get(SEARCH, params={"q": "nurses", "semantic": "false"}).json()
    assert sorted(_titles(body)) == ["Senior Staff Nurse", "Staff Nurse", "Theatre Nurse"]
    assert body["total"] == 3
    assert body["relation"] == "eq"
    assert body["interpretation"]["must"] == ["nurses"]
    assert body["mode"] == "keyword"


def test_a_two_syllable_korean_query_finds_the_longer_word_that_contains_it(
    client: tuple[TestClient, Services],
) -> None:
    http, _ = client
    assert _titles(http.get(SEARCH, params={"q": "간호", "semantic": "false"}).json()) == ["간호사 모집"]
    assert _titles(http.get(SEARCH, params={"q": "용접", "semantic": "false"}).json()) == ["Welder"]


def test_phrases_exclusions_and_prefixes_narrow_the_text_match(client: tuple[TestClient, Services]) -> None:
    http, _ = client
    params = {"q": '"staff nurse" -senior', "semantic": "false"}
    body = http.get(SEARCH, params=params).json()
    assert _titles(body) == ["Staff Nurse"]
    assert body["interpretation"]["phrases"] == ["staff nurse"]
    assert body["interpretation"]["must_not"] == ["senior"]
    assert _titles(http.get(SEARCH, params={"q": "weld*", "semantic": "false"}).json()) == ["Welder"]


def test_the_korean_word_for_nurse_also_finds_english_nurse_ads_when_semantic_search_is_on(
    client: tuple[TestClient, Services],
) -> None:
    http, _ = client
    body = http.get(SEARCH, params={"q": "간호사"}).json()
    assert body["mode"] == "hybrid"
    titles = _titles(body)
    assert titles[0] == "간호사 모집" or "간호사 모집" in titles
    assert {"Staff Nurse", "Theatre Nurse"} & set(titles)
    assert "Data analyst" not in titles
    off = http.get(SEARCH, params={"q": "간호사", "semantic": "false"}).json()
    assert _titles(off) == ["간호사 모집"]


def test_a_region_filter_takes_a_name_and_facets_count_the_matches(client: tuple[TestClient, Services]) -> None:
    http, _ = client
    body = http.get(SEARCH, params={"q": "nurse", "region": "London", "semantic": "false"}).json()
    assert sorted(_titles(body)) == ["Staff Nurse", "Theatre Nurse"]
    assert body["interpretation"]["filters"][0]["label"] == "Greater London"  # the dominant London
    everything = http.get(SEARCH, params={"semantic": "false"}).json()
    types = {f["value"]: f["count"] for f in everything["facets"]["employment_type"]}
    assert types.get("part_time") == 1


def test_an_unknown_filter_value_is_a_problem_with_suggestions_not_an_empty_page(
    client: tuple[TestClient, Services],
) -> None:
    http, _ = client
    response = http.get(SEARCH, params={"q": "nurse", "employment_type": "fulltime"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "employment_type"
    assert "full_time" in problem["suggestions"]
    unknown_source = http.get(SEARCH, params={"source": "bord"})
    assert unknown_source.status_code == 422
    assert unknown_source.json()["suggestions"] == ["board"]


def test_when_filters_leave_nothing_the_answer_says_which_filter_removed_the_results(
    client: tuple[TestClient, Services],
) -> None:
    http, _ = client
    body = http.get(SEARCH, params={"q": "welder", "region": "London", "semantic": "false"}).json()
    assert body["total"] == 0
    effects = {e["filter"]: e["total_without"] for e in body["removed_by"]}
    assert effects["place"] == 1


def test_cursor_pages_read_the_same_results_as_one_long_page(client: tuple[TestClient, Services]) -> None:
    http, _ = client
    whole = _titles(http.get(SEARCH, params={"sort": "date", "limit": 6, "fold": "false"}).json())
    first = http.get(SEARCH, params={"sort": "date", "limit": 2, "fold": "false"}).json()
    pages = [_titles(first)]
    cursor = first["next_cursor"]
    while cursor:
        page = http.get(SEARCH, params={"sort": "date", "limit": 2, "fold": "false", "after": cursor}).json()
        pages.append(_titles(page))
        cursor = page["next_cursor"]
    assert [t for page in pages for t in page] == whole
    assert len(whole) == len(ADS)


def test_a_cursor_from_another_query_or_an_offset_past_the_window_is_refused(
    client: tuple[TestClient, Services],
) -> None:
    http, _ = client
    cursor = http.get(SEARCH, params={"sort": "date", "limit": 1}).json()["next_cursor"]
    assert http.get(SEARCH, params={"q": "nurse", "sort": "date", "after": cursor}).status_code == 422
    assert http.get(SEARCH, params={"offset": 995, "limit": 10}).status_code == 422


def test_a_posting_repeated_on_another_site_is_one_result_that_says_so(client: tuple[TestClient, Services]) -> None:
    http, services = client
    stored = posting_id("board", "n1")
    source = next(f"site-{i}" for i in range(100) if posting_id(f"site-{i}", "n1") > stored)
    ingest(services, source, [ADS[0]])
    services.search.sync(services.now)
    folded = http.get(SEARCH, params={"q": '"staff nurse" -senior', "semantic": "false"}).json()
    assert folded["total"] == 1
    assert folded["counts"] == "vacancies"
    assert folded["items"][0]["vacancy"]["postings"] == 2
    assert folded["items"][0]["vacancy"]["sources"] == 2
    unfolded = http.get(SEARCH, params={"q": '"staff nurse" -senior', "semantic": "false", "fold": "false"}).json()
    assert unfolded["total"] == 2


def test_a_repost_with_a_smaller_id_merges_the_vacancy_and_the_older_posting_folds_into_it(
    client: tuple[TestClient, Services],
) -> None:
    http, services = client
    stored = posting_id("board", "n1")
    source = next(f"site-{i}" for i in range(100) if posting_id(f"site-{i}", "n1") < stored)
    ingest(services, source, [ADS[0]])
    services.search.sync(services.now)
    folded = http.get(SEARCH, params={"q": '"staff nurse" -senior', "semantic": "false"}).json()
    assert folded["total"] == 1
    assert folded["items"][0]["vacancy"] == {"cluster_id": posting_id(source, "n1"), "postings": 2, "sources": 2}


def test_a_pushed_posting_is_searchable_as_soon_as_the_push_returns(tmp_path: Path, database_url: str) -> None:
    services = enrichment_services(tmp_path, database_url, STEPS, search_engine=_engine(database_url))
    administrator = make_account(services, Role.PARTNER_ADMIN, partner="agency")
    key = api_key(services, administrator, {Scope.POSTINGS_PUSH}, sources=frozenset({"agency"})).api_key
    with TestClient(create_app(services)) as http:
        pushed = http.post(
            "/api/v1/partners/agency/postings", json=[_ad("p1", "Radiographer", "Leeds", "GB")], headers=bearer(key)
        )
        assert pushed.status_code == 200
        assert _titles(http.get(SEARCH, params={"q": "radiographer", "semantic": "false"}).json()) == ["Radiographer"]
    services.engine.dispose()


def test_typeahead_completes_titles_with_counts_and_places_as_typed(client: tuple[TestClient, Services]) -> None:
    http, _ = client
    titles = http.get("/api/v1/complete", params={"q": "staff n", "kinds": "title"}).json()
    assert titles[0] == {"text": "Staff Nurse", "kind": "title", "id": "Staff Nurse", "count": 1}
    places = http.get("/api/v1/complete", params={"q": "Lond", "kinds": "place"}).json()
    assert places[0]["text"] in {"London", "Greater London"}
    assert http.get("/api/v1/complete", params={"q": "x", "kinds": "planet"}).status_code == 422


def test_the_portal_search_page_answers_from_the_same_engine(client: tuple[TestClient, Services]) -> None:
    http, _ = client
    page = http.get("/jobs", params={"q": "nurses", "semantic": "0"})
    assert page.status_code == 200
    for title in ("Staff Nurse", "Senior Staff Nurse", "Theatre Nurse"):
        assert f">{title}</a>" in page.text
    assert "Welder" not in page.text
