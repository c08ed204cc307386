"""The job search page over HTTP: results and counts, facets, errors with suggestions, empty results, Korean."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import EVERY_STEP, NURSE, enrichment_services, ingest

from lmis.bootstrap import Services
from lmis.web.app import create_app

KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}
ELDERLY_CARE: dict[str, Any] = {
    "title": "Registered nurse for elderly care",
    "description": "<p>Our care home in Busan needs a registered nurse for day shifts.</p>",
    "employer": {"name": "Busan Care Home"},
    "address": {"locality": "Busan", "country": "KR"},
    "employment_type": "part_time",
}
KOREAN_NURSE: dict[str, Any] = {
    "title": "간호사 모집",
    "description": "<p>서울 병원에서 병동 간호사를 모집합니다. 3교대 근무.</p>",
    "employer": {"name": "서울중앙병원"},
    "address": {"locality": "Seoul", "country": "KR"},
    "language": "ko",
}
DEVELOPER: dict[str, Any] = {
    "title": "Python developer",
    "description": "<p>Write and run Python services for a logistics company.</p>",
    "employer": {"name": "Soft Logistics"},
    "address": {"locality": "Jakarta", "country": "ID"},
    "salary": {"currency": "IDR", "min": 10_000_000, "unit": "month"},
}


def seed(services: Services) -> None:
    """Four vacancies; the night-shift nurse is posted on two boards (ids chosen so both fold into one vacancy)."""
    ingest(
        services,
        "board-a",
        [
            {"external_id": "N-1", **NURSE},
            {"external_id": "N-2", **ELDERLY_CARE},
            {"external_id": "N-3", **KOREAN_NURSE},
            {"external_id": "N-4", **DEVELOPER},
        ],
    )
    ingest(services, "board-b", [{"external_id": "N-1", **NURSE}])
    assert services.search.sync(services.now) is not None


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("search")
    services = enrichment_services(folder, f"sqlite:///{folder / 'lmis.db'}", EVERY_STEP)
    seed(services)
    with TestClient(create_app(services)) as test_client:
        yield test_client
    services.engine.dispose()


def page(client: TestClient, path: str, status: int = 200, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def text_of(markup: str) -> str:
    """The page's text with tags removed and white space folded, for phrase checks."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))


def links_of(markup: str) -> dict[str, str]:
    """Link text -> href of every link on the page."""
    found = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', markup, flags=re.S)
    return {text_of(label): html.unescape(href) for href, label in found}


def test_searching_a_word_shows_the_matching_titles_the_count_and_how_the_query_was_read(client: TestClient) -> None:
    markup = page(client, "/jobs?q=nurse&semantic=0")
    shown = text_of(markup)
    assert "2 vacancies" in shown
    assert "Staff nurse (night shift)" in shown
    assert "Registered nurse for elderly care" in shown
    assert "Python developer" not in shown
    assert "간호사 모집" not in shown
    assert "Every one of these words: nurse" in shown
    assert "Also posted on 1 other site." in shown  # the two boards' copies fold into one vacancy
    assert "Seoul Demo Hospital · Seoul, KR · KRW 3,000,000 per month" in shown
    assert 'role="status" aria-live="polite"' in markup
    assert re.search(r'<a href="/postings/[a-z0-9]+">Staff nurse \(night shift\)</a>', markup)


def test_without_folding_the_page_counts_postings(client: TestClient) -> None:
    shown = text_of(page(client, "/jobs?q=nurse&semantic=0&fold=0"))
    assert "3 postings" in shown
    assert "Also posted on" not in shown


def test_the_form_keeps_what_was_asked_and_shows_every_control_with_a_label(client: TestClient) -> None:
    markup = page(client, "/jobs?q=nurse&employment_type=part_time&fold=0&semantic=0")
    assert 'accept-charset="utf-8"' in markup
    assert re.search(r'<input id="q" name="q" type="search" value="nurse"', markup)
    assert re.search(r'id="employment_type-1" name="employment_type" value="part_time" checked', markup)
    assert re.search(r'id="fold" name="fold" value="1"\s*>', markup)  # unchecked now
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', markup)
    labelled = set(re.findall(r'<label for="([^"]+)"', markup))
    assert ids
    assert set(ids) <= labelled
    assert "<legend>" in markup
    assert '<a href="/jobs" aria-current="page">Search jobs</a>' in markup


