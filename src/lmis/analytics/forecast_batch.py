"""Forecasting a file's worth of series: every series through the ensemble, output rows and the summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from lmis.analytics.forecast import DEFAULT_MEMBERS, Array, Prediction, clipped, ordered, predict
from lmis.analytics.forecast_input import Series
from lmis.analytics.forecast_parallel import map_series
from lmis.shared.errors import Invalid
from lmis.shared.progress import Progress, SilentProgress

OUTPUT_COLUMNS = ("series_id", "period", "mean", "lo80", "hi80", "lo95", "hi95")


@dataclass(frozen=True)
class SeriesForecast:
    """A series and its forecast for the next `horizon` periods of its grid."""

    series: Series
    prediction: Prediction

    def periods(self) -> list[str]:
        """The forecast periods, in the input's format."""
        start = self.series.values.size
        return [self.series.grid.label(start + step) for step in range(self.prediction.mean.size)]

    def rows(self) -> Iterator[tuple[str, ...]]:
        """Output rows `series_id,period,mean,lo80,hi80,lo95,hi95`; an interval that cannot be computed is empty."""
        p = self.prediction
        for step, period in enumerate(self.periods()):
            numbers = (p.mean[step], p.lo80[step], p.hi80[step], p.lo95[step], p.hi95[step])
            yield (self.series.series_id, period, *(_number(value) for value in numbers))


def _number(value: float) -> str:
    return f"{value:.10g}" if np.isfinite(value) else ""


def finish(prediction: Prediction, *, nonnegative: bool) -> Prediction:
    """Bounds put in order, and raised to zero for a series that was never negative (counts)."""
    tidy = ordered(prediction)
    return clipped(tidy) if nonnegative else tidy


def _predict(task: tuple[Array, int, int, tuple[str, ...], bool]) -> Prediction:
    values, horizon, season, members, fitted = task
    return predict(values, horizon=horizon, season=season, members=members, fitted=fitted)


def forecast_all(
    series: Sequence[Series],
    *,
    horizon: int,
    members: Sequence[str] = DEFAULT_MEMBERS,
    jobs: int = 1,
    progress: Progress | None = None,
    fitted: bool = False,
) -> list[SeriesForecast]:
    """Forecast every series `horizon` periods ahead; `fitted` keeps in-sample fits (for reconciliation)."""
    if horizon < 1:
        raise Invalid(f"the horizon must be at least 1 period, not {horizon}", field="horizon")
    tasks = [(s.values, horizon, s.grid.frequency.season_length, tuple(members), fitted) for s in series]
    predictions = map_series(partial(_predict), tasks, jobs=jobs, progress=progress or SilentProgress(),
                             label="forecasting")  # fmt: skip
    return [SeriesForecast(s, finish(p, nonnegative=s.nonnegative)) for s, p in zip(series, predictions, strict=True)]


@dataclass
class Summary:
    """What happened to a file's series: counts by frequency and model, and every note."""

    series: int = 0
    rows: int = 0
    frequencies: Counter[str] = field(default_factory=Counter)
    models: Counter[str] = field(default_factory=Counter)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The summary as plain JSON values."""
        return {
            "series": self.series,
            "rows": self.rows,
            "frequencies": dict(self.frequencies),
            "models": dict(self.models),
            "notes": [{"series_id": sid, "note": note} for sid, note in self.notes],
        }


def summarise(forecasts: Sequence[SeriesForecast], extra_notes: Sequence[tuple[str, str]] = ()) -> Summary:
    """Counts of series by frequency and by the model each got, and the notes of every series."""
    summary = Summary()
    for item in forecasts:
        summary.series += 1
        summary.rows += item.prediction.mean.size
        summary.frequencies[item.series.grid.frequency.value] += 1
        summary.models[item.prediction.model] += 1
        sid = item.series.series_id
        summary.notes += [(sid, note) for note in (*item.series.notes, *item.prediction.notes)]
    summary.notes += list(extra_notes)
    return summary
