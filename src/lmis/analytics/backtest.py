"""Rolling-origin backtests: the ensemble, its members and the seasonal-naive and drift baselines, side by side."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lmis.analytics.backtest_metrics import (
    Array,
    buckets,
    covered,
    diebold_mariano,
    direction_hits,
    mase_scale,
    smape,
)
from lmis.analytics.forecast import DEFAULT_MEMBERS, MIN_ENSEMBLE, Prediction, predict, run_model, season_for
from lmis.analytics.forecast_batch import finish
from lmis.analytics.forecast_input import Series
from lmis.analytics.forecast_parallel import map_series
from lmis.shared.errors import Invalid
from lmis.shared.progress import Progress, SilentProgress

ENSEMBLE = "ensemble"
BASELINES = ("snaive", "drift")
METRICS = ("mase", "smape", "coverage80", "coverage95", "direction")


@dataclass(frozen=True)
class Task:
    """One forecast origin: the first `cut` values of a series are known, the next `horizon` are scored."""

    series_index: int
    cut: int
    values: Array
    horizon: int
    season: int
    members: tuple[str, ...]


def origins(length: int, horizon: int, count: int, step: int = 1) -> list[int]:
    """The cut points of the last `count` origins (expanding window) whose whole horizon is observed.

    The latest origin leaves exactly `horizon` values to score; earlier ones move back by `step`.
    Origins with fewer than MIN_ENSEMBLE known values are left out.
    """
    last = length - horizon
    cuts = [last - k * step for k in range(count)]
    return sorted(cut for cut in cuts if cut >= MIN_ENSEMBLE)


def _run(task: Task) -> dict[str, Prediction]:
    train = task.values[: task.cut]
    nonnegative = bool(np.all(train >= 0))
    ensemble = predict(train, horizon=task.horizon, season=task.season, members=task.members)
    season = season_for(train.size, task.season)
    out = {ENSEMBLE: finish(ensemble, nonnegative=nonnegative)}
    if len(task.members) > 1:
        out |= {part.model: finish(part, nonnegative=nonnegative) for part in ensemble.parts}
    for name in BASELINES:
        out[name] = finish(run_model(name, train, task.horizon, season), nonnegative=nonnegative)
    return out


@dataclass
class _Scores:
    """Per forecaster and bucket: the metric terms, and per origin the scaled errors (for the DM test)."""

    terms: dict[tuple[str, int, str], list[float]] = field(default_factory=dict)
    per_origin: dict[tuple[str, int], dict[tuple[int, int], list[float]]] = field(default_factory=dict)

    def add(self, key: tuple[str, int, str], values: Array) -> None:
        self.terms.setdefault(key, []).extend(float(v) for v in values if np.isfinite(v))


def _score(task: Task, forecasts: dict[str, Prediction], spans: list[tuple[int, int]], scores: _Scores) -> None:
    train, actual = task.values[: task.cut], task.values[task.cut : task.cut + task.horizon]
    scale = mase_scale(train, season_for(train.size, task.season))
    for name, prediction in forecasts.items():
        errors = np.abs(actual - prediction.mean) / scale
        metrics = {
            "mase": errors,
            "smape": smape(actual, prediction.mean),
            "coverage80": covered(actual, *prediction.bounds(80)),
            "coverage95": covered(actual, *prediction.bounds(95)),
            "direction": direction_hits(float(train[-1]), actual, prediction.mean),
        }
        for number, (low, high) in enumerate(spans):
            for metric, values in metrics.items():
                scores.add((name, number, metric), values[low - 1 : high])
            if math.isfinite(scale):
                origin = scores.per_origin.setdefault((name, number), {})
                before_end = task.values.size - task.cut  # aligns origins in time across series ending together
                origin.setdefault((task.series_index, before_end), []).extend(errors[low - 1 : high].tolist())


@dataclass(frozen=True)
class BacktestReport:
    """Metrics by forecaster and horizon bucket, ratios of the ensemble to the baselines, DM tests."""

    horizon: int
    series: int
    origins: int
    tasks: int
    buckets: list[str]
    metrics: dict[str, dict[str, dict[str, float]]]
    ratios: dict[str, dict[str, float]]
    tests: dict[str, dict[str, dict[str, float]]]

    def as_dict(self) -> dict[str, object]:
        """The report as plain JSON values (a figure that cannot be computed is null)."""
        plain: dict[str, object] = _plain({
            "horizon": self.horizon, "series": self.series, "origins": self.origins, "tasks": self.tasks,
            "buckets": self.buckets, "metrics": self.metrics, "ratios": self.ratios, "diebold_mariano": self.tests,
        })  # fmt: skip
        return plain


def _plain(value: Any) -> Any:
    """`value` with every NaN replaced by None, so it is valid JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def backtest(
    series: Sequence[Series],
    *,
    horizon: int,
    origins_per_series: int = 24,
    step: int = 1,
    members: Sequence[str] = DEFAULT_MEMBERS,
    jobs: int = 1,
    progress: Progress | None = None,
) -> BacktestReport:
    """Forecast from the last `origins_per_series` origins of every series and score the forecasts."""
    if horizon < 1 or origins_per_series < 1 or step < 1:
        raise Invalid("horizon, origins and step must each be at least 1", field="horizon")
    tasks = [
        Task(index, cut, s.values, horizon, s.grid.frequency.season_length, tuple(members))
        for index, s in enumerate(series)
        for cut in origins(s.values.size, horizon, origins_per_series, step)
    ]
    if not tasks:
        raise Invalid(
            f"no series is long enough: each needs at least {MIN_ENSEMBLE + horizon} values "
            f"for one origin with horizon {horizon}",
            field="input",
        )
    results = map_series(_run, tasks, jobs=jobs, progress=progress or SilentProgress(), label="backtesting")
    spans = buckets(horizon)
    scores = _Scores()
    for task, forecasts in zip(tasks, results, strict=True):
        _score(task, forecasts, spans, scores)
    return _report(horizon, series, tasks, spans, scores)


