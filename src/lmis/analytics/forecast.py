"""One series' forecast: the statsforecast ensemble, its 80 % and 95 % intervals, and the fallbacks for short series."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from lmis.shared.errors import Invalid, did_you_mean

LEVELS = (80, 95)
MEMBERS = ("ets", "theta", "arima", "ces")
DEFAULT_MEMBERS = ("ets", "theta")  # chosen by rolling-origin backtests: docs/forecast.md
BASELINES = ("snaive", "drift")
MIN_ENSEMBLE = 10  # statsforecast's AutoETS needs about 8 points; two more keep its fit sane
MAX_ETS_SEASON = 24  # AutoETS becomes slow and unstable beyond 24 (weekly data): ETS then runs without a season

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Prediction:
    """A forecast path with its intervals; `model` names what produced it, `notes` say why.

    `fitted` holds the in-sample one-step fits when asked for; `parts` the members' own
    predictions when this is an ensemble (the backtest scores them side by side).
    """

    mean: Array
    lo80: Array
    hi80: Array
    lo95: Array
    hi95: Array
    model: str
    notes: tuple[str, ...] = ()
    fitted: Array | None = None
    parts: tuple[Prediction, ...] = ()

    def bounds(self, level: int) -> tuple[Array, Array]:
        """The lower and upper bound of the `level` % interval."""
        return (self.lo80, self.hi80) if level == 80 else (self.lo95, self.hi95)

    def shifted(self, mean: Array) -> Prediction:
        """The same intervals moved with the mean to `mean` (after reconciliation)."""
        delta = mean - self.mean
        return replace(
            self, mean=mean, lo80=self.lo80 + delta, hi80=self.hi80 + delta, lo95=self.lo95 + delta,
            hi95=self.hi95 + delta,
        )  # fmt: skip


def check_members(names: Sequence[str]) -> tuple[str, ...]:
    """The ensemble members as given (`ets`, `theta`, `arima`, `ces`); raises Invalid for an unknown one."""
    chosen = tuple(dict.fromkeys(name.strip().lower() for name in names if name.strip()))
    for name in chosen:
        if name not in MEMBERS + BASELINES:
            raise Invalid(f"unknown model {name!r}; choose from {', '.join(MEMBERS)}", field="models",
                          suggestions=did_you_mean(name, MEMBERS))  # fmt: skip
    if not chosen:
        raise Invalid(f"no model given; choose from {', '.join(MEMBERS)}", field="models")
    return chosen


def season_for(length: int, season: int) -> int:
    """The seasonal period a series of `length` values can support: two full cycles, else 1."""
    return season if season > 1 and length >= 2 * season else 1


def _model(name: str, season: int) -> object:
    from statsforecast import models

    factories: dict[str, Callable[[], object]] = {
        "ets": lambda: models.AutoETS(season_length=season if season <= MAX_ETS_SEASON else 1),
        "theta": lambda: models.AutoTheta(season_length=season),
        "arima": lambda: models.AutoARIMA(season_length=season if season <= MAX_ETS_SEASON else 1),
        "ces": lambda: models.AutoCES(season_length=season if season <= MAX_ETS_SEASON else 1),
        "snaive": lambda: models.SeasonalNaive(season_length=season) if season > 1 else models.Naive(),
        "drift": lambda: models.RandomWalkWithDrift(),
        "naive": lambda: models.Naive(),
    }
    return factories[name]()


def run_model(name: str, values: Array, horizon: int, season: int, *, fitted: bool = False) -> Prediction:
    """One statsforecast model's forecast with 80 % and 95 % intervals (warnings silenced)."""
    model = _model(name, season)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = model.forecast(y=values, h=horizon, level=list(LEVELS), fitted=fitted)  # type: ignore[attr-defined]

    def column(key: str) -> Array:
        return np.asarray(out[key], dtype=np.float64)

    return Prediction(
        column("mean"), column("lo-80"), column("hi-80"), column("lo-95"), column("hi-95"), name,
        fitted=column("fitted") if fitted else None,
    )  # fmt: skip


