"""The SQL unit of work: one connection and transaction per service call."""

from __future__ import annotations

from types import TracebackType

import sqlalchemy as sa

from lmis.storage.enrich import SqlEnrichmentRepository
from lmis.storage.identity import SqlIdentityRepository
from lmis.storage.ingest import SqlIngestRepository
from lmis.storage.jobs import SqlJobRepository
from lmis.storage.people import SqlPeopleRepository
from lmis.storage.programmes import SqlProgrammeRepository
from lmis.storage.recommend import SqlBehaviourRepository
from lmis.storage.series import SqlSeriesRepository
from lmis.storage.taxonomy import SqlTaxonomyRepository
from lmis.storage.training import SqlTrainingRepository


class SqlUnitOfWork:
    """Satisfies every context's unit-of-work protocol; leaving without `commit` rolls back."""

    taxonomy: SqlTaxonomyRepository
    jobs: SqlJobRepository
    ingest: SqlIngestRepository
    enrichment: SqlEnrichmentRepository
    identity: SqlIdentityRepository
    people: SqlPeopleRepository
    training: SqlTrainingRepository
    series: SqlSeriesRepository
    behaviour: SqlBehaviourRepository
    programmes: SqlProgrammeRepository

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._connection: sa.Connection | None = None
        self._transaction: sa.RootTransaction | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already open; use a new one (services.uow()) for nested work")
        self._connection = self._engine.connect()
        self._transaction = self._connection.begin()
        self.taxonomy = SqlTaxonomyRepository(self._connection)
        self.jobs = SqlJobRepository(self._connection)
        self.ingest = SqlIngestRepository(self._connection)
        self.enrichment = SqlEnrichmentRepository(self._connection)
        self.identity = SqlIdentityRepository(self._connection)
        self.people = SqlPeopleRepository(self._connection)
        self.training = SqlTrainingRepository(self._connection)
        self.series = SqlSeriesRepository(self._connection)
        self.behaviour = SqlBehaviourRepository(self._connection)
        self.programmes = SqlProgrammeRepository(self._connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._connection is None or self._transaction is None:
            raise RuntimeError("the unit of work was not entered")
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._connection.close()
            self._connection = self._transaction = None

    def commit(self) -> None:
        """Commit the open transaction and start a new one on the same connection."""
        if self._connection is None or self._transaction is None:
            raise RuntimeError("commit outside the unit of work")
        self._transaction.commit()
        self._transaction = self._connection.begin()
