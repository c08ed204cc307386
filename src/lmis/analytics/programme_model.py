"""Active labour market programmes, their participants' episodes, and what an evaluation of one reports (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

METHOD_VERSION = "programme-evaluation/1"
METHOD = (
    "Propensity score by logit on age, age squared, sex, education, months unemployed, earnings before (level, "
    "log and none), region and registration quarter (Rosenbaum and Rubin 1983); the four nearest comparison "
    "persons on the logit of the score, with replacement, within a caliper of 0.2 standard deviations of that "
    "logit (Austin 2011), after min-max common-support trimming; average effect on the treated with Abadie-Imbens "
    "(2006) standard errors and normal 95% intervals; matched difference-in-differences on earnings (Heckman, "
    "Ichimura and Todd 1997); the unmatched difference beside it, with a heteroskedasticity-robust (HC1) error"
)
DAYS_WITHIN = (91, 182, 365)  # 3, 6 and 12 months in days: the time-to-job horizons


class ProgrammeKind(StrEnum):
    """What sort of active labour market programme it is (the categories of Card, Kluve and Weber 2018)."""

    TRAINING = "training"
    WAGE_SUBSIDY = "wage_subsidy"
    JOB_SEARCH = "job_search"
    PUBLIC_WORKS = "public_works"
    OTHER = "other"


class Outcome(StrEnum):
    """An outcome an effect is estimated on."""

    EMPLOYED_12M = "employed_12m"
    EMPLOYED_6M = "employed_6m"
    EMPLOYED_3M = "employed_3m"
    EARNINGS_AFTER = "earnings_after"
    DAYS_TO_JOB = "days_to_job"

    @property
    def unit(self) -> str:
        """What the effect is counted in: `share` (0-1; x100 for percentage points), `earnings`, `days`."""
        if self in {Outcome.EMPLOYED_3M, Outcome.EMPLOYED_6M, Outcome.EMPLOYED_12M}:
            return "share"
        return "earnings" if self is Outcome.EARNINGS_AFTER else "days"

    @property
    def meaning(self) -> str:
        """One sentence saying what the outcome measures."""
        return _MEANINGS[self]


_MEANINGS = {
    Outcome.EMPLOYED_12M: "employed 12 months after the start (participants) or registration (comparison pool)",
    Outcome.EMPLOYED_6M: "employed 6 months after the start or registration",
    Outcome.EMPLOYED_3M: "employed 3 months after the start or registration",
    Outcome.EARNINGS_AFTER: "earnings in the 12 months after the start or registration (the file's currency)",
    Outcome.DAYS_TO_JOB: "days to a job within the first year (restricted mean: no job within 365 days counts 365)",
}


@dataclass(frozen=True, slots=True)
class Programme:
    """A programme by its own code; `source` is the import that last defined it."""

    id: str
    name: str
    kind: ProgrammeKind
    description: str
    source: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Episode:
    """One registered jobseeker's spell: covariates at registration, the programme (None: comparison pool), outcomes.

    `person_key` is pseudonymous (never a name or a national id); `region` a gazetteer place id; earnings are
    in the file's currency over 12 months; an outcome of None was not observed (yet); `days_to_job` None: no
    job found while observed.
    """

    id: str
    source: str
    external_id: str
    person_key: str
    programme_id: str | None
    registered_on: date
    started_on: date | None
    ended_on: date | None
    region: str | None
    age: int | None
    sex: str | None
    education_isced: int | None
    months_unemployed: int | None
    earnings_before: float | None
    earnings_after: float | None
    employed_3m: bool | None
    employed_6m: bool | None
    employed_12m: bool | None
    days_to_job: int | None
    synthetic: bool
    imported_at: datetime

    def same_content(self, other: Episode) -> bool:
        """True when `other` says the same about the episode (its import time aside)."""
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__ if name != "imported_at")


@dataclass(frozen=True, slots=True)
class Estimate:
    """A difference (participants minus comparison) with its standard error and 95% interval.

    When fewer than the minimum cell size of participants or comparison persons stand behind it, every
    number (the counts too) is None and `suppressed` says why (disclosure control); `treated` and
    `controls` count the persons it is built from (controls: distinct persons, however often matched).
    """

    value: float | None
    se: float | None
    low: float | None
    high: float | None
    treated: int | None
    controls: int | None
    suppressed: str | None = None


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One covariate's balance: means, standardised mean difference and variance ratio before and after matching.

    SMDs divide by the pooled standard deviation before matching (the same yardstick both times); the
    variance ratio (treated / comparison) is given for continuous covariates only. `balanced` is
    |SMD after| < 0.1. A row describing fewer than the minimum cell size of persons is `suppressed`.
    """

    covariate: str
    binary: bool
    treated_mean_before: float | None
    treated_mean_after: float | None
    control_mean_before: float | None
    control_mean_after: float | None
    smd_before: float | None
    smd_after: float | None
    variance_ratio_before: float | None
    variance_ratio_after: float | None
    balanced: bool | None
    suppressed: str | None = None


