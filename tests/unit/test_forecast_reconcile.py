"""Reconciliation: forecasts of children sum exactly to their parents, intervals move with their means."""

from __future__ import annotations

import numpy as np
import pytest

from lmis.analytics.forecast import Prediction
from lmis.analytics.forecast_batch import SeriesForecast
from lmis.analytics.forecast_input import Series
from lmis.analytics.periods import Frequency, PeriodFormat, PeriodGrid
from lmis.analytics.reconcile import (
    Hierarchy,
    read_hierarchy,
    reconcile_forecasts,
    shrunk_covariance,
    summing_matrix,
)
from lmis.shared.delimited import Row
from lmis.shared.errors import Invalid, MalformedFile

MONTHLY = PeriodGrid(PeriodFormat.MONTH, Frequency.MONTHLY, 2020 * 12, 1)
NATION = Hierarchy({"north": "nation", "south": "nation", "north-a": "north", "north-b": "north"})


def item(series_id: str, history: list[float], mean: list[float], *, fitted: bool = True) -> SeriesForecast:
    values = np.array(history, dtype=np.float64)
    m = np.array(mean, dtype=np.float64)
    noise = np.random.default_rng(len(series_id)).normal(0, 1, values.size)
    prediction = Prediction(m, m - 1, m + 1, m - 2, m + 2, "test", fitted=values + noise if fitted else None)
    return SeriesForecast(Series(series_id, MONTHLY, values, 2), prediction)


def forecasts(*, fitted: bool = True) -> list[SeriesForecast]:
    history = list(np.linspace(10, 20, 24))
    return [
        item("nation", [4 * v for v in history], [90, 95, 100], fitted=fitted),
        item("north", [3 * v for v in history], [60, 61, 62], fitted=fitted),
        item("south", history, [20, 21, 22], fitted=fitted),
        item("north-a", history, [25, 26, 27], fitted=fitted),
        item("north-b", [2 * v for v in history], [40, 41, 42], fitted=fitted),
        item("elsewhere", history, [1, 2, 3], fitted=fitted),
    ]


@pytest.mark.parametrize("fitted", [True, False], ids=["mint_shrink", "wls_struct"])
def test_reconciled_forecasts_sum_exactly_at_every_level(fitted: bool) -> None:
    result, notes = reconcile_forecasts(forecasts(fitted=fitted), NATION)
    mean = {f.series.series_id: f.prediction.mean for f in result}
    np.testing.assert_allclose(mean["north-a"] + mean["north-b"], mean["north"], rtol=1e-12)
    np.testing.assert_allclose(mean["north"] + mean["south"], mean["nation"], rtol=1e-12)
    assert mean["elsewhere"].tolist() == [1, 2, 3]
    assert notes == [
        ("nation", f"reconciled with {'mint_shrink' if fitted else 'wls_struct'} over 5 series (3 at the bottom)")
    ]


def test_intervals_keep_their_width_and_order_around_the_reconciled_mean() -> None:
    result, _notes = reconcile_forecasts(forecasts(), NATION)
    for forecast in result:
        p = forecast.prediction
        np.testing.assert_allclose(p.hi80 - p.lo80, 2.0)
        assert np.all((p.lo95 <= p.lo80) & (p.lo80 <= p.mean) & (p.mean <= p.hi80) & (p.hi80 <= p.hi95))


def test_counts_stay_non_negative_and_still_sum() -> None:
    history = [1.0] * 12
    parts = [item("all", history, [1, 1]), item("x", history, [5, 5]), item("y", history, [-3, -3])]
    result, _notes = reconcile_forecasts(parts, Hierarchy({"x": "all", "y": "all"}))
    mean = {f.series.series_id: f.prediction.mean for f in result}
    assert np.all(mean["y"] >= 0)
    assert np.all(result[0].prediction.lo95 >= 0)
    np.testing.assert_allclose(mean["x"] + mean["y"], mean["all"], rtol=1e-12)


def test_the_summing_matrix_maps_bottom_series_to_every_ancestor() -> None:
    bottom, summing = summing_matrix(NATION, ["nation", "north", "south", "north-a", "north-b"])
    assert bottom == ["south", "north-a", "north-b"]
    assert summing.tolist() == [[1, 1, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_the_shrunk_covariance_keeps_variances_and_shrinks_covariances() -> None:
    residuals = np.random.default_rng(1).normal(size=(30, 3))
    shrunk, sample = shrunk_covariance(residuals), np.cov(residuals, rowvar=False, bias=True)
    np.testing.assert_allclose(np.diag(shrunk), np.diag(sample))
    assert np.all(np.abs(shrunk[~np.eye(3, dtype=bool)]) <= np.abs(sample[~np.eye(3, dtype=bool)]) + 1e-15)


def test_a_hierarchy_series_missing_from_the_input_is_named_with_a_suggestion() -> None:
    with pytest.raises(Invalid, match="'north-c' of the hierarchy is not in the input") as caught:
        reconcile_forecasts(forecasts(), Hierarchy({"north-c": "north", "north": "nation"}))
    assert "north-a" in caught.value.suggestions


def hierarchy_rows(*pairs: tuple[str, str]) -> list[Row]:
    return [Row("h.csv", n, {"series_id": c, "parent_id": p}) for n, (c, p) in enumerate(pairs, start=2)]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ((("a", "t"), ("a", "u")), r"line 3.*'a' is listed twice \(first on line 2\)"),
        ((("a", "a"),), "cannot be its own parent"),
        ((("a", "b"), ("b", "a")), "its own ancestor"),
        ((("a", ""),), "nothing to reconcile"),
    ],
)
def test_a_broken_hierarchy_file_names_the_line(pairs: tuple[tuple[str, str], ...], message: str) -> None:
    with pytest.raises(MalformedFile, match=message):
        read_hierarchy(hierarchy_rows(*pairs), path="h.csv")
