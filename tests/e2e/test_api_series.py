"""/api/v1/series over HTTP: open data with licence and notes, filters with did-you-mean, ranges, CSV, rate limits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from tests.series_data import JOLTS_ID, NURSES_WAGE_ID, import_samples

from lmis.analytics.series_model import series_id
from lmis.bootstrap import Services
from lmis.web.app import create_app

API = "/api/v1/series"


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    """The app with the series excerpts imported, read anonymously."""
    import_samples(services)
    with TestClient(create_app(services)) as test_client:
        yield test_client


def test_anyone_lists_series_with_publisher_licence_and_span_filtered_and_paged(client: TestClient) -> None:
    response = client.get(API, params={"measure": "postings_index", "country": "us", "limit": 5})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 9
    assert len(body["items"]) == 5
    assert body["next_cursor"]
    first = body["items"][0]
    assert first["source"] == "indeed"
    assert first["licence"] == "CC BY 4.0"
    assert first["attribution"].startswith("Indeed Hiring Lab, Job Postings Index")
    assert first["frequency"] == "day"
    assert first["dimensions"]["country"] == "US"
    assert "November 2024" in first["notes"]
    assert first["file"] == "aggregate_job_postings_US.csv.gz"
    following = client.get(
        API, params={"measure": "postings_index", "country": "us", "limit": 5, "cursor": body["next_cursor"]}
    )
    assert len(following.json()["items"]) == 4
    assert following.json()["next_cursor"] is None
    nurses = client.get(API, params={"q": "registered nurses", "source": "bls_oews"}).json()
    assert {item["measure"] for item in nurses["items"]} == {"employment", "wage_median"}


@pytest.mark.parametrize(
    ("params", "field", "suggestion"),
    [
        ({"measure": "wage_medain"}, "measure", "wage_median"),
        ({"source": "bls-oews"}, "source", "bls_oews"),
        ({"country": "USA"}, "country", "US"),
    ],
)
def test_an_unknown_filter_value_is_a_422_with_did_you_mean(
    client: TestClient, params: dict[str, str], field: str, suggestion: str
) -> None:
    response = client.get(API, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["field"] == field
    assert suggestion in problem["suggestions"]


def test_one_series_comes_with_its_observations_in_the_range_asked_and_flags_for_withheld_values(
    client: TestClient,
) -> None:
    body = client.get(f"{API}/{NURSES_WAGE_ID}", params={"from": "2021", "to": "2022"}).json()
    assert body["name"] == "Registered Nurses: median annual wage (OEWS, United States)"
    assert body["observations"] == 12
    assert body["first"] == "2012-01-01"
    assert body["last"] == "2023-01-01"
    assert [o["period"] for o in body["data"]] == ["2021-01-01", "2022-01-01"]
    assert "SOC 2018 from 2021" in body["notes"]
    assert body["publisher"].startswith("U.S. Bureau of Labor Statistics")
    top = client.get(f"{API}/{series_id('bls_oews', 'US/29-1211/a_median')}").json()
    assert {(o["value"], o["flag"]) for o in top["data"]} == {(None, "top_coded")}
    missing = client.get(f"{API}/0123456789abcdef")
    assert missing.status_code == 404
    reversed_range = client.get(f"{API}/{JOLTS_ID}", params={"from": "2023-12", "to": "2023-01"})
    assert reversed_range.status_code == 422
    assert reversed_range.json()["field"] == "from"
    assert client.get(f"{API}/{JOLTS_ID}", params={"from": "2023-13"}).status_code == 422


def test_a_series_downloads_as_csv_that_the_csv_importer_reads_back(client: TestClient) -> None:
    response = client.get(f"{API}/{JOLTS_ID}", params={"format": "csv", "from": "2023-11"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{JOLTS_ID}.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [
        ["series_id", "period", "value", "flag"],
        [JOLTS_ID, "2023-11", "8663.0", ""],
        [JOLTS_ID, "2023-12", "8585.0", ""],
    ]


def test_series_are_open_data_under_the_anonymous_rate_limit(services: Services) -> None:
    import_samples(services, indeed=False, lmia=False)
    throttled = replace(services, settings=services.settings.model_copy(update={"anonymous_rate_per_minute": 3}))
    with TestClient(create_app(throttled)) as anonymous:
        answers = [anonymous.get(API) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Policy"]
    assert answers[0].json()["total"] == 23


def test_the_openapi_document_describes_the_csv_alternative(client: TestClient) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/series/{series_id}"]["get"]
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert {p["name"] for p in operation["parameters"]} == {"series_id", "from", "to", "format"}
