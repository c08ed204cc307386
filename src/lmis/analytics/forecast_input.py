"""The forecast input contract: rows `series_id,period,value` checked and turned into regular series."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from lmis.analytics.periods import Period, PeriodGrid, infer_grid, parse_period
from lmis.shared.delimited import Row
from lmis.shared.errors import Invalid, MalformedFile

COLUMNS = ("series_id", "period", "value")
MISSING_VALUES = frozenset({"", "na", "n/a", "nan", "null", "."})  # "." is how FRED writes a missing value
_LISTED_PROBLEMS = 10


class GapPolicy(Enum):
    """What to do with periods missing inside a series (absent rows or empty values)."""

    INTERPOLATE = "interpolate"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Series:
    """One input series on its regular grid; `values[i]` is the value of `grid.label(i)`."""

    series_id: str
    grid: PeriodGrid
    values: NDArray[np.float64]
    line: int
    notes: tuple[str, ...] = ()

    @property
    def nonnegative(self) -> bool:
        """Whether every observed value is >= 0 (counts): forecasts are then kept >= 0 too."""
        return bool(np.all(self.values >= 0))

    def head(self, length: int) -> Series:
        """The series cut after its first `length` values (a forecast origin in a backtest)."""
        return Series(self.series_id, self.grid, self.values[:length], self.line, self.notes)


@dataclass
class _Observations:
    line: int
    points: list[tuple[int, Period, float | None]] = field(default_factory=list)


@dataclass
class _Problems:
    path: str
    found: list[tuple[int, str | None, str]] = field(default_factory=list)

    def add(self, line: int, column: str | None, detail: str) -> None:
        self.found.append((line, column, detail))

    def raise_any(self) -> None:
        """Raise one MalformedFile for the first problem that also lists the next few."""
        if not self.found:
            return
        ordered = sorted(self.found, key=lambda problem: problem[0])
        line, column, detail = ordered[0]
        more = [f"line {ln}: {text}" for ln, _col, text in ordered[1 : _LISTED_PROBLEMS + 1]]
        if more:
            rest = len(ordered) - 1 - len(more)
            detail += "; also " + "; ".join(more) + (f"; and {rest} more" if rest else "")
        raise MalformedFile(detail, path=self.path, line=line, column=column)


def read_series(rows: Iterable[Row], *, path: str, gaps: GapPolicy = GapPolicy.INTERPOLATE) -> list[Series]:
    """Check every row and build the series in order of first appearance.

    Raises `MalformedFile` naming the first bad line (and listing up to ten more) for: an empty
    series id, a period that is not `YYYY`/`YYYY-MM`/`YYYY-MM-DD`, a value that is not a number,
    periods of two formats in one series, a period listed twice, irregular spacing, or (with
    `GapPolicy.REFUSE`) missing periods. Empty values (also `NA`, `.`) count as missing periods.
    """
    problems = _Problems(path)
    grouped: dict[str, _Observations] = {}
    for row in rows:
        parsed = _parse_row(row, problems)
        if parsed is not None:
            series_id, period, value = parsed
            grouped.setdefault(series_id, _Observations(row.line)).points.append((row.line, period, value))
    built = [_build(series_id, observed, gaps, problems) for series_id, observed in grouped.items()]
    problems.raise_any()
    if not built:
        raise Invalid(f"{path} holds no series: expected rows of {','.join(COLUMNS)}", field="input")
    return [series for series in built if series is not None]


def _parse_row(row: Row, problems: _Problems) -> tuple[str, Period, float | None] | None:
    series_id = row.get("series_id")
    if not series_id:
        problems.add(row.line, "series_id", "the series id is empty")
        return None
    try:
        period = parse_period(row.get("period"))
    except ValueError as error:
        problems.add(row.line, "period", str(error))
        return None
    text = row.get("value")
    if text.lower() in MISSING_VALUES:
        return series_id, period, None
    try:
        if "_" in text:  # float() would read "1_000" as 1000; a data file should not say that
            raise ValueError(text)
        value = float(text)
    except ValueError:
        problems.add(row.line, "value", f"{text!r} is not a number")
        return None
    if not math.isfinite(value):
        problems.add(row.line, "value", f"{text!r} is not a finite number")
        return None
    return series_id, period, value


def _build(series_id: str, observed: _Observations, gaps: GapPolicy, problems: _Problems) -> Series | None:
    points = observed.points
    first_line, first = points[0][0], points[0][1]
    for line, period, _value in points:
        if period.fmt is not first.fmt:
            problems.add(
                line,
                "period",
                f"series {series_id!r} mixes period formats: {period.fmt.value} here, "
                f"{first.fmt.value} on line {first_line}",
            )
            return None
    ordered = sorted(points, key=lambda point: point[1].ordinal)
    seen: dict[int, int] = {}
    for line, period, _value in ordered:
        if period.ordinal in seen:
            problems.add(
                line, "period", f"series {series_id!r} lists this period twice (first on line {seen[period.ordinal]})"
            )
            return None
        seen[period.ordinal] = line
    return _on_grid(series_id, ordered, gaps, problems)


def _on_grid(
    series_id: str, ordered: list[tuple[int, Period, float | None]], gaps: GapPolicy, problems: _Problems
) -> Series | None:
    try:
        grid = infer_grid([period for _line, period, _value in ordered])
    except ValueError as error:
        problems.add(ordered[0][0], "period", f"series {series_id!r}: {error}")
        return None
    slots: dict[int, float | None] = {}
    for line, period, value in ordered:
        offset, off_grid = divmod(grid.position(period) - grid.start, grid.step)
        if off_grid:
            problems.add(
                line, "period", f"series {series_id!r} is {grid.frequency.value}, but this period is off its grid"
            )
            return None
        slots[offset] = value
    values = np.array([slots.get(i) for i in range(max(slots) + 1)], dtype=np.float64)  # None -> nan
    return _filled(series_id, grid, values, ordered, gaps, problems)


def _filled(
    series_id: str,
    grid: PeriodGrid,
    values: NDArray[np.float64],
    ordered: list[tuple[int, Period, float | None]],
    gaps: GapPolicy,
    problems: _Problems,
) -> Series | None:
    line = min(point[0] for point in ordered)
    known = np.flatnonzero(~np.isnan(values))
    if known.size == 0:
        problems.add(line, "value", f"series {series_id!r} has no values")
        return None
    notes: list[str] = []
    first, last = int(known[0]), int(known[-1])
    if first > 0 or last < values.size - 1:
        notes.append(f"{first + values.size - 1 - last} empty value(s) at the ends dropped")
        grid = PeriodGrid(grid.fmt, grid.frequency, grid.start + first * grid.step, grid.step, grid.anchor)
        values = values[first : last + 1]
    missing = np.isnan(values)
    if missing.any():
        where = ", ".join(grid.label(int(i)) for i in np.flatnonzero(missing)[:5])
        if gaps is GapPolicy.REFUSE:
            problems.add(line, "period", f"series {series_id!r} misses {int(missing.sum())} period(s): {where}")
            return None
        index = np.arange(values.size)
        values[missing] = np.interp(index[missing], index[~missing], values[~missing])
        notes.append(f"{int(missing.sum())} missing period(s) filled by linear interpolation ({where})")
    return Series(series_id, grid, values, line, tuple(notes))
