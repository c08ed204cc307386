"""What the training context needs: stored courses and their skill links, a quarantine, the taxonomy and places."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol

from lmis.taxonomy.ports import TaxonomyRepository
from lmis.training.model import Course, Mode


@dataclass(frozen=True, slots=True)
class CourseRecord:
    """One record of a course file as read: where it is, its raw text (kept if it is quarantined) and its values.

    `values` is None when the record could not be read at all (`error` says why).
    """

    position: str
    payload: str
    values: Mapping[str, object] | None
    error: str = ""


@dataclass(frozen=True, slots=True)
class CourseFilter:
    """Filters of the course list; all given ones must hold.

    `skill` is an ESCO skill concept id, `region` a gazetteer id (courses held there or inside it),
    `max_cost` the most the learner pays after subsidy, in `currency`; `text` words in title,
    provider or description.
    """

    skill: str | None = None
    region: str | None = None
    mode: Mode | None = None
    max_cost: float | None = None
    currency: str | None = None
    text: str | None = None
    source: str | None = None
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class QuarantinedCourse:
    """A course record that failed validation, with its raw text and every problem."""

    id: str
    import_id: str
    source: str
    position: str
    external_id: str | None
    payload: str
    problems: list[dict[str, object]]
    created_at: datetime
    resolved_at: datetime | None = None


class TrainingRepository(Protocol):
    """Stored courses, their skill links and the quarantine of rejected course records."""

    def hashes(self, source: str, external_ids: Collection[str]) -> dict[str, tuple[str, datetime]]:
        """(content hash, created at) of the stored courses of `source` with these external ids, by external id."""

    def save(self, courses: list[Course]) -> None:
        """Insert or replace the courses and their skill links."""

    def quarantine(self, records: list[QuarantinedCourse]) -> None:
        """Keep rejected records with their problems."""

    def resolve_quarantined(self, source: str, external_ids: Collection[str], at: datetime) -> int:
        """Mark open quarantine entries of these external ids resolved (they came in good); how many."""

    def quarantined(self, source: str | None, limit: int) -> list[QuarantinedCourse]:
        """Open quarantine entries, newest first."""

    def get(self, course_id: str) -> Course | None:
        """One course, or None."""

    def find(self, where: CourseFilter, offset: int, limit: int) -> tuple[list[Course], int]:
        """A page of courses matching `where` (title order) and how many match."""

    def teaching(self, skill_ids: Collection[str], today: date | None) -> list[Course]:
        """Every course teaching one of `skill_ids` that has not ended before `today`, in one query."""

    def sources(self) -> list[str]:
        """Names of the sources that have courses."""

    def currencies(self) -> list[str]:
        """Currencies stored courses are priced in."""


class Regions(Protocol):
    """The places courses may be held in (gazetteer countries, regions, districts)."""

    def resolve(self, text: str) -> str | None:
        """The gazetteer id of the place `text` names or codes, or None."""

    def name(self, place_id: str) -> str | None:
        """The name of a place id, or None."""

    def suggest(self, text: str) -> list[str]:
        """Ids of places that look like `text`."""


class TrainingUnitOfWork(Protocol):
    """One transaction over courses, with the taxonomy that skills resolve against."""

    @property
    def training(self) -> TrainingRepository:
        """Courses and the course quarantine."""

    @property
    def taxonomy(self) -> TaxonomyRepository:
        """Skills to link courses to."""

    def __enter__(self) -> TrainingUnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Roll back what was not committed."""

    def commit(self) -> None:
        """Make the writes durable."""
