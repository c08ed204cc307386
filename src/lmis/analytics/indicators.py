"""Indicator services: filters by id or name, time series, rankings, pay, skills; disclosure control applied.

Contracts every caller relies on:
- filter values are resolved to ids here; an unknown dimension or value is `Invalid` with
  did-you-mean suggestions, never an empty result;
- the period defaults to the year up to the snapshot's last day; `start` after `end` is `Invalid`;
- cells of measures built from people's records (`model.PERSONAL_MEASURES`, skills supply) go
  through `disclosure`: fewer than `min_cell` people, or a cell that would reveal one, is
  suppressed and says so; postings-only measures are published as counted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from lmis.analytics import disclosure
from lmis.analytics.model import (
    PERSONAL_MEASURES,
    UNITS,
    Cell,
    Dimension,
    Grain,
    IndicatorQuery,
    Measure,
    PayDistribution,
    Point,
    Ranking,
    Row,
    TimeSeries,
)
from lmis.analytics.ports import GroupValue, IndicatorStore
from lmis.shared.errors import Invalid, did_you_mean

DEFAULT_DAYS = 365
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)  # the days a query may name
PAY_MINIMUM = 5  # fewest postings a pay distribution is published from (quantiles of fewer say little)
# Measures that are one base measure divided by another: (numerator, denominator).
RATIOS: Mapping[Measure, tuple[str, str]] = {
    Measure.POSTING_INTENSITY: ("postings_new", "vacancies_new"),
    Measure.TIGHTNESS: ("vacancies_open", "seekers_active"),
}
DEFAULT_LEVEL: Mapping[Dimension, int | None] = {Dimension.OCCUPATION: 4, Dimension.REGION: 1}
LEVELS: Mapping[Dimension, range] = {Dimension.OCCUPATION: range(0, 5), Dimension.REGION: range(0, 3)}


E = TypeVar("E", Measure, Dimension, Grain)


def parse_enum(kind: type[E], value: str, field: str) -> E:
    """`value` as a member of `kind`, or `Invalid` naming the closest members."""
    try:
        return kind(value)
    except ValueError:
        choices = [member.value for member in kind]
        raise Invalid(
            f"unknown {field} {value!r}", field=field, suggestions=did_you_mean(value, choices) or choices
        ) from None


@dataclass(frozen=True)
class IndicatorService:
    """Indicators over one snapshot store with one disclosure threshold."""

    store: IndicatorStore
    min_cell: int
    now: Callable[[], datetime]

    # -- queries -------------------------------------------------------------------------------------
    def query(
        self, filters: Mapping[str, Sequence[str]] | None = None, start: date | None = None, end: date | None = None
    ) -> IndicatorQuery:
        """A query with filters resolved to ids (by id, or by name in any case) and the period filled in."""
        resolved: dict[Dimension, tuple[str, ...]] = {}
        for name, values in (filters or {}).items():
            dimension = parse_enum(Dimension, name, "dimension")
            wanted = [value for value in values if value.strip()]
            if wanted:
                resolved[dimension] = tuple(self._resolve(dimension, value.strip()) for value in wanted)
        for name, day in (("start", start), ("end", end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                raise Invalid(f"{name} is a day from {EARLIEST} to {LATEST}", field=name)
        last = end or self.store.last_day() or self.now().date()
        first = start or max(EARLIEST, last - timedelta(days=DEFAULT_DAYS - 1))
        if first > last:
            raise Invalid(f"the period starts ({first}) after it ends ({last})", field="start")
        return IndicatorQuery(first, last, resolved)

    def _resolve(self, dimension: Dimension, value: str) -> str:
        members = self.store.members(dimension)
        if value in members:
            return value
        folded = value.casefold()
        for key, label in members.items():
            if folded in (key.casefold(), label.casefold()):
                return key
        choices = list(members.values()) + list(members)
        raise Invalid(
            f"no {dimension.value} {value!r} in the indicators", field=dimension.value,
            suggestions=did_you_mean(value, choices),
        )  # fmt: skip

    def level(self, by: Dimension, level: int | None) -> int | None:
        """The level a breakdown is made at: ISCO digits (0: ESCO occupations) or gazetteer level (0: country)."""
        allowed = LEVELS.get(by)
        if allowed is None:
            return None
        chosen = DEFAULT_LEVEL[by] if level is None else level
        if chosen not in allowed:
            raise Invalid(
                f"{by.value} has levels {allowed.start} to {allowed.stop - 1}", field="level",
                suggestions=[str(n) for n in allowed],
            )  # fmt: skip
        return chosen

    # -- results -------------------------------------------------------------------------------------
    def series(self, measure: Measure, query: IndicatorQuery, grain: Grain) -> TimeSeries:
        """`measure` by period over the query (periods with nothing counted are zero, or empty for medians)."""
        groups = {
            period: (value, people) for _, period, value, people in self._table(measure, query, grain, None, None)
        }
        points = []
        for period in periods(query, grain):
            value, people = groups.get(period, (self._empty(measure), 0 if measure in PERSONAL_MEASURES else None))
            points.append(Point(period, self._cell(measure, value, people)))
        return TimeSeries(measure, UNITS[measure], grain, query, tuple(points), self.store.snapshot())

    def ranking(
        self, measure: Measure, query: IndicatorQuery, by: Dimension, level: int | None = None, limit: int = 20
    ) -> Ranking:
        """`measure` over the query's period by member of `by`, largest first, with the total."""
        level = self.level(by, level)
        members = self.store.members(by)
        found = [group for group in self._table(measure, query, None, by, level) if group[0]]
        found.sort(key=lambda group: -(group[2] or 0.0))
        totals = self._table(measure, query, None, None, None)
        _, _, value, people = totals[0] if totals else ("", None, self._empty(measure), 0)
        if measure in PERSONAL_MEASURES and measure not in RATIOS:  # counts add up to the total: protect the line
            raw = [Cell(value, people) for _, _, value, people in found]
            cells, total = disclosure.protect(raw, Cell(value, people), self.min_cell)
        else:
            cells = [self._cell(measure, value, people) for _, _, value, people in found]
            total = self._cell(measure, value, people)
        rows = tuple(Row(key, members.get(key, key), cell) for (key, *_), cell in zip(found, cells, strict=True))[
            :limit
        ]
        return Ranking(measure, UNITS[measure], by, level, query, rows, total, self.store.snapshot())

    def total(self, measure: Measure, query: IndicatorQuery) -> Cell:
        """`measure` over the whole query (stocks: at its end)."""
        totals = self._table(measure, query, None, None, None)
        _, _, value, people = totals[0] if totals else ("", None, self._empty(measure), 0)
        return self._cell(measure, value, people)

    def pay(self, query: IndicatorQuery, by: Dimension, level: int | None = None) -> PayDistribution:
        """Advertised annual pay quantiles by member of `by` and currency (groups of at least `PAY_MINIMUM`)."""
        level = self.level(by, level)
        members = self.store.members(by)
        rows = self.store.pay(query, by, level, PAY_MINIMUM)
        labelled = tuple(replace(row, label=members.get(row.key, row.key)) for row in rows)
        return PayDistribution(by, level, query, labelled, self.store.snapshot())

    # -- arithmetic ------------------------------------------------------------------------------------
    def _table(
        self, measure: Measure, query: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
    ) -> list[GroupValue]:
        if measure not in RATIOS:
            return self.store.table(measure.value, query, grain, by, level)
        top, bottom = RATIOS[measure]
        numerators = {(k, p): v for k, p, v, _ in self.store.table(top, query, grain, by, level)}
        found = []
        for key, period, value, people in self.store.table(bottom, query, grain, by, level):
            ratio = (numerators.get((key, period)) or 0.0) / value if value else None
            found.append((key, period, ratio, people))
        return found

    @staticmethod
    def _empty(measure: Measure) -> float | None:
        return None if measure in RATIOS or measure in (Measure.TIME_TO_FILL, Measure.ADVERTISED_DURATION) else 0.0

    def _cell(self, measure: Measure, value: float | None, people: int | None) -> Cell:
        personal = measure in PERSONAL_MEASURES
        cell = Cell(value, people if personal else None)
        if personal and disclosure.is_small(people, self.min_cell):
            return disclosure.hide(cell, self.min_cell)
        return cell


def periods(query: IndicatorQuery, grain: Grain) -> list[date]:
    """The first days of the periods of `grain` that overlap the query's period."""
    found = []
    current = period_start(query.start, grain)
    while current <= query.end:
        found.append(current)
        current = next_period(current, grain)
    return found


def period_start(day: date, grain: Grain) -> date:
    """The first day of the period of `grain` holding `day` (weeks start on Monday, as ISO 8601)."""
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    if grain is Grain.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def next_period(first: date, grain: Grain) -> date:
    """The first day of the period after the one starting on `first`."""
    if grain is Grain.DAY:
        return first + timedelta(days=1)
    if grain is Grain.WEEK:
        return first + timedelta(days=7)
    months = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}[grain]
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