def combine(predictions: Sequence[Prediction], name: str) -> Prediction:
    """The equal-weight ensemble: member means averaged, and each interval bound averaged.

    Averaging quantiles (Lichtendahl, Grushka-Cockayne & Winkler 2013, Management Science 59(8))
    keeps the combined interval at least as sharp as the average member's; its calibration is
    measured by `lmis forecast backtest` (docs/forecast.md).
    """

    def average(pick: Callable[[Prediction], Array]) -> Array:
        return np.asarray(np.mean([pick(p) for p in predictions], axis=0), dtype=np.float64)

    fits = [p.fitted for p in predictions if p.fitted is not None]
    fitted = np.asarray(np.mean(fits, axis=0), dtype=np.float64) if len(fits) == len(predictions) else None
    return Prediction(
        average(lambda p: p.mean), average(lambda p: p.lo80), average(lambda p: p.hi80),
        average(lambda p: p.lo95), average(lambda p: p.hi95), name, fitted=fitted, parts=tuple(predictions),
    )  # fmt: skip


def predict(
    values: Array, *, horizon: int, season: int, members: Sequence[str] = DEFAULT_MEMBERS, fitted: bool = False
) -> Prediction:
    """The forecast of one series: the ensemble of `members` when the series is long enough, else a simpler model.

    Shorter than MIN_ENSEMBLE values: drift (3 or more values) or the last value carried
    forward (1-2 values). A member that fails on a series (or returns no finite forecast) is
    left out and named in the notes; if all fail, drift takes over.
    """
    used = season_for(values.size, season)
    notes = [f"seasonal period {used} instead of {season} ({values.size} values)"] if used != season else []
    if values.size < MIN_ENSEMBLE:
        return _short(values, horizon, notes)
    good: list[Prediction] = []
    failed: list[str] = []
    for name in members:
        result = _attempt(name, values, horizon, used, fitted)
        if result is None:
            failed.append(name)
        else:
            good.append(result)
    if failed:
        notes.append(f"{'+'.join(failed)} failed on this series")
    if not good:
        return _with_notes(run_model("drift", values, horizon, used, fitted=fitted), notes)
    label = good[0].model if len(good) == 1 else "ensemble(" + "+".join(p.model for p in good) + ")"
    return _with_notes(combine(good, label), notes)


def _attempt(name: str, values: Array, horizon: int, season: int, fitted: bool) -> Prediction | None:
    """The member's forecast, or None when it fails or gives no finite mean on this series."""
    try:
        result = run_model(name, values, horizon, season, fitted=fitted)
    except Exception:
        return None
    return result if np.all(np.isfinite(result.mean)) else None


def _short(values: Array, horizon: int, notes: list[str]) -> Prediction:
    if values.size >= 3:
        notes.append(f"too short for the ensemble ({values.size} < {MIN_ENSEMBLE} values): drift")
        return _with_notes(run_model("drift", values, horizon, 1), notes)
    notes.append(f"only {values.size} value(s): the last value carried forward")
    flat = np.full(horizon, values[-1], dtype=np.float64)
    # With two values, their difference stands in for the one-step spread of a random walk.
    spread = abs(float(values[-1] - values[0])) if values.size == 2 else float("nan")
    steps = np.sqrt(np.arange(1, horizon + 1))
    width80, width95 = 1.2816 * spread * steps, 1.96 * spread * steps
    return Prediction(flat, flat - width80, flat + width80, flat - width95, flat + width95, "naive", tuple(notes))


def _with_notes(prediction: Prediction, notes: list[str]) -> Prediction:
    return replace(prediction, notes=(*prediction.notes, *notes))


def clipped(prediction: Prediction) -> Prediction:
    """The prediction with every value below zero raised to zero (for series of counts)."""
    return replace(
        prediction,
        mean=np.maximum(prediction.mean, 0.0),
        lo80=np.maximum(prediction.lo80, 0.0),
        hi80=np.maximum(prediction.hi80, 0.0),
        lo95=np.maximum(prediction.lo95, 0.0),
        hi95=np.maximum(prediction.hi95, 0.0),
    )


def ordered(prediction: Prediction) -> Prediction:
    """The prediction with lo95 <= lo80 <= mean <= hi80 <= hi95 enforced (averaging can cross them)."""
    lo80 = np.minimum(prediction.lo80, prediction.mean)
    hi80 = np.maximum(prediction.hi80, prediction.mean)
    return replace(
        prediction, lo80=lo80, hi80=hi80, lo95=np.minimum(prediction.lo95, lo80), hi95=np.maximum(prediction.hi95, hi80)
    )
