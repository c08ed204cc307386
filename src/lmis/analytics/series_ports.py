"""What the external-series services need from storage: stored series and observations, and their quarantine."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol

from lmis.analytics.series_model import ExternalSeries, Flag, Observation
from lmis.taxonomy.ports import TaxonomyRepository


@dataclass(frozen=True, slots=True)
class SeriesFilter:
    """Filters of the series list; all given ones must hold.

    `text` is words found in the name or code (any case); `dimensions` pairs must all match the
    series' dimensions exactly; `ids` limits to these series ids.
    """

    measure: str | None = None
    source: str | None = None
    country: str | None = None
    text: str | None = None
    frequency: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """A stored series with how many observations it has and the first and last period."""

    series: ExternalSeries
    observations: int
    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """A rejected row of a series file (kind `series` in the analytics quarantine)."""

    id: str
    import_id: str
    source: str
    position: str  # "file name:line"
    payload: str
    problems: list[dict[str, object]]
    created_at: datetime
    resolved_at: datetime | None = None


StoredValue = tuple[float | None, Flag]
# The observations of one series to write, column-wise: (series id, periods, values, flags).
ObservationColumns = tuple[str, Sequence[date], Sequence[float | None], Sequence[Flag]]


class SeriesRepository(Protocol):
    """Stored external series, their observations and the quarantine of rejected rows."""

    def stored(self, ids: Collection[str]) -> dict[str, ExternalSeries]:
        """The stored series among `ids`, by id."""

    def save_series(self, series: list[ExternalSeries]) -> None:
        """Insert or replace series descriptions."""

    def values(self, ids: Collection[str]) -> dict[str, dict[date, StoredValue]]:
        """Every stored (value, flag) of these series, by series id and period."""

    def add_observations(self, columns: list[ObservationColumns]) -> None:
        """Insert the observations of series that have none stored yet (new series), in bulk."""

    def save_observations(self, columns: list[ObservationColumns]) -> None:
        """Insert or replace the observations of each series, many rows per statement."""

    def quarantine(self, rows: list[QuarantinedRow]) -> None:
        """Keep rejected rows with their problems."""

    def resolve_quarantined(self, source: str, locations: Collection[str], at: datetime) -> int:
        """Mark open entries of `source` from these file names resolved (a new import replaces them); how many."""

    def quarantined(self, source: str | None, limit: int) -> list[QuarantinedRow]:
        """Open quarantine entries, newest first."""

    def find(self, where: SeriesFilter, offset: int, limit: int) -> tuple[list[SeriesSummary], int]:
        """A page of series matching `where` (by source, then code) and how many match."""

    def observations(self, ids: Collection[str], start: date | None, end: date | None) -> dict[str, list[Observation]]:
        """Observations of these series with `start <= period <= end`, by series id, in period order."""

    def choices(self, column: str) -> list[str]:
        """The distinct stored values of `measure`, `source` or `frequency`, sorted."""

    def countries(self) -> list[str]:
        """The distinct `country` dimensions of stored series, sorted."""

    def described(
        self, measures: Collection[str], *, country: str | None, occupations: Collection[str] | None
    ) -> list[ExternalSeries]:
        """Series of these measures (and `country`, when given) whose `occupation` dimension is one of
        `occupations`; with `occupations` None, those without one or of all occupations (`SOC:00-0000`)."""


class SeriesUnitOfWork(Protocol):
    """One transaction over external series, with the taxonomy for occupation crosswalks."""

    @property
    def series(self) -> SeriesRepository:
        """External series and their quarantine."""

    @property
    def taxonomy(self) -> TaxonomyRepository:
        """Crosswalks from ISCO-08 and ESCO to SOC."""

    def __enter__(self) -> SeriesUnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Roll back what was not committed."""

    def commit(self) -> None:
        """Make the writes durable."""
