"""Indicators on real job ads: NHS Jobs vacancies of 2019-2020 through ingestion, the snapshot and the API."""

from __future__ import annotations

import gzip
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import enrichment_services

from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream
from lmis.shared.progress import SilentProgress
from lmis.sources.jsonld import JsonLdFormat
from lmis.web.app import create_app

pytestmark = pytest.mark.shared_data
ADS = 400
API = "/api/v1/indicators"


@pytest.fixture(scope="module")
def nhs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The first 400 NHS ads ingested as the partner feed they were published as, the snapshot refreshed."""
    path = (
        Path(__file__).resolve().parents[2].parent / "shared/data/job_postings/nhs_jobs_2020/nhs_jobs_postings.jsonl.gz"
    )
    if not path.exists():
        pytest.skip("../shared/data is not on this machine")
    folder = tmp_path_factory.mktemp("nhs")
    services = enrichment_services(folder, f"sqlite:///{folder / 'lmis.db'}", ["salary", "place", "cluster"])
    with gzip.open(path, "rb") as lines:
        feed = io.BytesIO(b"".join(itertools.islice(lines, ADS)))
    run = ingest_stream(
        feed, JsonLdFormat(), RunOptions("nhs-jobs", "test", enrich=services.enrich), uow=services.uow(),
        now=services.now, progress=SilentProgress(),
    )  # fmt: skip
    assert run.counts.new > 0.9 * ADS
    services.refresh_analytics(SilentProgress())
    with TestClient(create_app(services)) as client:
        yield client
    services.engine.dispose()


def test_nhs_vacancies_are_counted_by_month_and_by_the_nations_of_the_united_kingdom(nhs: TestClient) -> None:
    params = {"from": "2018-12-01", "to": "2020-11-30"}
    monthly = nhs.get(f"{API}/postings_new/series", params={**params, "grain": "month"}).json()
    assert sum(point["cell"]["value"] for point in monthly["points"]) >= 0.9 * ADS
    regions = nhs.get(f"{API}/vacancies_new/ranking", params={**params, "by": "region", "level": "1"}).json()
    keys = {row["key"]: row for row in regions["rows"]}
    assert "GB-ENG" in keys
    assert keys["GB-ENG"]["label"] == "England"
    assert regions["total"]["value"] <= monthly["points"][-1]["cell"]["value"] + ADS


def test_nhs_advertised_pay_is_in_pounds_a_year_with_plausible_quantiles(nhs: TestClient) -> None:
    pay = nhs.get(f"{API}/pay", params={"by": "region", "level": "0", "from": "2018-12-01", "to": "2020-11-30"}).json()
    britain = next(row for row in pay["rows"] if row["key"] == "GB")
    assert britain["currency"] == "GBP"
    assert britain["postings"] > 0.7 * ADS  # most NHS ads state pay; "negotiable" ones do not count
    assert 15_000 < britain["p25"] < britain["p50"] < britain["p75"] < 120_000


def test_a_nhs_region_filter_by_name_narrows_and_a_misspelt_one_is_refused(nhs: TestClient) -> None:
    params = {"from": "2018-12-01", "to": "2020-11-30"}
    wales = nhs.get(f"{API}/postings_new/series", params={**params, "grain": "year", "region": "wales"})
    assert wales.status_code == 200
    everywhere = nhs.get(f"{API}/postings_new/series", params={**params, "grain": "year"}).json()
    total = sum(p["cell"]["value"] for p in everywhere["points"])
    assert 0 < sum(p["cell"]["value"] for p in wales.json()["points"]) < total
    wrong = nhs.get(f"{API}/postings_new/series", params={**params, "region": "Englnd"})
    assert wrong.status_code == 422
    assert "England" in wrong.json()["suggestions"]
