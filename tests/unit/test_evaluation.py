"""The estimators on hand-made data: matching, Abadie-Imbens errors, a small known DGP, balance and suppression."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pytest

from lmis.analytics.evaluation import (
    Z95,
    Score,
    fit_score,
    match_on_score,
    matched_difference,
    naive_difference,
    weighted_median,
)
from lmis.analytics.evaluation_design import Design, build_design, outcome_value, pooled_levels
from lmis.analytics.evaluation_outcomes import (
    Fitted,
    evaluate_outcome,
    matched_estimate,
    naive_estimate,
    time_to_job,
)
from lmis.analytics.programme_model import Episode, Outcome, ScoreModel

AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_each_participant_gets_its_nearest_comparison_persons_within_the_caliper_or_none() -> None:
    logit = np.array([0.0, 1.0, 2.0, 3.0, -5.0, 1.04, 2.9, 9.0])
    treated = np.array([False, False, False, False, True, True, True, True])
    matching = match_on_score(logit, treated, caliper_sd=0.2, neighbours=1)
    assert matching.off_support == 2  # -5 and 9 lie outside the pool's 0..3
    assert list(matching.treated) == [5, 6]
    assert list(matching.controls[:, 0]) == [1, 3]
    assert matching.beyond_caliper == 0
    assert matching.distinct_controls == 2


def test_a_participant_with_nobody_within_the_caliper_is_left_unmatched() -> None:
    logit = np.array([0.0, 0.1, 3.0, 1.5, 0.05])
    treated = np.array([False, False, False, True, True])
    matching = match_on_score(logit, treated, caliper_sd=0.2, neighbours=2)
    assert matching.beyond_caliper == 1  # 1.5 is 1.5 from its nearest, the caliper is about 0.2
    assert list(matching.treated) == [4]
    assert sorted(matching.controls[0]) == [0, 1]
    assert list(matching.counts) == [2]
    assert matching.uses[0] == matching.uses[1] == 0.5


def test_without_reuse_the_abadie_imbens_error_is_the_spread_of_the_pair_differences() -> None:
    logit = np.array([0.0, 1.0, 2.0, 0.01, 1.01, 1.99])
    treated = np.array([False, False, False, True, True, True])
    outcome = np.array([1.0, 2.0, 3.0, 2.0, 4.0, 3.5])
    matching = match_on_score(logit, treated, neighbours=1, caliper_sd=1.0)
    found = matched_difference(outcome, logit, treated, matching)
    gaps = np.array([1.0, 2.0, 0.5])
    assert found.value == pytest.approx(gaps.mean())
    assert found.se == pytest.approx(math.sqrt(((gaps - gaps.mean()) ** 2).sum()) / 3)
    assert found.high - found.low == pytest.approx(2 * Z95 * found.se)


def test_reusing_a_comparison_person_widens_the_error_by_its_conditional_variance() -> None:
    logit = np.array([0.0, 0.1, 0.2, 0.5, 0.001, 0.002, 0.003])
    treated = np.array([False, False, False, False, True, True, True])
    outcome = np.array([1.0, 5.0, 1.0, 2.0, 3.0, 3.0, 3.0])
    matching = match_on_score(logit, treated, neighbours=1, caliper_sd=5.0)
    assert matching.uses[0] == 3  # every participant's nearest is the first person
    found = matched_difference(outcome, logit, treated, matching)
    # the pair differences do not vary; s2 of person 0 from its two nearest pool neighbours (5.0 and 1.0) is
    # 2/3 * (1 - 3)^2, counted K^2 - K = 6 times, over N1^2 = 9
    assert found.value == 2.0
    assert found.se == pytest.approx(math.sqrt(6 * 2 / 3 * 4.0) / 3)


def _known_dgp(size: int, seed: int) -> tuple[Design, np.ndarray, np.ndarray]:
    """Participation rises with x; the outcome rises with x; the true effect on the treated is exactly 1."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=size)
    treated = rng.random(size) < 1 / (1 + np.exp(-(-1.0 + 1.2 * x)))
    outcome = 2.0 * x + rng.normal(size=size) + treated * 1.0
    model = ((x - x.mean()) / x.std())[:, None]
    design = Design(treated, x[:, None], ("x",), (False,), model)
    return design, outcome, x


def test_matching_recovers_a_known_effect_that_the_naive_difference_misses() -> None:
    covered = 0
    for seed in range(20):
        design, outcome, _x = _known_dgp(2_000, seed)
        score = fit_score(design)
        matching = match_on_score(score.logit, design.treated)
        found = matched_difference(outcome, score.logit, design.treated, matching)
        naive = naive_difference(outcome, design.treated)
        covered += found.low <= 1.0 <= found.high
        assert abs(found.value - 1.0) < 0.25
        assert naive.value > 2.0
        assert score.model.converged
    assert covered >= 17  # a 95% interval: 19 of 20 expected, 17 allows for chance (P(fewer) < 2%)


def test_the_weighted_median_counts_each_value_its_weight_times() -> None:
    assert weighted_median(np.array([5.0, 1.0, 9.0]), np.array([1.0, 1.0, 3.0])) == 9.0
    assert weighted_median(np.array([5.0, 1.0, 9.0]), np.array([1.0, 1.0, 1.0])) == 5.0
    assert weighted_median(np.array([5.0]), np.array([0.0])) is None


def test_rare_categories_are_pooled_into_other() -> None:
    levels = ["a"] * 20 + ["b"] * 3 + ["c"] * 20
    treated = np.array([i % 2 == 0 for i in range(len(levels))])
    assert pooled_levels(levels, treated, 5) == ["a", "c", "other"]


