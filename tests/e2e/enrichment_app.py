"""What the enrichment API and portal tests share: the app on the sample taxonomy with chosen steps, ads, ingestion."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import EMBEDDING_CACHE, SAMPLE_TAXONOMY

from lmis.bootstrap import Services, build
from lmis.config import EnrichStep, Settings
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream
from lmis.shared.progress import SilentProgress
from lmis.sources.ndjson import NdjsonFormat
from lmis.taxonomy.importing import import_shipped
from lmis.web.app import create_app

RULES_ONLY: list[EnrichStep] = ["salary", "cluster", "fraud"]  # no model to load
CODING: list[EnrichStep] = ["salary", "occupation", "cluster", "fraud"]
EVERY_STEP: list[EnrichStep] = ["salary", "place", "occupation", "skills", "cluster", "fraud"]
NURSE: dict[str, Any] = {
    "title": "Staff nurse (night shift)",
    "description": "<p>We need a registered nurse. You must have patient care experience. Python is a plus.</p>",
    "employer": {"name": "Seoul Demo Hospital"},
    "address": {"locality": "Seoul", "country": "KR"},
    "salary": {"currency": "KRW", "min": 3_000_000, "unit": "month"},
}
SCAM: dict[str, Any] = {
    "title": "Data entry from home",
    "description": (
        "<p>Earn big from home. Pay a small registration fee of $50 before you start. "
        "Message us on WhatsApp +44 7700 900123 to begin today.</p>"
    ),
    "employer": {"name": "Quick Jobs Agency"},
}
App = Callable[[list[EnrichStep]], tuple[TestClient, Services]]


def enrichment_services(tmp_path: Path, database_url: str, steps: list[EnrichStep], **settings_: Any) -> Services:
    """Migrated services on the sample taxonomy with the given enrichment steps and `settings_`."""
    settings = Settings(
        env="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        taxonomy_dir=SAMPLE_TAXONOMY,
        cache_dir=EMBEDDING_CACHE,
        enrich_steps=steps,
        **settings_,
    )
    services = build(settings)
    services.upgrade_database()
    import_shipped(SAMPLE_TAXONOMY, uow=services.uow(), now=services.now, progress=SilentProgress())
    return services


def app_with(tmp_path: Path, database_url: str) -> Iterator[App]:
    """Builds the app on the sample taxonomy with only the enrichment steps a test needs."""
    opened: list[tuple[TestClient, Services]] = []

    def open_app(steps: list[EnrichStep]) -> tuple[TestClient, Services]:
        services = enrichment_services(tmp_path, database_url, steps)
        client = TestClient(create_app(services))
        opened.append((client, services))
        return client, services

    yield open_app
    for client, services in opened:
        client.close()
        services.engine.dispose()


def ingest(services: Services, source: str, records: list[dict[str, Any]]) -> None:
    """Ingest records as a feed of `source`, through the enrichment hook (so reviews and cases open)."""
    feed = io.BytesIO("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    options = RunOptions(source, "test", enrich=services.enrich)
    run = ingest_stream(feed, NdjsonFormat(), options, uow=services.uow(), now=services.now, progress=SilentProgress())
    assert run.counts.quarantined == 0
