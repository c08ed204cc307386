"""What ingestion needs: feed formats (implemented in lmis.sources), storage of runs, raw records and quarantine."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from types import TracebackType
from typing import BinaryIO, Protocol

from lmis.ingest.model import Draft, IngestRun, Payload, QuarantineEntry, RawRecord
from lmis.jobs.ports import JobRepository


class FeedFormat(Protocol):
    """A kind of partner feed: how to cut records out of its bytes and read each into drafts."""

    name: str

    def options(self) -> dict[str, object]:
        """What the format was built with (e.g. a CSV column mapping), so a replay can rebuild it."""

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        """The records of `data`, in order, each with its position (line, item or row number)."""

    def parse(self, payload: str) -> list[Draft]:
        """The postings of one record, in canonical field names; raises `ParseError`."""


class IngestRepository(Protocol):
    """Runs, raw records and quarantine."""

    def save_run(self, run: IngestRun) -> None:
        """Insert or update a run."""

    def run(self, run_id: str) -> IngestRun | None:
        """One run, or None."""

    def runs(self, limit: int) -> list[IngestRun]:
        """The newest runs first."""

    def add_raw(self, records: list[RawRecord]) -> None:
        """Store raw records (before anything else is done with them)."""

    def raw_of_run(self, run_id: str) -> Iterator[RawRecord]:
        """The raw records of a run, in the order received."""

    def add_quarantine(self, entries: list[QuarantineEntry]) -> None:
        """Hold back records with their problems."""

    def quarantined(
        self, *, source: str | None, include_resolved: bool, offset: int, limit: int, run_id: str | None = None
    ) -> tuple[list[QuarantineEntry], int]:
        """A page of quarantine entries (of one run when `run_id` is given), newest first, and how many there are."""

    def open_quarantine(self, source: str | None) -> list[tuple[QuarantineEntry, RawRecord]]:
        """Unresolved entries with their raw records, oldest first."""

    def resolve(self, entry_ids: Collection[str], run_id: str) -> None:
        """Mark entries as accepted by `run_id`."""

    def fetch_state(self, source: str) -> tuple[str, str, datetime | None]:
        """(etag, last_modified, last_fetched_at) of an HTTP source; empty when never fetched."""

    def save_fetch_state(self, source: str, etag: str, last_modified: str, fetched_at: datetime) -> None:
        """Remember the validators of the last fetch of an HTTP source."""


class IngestUnitOfWork(Protocol):
    """One transaction over ingestion and postings."""

    @property
    def ingest(self) -> IngestRepository:
        """Runs, raw records and quarantine."""

    @property
    def jobs(self) -> JobRepository:
        """Postings and the change feed."""

    def __enter__(self) -> IngestUnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Roll back what was not committed."""

    def commit(self) -> None:
        """Make the writes durable."""
