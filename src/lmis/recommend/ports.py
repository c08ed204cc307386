"""What the recommend context needs from storage and the search engine."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

from lmis.identity.ports import IdentityRepository
from lmis.jobs.ports import JobRepository
from lmis.people.ports import PeopleRepository
from lmis.recommend.model import BehaviourEvent, EventKind, RecommendationList
from lmis.taxonomy.ports import TaxonomyRepository


@dataclass(frozen=True, slots=True)
class ApplicationTally:
    """One hired person's applications in a period, and how many went to jobs recommended to them before."""

    seeker_id: str
    applications: int
    recommended_applications: int


class BehaviourRepository(Protocol):
    def add_events(self, events: Sequence[BehaviourEvent]) -> None: ...
    def events_of(
        self,
        seeker_id: str,
        *,
        kinds: Collection[EventKind] | None = None,
        since: datetime | None = None,
        limit: int = 1000,
    ) -> list[BehaviourEvent]: ...
    def co_engaged(
        self, item_ids: Collection[str], *, seeker_id: str, kinds: Collection[EventKind], limit: int
    ) -> list[tuple[str, float]]:
        """Postings that other people engaged with when they engaged with any of `item_ids` (weighted counts)."""

    def popular(self, *, since: datetime, kinds: Collection[EventKind], limit: int) -> list[tuple[str, float]]:
        """Postings engaged with most since `since`."""

    def save_list(self, served: RecommendationList) -> None: ...
    def served_lists(self, *, since: datetime) -> list[tuple[str, str, list[str], datetime]]:
        """(list id, seeker id, item ids, served at) of the job lists served since `since`, oldest first."""

    def served_list(self, list_id: str) -> tuple[str, list[str]] | None:
        """(seeker id, item ids) of a list served before."""

    def hired_tallies(self, *, since: datetime, until: datetime) -> list[ApplicationTally]: ...
    def purge_events(self, before: datetime) -> int: ...


class RecommendUnitOfWork(Protocol):
    @property
    def behaviour(self) -> BehaviourRepository: ...
    @property
    def people(self) -> PeopleRepository: ...
    @property
    def identity(self) -> IdentityRepository: ...
    @property
    def jobs(self) -> JobRepository: ...
    @property
    def taxonomy(self) -> TaxonomyRepository: ...

    def __enter__(self) -> RecommendUnitOfWork: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...
