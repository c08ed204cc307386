"""Response models of programme evaluation: programmes with participants, effects with intervals, balance tables.

Every figure that disclosure control withholds is null, with `suppressed` saying why.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from lmis.analytics.programme_model import (
    Outcome,
    OutcomeEffect,
    ProgrammeEvaluation,
    ProgrammeKind,
    ProgrammeList,
)

_ATTRIBUTES = ConfigDict(from_attributes=True)
_WITHHELD = "Why the figures are withheld (null when published): fewer persons than the minimum cell size."


class ProgrammeOut(BaseModel):
    """An active labour market programme."""

    model_config = _ATTRIBUTES

    id: str = Field(description="The programme's own code.")
    name: str
    kind: ProgrammeKind
    description: str
    source: str = Field(description="The import that last defined it.")
    created_at: datetime


class ProgrammeSummaryOut(BaseModel):
    """A programme with how many took part."""

    model_config = _ATTRIBUTES

    programme: ProgrammeOut
    participants: int | None = Field(description="Episodes of the programme (null: suppressed).")
    with_12m_outcome: int | None = Field(description="Of those, how many have the 12-month outcome observed.")
    first_start: date | None
    last_start: date | None
    suppressed: str | None = Field(description=_WITHHELD)


class ProgrammeListOut(BaseModel):
    """Every programme and the comparison pool (registered jobseekers in no programme)."""

    model_config = _ATTRIBUTES

    programmes: list[ProgrammeSummaryOut]
    comparison_pool: int | None
    comparison_suppressed: str | None = Field(description=_WITHHELD)
    min_cell: int = Field(description="The minimum number of persons behind a published figure.")

    @classmethod
    def of(cls, found: ProgrammeList) -> ProgrammeListOut:
        """The API form of the list."""
        return cls.model_validate(found)


class EstimateOut(BaseModel):
    """A difference, participants minus comparison, with its standard error and 95% confidence interval."""

    model_config = _ATTRIBUTES

    value: float | None
    se: float | None = Field(description="Standard error.")
    low: float | None = Field(description="Lower end of the 95% interval.")
    high: float | None = Field(description="Upper end of the 95% interval.")
    treated: int | None = Field(description="Participants it is built from.")
    controls: int | None = Field(description="Comparison persons it is built from (distinct persons).")
    suppressed: str | None = Field(description=_WITHHELD)


class BalanceRowOut(BaseModel):
    """A covariate's balance before and after matching."""

    model_config = _ATTRIBUTES

    covariate: str
    binary: bool
    treated_mean_before: float | None
    treated_mean_after: float | None
    control_mean_before: float | None
    control_mean_after: float | None
    smd_before: float | None = Field(description="Standardised mean difference before matching.")
    smd_after: float | None = Field(description="After matching (same pooled SD as before).")
    variance_ratio_before: float | None = Field(description="Treated over comparison variance (continuous only).")
    variance_ratio_after: float | None
    balanced: bool | None = Field(description="|SMD after| < 0.1.")
    suppressed: str | None = Field(description=_WITHHELD)


class SampleCountsOut(BaseModel):
    """Who the estimates stand on and who was left out."""

    model_config = _ATTRIBUTES

    treated: int
    controls: int
    excluded_treated: int = Field(description="Participants lacking a covariate.")
    excluded_controls: int
    off_support: int = Field(description="Participants outside the comparison pool's range of the score.")
    beyond_caliper: int = Field(description="Participants with no comparison person within the caliper.")
    matched_treated: int
    matched_controls: int = Field(description="Distinct comparison persons used.")
    caliper: float | None = Field(description="The caliper on the logit of the score.")


class ScoreModelOut(BaseModel):
    """The fitted propensity model."""

    model_config = _ATTRIBUTES

    columns: int
    converged: bool
    pseudo_r2: float | None = Field(description="McFadden's pseudo R squared.")


class OutcomeEffectOut(BaseModel):
    """A programme's effect on one outcome: matched, naive, and for earnings difference-in-differences."""

    outcome: Outcome
    unit: str = Field(description="share (0-1), earnings (the file's currency) or days.")
    meaning: str
    matched: EstimateOut
    naive: EstimateOut = Field(description="Unmatched difference of means: what selection alone does.")
    did: EstimateOut | None = Field(description="Matched difference-in-differences of earnings (after - before).")
    naive_did: EstimateOut | None
    counts: SampleCountsOut | None
    balanced: bool | None = Field(description="Every published covariate has |SMD| < 0.1 after matching.")
    balance: list[BalanceRowOut]
    score_model: ScoreModelOut | None

    @classmethod
    def of(cls, effect: OutcomeEffect) -> OutcomeEffectOut:
        """The API form of one effect."""
        return cls(
            outcome=effect.outcome,
            unit=effect.outcome.unit,
            meaning=effect.outcome.meaning,
            matched=EstimateOut.model_validate(effect.matched),
            naive=EstimateOut.model_validate(effect.naive),
            did=EstimateOut.model_validate(effect.did) if effect.did else None,
            naive_did=EstimateOut.model_validate(effect.naive_did) if effect.naive_did else None,
            counts=SampleCountsOut.model_validate(effect.counts) if effect.counts else None,
            balanced=effect.balanced,
            balance=[BalanceRowOut.model_validate(row) for row in effect.balance],
            score_model=ScoreModelOut.model_validate(effect.score_model) if effect.score_model else None,
        )


class TimeToJobOut(BaseModel):
    """Shares with a job within 3, 6 and 12 months (in days), matched participants against their matches."""

    model_config = _ATTRIBUTES

    days: list[int]
    treated_shares: list[float | None]
    control_shares: list[float | None]
    effects: list[EstimateOut]
    treated_median_days: float | None = Field(description="Among those who found a job within the year.")
    control_median_days: float | None
    suppressed: str | None = Field(description=_WITHHELD)


class EvaluationOut(BaseModel):
    """A programme's effects with confidence intervals, balance, time to job, and the method."""

    programme: ProgrammeOut
    effects: list[OutcomeEffectOut]
    time_to_job: TimeToJobOut | None
    min_cell: int
    caliper_sd: float = Field(description="Caliper width in standard deviations of the logit of the score.")
    method: str
    version: str

    @classmethod
    def of(cls, found: ProgrammeEvaluation) -> EvaluationOut:
        """The API form of an evaluation."""
        return cls(
            programme=ProgrammeOut.model_validate(found.programme),
            effects=[OutcomeEffectOut.of(effect) for effect in found.effects],
            time_to_job=TimeToJobOut.model_validate(found.time_to_job) if found.time_to_job else None,
            min_cell=found.min_cell,
            caliper_sd=found.caliper_sd,
            method=found.method,
            version=found.version,
        )
