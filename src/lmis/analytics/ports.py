"""What indicator services need from storage: the snapshot's query engine and the live operations counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol

from lmis.analytics.model import Dimension, Grain, IndicatorQuery, Operations, PayRow, Snapshot

# One group of a measure's table: (member key or "" for all, period start or None for the whole range,
# value, people behind it or None).
GroupValue = tuple[str, date | None, float | None, int | None]


class IndicatorStore(Protocol):
    """Counts over the analytics snapshot. Every method answers for the query's filters and period."""

    def snapshot(self) -> Snapshot:
        """When the snapshot was refreshed and what it holds."""
        ...

    def last_day(self) -> date | None:
        """The latest posting or registration day in the snapshot (None when it is empty)."""
        ...

    def members(self, dimension: Dimension) -> Mapping[str, str]:
        """Every value of `dimension` in the snapshot (and its taxonomy), id -> label."""
        ...

    def table(
        self, measure: str, query: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
    ) -> list[GroupValue]:
        """A base measure (see `analytics.indicators.BASE`) by period (`grain`) and/or member of `by` at
        `level`; periods without records are absent."""
        ...

    def pay(self, query: IndicatorQuery, by: Dimension, level: int | None, minimum: int) -> list[PayRow]:
        """Advertised pay quantiles by member and currency, groups of at least `minimum` postings."""
        ...

    def skill_counts(
        self, query: IndicatorQuery, windows: Sequence[tuple[date, date]]
    ) -> list[tuple[int, dict[str, tuple[int, int]]]]:
        """For each (start, end) window, the vacancies of the query's filters first posted in it (by month:
        from the month holding `start`) and, per skill, (vacancies asking it, vacancies requiring it)."""
        ...

    def seeker_skill_counts(self, query: IndicatorQuery) -> tuple[int, dict[str, int]]:
        """Jobseekers on the register at the query's end and, for each skill, how many declare it."""
        ...

    def collection_shares(self, query: IndicatorQuery) -> tuple[float, float]:
        """Shares of the query's vacancies asking at least one digital and at least one green skill."""
        ...

    def skill_names(self, skill_ids: list[str]) -> dict[str, tuple[str, bool, bool]]:
        """Label and (digital, green) flags of skills."""
        ...


class OperationsReader(Protocol):
    """Today's activity, read live from the operational database."""

    def operations(self, day: date) -> Operations:
        """Postings in and out, registrations, applications, placements, recommendation clicks, ingest health."""
        ...
