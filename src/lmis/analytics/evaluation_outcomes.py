"""One outcome of one programme evaluated end to end, with disclosure control: effects, balance, time to job (pure).

Disclosure control: an estimate, mean or share built from fewer than `min_cell` participants or
comparison persons (distinct persons, however often matched) is withheld and marked with the reason;
so is a balance row of a category held by between 1 and `min_cell - 1` persons of a group.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from lmis.analytics.evaluation import (
    Difference,
    Matching,
    Score,
    fit_score,
    match_on_score,
    matched_difference,
    naive_difference,
    weighted_median,
)
from lmis.analytics.evaluation_design import (
    YEAR_DAYS,
    Design,
    Flags,
    Floats,
    build_design,
    earnings_change,
    found_within,
    has_covariates,
    outcome_value,
)
from lmis.analytics.programme_model import (
    DAYS_WITHIN,
    BalanceRow,
    Episode,
    Estimate,
    Outcome,
    OutcomeEffect,
    SampleCounts,
    TimeToJob,
    suppression_reason,
)

SMD_LIMIT = 0.1  # |SMD| below this counts as balanced (Austin 2009; Stuart 2010)
MIN_LEVEL = 5  # a category needs this many of each group for its own dummy, whatever the cell size


@dataclass(frozen=True, slots=True)
class Fitted:
    """A sample's episodes with their design, score and matching, for estimates on further outcomes."""

    episodes: tuple[Episode, ...]
    design: Design
    score: Score
    matching: Matching


def evaluate_outcome(
    episodes: Sequence[Episode], treated: Flags, outcome: Outcome, *, min_cell: int, caliper_sd: float
) -> tuple[OutcomeEffect, Fitted | None]:
    """Match participants (`treated`) to the comparison pool on the episodes with `outcome` observed; the effect.

    Returns the effect and the fitted sample (None when a group is too small to fit or publish). BLAS runs
    on one thread: the matrices are small, and threads fighting over busy cores made each fit 50 times slower.
    """
    with threadpool_limits(1, "blas"):
        return _evaluate_outcome(episodes, treated, outcome, min_cell=min_cell, caliper_sd=caliper_sd)


def _evaluate_outcome(
    episodes: Sequence[Episode], treated: Flags, outcome: Outcome, *, min_cell: int, caliper_sd: float
) -> tuple[OutcomeEffect, Fitted | None]:
    values = np.array([outcome_value(e, outcome) for e in episodes])
    observed = ~np.isnan(values)
    complete = np.array([has_covariates(e) for e in episodes], dtype=np.bool_)
    sample = observed & complete
    n_treated, n_controls = int((sample & treated).sum()), int((sample & ~treated).sum())
    hidden = suppression_reason(n_treated, n_controls, min_cell) or _too_few(n_treated, n_controls)
    if hidden is not None:
        withheld = _withheld(hidden)
        did = withheld if outcome is Outcome.EARNINGS_AFTER else None
        return OutcomeEffect(outcome, withheld, withheld, did, did, None, (), None), None
    chosen = tuple(e for e, keep in zip(episodes, sample, strict=True) if keep)
    flags = treated[sample]
    design = build_design(chosen, flags, min_level=max(min_cell, MIN_LEVEL))
    score = fit_score(design)
    if not np.all(np.isfinite(score.logit)):
        withheld = _withheld("the score model separated the groups: no comparison is possible")
        did = withheld if outcome is Outcome.EARNINGS_AFTER else None
        return OutcomeEffect(outcome, withheld, withheld, did, did, None, (), score.model), None
    matching = match_on_score(score.logit, flags, caliper_sd=caliper_sd)
    fitted = Fitted(chosen, design, score, matching)
    y = values[sample]
    did = naive_did = None
    if outcome is Outcome.EARNINGS_AFTER:
        change = earnings_change(chosen)
        did, naive_did = matched_estimate(change, fitted, min_cell), naive_estimate(change, flags, min_cell)
    missing = observed & ~complete
    effect = OutcomeEffect(
        outcome=outcome,
        matched=matched_estimate(y, fitted, min_cell),
        naive=naive_estimate(y, flags, min_cell),
        did=did,
        naive_did=naive_did,
        counts=_counts(flags, matching, int((missing & treated).sum()), int((missing & ~treated).sum())),
        balance=balance_table(design, matching, min_cell),
        score_model=score.model,
    )
    return effect, fitted


def _counts(treated: Flags, matching: Matching, excluded_treated: int, excluded_controls: int) -> SampleCounts:
    return SampleCounts(
        treated=int(treated.sum()),
        controls=int((~treated).sum()),
        excluded_treated=excluded_treated,
        excluded_controls=excluded_controls,
        off_support=matching.off_support,
        beyond_caliper=matching.beyond_caliper,
        matched_treated=len(matching.treated),
        matched_controls=matching.distinct_controls,
        caliper=round(matching.caliper, 6) if math.isfinite(matching.caliper) else None,
    )


def _too_few(treated: int, controls: int) -> str | None:
    """A score model needs at least two of each group, whatever the minimum cell size."""
    return "too few participants or comparison persons to fit a score model" if min(treated, controls) < 2 else None


def _withheld(reason: str) -> Estimate:
    return Estimate(None, None, None, None, None, None, reason)


def _published(difference: Difference, treated: int, controls: int) -> Estimate:
    return Estimate(difference.value, difference.se, difference.low, difference.high, treated, controls)


