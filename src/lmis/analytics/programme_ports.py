"""What programme evaluation needs: stored programmes and episodes, the episode quarantine, and places."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol

from lmis.analytics.programme_model import Episode, Programme


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """One record of an episode file as read: where it is, its raw text (kept if quarantined) and its values.

    `values` is None when the record could not be read at all (`error` says why).
    """

    position: str
    payload: str
    values: Mapping[str, object] | None
    error: str = ""


@dataclass(frozen=True, slots=True)
class QuarantinedEpisode:
    """An episode record that failed validation, with its raw text and every problem."""

    id: str
    import_id: str
    source: str
    position: str
    payload: str
    problems: list[dict[str, object]]
    created_at: datetime
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Participation:
    """How many episodes a programme has, how many with the 12-month outcome observed, and the starts' range."""

    programme_id: str
    participants: int
    with_12m_outcome: int
    first_start: date | None
    last_start: date | None


class ProgrammeRepository(Protocol):
    """Programmes, episodes and the quarantine of rejected episode records."""

    def programmes(self) -> list[Programme]:
        """Every programme, by id."""

    def programme(self, programme_id: str) -> Programme | None:
        """One programme, or None."""

    def save_programmes(self, programmes: list[Programme]) -> None:
        """Insert or update programmes by id (the first `created_at` is kept)."""

    def episodes_of(self, source: str, external_ids: Collection[str]) -> dict[str, Episode]:
        """Stored episodes of `source` with these external ids, by external id."""

    def save_episodes(self, episodes: list[Episode]) -> None:
        """Insert or replace episodes by id."""

    def participation(self) -> list[Participation]:
        """Episode counts of every programme that has episodes."""

    def comparison_pool_size(self) -> int:
        """How many episodes belong to no programme."""

    def evaluation_episodes(self, programme_id: str) -> list[Episode]:
        """The episodes of `programme_id` and of the comparison pool (no programme), in id order."""

    def quarantine(self, records: list[QuarantinedEpisode]) -> None:
        """Keep rejected records with their problems."""

    def open_quarantine(self, source: str | None, limit: int | None) -> list[QuarantinedEpisode]:
        """Open quarantine entries (of `source`, or all), newest first; all of them when `limit` is None."""

    def resolve_quarantined(self, ids: Collection[str], at: datetime) -> int:
        """Mark these quarantine entries resolved; how many were open."""


class Regions(Protocol):
    """The places episodes may name (gazetteer ids or names)."""

    def resolve(self, text: str) -> str | None:
        """The gazetteer id of the place `text` names or codes, or None."""

    def suggest(self, text: str) -> list[str]:
        """Ids of places that look like `text`."""


class ProgrammeUnitOfWork(Protocol):
    """One transaction over programmes and episodes."""

    @property
    def programmes(self) -> ProgrammeRepository:
        """Programmes, episodes and their quarantine."""

    def __enter__(self) -> ProgrammeUnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Roll back what was not committed."""

    def commit(self) -> None:
        """Make the writes durable."""