@dataclass(frozen=True, slots=True)
class SampleCounts:
    """Who an estimate stands on: participants and comparison persons with the outcome observed, and who was left out.

    `excluded_*` lack a covariate; `off_support` participants score outside the comparison pool's range;
    `beyond_caliper` have no comparison person within the caliper; `matched_controls` are distinct persons.
    """

    treated: int
    controls: int
    excluded_treated: int
    excluded_controls: int
    off_support: int
    beyond_caliper: int
    matched_treated: int
    matched_controls: int
    caliper: float | None


@dataclass(frozen=True, slots=True)
class ScoreModel:
    """The fitted propensity model: how many columns, whether the fit converged, McFadden's pseudo R squared."""

    columns: int
    converged: bool
    pseudo_r2: float | None


@dataclass(frozen=True, slots=True)
class OutcomeEffect:
    """The effect of a programme on one outcome: matched and naive, for earnings also difference-in-differences."""

    outcome: Outcome
    matched: Estimate
    naive: Estimate
    did: Estimate | None
    naive_did: Estimate | None
    counts: SampleCounts | None  # None when either group is below the minimum cell size
    balance: tuple[BalanceRow, ...]
    score_model: ScoreModel | None

    @property
    def balanced(self) -> bool | None:
        """True when every published covariate has |SMD| < 0.1 after matching (None: nothing to judge)."""
        judged = [row.balanced for row in self.balance if row.balanced is not None]
        return all(judged) if judged else None


@dataclass(frozen=True, slots=True)
class TimeToJob:
    """Shares with a job within 3, 6 and 12 months, matched participants against their matched comparison persons.

    `effects` are the matched differences of those shares; the medians are days to a job among those who
    found one within the year (descriptive: conditional on finding work), None when suppressed or none did.
    """

    days: tuple[int, ...]
    treated_shares: tuple[float | None, ...]
    control_shares: tuple[float | None, ...]
    effects: tuple[Estimate, ...]
    treated_median_days: float | None
    control_median_days: float | None
    suppressed: str | None = None


@dataclass(frozen=True, slots=True)
class ProgrammeEvaluation:
    """What `evaluate_programme` reports: the effects by outcome, time to job, and how they were made."""

    programme: Programme
    effects: tuple[OutcomeEffect, ...]
    time_to_job: TimeToJob | None
    min_cell: int
    caliper_sd: float
    method: str = METHOD
    version: str = METHOD_VERSION


@dataclass(frozen=True, slots=True)
class ProgrammeSummary:
    """A programme with how many took part; None counts are suppressed (fewer than the minimum cell size)."""

    programme: Programme
    participants: int | None
    with_12m_outcome: int | None
    first_start: date | None
    last_start: date | None
    suppressed: str | None = None


@dataclass(frozen=True, slots=True)
class ProgrammeList:
    """Every programme and the size of the comparison pool (registered jobseekers in no programme)."""

    programmes: tuple[ProgrammeSummary, ...]
    comparison_pool: int | None
    min_cell: int
    comparison_suppressed: str | None = None


def suppression_reason(treated: int, controls: int, min_cell: int) -> str | None:
    """Why a figure built from `treated` participants and `controls` comparison persons is withheld, or None."""
    if treated < min_cell:
        return f"fewer than {min_cell} participants: figures from so few persons are not published"
    if controls < min_cell:
        return f"fewer than {min_cell} comparison persons: figures from so few persons are not published"
    return None
