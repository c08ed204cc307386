"""External-series use cases: import a reading (bad rows quarantined), list and read series, the quarantine.

Exports to the forecast input contract live in `analytics.series_export`; the series to show next
to a platform indicator in `analytics.series_compare`.
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from lmis.analytics.series_model import (
    ExternalSeries,
    Flag,
    Frequency,
    Observation,
    Problem,
    SeriesData,
    SeriesInfo,
    SeriesReading,
    info_problems,
    observation_problems,
    parse_frequency,
    period_bound,
    period_start,
)
from lmis.analytics.series_ports import (
    ObservationColumns,
    QuarantinedRow,
    SeriesFilter,
    SeriesRepository,
    SeriesSummary,
    SeriesUnitOfWork,
)
from lmis.shared.errors import Invalid, NotFound, did_you_mean
from lmis.shared.ids import check_source_name, stable_id
from lmis.shared.paging import Page, make_page, page_request
from lmis.shared.progress import Progress

BATCH_OBSERVATIONS = 100_000  # observations written per transaction
_POSITION = 64  # characters of analytics_quarantine.position


@dataclass(frozen=True, slots=True)
class _Checked:
    """A series' observations that passed the checks, column-wise."""

    info: SeriesInfo
    periods: list[date]
    values: list[float | None]
    flags: list[Flag]
    lines: list[int]


