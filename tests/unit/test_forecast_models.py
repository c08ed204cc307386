"""One series' forecast: the ensemble, ordered 80/95 % intervals, counts kept >= 0, simpler models for short series."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lmis.analytics.forecast import check_members, predict, season_for
from lmis.analytics.forecast_batch import finish, forecast_all, summarise
from lmis.analytics.forecast_input import Series
from lmis.analytics.periods import Frequency, PeriodFormat, PeriodGrid
from lmis.shared.errors import Invalid

MONTHLY = PeriodGrid(PeriodFormat.MONTH, Frequency.MONTHLY, 2020 * 12, 1)


def seasonal(length: int, level: float = 50.0) -> np.ndarray:
    months = np.arange(length)
    noise = np.random.default_rng(7).normal(0, 1, length)
    return level + 0.3 * months + 8 * np.sin(2 * np.pi * months / 12) + noise


def test_the_ensemble_averages_its_members_and_its_intervals_are_ordered() -> None:
    p = finish(predict(seasonal(36), horizon=6, season=12), nonnegative=True)
    assert p.model == "ensemble(ets+theta)"
    np.testing.assert_allclose(p.mean, np.mean([part.mean for part in p.parts], axis=0))
    assert np.all((p.lo95 <= p.lo80) & (p.lo80 <= p.mean) & (p.mean <= p.hi80) & (p.hi80 <= p.hi95))
    assert np.all(p.hi95 - p.lo95 > p.hi80 - p.lo80)


def test_counts_near_zero_never_get_negative_forecasts_or_bounds() -> None:
    counts = np.maximum(seasonal(36, level=2.0) - 12, 0)
    p = finish(predict(counts, horizon=12, season=12), nonnegative=True)
    assert min(p.mean.min(), p.lo95.min()) >= 0


def test_a_series_shorter_than_two_seasons_loses_its_season_with_a_note() -> None:
    assert season_for(23, 12) == 1
    assert season_for(24, 12) == 12
    p = predict(seasonal(15), horizon=3, season=12)
    assert "seasonal period 1 instead of 12 (15 values)" in p.notes


@pytest.mark.parametrize(
    ("length", "model", "note"),
    [(5, "drift", "too short for the ensemble (5 < 10 values): drift"),
     (2, "naive", "only 2 value(s): the last value carried forward"),
     (1, "naive", "only 1 value(s): the last value carried forward")],
)  # fmt: skip
def test_short_series_get_a_simpler_model_and_a_note_never_nothing(length: int, model: str, note: str) -> None:
    p = predict(seasonal(length), horizon=4, season=12)
    assert (p.model, p.mean.size) == (model, 4)
    assert note in p.notes
    assert math.isnan(p.lo80[0]) == (length == 1)


def test_members_are_checked_and_unknown_ones_suggest_the_known() -> None:
    assert check_members(["ETS", " theta", "ets"]) == ("ets", "theta")
    with pytest.raises(Invalid, match="unknown model 'arma'") as caught:
        check_members(["arma"])
    assert "arima" in caught.value.suggestions


def test_a_file_of_series_is_summarised_by_frequency_model_and_notes() -> None:
    series = [Series("long", MONTHLY, seasonal(30), 2), Series("short", MONTHLY, seasonal(4), 40)]
    results = forecast_all(series, horizon=2, members=("theta",))
    assert [r.periods() for r in results] == [["2022-07", "2022-08"], ["2020-05", "2020-06"]]
    summary = summarise(results)
    assert summary.models == {"theta": 1, "drift": 1}
    assert summary.frequencies == {"monthly": 2}
    assert summary.notes == [("short", "seasonal period 1 instead of 12 (4 values)"),
                             ("short", "too short for the ensemble (4 < 10 values): drift")]  # fmt: skip
    with pytest.raises(Invalid, match="at least 1 period"):
        forecast_all(series, horizon=0)
