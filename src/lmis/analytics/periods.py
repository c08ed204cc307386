"""Periods of time series: parsing `YYYY`, `YYYY-MM` and `YYYY-MM-DD`, inferring a series' frequency, counting steps."""

from __future__ import annotations

import calendar
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum


class PeriodFormat(Enum):
    """How the input wrote its periods; the output writes them the same way."""

    YEAR = "YYYY"
    MONTH = "YYYY-MM"
    DATE = "YYYY-MM-DD"


class Frequency(Enum):
    """How often a series is observed; each has its seasonal period (observations per cycle)."""

    ANNUAL = "annual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"

    @property
    def season_length(self) -> int:
        """Observations per seasonal cycle: 12 a month, 4 a quarter, 52 a week, 7 a day, 1 a year."""
        return {"annual": 1, "quarterly": 4, "monthly": 12, "weekly": 52, "daily": 7}[self.value]


_PATTERNS = {
    PeriodFormat.YEAR: re.compile(r"\d{4}"),
    PeriodFormat.MONTH: re.compile(r"\d{4}-\d{2}"),
    PeriodFormat.DATE: re.compile(r"\d{4}-\d{2}-\d{2}"),
}
_MONTH_STEPS = {1: Frequency.MONTHLY, 3: Frequency.QUARTERLY, 12: Frequency.ANNUAL}
_DAY_STEPS = {1: Frequency.DAILY, 7: Frequency.WEEKLY}
MONTH_END = 0  # the day anchor of dates that are always the last day of their month


@dataclass(frozen=True)
class Period:
    """One parsed period: its format and its position on the format's own scale.

    The scale is years for `YYYY`, months since year 0 for `YYYY-MM`, and days (proleptic
    ordinal) for `YYYY-MM-DD`; `day` keeps the day of the month of a date.
    """

    fmt: PeriodFormat
    ordinal: int
    day: int = 0


def parse_period(text: str) -> Period:
    """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raises ValueError saying what was expected."""
    value = text.strip()
    for fmt, pattern in _PATTERNS.items():
        if pattern.fullmatch(value):
            return _period(fmt, value)
    raise ValueError(f"{text!r} is not a period: expected YYYY, YYYY-MM or YYYY-MM-DD")


def _period(fmt: PeriodFormat, value: str) -> Period:
    if fmt is PeriodFormat.YEAR:
        return Period(fmt, int(value))
    if fmt is PeriodFormat.MONTH:
        year, month = int(value[:4]), int(value[5:7])
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r} has no month {month}")
        return Period(fmt, year * 12 + month - 1)
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a calendar date ({error})") from None
    return Period(fmt, day.toordinal(), day.day)


@dataclass(frozen=True)
class PeriodGrid:
    """The regular calendar of one series: its first period, step and how to write period `i`.

    Month-based grids (`unit == "month"`) count months and place a date on `anchor` (a day of
    the month, or MONTH_END); day-based grids count days; year grids count years.
    """

    fmt: PeriodFormat
    frequency: Frequency
    start: int
    step: int
    anchor: int = 1

    @property
    def unit(self) -> str:
        """What `start` and `step` count: "year", "month" or "day"."""
        if self.fmt is PeriodFormat.YEAR:
            return "year"
        if self.fmt is PeriodFormat.DATE and self.frequency in (Frequency.DAILY, Frequency.WEEKLY):
            return "day"
        return "month"

    def position(self, period: Period) -> int:
        """The period's position on the grid's scale (months for month grids, else the ordinal)."""
        if self.unit == "month" and period.fmt is PeriodFormat.DATE:
            day = date.fromordinal(period.ordinal)
            return day.year * 12 + day.month - 1
        return period.ordinal

    def label(self, index: int) -> str:
        """The period at grid index `index` (0 = the first observation), in the input's format."""
        value = self.start + index * self.step
        if self.fmt is PeriodFormat.YEAR:
            return f"{value:04d}"
        if self.unit == "day":
            return date.fromordinal(value).isoformat()
        year, month = divmod(value, 12)
        if self.fmt is PeriodFormat.MONTH:
            return f"{year:04d}-{month + 1:02d}"
        last = calendar.monthrange(year, month + 1)[1]
        day = last if self.anchor == MONTH_END else min(self.anchor, last)
        return f"{year:04d}-{month + 1:02d}-{day:02d}"


def infer_grid(periods: Sequence[Period]) -> PeriodGrid:
    """The grid of a series' periods (sorted, distinct, one format); raises ValueError if irregular.

    The step is the most common gap between consecutive periods; every gap must be a whole
    number of steps (missing periods are gaps the caller fills or refuses). Dates that share
    one day of the month (or are all month ends) step in months: 1 monthly, 3 quarterly, 12
    annual; other dates step in days: 1 daily, 7 weekly. A single period is taken as annual
    (`YYYY`) or monthly (`YYYY-MM`, or a date on day 1-28).
    """
    fmt = periods[0].fmt
    shared_day = _day_anchor(periods) if fmt is PeriodFormat.DATE else 1
    month_based = fmt is PeriodFormat.MONTH or (fmt is PeriodFormat.DATE and shared_day is not None)
    anchor = 1 if shared_day is None else shared_day
    if fmt is PeriodFormat.YEAR:
        frequency, steps = Frequency.ANNUAL, {1: Frequency.ANNUAL}
    elif month_based:
        frequency, steps = Frequency.MONTHLY, _MONTH_STEPS
    else:
        frequency, steps = Frequency.DAILY, _DAY_STEPS
    grid = PeriodGrid(fmt, frequency, 0, 1, anchor)
    positions = [grid.position(period) for period in periods]
    if len(positions) == 1:
        return PeriodGrid(fmt, frequency, positions[0], 1, anchor)
    step = _modal_gap(positions)
    if step not in steps:
        unit = grid.unit + "s"
        raise ValueError(f"periods are {step} {unit} apart; supported spacings: {sorted(steps)} {unit}")
    return PeriodGrid(fmt, steps[step], positions[0], step, anchor)


def _day_anchor(periods: Sequence[Period]) -> int | None:
    """The shared day of the month of the dates (MONTH_END if all are month ends), else None."""
    days = {period.day for period in periods}
    if len(days) == 1 and next(iter(days)) <= 28:
        return next(iter(days))
    ends = all(_is_month_end(period.ordinal) for period in periods)
    return MONTH_END if ends and len(periods) > 1 else None


def _is_month_end(ordinal: int) -> bool:
    day = date.fromordinal(ordinal)
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _modal_gap(positions: Sequence[int]) -> int:
    gaps = Counter(later - earlier for earlier, later in itertools.pairwise(positions))
    return min(gaps.items(), key=lambda item: (-item[1], item[0]))[0]
