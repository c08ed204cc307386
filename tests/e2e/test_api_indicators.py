"""/api/v1/indicators over HTTP: catalogue, series, rankings, pay, skills, CSV and Parquet, bulk files, operations."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import NURSE, RULES_ONLY, enrichment_services, ingest
from tests.identities import staff_headers

from lmis.identity.model import Role
from lmis.shared.progress import SilentProgress
from lmis.web.app import create_app

API = "/api/v1/indicators"


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Twelve postings from two partners in October 2026 (pay from 3.0 to 4.1 million KRW a month), refreshed."""
    folder = tmp_path_factory.mktemp("indicators-api")
    services = enrichment_services(folder, f"sqlite:///{folder / 'lmis.db'}", RULES_ONLY)
    ads: list[dict[str, Any]] = [
        {**NURSE, "external_id": f"n{n}", "title": f"Nurse {n}", "date_posted": f"2026-10-{n + 1:02d}",
         "description": f"<p>Ward {n}, building {n * 13}.</p>", "employer": {"name": f"Demo Hospital {n}"},
         "salary": {"currency": "KRW", "min": 3_000_000 + 100_000 * n, "unit": "month"}}
        for n in range(12)
    ]  # fmt: skip
    ingest(services, "board", ads[:8])
    ingest(services, "site", ads[8:])
    services.refresh_analytics(SilentProgress())
    with TestClient(create_app(services)) as client:
        yield client
    services.engine.dispose()


def test_the_catalogue_lists_measures_dimensions_and_the_disclosure_threshold(http: TestClient) -> None:
    body = http.get(API).json()
    measures = {m["name"]: m for m in body["measures"]}
    assert measures["seekers_active"]["personal"] is True
    assert measures["vacancies_new"]["personal"] is False
    assert body["dimensions"]["occupation"] == [0, 1, 2, 3, 4]
    assert body["min_cell"] == 10
    assert body["snapshot"]["postings"] == 12
    assert "vacancies_by_region1" in body["bulk"]


def test_a_series_counts_by_period_and_filters_by_source(http: TestClient) -> None:
    params = {"grain": "month", "from": "2026-09-01", "to": "2026-10-31", "source": "site"}
    body = http.get(f"{API}/postings_new/series", params=params).json()
    assert [(p["period"], p["cell"]["value"]) for p in body["points"]] == [("2026-09-01", 0), ("2026-10-01", 4)]
    assert body["query"]["filters"] == {"source": ["site"]}


def test_a_ranking_comes_as_csv_and_parquet_with_the_total(http: TestClient) -> None:
    params = {"by": "source", "from": "2026-10-01", "to": "2026-10-31"}
    as_csv = http.get(f"{API}/postings_new/ranking", params={**params, "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.text.splitlines()
    assert lines[0] == "key,label,measure,unit,value,suppressed"
    assert lines[1:] == ["board,board,postings_new,postings,8.0,False", "site,site,postings_new,postings,4.0,False",
                         ",total,postings_new,postings,12.0,False"]  # fmt: skip
    as_parquet = http.get(f"{API}/postings_new/ranking", params={**params, "format": "parquet"})
    frame = pl.read_parquet(io.BytesIO(as_parquet.content))
    assert frame["value"].to_list() == [8.0, 4.0, 12.0]


def test_advertised_pay_is_annualised_and_given_as_quantiles(http: TestClient) -> None:
    body = http.get(f"{API}/pay", params={"by": "source", "from": "2026-10-01", "to": "2026-10-31"}).json()
    board = next(row for row in body["rows"] if row["key"] == "board")
    assert board["currency"] == "KRW"
    assert board["postings"] == 8
    assert board["p50"] == pytest.approx(12 * 3_350_000)


@pytest.mark.parametrize(
    ("url", "params", "field", "suggestion"),
    [
        (f"{API}/vacancy_open/series", {}, "measure", "vacancies_open"),
        (f"{API}/postings_new/series", {"source": "bord"}, "source", "board"),
        (f"{API}/seekers_active/ranking", {"by": "region", "source": "board"}, "source", "region"),
    ],
)
def test_unknown_values_are_a_422_with_a_suggestion(
    http: TestClient, url: str, params: dict[str, str], field: str, suggestion: str
) -> None:
    answer = http.get(url, params=params)
    assert answer.status_code == 422
    problem = answer.json()
    assert suggestion in problem["suggestions"]


def test_a_bulk_file_downloads_with_its_name_and_an_unknown_one_is_a_404(http: TestClient) -> None:
    found = http.get(f"{API}/bulk/vacancies_by_source.csv")
    assert found.status_code == 404
    assert "vacancies_by_sector.csv" in found.json()["suggestions"]
    regions = http.get(f"{API}/bulk/monthly_postings_new.csv")
    assert regions.status_code == 200
    assert 'filename="monthly_postings_new.csv"' in regions.headers["content-disposition"]
    assert regions.text.startswith("period,measure,unit,value,suppressed")


def test_operations_are_for_staff_and_count_todays_postings(http: TestClient) -> None:
    assert http.get(f"{API}/operations").status_code == 401
    services = http.app.state.services  # type: ignore[attr-defined]
    seeker = staff_headers(services, "Jo", Role.JOBSEEKER)
    assert http.get(f"{API}/operations", headers=seeker).status_code == 403
    body = http.get(f"{API}/operations", headers=staff_headers(services, "Ana", Role.ANALYST)).json()
    assert body["postings_in"] == 12
    assert {s["source"]: s["new"] for s in body["sources"]} == {"board": 8, "site": 4}


def test_a_day_outside_the_calendar_it_can_count_is_a_422_not_a_server_error(http: TestClient) -> None:
    answer = http.get(f"{API}/pay", params={"to": "0001-01-01"})
    assert answer.status_code == 422
    assert "1900-01-01" in answer.json()["detail"]


def test_measures_of_events_answer_zero_before_anyone_applied(http: TestClient) -> None:
    body = http.get(f"{API}/applications/series", params={"from": "2026-10-01", "to": "2026-10-31"}).json()
    assert [point["cell"]["value"] for point in body["points"]] == [0]