@dataclass
class SeriesImportReport:
    """What an import did: rows read, series new/updated/unchanged, observations by fate, rows quarantined."""

    import_id: str
    source: str
    files: list[str]
    rows_read: int = 0
    series_new: int = 0
    series_updated: int = 0
    series_unchanged: int = 0
    observations_new: int = 0
    observations_changed: int = 0
    observations_unchanged: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def observations_written(self) -> int:
        """Observations inserted or updated."""
        return self.observations_new + self.observations_changed

    def as_dict(self) -> dict[str, object]:
        """The counts as JSON-ready data."""
        return {
            "import_id": self.import_id,
            "source": self.source,
            "files": self.files,
            "rows_read": self.rows_read,
            "series": {"new": self.series_new, "updated": self.series_updated, "unchanged": self.series_unchanged},
            "observations": {
                "written": self.observations_written,
                "new": self.observations_new,
                "changed": self.observations_changed,
                "unchanged": self.observations_unchanged,
            },
            "quarantined": self.quarantined,
            "reasons": dict(self.reasons.most_common()),
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class SeriesView:
    """A series (with its whole span) and its observations in the period range asked."""

    summary: SeriesSummary
    observations: list[Observation]

    @property
    def series(self) -> ExternalSeries:
        """The series."""
        return self.summary.series


# -- import ----------------------------------------------------------------------------------


def import_series(
    reading: SeriesReading,
    *,
    uow: Callable[[], SeriesUnitOfWork],
    now: Callable[[], datetime],
    progress: Progress,
) -> SeriesImportReport:
    """Validate and upsert what an importer read, `BATCH_OBSERVATIONS` observations per transaction.

    Idempotent: a series is keyed by (source, code), an observation by (series, period); a
    re-import updates changed values and adds new periods, and never deletes stored ones. Rows
    that fail (the reader's rejects, a period off the frequency's grid, a missing value without a
    flag, a period listed twice, a series stored with another frequency) are quarantined with
    every problem, never dropped; the new import's rejections replace the open ones of the same files.
    """
    check_source_name(reading.source)
    at = now()
    report = SeriesImportReport(
        stable_id("series-import", f"{reading.source}\x1f{at.isoformat()}"),
        reading.source,
        list(reading.locations),
        rows_read=reading.rows,
        notes=list(reading.notes),
    )
    held = [_held(report, row.location, row.line, row.payload, row.problems, at) for row in reading.rejected]
    checked = [_checked(data, report, held, at) for data in reading.series.values()]
    progress.begin(f"Writing {reading.source} series", sum(len(c.periods) for c in checked))
    with _heap_settled():
        for chunk in _chunks(checked):
            with uow() as unit:
                _store(chunk, unit.series, report, held, at)
                unit.commit()
            progress.advance(sum(len(c.periods) for c in chunk))
    with uow() as unit:
        unit.series.resolve_quarantined(reading.source, {_file_name(name) for name in reading.locations}, at)
        unit.series.quarantine(held)
        unit.commit()
    report.quarantined = len(held)
    report.reasons.update(f"{p['field']}: {p['reason']}" for q in held for p in q.problems)
    return report


@contextmanager
def _heap_settled() -> Iterator[None]:
    """Keep what is already in memory (the reading: a million dates and floats) out of garbage collection.

    Writing creates a million row tuples, and every collection they trigger would walk the
    reading again; frozen, it is skipped (a third of the CPU time of an Indeed import, measured).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _checked(data: SeriesData, report: SeriesImportReport, held: list[QuarantinedRow], at: datetime) -> _Checked:
    info = data.info
    wrong = info_problems(info)
    if not wrong and _clean(data):
        return _Checked(info, data.periods, data.values, data.flags, data.lines)
    good = _Checked(info, [], [], [], [])
    first: dict[date, int] = {}
    for period, value, flag, line in zip(data.periods, data.values, data.flags, data.lines, strict=True):
        problems = wrong + observation_problems(period, value, flag, info.frequency)
        if period in first:
            problems.append(
                Problem(
                    "period", period.isoformat(), f"is listed twice for {info.code} (first at line {first[period]})"
                )
            )
        else:
            first[period] = line
        if problems:
            held.append(_held(report, info.location, line, _payload(info, period, value, flag), problems, at))
            continue
        good.periods.append(period)
        good.values.append(value)
        good.flags.append(flag)
        good.lines.append(line)
    return good


def _clean(data: SeriesData) -> bool:
    """Whether every observation passes (the common case, checked in one quick pass)."""
    frequency = data.info.frequency
    if len(set(data.periods)) != len(data.periods):
        return False
    grid = frequency not in (Frequency.DAY, Frequency.WEEK)
    if grid and any(period_start(period, frequency) != period for period in data.periods):
        return False
    numbers = data.values
    if None in numbers:
        if any(v is None and f in (Flag.NONE, Flag.ESTIMATE) for v, f in zip(numbers, data.flags, strict=True)):
            return False
        numbers = [v for v in numbers if v is not None]
    return all(map(math.isfinite, numbers))  # type: ignore[arg-type]  # no None left


def _payload(info: SeriesInfo, period: date, value: float | None, flag: Flag) -> str:
    return f"{info.code},{period.isoformat()},{'' if value is None else repr(value)},{flag.value}"


def _file_name(location: str) -> str:
    return location.replace("\\", "/").rsplit("/", 1)[-1]


def _held(
    report: SeriesImportReport,
    location: str,
    line: int,
    payload: str,
    problems: tuple[Problem, ...] | list[Problem],
    at: datetime,
) -> QuarantinedRow:
    suffix = f":{line}"
    position = _file_name(location)[-(_POSITION - len(suffix)) :] + suffix
    return QuarantinedRow(
        id=stable_id("series-quarantine", f"{report.import_id}\x1f{location}\x1f{line}\x1f{payload}"),
        import_id=report.import_id,
        source=report.source,
        position=position,
        payload=payload,
        problems=[p.as_dict() for p in problems],
        created_at=at,
    )


def _chunks(checked: list[_Checked]) -> Iterator[list[_Checked]]:
    chunk: list[_Checked] = []
    size = 0
    for item in checked:
        chunk.append(item)
        size += len(item.periods)
        if size >= BATCH_OBSERVATIONS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _store(
    chunk: list[_Checked],
    repository: SeriesRepository,
    report: SeriesImportReport,
    held: list[QuarantinedRow],
    at: datetime,
) -> None:
    stored = repository.stored([item.info.id for item in chunk])
    before = repository.values(list(stored))
    series: list[ExternalSeries] = []
    added: list[ObservationColumns] = []  # of new series: nothing to replace, a plain bulk insert
    columns: list[ObservationColumns] = []
    for item in chunk:
        info, old = item.info, stored.get(item.info.id)
        if old is not None and old.info.frequency is not info.frequency:
            _refuse_frequency(item, old, report, held, at)
            continue
        changed = _changed_rows(item, before.get(info.id), report)
        if changed[1]:
            (added if old is None else columns).append(changed)
        if old is None:
            report.series_new += 1
        elif changed[1] or old.info != info:
            report.series_updated += 1
        else:
            report.series_unchanged += 1
            continue
        series.append(ExternalSeries(info.id, info, at))
    repository.save_series(series)
    repository.add_observations(added)
    repository.save_observations(columns)


def _refuse_frequency(
    item: _Checked, old: ExternalSeries, report: SeriesImportReport, held: list[QuarantinedRow], at: datetime
) -> None:
    info = item.info
    reason = f"series {info.code} is stored with frequency {old.info.frequency.value}, not {info.frequency.value}"
    problem = Problem("frequency", info.frequency.value, reason)
    for period, value, flag, line in zip(item.periods, item.values, item.flags, item.lines, strict=True):
        held.append(_held(report, info.location, line, _payload(info, period, value, flag), [problem], at))


def _changed_rows(
    item: _Checked, previous: dict[date, tuple[float | None, Flag]] | None, report: SeriesImportReport
) -> ObservationColumns:
    """The observations to write: all of a new series; of a stored one, those new or different."""
    if not previous:
        report.observations_new += len(item.periods)
        return item.info.id, item.periods, item.values, item.flags
    periods: list[date] = []
    values: list[float | None] = []
    flags: list[Flag] = []
    for period, value, flag in zip(item.periods, item.values, item.flags, strict=True):
        old = previous.get(period)
        if old is None:
            report.observations_new += 1
        elif old == (value, flag):
            report.observations_unchanged += 1
            continue
        else:
            report.observations_changed += 1
        periods.append(period)
        values.append(value)
        flags.append(flag)
    return item.info.id, periods, values, flags


def quarantined_series(*, source: str | None, limit: int, uow: SeriesUnitOfWork) -> list[QuarantinedRow]:
    """Open quarantine entries of series files (newest first), with their problems."""
    with uow:
        return uow.series.quarantined(source, limit)


# -- reading ---------------------------------------------------------------------------------


def list_series(
    where: SeriesFilter, *, cursor: str | None, limit: int | None, uow: SeriesUnitOfWork
) -> Page[SeriesSummary]:
    """A page of series matching `where`, by source and code, each with its observation count and span.

    Unknown measures, sources, frequencies and countries are `Invalid` with suggestions.
    """
    context = f"series|{where}"
    request = page_request(cursor, limit, context=context)
    with uow:
        where = checked_filter(where, uow.series)
        found, total = uow.series.find(where, request.offset, request.size)
    return make_page(found, total, request, context=context)


def checked_filter(where: SeriesFilter, repository: SeriesRepository) -> SeriesFilter:
    """`where` with its values checked against what is stored (normalised); `Invalid` with suggestions."""
    for name in ("measure", "source", "frequency"):
        value = getattr(where, name)
        if value is None:
            continue
        if name == "frequency":
            parse_frequency(value)
        known = repository.choices(name)
        if value not in known:
            raise Invalid(
                f"no stored series has {name} {value!r}; {name}s are {', '.join(known) or 'none yet'}",
                field=name,
                suggestions=did_you_mean(value, known),
            )
    country = where.country.strip().upper() if where.country is not None else None
    if country is not None:
        countries = repository.countries()
        if country not in countries:
            raise Invalid(
                f"no stored series is of country {where.country!r}; countries are {', '.join(countries) or 'none yet'}",
                field="country",
                suggestions=did_you_mean(country, countries),
            )
    text = " ".join(where.text.split()).lower() if where.text is not None else None
    if where.text is not None and not text:
        raise Invalid("give words to search series names and codes for", field="q")
    return SeriesFilter(where.measure, where.source, country, text, where.frequency, where.dimensions, where.ids)


def get_series(
    series_id: str, *, start: str | None = None, end: str | None = None, uow: SeriesUnitOfWork
) -> SeriesView:
    """One series with its observations from `start` to `end` (period texts YYYY, YYYY-MM or YYYY-MM-DD).

    `end` is inclusive of the whole period it names (`2020` runs to 31 December 2020). Raises
    `NotFound` for an unknown id and `Invalid` for a bad or reversed range.
    """
    low = period_bound(start, end=False, field_name="from") if start else None
    high = period_bound(end, end=True, field_name="to") if end else None
    if low is not None and high is not None and low > high:
        raise Invalid(f"from {start} is after to {end}", field="from")
    with uow:
        found, _total = uow.series.find(SeriesFilter(ids=(series_id,)), 0, 1)
        if not found:
            raise NotFound(f"no external series with id {series_id!r} (see `lmis series list`)")
        observations = uow.series.observations([series_id], low, high).get(series_id, [])
    return SeriesView(found[0], observations)
