"""External series as the domain sees them: series ids, frequencies, periods, flags, and what a file reading holds.

An external series is an official or third-party statistic (BLS OEWS, the Indeed postings index,
Canada's LMIA approvals, FRED/JOLTS, a user's file) stored beside the platform's own indicators.
Each observation is dated by the first day of its period; a value the publisher withholds is None
with a flag saying why, never a made-up number. Everything here is pure.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from lmis.shared.errors import Invalid, did_you_mean


class Frequency(StrEnum):
    """How often a series is observed; periods start on the first day of a year, quarter, month, week or day."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"


class Flag(StrEnum):
    """What is special about an observation (the empty flag: an ordinary published value)."""

    NONE = ""
    NOT_AVAILABLE = "not_available"  # the publisher withholds or lacks the value (value is None)
    TOP_CODED = "top_coded"  # above the publisher's ceiling, e.g. an OEWS wage of $239,200 or more (value None)
    ESTIMATE = "estimate"  # derived here, e.g. a half-year total split into quarters (see the series notes)


# Coarse to fine: a series can be aggregated to a frequency earlier in this list, never to a later one.
ORDER = (Frequency.YEAR, Frequency.QUARTER, Frequency.MONTH, Frequency.WEEK, Frequency.DAY)
_MEASURE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_PERIOD = re.compile(r"([0-9]{4})(?:-(?:([0-9]{2})(?:-([0-9]{2}))?|[Qq]([1-4])))?")