def _episode(number: int, *, programme: str | None, employed: bool | None) -> Episode:
    scrambled = number * 7919
    return Episode(
        id=f"e{number}",
        source="s",
        external_id=f"x{number}",
        person_key=f"p{number}",
        programme_id=programme,
        registered_on=date(2025, 1 + scrambled % 12, 1),
        started_on=None,
        ended_on=None,
        region="KR-11" if scrambled % 5 else "KR-26",
        age=20 + scrambled % 41,
        sex="F" if scrambled % 3 else "M",
        education_isced=1 + scrambled % 7,
        months_unemployed=scrambled % 13,
        earnings_before=0.0 if scrambled % 11 == 0 else 1000.0 + scrambled % 997,
        earnings_after=1500.0 + scrambled % 991 if employed is not None else None,
        employed_3m=employed,
        employed_6m=employed,
        employed_12m=employed,
        days_to_job=40 + scrambled % 300 if employed else None,
        synthetic=True,
        imported_at=AT,
    )


def _population(participants: int, pool: int) -> tuple[list[Episode], np.ndarray]:
    """Participants and pool persons interleaved, with covariates that do not separate them."""
    total = participants + pool
    chosen = set(np.linspace(0, total - 1, participants).round().astype(int).tolist())
    episodes = [_episode(i, programme="P" if i in chosen else None, employed=i % 3 != 0) for i in range(total)]
    return episodes, np.array([e.programme_id == "P" for e in episodes])


def test_effects_from_fewer_participants_than_the_minimum_cell_are_withheld_with_the_reason() -> None:
    episodes, treated = _population(8, 200)
    effect, fitted = evaluate_outcome(episodes, treated, Outcome.EARNINGS_AFTER, min_cell=10, caliper_sd=0.2)
    assert fitted is None
    assert effect.counts is None
    assert effect.balance == ()
    for estimate in (effect.matched, effect.naive, effect.did, effect.naive_did):
        assert estimate is not None
        assert estimate.value is None
        assert estimate.low is None
        assert estimate.treated is None
        assert estimate.suppressed is not None
        assert "fewer than 10 participants" in estimate.suppressed
    assert "8" not in (effect.matched.suppressed or "")  # the reason does not give the count away


def test_a_matched_estimate_on_too_few_distinct_comparison_persons_is_withheld_but_the_naive_one_is_not() -> None:
    pool = np.array([0.0, 0.01, 0.02, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    logit = np.concatenate([pool, np.linspace(0.004, 0.016, 30)])
    treated = np.arange(len(logit)) >= len(pool)
    outcome = np.arange(len(logit), dtype=np.float64)
    matching = match_on_score(logit, treated)
    design = Design(treated, logit[:, None], ("x",), (False,), logit[:, None])
    fitted = Fitted((), design, Score(logit, ScoreModel(2, True, None)), matching)
    assert matching.distinct_controls == 3  # the other nine lie far beyond the caliper
    matched = matched_estimate(outcome, fitted, min_cell=10)
    assert matched.value is None
    assert matched.suppressed is not None
    assert "comparison persons" in matched.suppressed
    naive = naive_estimate(outcome, treated, min_cell=10)
    assert naive.value is not None
    assert (naive.treated, naive.controls) == (30, 12)


def test_time_to_job_is_withheld_when_the_matched_groups_are_small() -> None:
    episodes, treated = _population(60, 300)
    _effect, fitted = evaluate_outcome(episodes, treated, Outcome.DAYS_TO_JOB, min_cell=10, caliper_sd=0.2)
    assert fitted is not None
    published = time_to_job(fitted, min_cell=10)
    assert published is not None
    assert published.suppressed is None
    assert None not in published.treated_shares
    withheld = time_to_job(fitted, min_cell=1_000)
    assert withheld is not None
    assert withheld.suppressed is not None
    assert withheld.treated_shares == (None,) * 3
    assert all(effect.value is None for effect in withheld.effects)


def test_balance_rows_of_categories_held_by_a_handful_of_persons_are_suppressed() -> None:
    episodes, treated = _population(60, 300)
    effect, _fitted = evaluate_outcome(episodes, treated, Outcome.EMPLOYED_12M, min_cell=10, caliper_sd=0.2)
    by_name = {row.covariate: row for row in effect.balance}
    assert by_name["age"].suppressed is None
    assert by_name["age"].variance_ratio_before is not None
    for row in effect.balance:
        if row.suppressed:
            assert row.smd_before is None
            assert row.treated_mean_before is None
        elif row.binary:
            assert row.variance_ratio_before is None


def test_days_to_job_needs_a_full_year_of_follow_up_and_caps_at_a_year() -> None:
    found = _episode(1, programme=None, employed=True)
    assert outcome_value(found, Outcome.DAYS_TO_JOB) == found.days_to_job
    early = _episode(2, programme=None, employed=None)
    assert math.isnan(outcome_value(early, Outcome.DAYS_TO_JOB))
    never = _episode(3, programme=None, employed=False)
    assert outcome_value(never, Outcome.DAYS_TO_JOB) == 365


def test_the_design_names_every_covariate_and_standardises_the_model_columns() -> None:
    episodes, treated = _population(60, 300)
    design = build_design(episodes, treated, min_level=5)
    assert {"age", "months unemployed", "log earnings before", "no earnings before"} <= set(design.names)
    assert any(name.startswith("region: ") for name in design.names)
    assert any(name.startswith("registered: 2025Q") for name in design.names)
    assert np.allclose(design.model.mean(axis=0), 0)
    assert np.allclose(design.model.std(axis=0), 1)
