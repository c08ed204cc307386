"""From episodes to numbers: the covariates an evaluation balances and the propensity model's columns (pure).

Covariates: age, sex, education (the ISCED level, and the groups 0-2, 3-4, 5-8), months unemployed
before registration, earnings in the 12 months before (as they are, as log(1 + x), and whether there
were none: the level, the shape and the zeros, as Dehejia and Wahba 1999 enter them), region and
registration quarter. The score model adds age squared. A category (a region, a quarter, a sex or an
education group) held by fewer than `min_level` participants or comparison persons is pooled into
`other`: a dummy nobody or almost nobody of one group holds would separate the groups perfectly and
make the logit diverge, and published shares of so few persons would disclose them. One category of
each variable (the most common) is the model's reference.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lmis.analytics.programme_model import DAYS_WITHIN, Episode, Outcome

Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
YEAR_DAYS = DAYS_WITHIN[-1]
OTHER = "other"


@dataclass(frozen=True, slots=True)
class Design:
    """A sample's treatment flags, named balance covariates (one column each) and the score model's columns.

    `model` holds standardised columns without a constant (the model adds it).
    """

    treated: Flags
    balance: Floats
    names: tuple[str, ...]
    binary: tuple[bool, ...]
    model: Floats


def has_covariates(episode: Episode) -> bool:
    """True when every covariate the evaluation needs is recorded (region may be unknown: it is a category)."""
    return None not in (
        episode.age,
        episode.sex,
        episode.education_isced,
        episode.months_unemployed,
        episode.earnings_before,
    )


def outcome_value(episode: Episode, outcome: Outcome) -> float:
    """The episode's value of `outcome` as a number, NaN when not observed.

    Days to job is the restricted mean within a year: it needs a full year of follow-up (`employed_12m`
    observed), so that who counts does not depend on how fast they found work.
    """
    if outcome is Outcome.DAYS_TO_JOB:
        if episode.employed_12m is None:
            return math.nan
        if episode.days_to_job is None:
            return math.nan if episode.employed_12m else float(YEAR_DAYS)
        return float(min(episode.days_to_job, YEAR_DAYS))
    value: bool | float | None = getattr(episode, outcome.value)
    return math.nan if value is None else float(value)


def found_within(episodes: Sequence[Episode], days: int) -> Floats:
    """1 where a job was found within `days` days, else 0."""
    return np.array([1.0 if e.days_to_job is not None and e.days_to_job <= days else 0.0 for e in episodes])


def earnings_change(episodes: Sequence[Episode]) -> Floats:
    """Earnings after minus earnings before (NaN where either is missing)."""
    return np.array(
        [
            math.nan if e.earnings_after is None or e.earnings_before is None else e.earnings_after - e.earnings_before
            for e in episodes
        ]
    )


def build_design(episodes: Sequence[Episode], treated: Flags, *, min_level: int) -> Design:
    """The design of `episodes` (all with covariates); `treated` flags the participants."""
    age = np.array([float(e.age or 0) for e in episodes])
    months = np.array([float(e.months_unemployed or 0) for e in episodes])
    isced = np.array([float(e.education_isced or 0) for e in episodes])
    earned = np.array([max(0.0, e.earnings_before or 0.0) for e in episodes])
    none = (earned == 0).astype(np.float64)
    names: list[str] = ["age", "education (ISCED level)", "months unemployed", "earnings before"]
    names += ["log earnings before", "no earnings before"]
    columns: list[Floats] = [age, isced, months, earned, np.log1p(earned), none]
    binary = [False, False, False, False, False, True]
    model: list[Floats] = [age, age**2, isced, months, earned, np.log1p(earned), none]
    categories: tuple[tuple[str, Callable[[Episode], str]], ...] = (
        ("sex", lambda e: e.sex or OTHER),
        ("education", _education),
        ("region", lambda e: e.region or "unknown"),
        ("registered", _quarter),
    )
    for label, value in categories:
        levels = [value(e) for e in episodes]
        kept = pooled_levels(levels, treated, min_level)
        pooled = np.array([_level(v, kept) for v in levels], dtype=object)
        dummies = {level: (pooled == level).astype(np.float64) for level in kept}
        reference = max(kept, key=lambda level: (dummies[level].sum(), level))
        for level, dummy in dummies.items():
            names.append(f"{label}: {level}")
            columns.append(dummy)
            binary.append(True)
            if level != reference:
                model.append(dummy)
    return Design(
        treated=treated,
        balance=np.column_stack(columns),
        names=tuple(names),
        binary=tuple(binary),
        model=_standardised(model),
    )


def pooled_levels(levels: Sequence[str], treated: Flags, min_level: int) -> list[str]:
    """The levels held by at least `min_level` of both groups, in order, plus `other` when some were pooled."""
    in_treated = Counter(level for level, flag in zip(levels, treated, strict=True) if flag)
    in_controls = Counter(level for level, flag in zip(levels, treated, strict=True) if not flag)
    kept = sorted(level for level in set(levels) if in_treated[level] >= min_level and in_controls[level] >= min_level)
    return [*kept, OTHER] if len(kept) < len(set(levels)) else kept


def _level(value: str, kept: Sequence[str]) -> str:
    return value if value in kept else OTHER


def _education(episode: Episode) -> str:
    level = episode.education_isced or 0
    return "ISCED 0-2" if level <= 2 else "ISCED 3-4" if level <= 4 else "ISCED 5-8"


def _quarter(episode: Episode) -> str:
    when = episode.registered_on
    return f"{when.year}Q{(when.month - 1) // 3 + 1}"


def _standardised(columns: list[Floats]) -> Floats:
    """Columns scaled to mean 0 and standard deviation 1 (Newton steps stay well conditioned); constants dropped."""
    kept = [(c - c.mean()) / c.std() for c in columns if c.std() > 1e-12]
    return np.column_stack(kept) if kept else np.zeros((len(columns[0]) if columns else 0, 0))
