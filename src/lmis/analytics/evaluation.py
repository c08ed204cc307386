"""The estimators of programme evaluation: propensity score, nearest-neighbour matching, effects and their errors.

* Propensity score: a logit of participation on the covariates (Rosenbaum and Rubin 1983), fitted by
  statsmodels; matching uses its linear predictor, the logit of the score.
* Matching: each participant's four nearest comparison persons on that logit, with replacement, within
  a caliper of 0.2 standard deviations of the logit (Austin 2011, "Optimal caliper widths for propensity-
  score matching", Pharmaceutical Statistics 10: 150-161); fewer where fewer lie within it. Four rather
  than one halves the noise of the comparison means, which is what kept covariates out of balance at
  programme sizes of a few hundred (Abadie and Imbens 2006 use four too). Participants outside the
  comparison pool's range of the logit are off support (min-max trimming) and dropped before matching.
* Standard errors: Abadie and Imbens (2006), "Large sample properties of matching estimators for average
  treatment effects", Econometrica 74: 235-267, for the population average effect on the treated:
  V = (sum over matched participants of (y_i - mean of i's matches - att)^2 + sum over comparison persons
  of (K_j^2 - K'_j) s2_j) / N1^2, where K_j sums 1/M_i over the participants i that person j is one of
  the M_i matches of (K'_j sums 1/M_i^2) and s2_j, the conditional variance, is estimated from j's two
  nearest neighbours on the logit within the comparison pool.
  Why not a bootstrap: Abadie and Imbens (2008, Econometrica 76: 1537-1557) show that the bootstrap is
  not valid for nearest-neighbour matching with a fixed number of matches; it would also fit the logit
  hundreds of times per request. The score is treated as known: Abadie and Imbens (2016, Econometrica
  84: 781-807) show that for the effect on the treated the correction for its estimation may go either
  way, so the measured coverage on the demo's known effects is reported in docs/evaluation.md.
* Naive difference: participants' mean minus the comparison pool's mean, by OLS with an HC1 error.
"""

from __future__ import annotations

import importlib
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lmis.analytics.evaluation_design import Design, Flags, Floats
from lmis.analytics.programme_model import ScoreModel

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
CALIPER_SD = 0.2
NEIGHBOURS = 4  # matches per participant (fewer where the caliper allows fewer)
VARIANCE_NEIGHBOURS = 2  # J of Abadie and Imbens (2006) for the conditional variance
NEWTON_STEPS = 50
GRADIENT_TOLERANCE = 1e-6  # largest score component (a sum over units) of a converged fit
Indices = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Score:
    """The logit of the propensity score of every unit, and a summary of the model."""

    logit: Floats
    model: ScoreModel