def test_a_facet_link_narrows_the_results_to_that_region(client: TestClient) -> None:
    markup = page(client, "/jobs?q=nurse&semantic=0")
    assert "Regions" in text_of(markup)
    busan = links_of(markup)["Busan"]
    assert "region=KR-26" in busan
    assert "q=nurse" in busan
    narrowed = page(client, busan)
    shown = text_of(narrowed)
    assert "1 vacancy" in shown
    assert "Registered nurse for elderly care" in shown
    assert "Staff nurse (night shift)" not in shown
    assert "Filter region: Busan" in shown


def test_an_employment_type_facet_adds_the_filter(client: TestClient) -> None:
    markup = page(client, "/jobs?q=nurse&semantic=0")
    part_time = links_of(markup)["Part time"]
    assert "employment_type=part_time" in part_time
    shown = text_of(page(client, part_time))
    assert "1 vacancy" in shown
    assert "Registered nurse for elderly care" in shown


def test_an_unknown_region_is_a_422_with_an_error_summary_and_a_suggestion_that_keeps_the_search(
    client: TestClient,
) -> None:
    markup = page(client, "/jobs?q=nurse&region=Seoull&semantic=0", 422)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', markup, flags=re.S)
    assert summary is not None
    assert "no place is called or has the id" in text_of(summary.group(0))
    assert 'href="#region"' in summary.group(0)
    suggestion = links_of(summary.group(0))["Seoul"]
    assert "region=Seoul" in suggestion
    assert "q=nurse" in suggestion
    assert re.search(r'<input id="region" name="region" type="text" value="Seoull" aria-invalid="true"', markup)
    assert re.search(r'<input id="q" name="q" type="search" value="nurse"', markup)
    shown = text_of(page(client, suggestion))
    assert "1 vacancy" in shown
    assert "Staff nurse (night shift)" in shown


def test_a_salary_that_is_not_a_number_is_an_error_on_that_field(client: TestClient) -> None:
    markup = page(client, "/jobs?q=nurse&salary_min=lots", 422)
    assert 'href="#salary_min"' in markup
    assert re.search(r'id="salary_min" name="salary_min" type="number" value="lots"[^>]*aria-invalid="true"', markup)


def test_zero_results_say_which_filter_removed_them_with_a_link_without_it(client: TestClient) -> None:
    markup = page(client, "/jobs?q=nurse&region=Jakarta&semantic=0")
    shown = text_of(markup)
    assert "0 vacancies" in shown
    assert "No jobs match every filter" in shown
    without = links_of(markup)["Without the region filter, 3 postings would match"]  # 2 vacancies, 3 postings
    assert "region" not in without
    assert "q=nurse" in without
    assert "2 vacancies" in text_of(page(client, without))
    assert "Without the search words filter, 1 posting would match" in shown


def test_a_korean_query_finds_the_korean_ad_and_similar_titles_in_other_languages(client: TestClient) -> None:
    markup = page(client, "/jobs?q=%EA%B0%84%ED%98%B8%EC%82%AC")  # 간호사
    shown = text_of(markup)
    assert "간호사 모집" in shown
    assert "Every one of these words: 간호사" in shown
    assert re.search(r'<input id="q" name="q" type="search" value="간호사"', markup)
    assert "Similar title" in shown  # the English nurse ads, found by title embeddings
    keyword_only = text_of(page(client, "/jobs?q=간호사&semantic=0"))
    assert "1 vacancy" in keyword_only
    assert "Staff nurse" not in keyword_only


def test_the_page_speaks_korean(client: TestClient) -> None:
    shown = text_of(page(client, "/jobs?q=nurse&semantic=0", **KOREAN))
    assert "일자리 검색" in shown
    assert "채용 2건" in shown
    assert "다음 단어가 모두 포함: nurse" in shown


def test_paging_offers_a_previous_page_and_no_next_page_past_the_last_result(client: TestClient) -> None:
    markup = page(client, "/jobs?offset=20")
    assert 'rel="prev" href="/jobs"' in markup
    assert 'rel="next"' not in markup
    assert "Previous page" in text_of(markup)
    assert 'rel="next"' not in page(client, "/jobs")
