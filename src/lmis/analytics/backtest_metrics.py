"""Forecast accuracy arithmetic: MASE scale, sMAPE, interval coverage, direction of change, Diebold-Mariano."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def mase_scale(train: Array, season: int) -> float:
    """The in-sample mean absolute error of the seasonal naive forecast (Hyndman & Koehler 2006).

    Uses lag `season` when the training data holds more than one season, else lag 1; a
    constant series falls back to lag 1 and then gives nan (no scale: the origin is not scored).
    """
    for lag in dict.fromkeys((season if train.size > season else 1, 1)):
        if train.size > lag:
            scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
            if scale > 0:
                return scale
    return math.nan


def smape(actual: Array, forecast: Array) -> Array:
    """Symmetric absolute percentage errors, 0-200 (0 where both are zero)."""
    denominator = np.abs(actual) + np.abs(forecast)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = 200.0 * np.abs(actual - forecast) / denominator
    return np.asarray(np.where(denominator == 0, 0.0, terms), dtype=np.float64)


def covered(actual: Array, low: Array, high: Array) -> Array:
    """1.0 where the actual value lies inside [low, high], 0.0 outside, nan where a bound is missing."""
    inside = ((actual >= low) & (actual <= high)).astype(np.float64)
    return np.asarray(np.where(np.isnan(low) | np.isnan(high), np.nan, inside), dtype=np.float64)


def direction_hits(last: float, actual: Array, forecast: Array) -> Array:
    """1.0 where the forecast moves the same way from the origin's last value as the actual (up, down, flat)."""
    same = np.sign(actual - last) == np.sign(forecast - last)
    return np.asarray(same, dtype=np.float64)


@dataclass(frozen=True)
class DieboldMariano:
    """The Diebold-Mariano test of equal accuracy; positive `statistic` means the first forecast is better."""

    statistic: float
    p_value: float
    n: int


def diebold_mariano(differential: Array, horizon: int) -> DieboldMariano:
    """Test whether a loss differential (baseline loss minus model loss, one per origin) has mean zero.

    Long-run variance by Newey-West with `horizon - 1` lags (h-step errors overlap), the
    small-sample correction of Harvey, Leybourne & Newbold (1997) and a Student t with n - 1
    degrees of freedom; two-sided p-value.
    """
    from scipy import stats

    d = differential[np.isfinite(differential)]
    n = d.size
    if n < 3:
        return DieboldMariano(math.nan, math.nan, n)
    centred = d - d.mean()
    variance = float(centred @ centred) / n
    for lag in range(1, min(horizon, n)):
        weight = 1.0 - lag / min(horizon, n)
        variance += 2.0 * weight * float(centred[lag:] @ centred[:-lag]) / n
    if variance <= 0:
        return DieboldMariano(math.nan, math.nan, n)
    factor = (n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n
    if factor <= 0:  # too few origins for this horizon (about n <= h): the corrected test is not defined
        return DieboldMariano(math.nan, math.nan, n)
    statistic = math.sqrt(factor) * float(d.mean()) / math.sqrt(variance / n)
    return DieboldMariano(statistic, float(2.0 * stats.t.sf(abs(statistic), df=n - 1)), n)


def buckets(horizon: int) -> list[tuple[int, int]]:
    """Horizon buckets (first and last step) up to `horizon`: 1-3, 4-6, 7-12, 13-24, 25-52, 53 and beyond."""
    edges = [(1, 3), (4, 6), (7, 12), (13, 24), (25, 52), (53, max(53, horizon))]
    return [(low, min(high, horizon)) for low, high in edges if low <= horizon]
