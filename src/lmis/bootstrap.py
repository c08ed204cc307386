"""The composition root: builds engines and adapters from settings into `Services`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from lmis.config import Settings
from lmis.enrich.services import enrich_posting
from lmis.jobs.model import JobPosting
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

    def enrich(self, posting: JobPosting) -> JobPosting:
        """The enrichment hook every ingestion run of the platform passes postings through."""
        return enrich_posting(posting)

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


def build(settings: Settings) -> Services:
    """Create the engine for the configured database; makes the data folder for SQLite."""
    url = settings.resolved_database_url()
    if url.startswith("sqlite") and settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Services(settings, make_engine(url))
