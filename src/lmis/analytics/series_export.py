"""Stored external series as forecast input: `series_id,period,value` rows, optionally aggregated to coarser periods.

The contract (issue 8, `lmis forecast --input`): one row per series and period, periods written
YYYY (years), YYYY-MM (months; quarters by their first month) or YYYY-MM-DD (weeks, days), values
numbers. Observations the publisher withheld (no value) are left out and counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from lmis.analytics.series import checked_filter
from lmis.analytics.series_model import (
    ORDER,
    ExternalSeries,
    Frequency,
    Observation,
    parse_frequency,
    period_bound,
    period_end,
    period_start,
    period_text,
)
from lmis.analytics.series_ports import SeriesFilter, SeriesUnitOfWork
from lmis.shared.errors import Invalid, did_you_mean

HEADER = ("series_id", "period", "value")
_E = TypeVar("_E", bound=StrEnum)
_MIN_WEEKS = {Frequency.MONTH: 4, Frequency.QUARTER: 13, Frequency.YEAR: 52}
_MONTHS = {Frequency.QUARTER: 3, Frequency.YEAR: 12}


class Aggregate(StrEnum):
    """How the sub-periods of a coarser period are combined."""

    MEAN = "mean"
    SUM = "sum"


class Key(StrEnum):
    """What the `series_id` column holds: the stable id, or the publisher's code."""

    ID = "id"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class SeriesExport:
    """Rows of the forecast input contract and what was left out.

    `missing`: observations without a value; `incomplete`: aggregated periods left out because
    some of their sub-periods were absent (a partial month would bias a mean and a sum);
    `short`: series with fewer than the minimum observations.
    """

    rows: list[tuple[str, str, float]]
    series: list[ExternalSeries]
    frequency: Frequency
    missing: int
    incomplete: int
    short: int


def export_series(
    where: SeriesFilter,
    *,
    uow: SeriesUnitOfWork,
    frequency: str | None = None,
    aggregate: str = "mean",
    key: str = "id",
    start: str | None = None,
    end: str | None = None,
    min_observations: int = 1,
) -> SeriesExport:
    """The series matching `where` as `series_id,period,value` rows, in series then period order.

    With `frequency` (month, quarter or year), finer series are aggregated by `aggregate` (mean or
    sum) over complete periods only. The selected series must end up at one frequency; `Invalid`
    otherwise, and for no match, a finer target, or codes that repeat across sources with `key=code`.
    """
    how, keyed = _choice(aggregate, Aggregate, "aggregate"), _choice(key, Key, "key")
    target = parse_frequency(frequency) if frequency else None
    low = period_bound(start, end=False, field_name="from") if start else None
    high = period_bound(end, end=True, field_name="to") if end else None
    with uow:
        where = checked_filter(where, uow.series)
        summaries, _total = uow.series.find(where, 0, 1_000_000)
        chosen = [s.series for s in summaries]
        _check_selection(where, chosen, target, keyed)
        observations = uow.series.observations([s.id for s in chosen], low, high)
    return _export(chosen, observations, target or chosen[0].info.frequency, how, keyed, min_observations)


def _export(
    chosen: list[ExternalSeries],
    observations: dict[str, list[Observation]],
    out: Frequency,
    how: Aggregate,
    keyed: Key,
    min_observations: int,
) -> SeriesExport:
    rows: list[tuple[str, str, float]] = []
    missing = incomplete = short = 0
    for series in chosen:
        own = observations.get(series.id, [])
        missing += sum(1 for o in own if o.value is None)
        points, dropped = aggregated(own, series.info.frequency, out, how)
        incomplete += dropped
        if len(points) < min_observations:
            short += 1
            continue
        name = series.id if keyed is Key.ID else series.info.code
        rows.extend((name, period_text(period, out), value) for period, value in points)
    return SeriesExport(rows, chosen, out, missing, incomplete, short)


def _choice(value: str, kind: type[_E], field: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        names = [member.value for member in kind]
        raise Invalid(
            f"{value!r} is not a {field}; use one of {', '.join(names)}",
            field=field,
            suggestions=did_you_mean(value, names),
        ) from None


def _check_selection(where: SeriesFilter, chosen: list[ExternalSeries], target: Frequency | None, keyed: Key) -> None:
    codes = [s.info.code for s in chosen]
    if keyed is Key.CODE and len(set(codes)) < len(codes):
        raise Invalid("codes repeat across the selected sources: export with key id", field="key")
    if not chosen:
        raise Invalid("no stored series matches the selection (see `lmis series list`)", field="ids")
    unknown = sorted(set(where.ids) - {s.id for s in chosen})
    if unknown:
        raise Invalid(f"no such series: {', '.join(unknown)}", field="ids")
    frequencies = {s.info.frequency for s in chosen}
    if target is None and len(frequencies) > 1:
        names = ", ".join(sorted(f.value for f in frequencies))
        raise Invalid(f"the selection mixes frequencies ({names}): give a frequency to aggregate to", field="frequency")
    if target is not None:
        if target in (Frequency.WEEK, Frequency.DAY) and frequencies != {target}:
            raise Invalid("series can be aggregated to month, quarter or year", field="frequency")
        finer = sorted(f.value for f in frequencies if ORDER.index(f) < ORDER.index(target))
        if finer:
            raise Invalid(f"{', '.join(finer)} series cannot be split into {target.value}s", field="frequency")


def aggregated(
    observations: list[Observation], source: Frequency, target: Frequency, how: Aggregate
) -> tuple[list[tuple[date, float]], int]:
    """(period, value) pairs at `target` and how many target periods were left out as incomplete.

    A month of daily values needs every day; a quarter three months, a year twelve (or four
    quarters); weeks, dated as published, count towards the period their date falls in and need
    at least 4 (month), 13 (quarter) or 52 (year).
    """
    known = [(o.period, o.value) for o in observations if o.value is not None]
    if source is target:
        return known, 0
    groups: dict[date, list[float]] = defaultdict(list)
    for period, value in known:
        groups[period_start(period, target)].append(value)
    points: list[tuple[date, float]] = []
    incomplete = 0
    for period in sorted(groups):
        values = groups[period]
        if len(values) < _needed(period, source, target):
            incomplete += 1
            continue
        points.append((period, sum(values) / len(values) if how is Aggregate.MEAN else sum(values)))
    return points, incomplete


def _needed(period: date, source: Frequency, target: Frequency) -> int:
    if source is Frequency.DAY:
        return (period_end(period, target) - period).days + 1
    if source is Frequency.WEEK:
        return _MIN_WEEKS[target]
    if source is Frequency.MONTH:
        return _MONTHS[target]
    return 4  # quarters in a year