def series_id(source: str, code: str) -> str:
    """The stable id of series `code` of `source`: the first 16 hex digits of sha256("source\\0code")."""
    return hashlib.sha256(f"{source}\x00{code}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """What a series is: its publisher's key (`code`) within `source`, what it measures and under which licence.

    `dimensions` place it (country as ISO 3166-1 alpha-2, region, occupation as "SOC:29-1141",
    sector...); `notes` are the caveats a reader must see next to the numbers; `location` the file.
    """

    source: str
    code: str
    name: str
    measure: str
    unit: str
    frequency: Frequency
    dimensions: Mapping[str, str]
    publisher: str
    licence: str
    attribution: str
    location: str
    notes: str = ""

    @property
    def id(self) -> str:
        """The stable id (`series_id(source, code)`)."""
        return series_id(self.source, self.code)


@dataclass(frozen=True, slots=True)
class ExternalSeries:
    """A stored series: its description and when it was last imported (changed)."""

    id: str
    info: SeriesInfo
    imported_at: datetime


@dataclass(frozen=True, slots=True)
class Observation:
    """One period of a series: its first day, the value (None when not published) and its flag."""

    period: date
    value: float | None
    flag: Flag = Flag.NONE


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row was quarantined: the field, the value read, the reason and values that would do."""

    field: str
    value: str
    reason: str
    suggestions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, as stored in the quarantine."""
        return {"field": self.field, "value": self.value, "reason": self.reason, "suggestions": list(self.suggestions)}


@dataclass(slots=True)
class SeriesData:
    """A series read from a file with its observations, column-wise (a million rows stay small).

    `lines[i]` is the file line observation i came from (the first line when it sums many rows).
    """

    info: SeriesInfo
    periods: list[date] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def add(self, period: date, value: float | None, flag: Flag, line: int) -> None:
        """Append one observation."""
        self.periods.append(period)
        self.values.append(value)
        self.flags.append(flag)
        self.lines.append(line)

    def extend(self, periods: list[date], values: list[float | None], flag: Flag, lines: list[int]) -> None:
        """Append many observations with one flag (a reader's column of a file)."""
        self.periods.extend(periods)
        self.values.extend(values)
        self.flags.extend([flag] * len(periods))
        self.lines.extend(lines)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row of a file that cannot become an observation: where it is, its text and every problem."""

    location: str
    line: int
    payload: str
    problems: tuple[Problem, ...]


@dataclass(slots=True)
class SeriesReading:
    """What an importer read from one file or folder: series by code, rejected rows, and remarks.

    `notes` say what the reader did that a person should know (rows merged, files skipped,
    a half-year split into quarters); the import report repeats them.
    """

    source: str
    locations: list[str] = field(default_factory=list)
    series: dict[str, SeriesData] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)
    rows: int = 0
    notes: list[str] = field(default_factory=list)

    def reject(self, location: str, line: int, payload: str, *problems: Problem) -> None:
        """Keep a row that cannot be used, with its problems (it will be quarantined)."""
        self.rejected.append(RejectedRow(location, line, payload, problems))


# -- periods ---------------------------------------------------------------------------------


def parse_frequency(text: str) -> Frequency:
    """A frequency from its name; `Invalid` with suggestions otherwise."""
    try:
        return Frequency(text.strip().lower())
    except ValueError:
        names = [f.value for f in Frequency]
        raise Invalid(
            f"{text!r} is not a frequency; use one of {', '.join(names)}",
            field="frequency",
            suggestions=did_you_mean(text, names),
        ) from None


def parse_period(text: str) -> tuple[date, Frequency]:
    """The first day of the period `text` names and how fine it is: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.

    Raises `ValueError` with a reason for anything else (a month 13, a 31 April, free text).
    """
    found = _PERIOD.fullmatch(text.strip())
    if found is None:
        raise ValueError("is not a period: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day, quarter = found.groups()
    try:
        if quarter:
            return date(int(year), 3 * int(quarter) - 2, 1), Frequency.QUARTER
        if month is None:
            return date(int(year), 1, 1), Frequency.YEAR
        if day is None:
            return date(int(year), int(month), 1), Frequency.MONTH
        return date(int(year), int(month), int(day)), Frequency.DAY
    except ValueError:
        raise ValueError("is not a calendar date (years 1 to 9999)") from None


def period_bound(text: str, *, end: bool, field_name: str) -> date:
    """A `from` (first day) or `to` (last day) bound from a period text; `Invalid` when it is none.

    `to=2020` means through 31 December 2020, so the bound includes every period starting in 2020.
    """
    try:
        start, grain = parse_period(text)
    except ValueError as error:
        raise Invalid(f"{text!r} {error}", field=field_name) from None
    return period_end(start, grain) if end else start


def period_end(start: date, frequency: Frequency) -> date:
    """The last day of the period of `frequency` that starts on `start`."""
    if frequency is Frequency.DAY:
        return start
    if frequency is Frequency.WEEK:
        return start + timedelta(days=6)
    months = {Frequency.MONTH: 1, Frequency.QUARTER: 3, Frequency.YEAR: 12}[frequency]
    month_index = start.month - 1 + months - 1
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def period_start(day: date, frequency: Frequency) -> date:
    """The first day of the period of `frequency` containing `day` (weeks: the day itself, as published)."""
    if frequency is Frequency.YEAR:
        return date(day.year, 1, 1)
    if frequency is Frequency.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if frequency is Frequency.MONTH:
        return date(day.year, day.month, 1)
    return day


def period_text(period: date, frequency: Frequency) -> str:
    """The period as the forecast input contract writes it: YYYY, YYYY-MM (months and quarters) or YYYY-MM-DD."""
    if frequency is Frequency.YEAR:
        return f"{period.year:04d}"
    if frequency in (Frequency.QUARTER, Frequency.MONTH):
        return f"{period.year:04d}-{period.month:02d}"
    return period.isoformat()


def guess_frequency(grain: Frequency, periods: list[date]) -> Frequency:
    """The frequency of sorted `periods` written at `grain` (from `parse_period`).

    Months only in January, April, July and October with gaps of three months are quarters;
    days all seven days apart are weeks.
    """
    if len(periods) < 2:
        return grain
    steps = list(pairwise(periods))
    if grain is Frequency.MONTH and all(p.month in (1, 4, 7, 10) for p in periods):
        return Frequency.QUARTER if all(_months_between(a, b) % 3 == 0 for a, b in steps) else grain
    if grain is Frequency.DAY and all((b - a).days % 7 == 0 for a, b in steps):
        return Frequency.WEEK
    return grain


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


# -- checks ----------------------------------------------------------------------------------


def info_problems(info: SeriesInfo) -> list[Problem]:
    """What makes a series description unusable (an empty list: none)."""
    problems: list[Problem] = []
    if not _MEASURE.fullmatch(info.measure):
        problems.append(Problem("measure", info.measure, "is not a measure name: lower-case letters, digits and _"))
    for name, value in (("code", info.code), ("name", info.name), ("licence", info.licence)):
        if not value.strip():
            problems.append(Problem(name, value, "is required"))
    if len(info.source) > 64 or not info.source:
        problems.append(Problem("source", info.source, "must be 1 to 64 characters"))
    return problems


def observation_problems(period: date, value: float | None, flag: Flag, frequency: Frequency) -> list[Problem]:
    """Why an observation cannot be stored as read: a period off its frequency's grid, a non-finite or missing value."""
    problems: list[Problem] = []
    if period_start(period, frequency) != period:
        problems.append(
            Problem("period", period.isoformat(), f"does not start a {frequency.value} (expected {_grid(frequency)})")
        )
    if value is None and flag in (Flag.NONE, Flag.ESTIMATE):
        problems.append(Problem("value", "", "is missing; a missing value needs the flag not_available or top_coded"))
    if value is not None and not math.isfinite(value):
        problems.append(Problem("value", str(value), "is not a finite number"))
    return problems


def _grid(frequency: Frequency) -> str:
    return {
        Frequency.YEAR: "1 January",
        Frequency.QUARTER: "the 1st of January, April, July or October",
        Frequency.MONTH: "the 1st of a month",
    }.get(frequency, "any day")
