"""What the jobs context needs from storage."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

from lmis.jobs.model import ChangeKind, JobPosting, PostingStatus


@dataclass(frozen=True, slots=True)
class StoredState:
    """What is stored of a posting to decide new / updated / unchanged without loading it."""

    posting_id: str
    content_hash: str
    status: PostingStatus


@dataclass(frozen=True, slots=True)
class PostingChange:
    """A posting's latest change: its position in the feed, its kind and the posting itself.

    A removed posting is a tombstone: `posting` still names source and external id.
    """

    sequence: int
    kind: ChangeKind
    at: datetime
    posting: JobPosting


@dataclass(frozen=True, slots=True)
class PostingFilter:
    """Filters of the plain posting list (exact matches; full search is the search context's)."""

    source: str | None = None
    status: PostingStatus | None = None
    employer: str | None = None
    country: str | None = None
    posted_since: datetime | None = None


class JobRepository(Protocol):
    """Stored postings and employers, and the change feed over them."""

    def states(self, source: str, external_ids: Collection[str]) -> dict[str, StoredState]:
        """Stored state of the given external ids of `source`, by external id."""

    def save(self, postings: list[tuple[JobPosting, ChangeKind]], at: datetime) -> None:
        """Insert or replace the postings and give each the next position in the change feed."""

    def remove(self, source: str, external_ids: Collection[str], at: datetime) -> int:
        """Turn the live postings of `source` with these ids into tombstones; how many changed."""

    def live_external_ids(self, source: str) -> set[str]:
        """External ids of the postings of `source` that are not removed."""

    def get(self, posting_id: str) -> JobPosting | None:
        """One posting (tombstones included), or None."""

    def get_many(self, posting_ids: Collection[str]) -> dict[str, JobPosting]:
        """The postings with these ids (tombstones included), by id; unknown ids are left out."""

    def count_live(self, now: datetime) -> int:
        """How many postings are live (published and not expired)."""

    def find(self, where: PostingFilter, offset: int, limit: int) -> tuple[list[JobPosting], int]:
        """A page of postings matching `where`, newest first, and how many match."""

    def snapshot(self, now: datetime) -> Iterator[JobPosting]:
        """Every live posting (published and not expired), in id order, streamed."""

    def changes(self, after: int, limit: int) -> list[PostingChange]:
        """Up to `limit` latest changes with a sequence above `after`, in feed order."""

    def head(self) -> int:
        """The sequence of the newest change (0 when there is none)."""

    def sources(self) -> list[str]:
        """Names of the sources that have postings."""

    def save_manage_key(self, posting_id: str, key_hash: str, at: datetime) -> None:
        """Remember the hash of the key that lets whoever holds it edit the posting."""

    def manage_key_hash(self, posting_id: str) -> str | None:
        """The stored key hash of a posting, or None when it has none."""

    def refresh_statistics(self) -> None:
        """Let the query planner see how the postings grew (after bulk writes)."""


class JobsUnitOfWork(Protocol):
    """One transaction over postings."""

    @property
    def jobs(self) -> JobRepository:
        """Postings and the change feed."""

    def __enter__(self) -> JobsUnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Roll back what was not committed."""


class JobsWriteUnitOfWork(JobsUnitOfWork, Protocol):
    """A postings transaction that can be committed."""

    def commit(self) -> None:
        """Make the writes durable."""
