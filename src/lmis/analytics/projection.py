"""Long-term occupational projections: a damped-trend total times damped log-linear occupation shares."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lmis.analytics.forecast_input import Series
from lmis.analytics.periods import Frequency
from lmis.shared.errors import Invalid, did_you_mean

Array = NDArray[np.float64]
DAMPING = 0.9  # fixed in advance (Gardner & McKenzie 1985 range 0.8-0.98), not fitted to the evaluation years
TREND_YEARS = 10  # share trends are fitted on at most the last 10 years, as BLS naive models use 10 years
MIN_TREND_YEARS = 3
MIN_ETS_YEARS = 10


@dataclass(frozen=True)
class Panel:
    """Annual values by year: the total and each occupation (nan where a year is missing)."""

    years: NDArray[np.int64]
    total: Array
    occupations: dict[str, Array]
    total_id: str | None

    def until(self, year: int) -> Panel:
        """The panel cut after `year` (a projection origin)."""
        keep = self.years <= year
        return Panel(
            self.years[keep], self.total[keep], {k: v[keep] for k, v in self.occupations.items()}, self.total_id
        )


def panel(series: Sequence[Series], total_id: str | None) -> Panel:
    """Line the annual series up by year; the total is `total_id`, else the sum of the occupations (nan-skipping)."""
    wrong = [s.series_id for s in series if s.grid.frequency is not Frequency.ANNUAL]
    if wrong:
        raise Invalid(f"projections need annual series; {wrong[0]!r} is {_frequency(series, wrong[0])}", field="input")
    ids = [s.series_id for s in series]
    if total_id is not None and total_id not in ids:
        raise Invalid(f"no series {total_id!r} for --total", field="total", suggestions=did_you_mean(total_id, ids))
    first = min(int(s.grid.label(0)[:4]) for s in series)
    last = max(int(s.grid.label(s.values.size - 1)[:4]) for s in series)
    years = np.arange(first, last + 1)
    table = {s.series_id: _by_year(s, years) for s in series}
    occupations = {k: v for k, v in table.items() if k != total_id}
    total = table[total_id] if total_id is not None else np.nansum(np.vstack(list(occupations.values())), axis=0)
    return Panel(years, total, occupations, total_id)


def _frequency(series: Sequence[Series], series_id: str) -> str:
    return next(s.grid.frequency.value for s in series if s.series_id == series_id)


def _by_year(series: Series, years: NDArray[np.int64]) -> Array:
    values = np.full(years.size, np.nan)
    start = int(series.grid.label(0)[:4]) - int(years[0])
    values[start : start + series.values.size] = series.values
    return values


def project_total(total: Array, years: int, damping: float = DAMPING) -> Array:
    """The total `years` ahead: AutoETS restricted to damped trends with 10+ years, else a damped average growth."""
    known = total[np.isfinite(total)]
    if known.size >= MIN_ETS_YEARS:
        from statsforecast.models import AutoETS

        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                mean = AutoETS(season_length=1, model="ZZN", damped=True).forecast(y=known, h=years)["mean"]
                return np.asarray(mean, dtype=np.float64)
            except Exception:  # noqa: S110 - fall back to the damped average growth below
                pass
    growth = float(np.mean(np.diff(np.log(known)))) if known.size >= 2 and np.all(known > 0) else 0.0
    return np.asarray(known[-1] * np.exp(growth * _damped_steps(years, damping)), dtype=np.float64)


def _damped_steps(years: int, damping: float) -> Array:
    """Sum of damping^k for k = 1..h, for h = 1..years: how many years of trend each horizon carries."""
    return np.cumsum(damping ** np.arange(1, years + 1))


def share_trends(shares: Array) -> tuple[float, float]:
    """(last log share, slope): OLS of the log share on the year over the last TREND_YEARS known years.

    Fewer than MIN_TREND_YEARS known years give a zero slope (the share is held).
    """
    years = np.flatnonzero(np.isfinite(shares) & (shares > 0))[-TREND_YEARS:]
    if years.size == 0:
        return math.nan, 0.0
    last = float(np.log(shares[years[-1]]))
    if years.size < MIN_TREND_YEARS:
        return last, 0.0
    slope = float(np.polyfit(years.astype(np.float64), np.log(shares[years]), 1)[0])
    return last, slope


@dataclass(frozen=True)
class Projection:
    """Projected employment by occupation for `years` years after `origin`, and the total."""

    origin: int
    years: int
    total: Array
    occupations: dict[str, Array]
    shares: dict[str, Array]


def project(data: Panel, years: int, *, damping: float = DAMPING, only: Sequence[str] | None = None) -> Projection:
    """The share-shift projection from the panel's last year.

    Occupation shares of the total are projected by damped log-linear trends, then scaled so
    that together they keep the share of the total they had in the origin year (the rest of
    the total is whatever the occupations listed do not cover). Occupation = total x share.
    """
    origin = int(data.years[-1])
    total = project_total(data.total, years, damping)
    steps = _damped_steps(years, damping)
    chosen = only if only is not None else [k for k, v in data.occupations.items() if np.isfinite(v[-1])]
    raw: dict[str, Array] = {}
    for occupation in chosen:
        last, slope = share_trends(data.occupations[occupation] / data.total)
        raw[occupation] = np.exp(last + slope * steps)
    covered = sum(float(data.occupations[k][-1]) for k in chosen) / float(data.total[-1])
    scale = covered / np.sum(np.vstack(list(raw.values())), axis=0) if raw else np.ones(years)
    shares = {k: v * scale for k, v in raw.items()}
    return Projection(origin, years, total, {k: total * s for k, s in shares.items()}, shares)
