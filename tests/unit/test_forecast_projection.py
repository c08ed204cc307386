"""Ten-year projections: the share-shift model and its evaluation in the BLS format against the share-naive model."""

from __future__ import annotations

import numpy as np
import pytest

from lmis.analytics.forecast_input import Series
from lmis.analytics.periods import Frequency, PeriodFormat, PeriodGrid
from lmis.analytics.projection import DAMPING, panel, project, share_trends
from lmis.analytics.projection_eval import _dissimilarity, _faster, evaluate
from lmis.shared.errors import Invalid

YEARS = np.arange(2010, 2021)


def annual(series_id: str, values: np.ndarray, start: int = 2010) -> Series:
    return Series(series_id, PeriodGrid(PeriodFormat.YEAR, Frequency.ANNUAL, start, 1), values.astype(np.float64), 2)


def economy() -> list[Series]:
    """A total of 1000 growing 2 % a year; 'up' gains share 5 % a year, 'down' loses 5 %, 'flat' keeps 20 %."""
    t = YEARS - 2010
    total = 1000 * 1.02**t
    up, down = 0.2 * 1.05**t, 0.3 * 0.95**t
    return [annual("all", total), annual("up", total * up), annual("down", total * down),
            annual("flat", total * 0.2)]  # fmt: skip


def test_share_trends_read_the_log_linear_slope_of_the_last_years() -> None:
    last, slope = share_trends(0.2 * 1.05 ** np.arange(12))
    assert slope == pytest.approx(np.log(1.05))
    assert last == pytest.approx(np.log(0.2 * 1.05**11))
    assert share_trends(np.array([np.nan, 0.3, 0.31]))[1] == 0.0  # two known years: the share is held


def test_projected_shares_keep_their_origin_sum_and_trends_are_damped() -> None:
    result = project(panel(economy(), "all"), 10)
    shares = np.vstack(list(result.shares.values()))
    covered = 0.2 * 1.05**10 + 0.3 * 0.95**10 + 0.2
    np.testing.assert_allclose(shares.sum(axis=0), covered, rtol=1e-9)
    growth = np.diff(np.log(result.shares["up"] / result.shares["flat"]))
    np.testing.assert_allclose(growth[1:] / growth[:-1], DAMPING, rtol=1e-6)
    np.testing.assert_allclose(result.occupations["up"], result.total * result.shares["up"])


def test_the_evaluation_scores_the_model_and_the_share_naive_model_on_common_codes() -> None:
    series = [*economy(), annual("gone", np.ones(6)), annual("new", np.ones(3), start=2018)]
    score = evaluate(panel(series, "all"), 2015)
    assert (score.origin, score.target, score.occupations, score.gone, score.new) == (2015, 2020, 3, 1, 1)
    assert score.direction == 1.0  # up grows, down shrinks, flat grows with the total
    assert score.direction_naive == pytest.approx(2 / 3)  # all grow with the total: down is wrong
    assert score.dissimilarity < score.dissimilarity_naive
    assert score.faster_naive == pytest.approx(2 / 3)  # none projected faster; only "up" outgrew the three together


def test_dissimilarity_and_faster_than_average_on_hand_checked_numbers() -> None:
    assert _dissimilarity(np.array([50.0, 50.0]), np.array([25.0, 75.0])) == pytest.approx(25.0)
    base = np.array([100.0, 100.0, 100.0])
    # average growth 10 % projected, 5 % actual; first is faster in both, second only in the projection
    assert _faster(base, np.array([130.0, 111.0, 89.0]), np.array([120.0, 100.0, 95.0])) == pytest.approx(2 / 3)


def test_projections_refuse_series_that_are_not_annual_and_an_unknown_total() -> None:
    monthly = Series("m", PeriodGrid(PeriodFormat.MONTH, Frequency.MONTHLY, 24240, 1), np.ones(3), 2)
    with pytest.raises(Invalid, match="need annual series; 'm' is monthly"):
        panel([monthly], None)
    with pytest.raises(Invalid, match="no series 'al' for --total") as caught:
        panel(economy(), "al")
    assert caught.value.suggestions == ["all"]
    with pytest.raises(Invalid, match="origin year must lie in 2010-2019"):
        evaluate(panel(economy(), "all"), 2020)
