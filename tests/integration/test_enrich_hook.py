"""Ingestion passes every new or changed posting through the platform's enrichment hook."""

from __future__ import annotations

import io
import json

from lmis.bootstrap import Services
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream
from lmis.ingest.validation import posting_id
from lmis.jobs import services as jobs
from lmis.shared.progress import SilentProgress
from lmis.sources.ndjson import NdjsonFormat


def test_the_normalised_salary_is_stored_as_a_derived_field_with_its_method(services: Services) -> None:
    records = [
        {"external_id": "S-1", "title": "Care assistant", "salary": {"currency": "GBP", "min": 11.5, "unit": "hour"}},
        {"external_id": "S-2", "title": "Nurse", "salary": "월 300만원"},
        {"external_id": "S-3", "title": "Chef"},
    ]
    feed = io.BytesIO("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    options = RunOptions("pay", "test", enrich=services.enrich)
    ingest_stream(feed, NdjsonFormat(), options, uow=services.uow(), now=services.now, progress=SilentProgress())
    hourly = jobs.get_posting(posting_id("pay", "S-1"), uow=services.uow()).derived["salary"]
    assert (hourly["period"], hourly["monthly_min"], hourly["method"]) == ("hour", 1993.33, "structured")
    assert hourly["version"] == "salary-1"
    korean = jobs.get_posting(posting_id("pay", "S-2"), uow=services.uow()).derived["salary"]
    assert (korean["currency"], korean["minimum"], korean["period"]) == ("KRW", 3_000_000, "month")
    assert "salary" not in jobs.get_posting(posting_id("pay", "S-3"), uow=services.uow()).derived