@dataclass(frozen=True, slots=True)
class Matching:
    """Matched participants and their comparison persons.

    `treated` holds the indices of the matched participants; `controls[i]` the indices of participant
    i's matches (row i, `-1` where fewer than `neighbours` lay within the caliper), `counts[i]` how many.
    `uses` is K_j for every unit: the sum over participants of 1 / (their number of matches) when j is
    one of them (0 for participants and unused persons); `uses_squared` the same sum of 1 / matches^2.
    """

    treated: Indices
    controls: Indices
    counts: Indices
    uses: Floats
    uses_squared: Floats
    off_support: int
    beyond_caliper: int
    caliper: float

    @property
    def distinct_controls(self) -> int:
        """How many different comparison persons are used."""
        return int(np.count_nonzero(self.uses))

    def control_means(self, outcome: Floats) -> Floats:
        """Each matched participant's mean outcome of its matches."""
        values = np.where(self.controls >= 0, outcome[np.maximum(self.controls, 0)], 0.0)
        return np.asarray(values.sum(axis=1) / self.counts, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Difference:
    """A difference with its standard error (not yet checked for disclosure)."""

    value: float
    se: float

    @property
    def low(self) -> float:
        """Lower end of the normal 95% interval."""
        return self.value - Z95 * self.se

    @property
    def high(self) -> float:
        """Upper end of the normal 95% interval."""
        return self.value + Z95 * self.se


def _module(name: str) -> Any:
    """A statsmodels module (imported on first use: it takes a second; it ships no type information)."""
    return importlib.import_module(name)


def fit_score(design: Design) -> Score:
    """Fit the participation logit on the design's model columns (plus a constant); its linear predictor.

    Newton's method first; if the Hessian is singular, L-BFGS. A fit that did not converge or that
    separates the groups perfectly is reported (`converged` False), not hidden.
    """
    logit_model = _module("statsmodels.discrete.discrete_model").Logit
    exog = np.column_stack([np.ones(len(design.treated)), design.model])
    model = logit_model(design.treated.astype(np.float64), exog)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = model.fit(disp=0, maxiter=NEWTON_STEPS, method="newton")
        except np.linalg.LinAlgError:
            result = model.fit(disp=0, maxiter=500, method="lbfgs")
    params = np.asarray(result.params, dtype=np.float64)
    # Newton's own stopping rule (steps under 1e-8) can miss at machine precision; the gradient says it all.
    gradient = float(np.max(np.abs(model.score(params)))) if np.all(np.isfinite(params)) else math.inf
    separated = any("separation" in str(w.message).lower() for w in caught)
    converged = gradient < GRADIENT_TOLERANCE and not separated
    pseudo = float(result.prsquared)
    linear = np.asarray(exog @ params, dtype=np.float64)
    return Score(linear, ScoreModel(exog.shape[1], converged, round(pseudo, 4) if math.isfinite(pseudo) else None))


def match_on_score(
    logit: Floats, treated: Flags, *, caliper_sd: float = CALIPER_SD, neighbours: int = NEIGHBOURS
) -> Matching:
    """Up to `neighbours` nearest comparison persons per participant on `logit`, with replacement, within the caliper.

    The caliper is `caliper_sd` times the pooled standard deviation of the logit, sqrt((var_t + var_c) / 2);
    participants below the comparison pool's lowest or above its highest logit are off support, and those
    with no comparison person within the caliper are beyond it: neither is matched.
    """
    units = np.arange(len(logit))
    participants, pool = units[treated], units[~treated]
    caliper = caliper_sd * math.sqrt((float(np.var(logit[participants])) + float(np.var(logit[pool]))) / 2)
    order = pool[np.argsort(logit[pool], kind="stable")]
    sorted_logit = logit[order]
    inside = (logit[participants] >= sorted_logit[0]) & (logit[participants] <= sorted_logit[-1])
    supported = participants[inside]
    positions, distance = _nearest(sorted_logit, logit[supported], min(neighbours, len(order)))
    within = distance <= caliper
    counts = within.sum(axis=1)
    keep = counts > 0
    controls = np.where(within, order[positions], -1)[keep]
    counts = counts[keep]
    share = np.where(controls >= 0, 1.0 / counts[:, None], 0.0)
    flat = np.maximum(controls, 0).ravel()
    uses = np.bincount(flat, weights=share.ravel(), minlength=len(logit)).astype(np.float64)
    uses_squared = np.bincount(flat, weights=(share**2).ravel(), minlength=len(logit)).astype(np.float64)
    return Matching(
        supported[keep], controls, counts, uses, uses_squared, int((~inside).sum()), int((~keep).sum()), caliper
    )


def _nearest(sorted_values: Floats, wanted: Floats, count: int) -> tuple[Indices, Floats]:
    """Positions in `sorted_values` of the `count` values nearest each of `wanted`, nearest first, and distances."""
    right = np.searchsorted(sorted_values, wanted)
    offsets = np.arange(-count, count)
    candidates = right[:, None] + offsets[None, :]
    valid = (candidates >= 0) & (candidates < len(sorted_values))
    clipped = np.clip(candidates, 0, len(sorted_values) - 1)
    distance = np.where(valid, np.abs(sorted_values[clipped] - wanted[:, None]), np.inf)
    best = np.argsort(distance, axis=1, kind="stable")[:, :count]
    return np.take_along_axis(clipped, best, axis=1), np.take_along_axis(distance, best, axis=1)


def matched_difference(outcome: Floats, logit: Floats, treated: Flags, matching: Matching) -> Difference:
    """The average effect on the matched treated and its Abadie-Imbens (2006) standard error.

    With M_i matches for participant i and K_j, K'_j the sums of 1/M_i and 1/M_i^2 over the participants
    person j is matched to: V = (sum_i (y_i - mean of i's matches - att)^2 + sum_j (K_j^2 - K'_j) s2_j) / N1^2.
    """
    gaps = outcome[matching.treated] - matching.control_means(outcome)
    count = len(gaps)
    att = float(gaps.mean())
    variance = float(((gaps - att) ** 2).sum())
    extra = matching.uses**2 - matching.uses_squared
    reused = np.flatnonzero(extra > 1e-12)
    if len(reused):
        conditional = _conditional_variance(outcome, logit, np.flatnonzero(~treated), reused)
        variance += float((extra[reused] * conditional).sum())
    return Difference(att, math.sqrt(variance) / count)


def _conditional_variance(outcome: Floats, logit: Floats, pool: Indices, wanted: Indices) -> Floats:
    """s2_j = J / (J + 1) * (y_j - mean of its J nearest pool neighbours on the logit)^2 for each unit in `wanted`.

    Abadie and Imbens (2006, section 4): matching within the same group estimates the conditional variance.
    """
    neighbours = min(VARIANCE_NEIGHBOURS, len(pool) - 1)
    if neighbours < 1:
        return np.zeros(len(wanted))
    order = pool[np.argsort(logit[pool], kind="stable")]
    position = np.empty(len(logit), dtype=np.intp)
    position[order] = np.arange(len(order))
    here = position[wanted]
    offsets = np.array([o for o in range(-neighbours, neighbours + 1) if o != 0])
    candidates = here[:, None] + offsets[None, :]
    valid = (candidates >= 0) & (candidates < len(order))
    clipped = np.clip(candidates, 0, len(order) - 1)
    distance = np.where(valid, np.abs(logit[order[clipped]] - logit[wanted][:, None]), np.inf)
    closest = np.take_along_axis(clipped, np.argsort(distance, axis=1, kind="stable")[:, :neighbours], axis=1)
    means = outcome[order[closest]].mean(axis=1)
    return np.asarray(neighbours / (neighbours + 1) * (outcome[wanted] - means) ** 2, dtype=np.float64)


def naive_difference(outcome: Floats, treated: Flags) -> Difference:
    """Participants' mean minus the comparison pool's mean, by OLS of the outcome on participation (HC1 error)."""
    ols = _module("statsmodels.regression.linear_model").OLS
    exog = np.column_stack([np.ones(len(outcome)), treated.astype(np.float64)])
    result = ols(outcome, exog).fit(cov_type="HC1")
    return Difference(float(result.params[1]), float(result.bse[1]))


def weighted_median(values: Floats, weights: Floats) -> float | None:
    """The median of `values` counted `weights` times (the lower middle value on an even split); None if empty."""
    keep = weights > 0
    if not keep.any():
        return None
    order = np.argsort(values[keep], kind="stable")
    ordered, cumulative = values[keep][order], np.cumsum(weights[keep][order])
    return float(ordered[np.searchsorted(cumulative, cumulative[-1] / 2)])
