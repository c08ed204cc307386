"""Backtest arithmetic on hand-checked numbers: MASE scale, sMAPE, coverage, direction, Diebold-Mariano, buckets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lmis.analytics.backtest import backtest, origins
from lmis.analytics.backtest_metrics import (
    buckets,
    covered,
    diebold_mariano,
    direction_hits,
    mase_scale,
    smape,
)
from lmis.analytics.forecast_input import Series
from lmis.analytics.periods import Frequency, PeriodFormat, PeriodGrid


def a(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_the_mase_scale_is_the_in_sample_seasonal_naive_error() -> None:
    assert mase_scale(a(1, 2, 4, 7), 1) == 2.0  # |1|, |2|, |3|
    assert mase_scale(a(1, 2, 4, 7, 11), 2) == 5.0  # |4-1|, |7-2|, |11-4|
    assert mase_scale(a(1, 2, 4), 12) == 1.5  # too short for lag 12: lag 1
    assert math.isnan(mase_scale(a(3, 3, 3), 1))


def test_smape_is_symmetric_and_zero_when_both_are_zero() -> None:
    assert smape(a(100, 0, 50), a(50, 0, 100)).round(4).tolist() == [66.6667, 0.0, 66.6667]


def test_coverage_counts_the_bounds_as_inside_and_a_missing_bound_as_unknown() -> None:
    result = covered(a(1, 5, 9, 2, 4), a(0, 6, 0, 2, math.nan), a(2, 8, 8, 3, 5))
    assert result[:4].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert math.isnan(result[4])


def test_direction_compares_the_move_from_the_last_known_value() -> None:
    assert direction_hits(10.0, a(12, 8, 10), a(11, 11, 10)).tolist() == [1.0, 0.0, 1.0]


def test_diebold_mariano_matches_the_hand_computed_statistic() -> None:
    # d = 2, 0, 2, 0: mean 1, variance 1, HLN factor sqrt(3/4): statistic sqrt(3/4) * 1 / sqrt(1/4) = 1.732
    result = diebold_mariano(a(2, 0, 2, 0), horizon=1)
    assert result.statistic == pytest.approx(math.sqrt(3.0), rel=1e-9)
    assert result.p_value == pytest.approx(0.1817, abs=1e-3)  # Student t, 3 degrees of freedom
    assert math.isnan(diebold_mariano(a(1, 2), horizon=1).p_value)
    # 12 origins cannot test 12 steps ahead (the correction factor is 0): no p-value, not p = 1
    assert math.isnan(diebold_mariano(a(*range(12)), horizon=12).p_value)


def test_buckets_stop_at_the_horizon() -> None:
    assert buckets(12) == [(1, 3), (4, 6), (7, 12)]
    assert buckets(5) == [(1, 3), (4, 5)]
    assert buckets(1) == [(1, 1)]


def test_origins_are_the_latest_cuts_that_leave_the_whole_horizon_and_enough_history() -> None:
    assert origins(20, 3, 4) == [14, 15, 16, 17]
    assert origins(20, 3, 4, step=2) == [11, 13, 15, 17]
    assert origins(14, 3, 5) == [10, 11]


def test_a_backtest_on_a_straight_line_scores_drift_perfect_and_naive_as_hand_computed() -> None:
    line = Series("line", PeriodGrid(PeriodFormat.YEAR, Frequency.ANNUAL, 2000, 1), 2.0 * np.arange(15), 2)
    report = backtest([line], horizon=3, origins_per_series=2, members=("drift",))
    # naive errors 2, 4, 6 over an in-sample step of 2: scaled 1, 2, 3, mean 2
    assert report.metrics["snaive"]["1-3"]["mase"] == pytest.approx(2.0)
    assert report.metrics["drift"]["1-3"]["mase"] == pytest.approx(0.0, abs=1e-9)
    assert report.metrics["ensemble"]["1-3"]["direction"] == 1.0
    assert report.ratios["1-3"]["vs_snaive"] == pytest.approx(0.0, abs=1e-9)
    assert (report.tasks, report.metrics["snaive"]["1-3"]["n"]) == (2, 6)