def _report(
    horizon: int, series: Sequence[Series], tasks: list[Task], spans: list[tuple[int, int]], scores: _Scores
) -> BacktestReport:
    names = sorted({name for name, _n, _m in scores.terms}, key=_order)
    labels = [f"{low}-{high}" if low != high else str(low) for low, high in spans]
    metrics = {
        name: {
            label: {m: _mean(scores.terms.get((name, n, m), [])) for m in METRICS}
            | {"n": float(len(scores.terms.get((name, n, "mase"), [])))}
            for n, label in enumerate(labels)
        }
        for name in names
    }
    ratios = {
        label: {f"vs_{b}": _ratio(metrics[ENSEMBLE][label]["mase"], metrics[b][label]["mase"]) for b in BASELINES}
        for label in labels
    }
    tests = {label: {f"vs_{b}": _dm(scores, b, n, spans[n][1]) for b in BASELINES} for n, label in enumerate(labels)}
    count = max(len({t.cut for t in tasks if t.series_index == i}) for i in {t.series_index for t in tasks})
    return BacktestReport(horizon, len(series), count, len(tasks), labels, metrics, ratios, tests)


def _dm(scores: _Scores, baseline: str, bucket: int, last_step: int) -> dict[str, float]:
    """The DM test pooled over series: per origin, the bucket's mean scaled-error difference."""
    model = scores.per_origin.get((ENSEMBLE, bucket), {})
    base = scores.per_origin.get((baseline, bucket), {})
    by_origin: dict[int, list[float]] = {}
    for key in model.keys() & base.keys():
        by_origin.setdefault(key[1], []).append(float(np.mean(base[key]) - np.mean(model[key])))
    ordered = sorted(by_origin.items(), reverse=True)  # earliest origin (most values before the end) first
    differential = np.array([np.mean(values) for _origin, values in ordered], dtype=np.float64)
    result = diebold_mariano(differential, last_step)
    return {"statistic": result.statistic, "p_value": result.p_value, "n": float(result.n)}


def _ratio(model: float, baseline: float) -> float:
    return model / baseline if baseline > 0 else math.nan


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else math.nan


def _order(name: str) -> tuple[int, str]:
    return (0 if name == ENSEMBLE else 2 if name in BASELINES else 1, name)