def matched_estimate(outcome: Floats, fitted: Fitted, min_cell: int) -> Estimate:
    """The matched effect on `outcome` (values of the fitted sample), or withheld when too few stand behind it."""
    matching = fitted.matching
    treated, controls = len(matching.treated), matching.distinct_controls
    reason = suppression_reason(treated, controls, min_cell)
    if reason is not None or treated == 0:
        return _withheld(reason or "no participant has a comparison person within the caliper")
    difference = matched_difference(outcome, fitted.score.logit, fitted.design.treated, matching)
    return _published(difference, treated, controls)


def naive_estimate(outcome: Floats, treated: Flags, min_cell: int) -> Estimate:
    """The unmatched difference of means (what selection looks like), or withheld."""
    n_treated, n_controls = int(treated.sum()), int((~treated).sum())
    reason = suppression_reason(n_treated, n_controls, min_cell)
    if reason is not None:
        return _withheld(reason)
    return _published(naive_difference(outcome, treated), n_treated, n_controls)


def balance_table(design: Design, matching: Matching, min_cell: int) -> tuple[BalanceRow, ...]:
    """SMD and variance ratio of every covariate before and after matching (see `BalanceRow`)."""
    rows = []
    treated, weights = design.treated, matching.uses
    matched = len(matching.treated) > 0
    for column, (name, binary) in enumerate(zip(design.names, design.binary, strict=True)):
        x = design.balance[:, column]
        xt, xc, xm = x[treated], x[~treated], x[matching.treated]
        scale = math.sqrt((float(np.var(xt)) + float(np.var(xc))) / 2)
        mean_after = float(np.average(x, weights=weights)) if matched else None
        after_gap = float(xm.mean()) - mean_after if mean_after is not None else None
        reason = _small_category(x, treated, matching, min_cell) if binary else None
        if reason is not None:
            rows.append(BalanceRow(name, binary, None, None, None, None, None, None, None, None, None, reason))
            continue
        smd_after = _smd(after_gap, scale)
        rows.append(
            BalanceRow(
                covariate=name,
                binary=binary,
                treated_mean_before=_rounded(float(xt.mean())),
                treated_mean_after=_rounded(float(xm.mean())) if matched else None,
                control_mean_before=_rounded(float(xc.mean())),
                control_mean_after=_rounded(mean_after),
                smd_before=_smd(float(xt.mean() - xc.mean()), scale),
                smd_after=smd_after,
                variance_ratio_before=None if binary else _ratio(float(np.var(xt)), float(np.var(xc))),
                variance_ratio_after=None if binary or not matched else _ratio(float(np.var(xm)), _wvar(x, weights)),
                balanced=None if smd_after is None else abs(smd_after) < SMD_LIMIT,
            )
        )
    return tuple(rows)


def _small_category(x: Floats, treated: Flags, matching: Matching, min_cell: int) -> str | None:
    """Why a dummy's row is withheld: some group holds it (or lacks it) for 1 to `min_cell - 1` persons."""
    used = matching.uses > 0
    groups = (x[treated], x[~treated], x[matching.treated], x[used])
    counts = [int(g.sum()) for g in groups] + [int(len(g) - g.sum()) for g in groups]
    if any(0 < count < min_cell for count in counts):
        return f"a group holds this category for fewer than {min_cell} persons"
    return None


def _smd(gap: float | None, scale: float) -> float | None:
    if gap is None:
        return None
    return round(gap / scale, 4) if scale > 0 else 0.0


def _ratio(top: float, bottom: float) -> float | None:
    return round(top / bottom, 4) if bottom > 0 else None


def _wvar(x: Floats, weights: Floats) -> float:
    mean = float(np.average(x, weights=weights))
    return float(np.average((x - mean) ** 2, weights=weights))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def time_to_job(fitted: Fitted | None, min_cell: int) -> TimeToJob | None:
    """Shares with a job within 3, 6 and 12 months and median days, matched participants against their matches.

    `fitted` is the days-to-job sample (a full year of follow-up for everyone); None when it was withheld.
    """
    if fitted is None:
        return None
    matching = fitted.matching
    reason = suppression_reason(len(matching.treated), matching.distinct_controls, min_cell)
    if reason is not None:
        empty = tuple(None for _ in DAYS_WITHIN)
        return TimeToJob(DAYS_WITHIN, empty, empty, tuple(_withheld(reason) for _ in DAYS_WITHIN), None, None, reason)
    shares_t: list[float | None] = []
    shares_c: list[float | None] = []
    effects: list[Estimate] = []
    for days in DAYS_WITHIN:
        within = found_within(fitted.episodes, days)
        shares_t.append(round(float(within[matching.treated].mean()), 6))
        shares_c.append(round(float(matching.control_means(within).mean()), 6))
        effects.append(matched_estimate(within, fitted, min_cell))
    days_t, days_c = _median_days(fitted, min_cell)
    return TimeToJob(DAYS_WITHIN, tuple(shares_t), tuple(shares_c), tuple(effects), days_t, days_c)


def _median_days(fitted: Fitted, min_cell: int) -> tuple[float | None, float | None]:
    """Median days to a job among matched participants and matched comparison persons who found one in the year."""
    days = np.array([math.inf if e.days_to_job is None else float(e.days_to_job) for e in fitted.episodes])
    found = days <= YEAR_DAYS
    matching = fitted.matching
    treated_found = matching.treated[found[matching.treated]]
    weights = np.where(found, matching.uses, 0.0)
    median_t = float(np.median(days[treated_found])) if len(treated_found) >= min_cell else None
    median_c = weighted_median(days, weights) if np.count_nonzero(weights) >= min_cell else None
    return median_t, median_c
