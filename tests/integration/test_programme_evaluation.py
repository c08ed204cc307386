"""The acceptance test of programme evaluation: the demo's programme file, imported into SQLite and evaluated,
gives back the effects the generator put in (inside the 95% intervals), balanced covariates, and a naive
difference further from the truth than the matched estimate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lmis.analytics.programme_model import Outcome, ProgrammeEvaluation
from lmis.analytics.programmes import evaluate_programme
from lmis.demo.programmes import FILE, PROGRAMMES
from lmis.identity.model import operator
from tests.conftest import make_services
from tests.programme_data import import_file, write_sample

EPISODES = 10_000  # about 1,200, 400 and 1,100 participants with a 12-month outcome (training, subsidy, job search)
SEED = 1


@pytest.fixture(scope="module")
def evaluated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, Any], dict[str, ProgrammeEvaluation]]]:
    """The demo's file of 10,000 episodes (seed 1) imported into SQLite; each programme evaluated on the
    12-month employment and earnings outcomes; with the manifest entry holding the true effects."""
    folder = tmp_path_factory.mktemp("programmes")
    services = make_services(folder, f"sqlite:///{folder / 'lmis.db'}")
    entry = write_sample(folder, count=EPISODES, seed=SEED)
    report = import_file(services, folder / FILE)
    assert (report.new, report.quarantined) == (EPISODES, 0)
    found = {}
    for programme in PROGRAMMES:
        employment = evaluate_programme(
            programme.id, outcome="employed_12m", uow=services.uow(), actor=operator("test"), min_cell=10
        )
        earnings = evaluate_programme(
            programme.id, outcome="earnings_after", uow=services.uow(), actor=operator("test"), min_cell=10
        )
        found[programme.id] = ProgrammeEvaluation(
            employment.programme,
            employment.effects + earnings.effects,
            employment.time_to_job,
            employment.min_cell,
            employment.caliper_sd,
        )
    yield entry, found
    services.engine.dispose()


def _effect(evaluation: ProgrammeEvaluation, outcome: Outcome) -> Any:
    return next(effect for effect in evaluation.effects if effect.outcome is outcome)


def _estimates(evaluation: ProgrammeEvaluation) -> dict[str, tuple[Any, Any]]:
    """(matched, naive) for employment at 12 months and the earnings difference-in-differences."""
    employed = _effect(evaluation, Outcome.EMPLOYED_12M)
    earnings = _effect(evaluation, Outcome.EARNINGS_AFTER)
    return {"employed_12m": (employed.matched, employed.naive), "earnings_did": (earnings.did, earnings.naive_did)}


def test_the_true_effect_of_each_programme_lies_inside_the_95_percent_interval(
    evaluated: tuple[dict[str, Any], dict[str, ProgrammeEvaluation]],
) -> None:
    entry, found = evaluated
    for programme, evaluation in found.items():
        for outcome, (matched, _naive) in _estimates(evaluation).items():
            truth = entry["true_effects"][programme][outcome]
            assert matched.low <= truth <= matched.high, (programme, outcome, truth, matched)


def test_the_naive_difference_is_further_from_the_truth_than_the_matched_estimate(
    evaluated: tuple[dict[str, Any], dict[str, ProgrammeEvaluation]],
) -> None:
    entry, found = evaluated
    for programme, evaluation in found.items():
        for outcome, (matched, naive) in _estimates(evaluation).items():
            truth = entry["true_effects"][programme][outcome]
            assert abs(naive.value - truth) > abs(matched.value - truth), (programme, outcome, truth, matched, naive)


def test_every_covariate_is_balanced_after_matching_and_most_were_not_before(
    evaluated: tuple[dict[str, Any], dict[str, ProgrammeEvaluation]],
) -> None:
    _entry, found = evaluated
    for programme, evaluation in found.items():
        for effect in evaluation.effects:
            after = [row.smd_after for row in effect.balance if row.smd_after is not None]
            before = [row.smd_before for row in effect.balance if row.smd_before is not None]
            assert len(after) == len(before) > 20
            assert max(map(abs, after)) < 0.1, (programme, effect.outcome, effect.balance)
            assert max(map(abs, before)) > 0.25, (programme, "selection should show before matching")
            counts, model = effect.counts, effect.score_model
            assert counts is not None
            assert counts.off_support < counts.treated * 0.05
            assert model is not None
            assert model.converged


def test_time_to_job_shows_the_training_lock_in_and_the_later_gain(
    evaluated: tuple[dict[str, Any], dict[str, ProgrammeEvaluation]],
) -> None:
    entry, found = evaluated
    training = found["DEMO-VT"].time_to_job
    assert training is not None
    assert training.suppressed is None
    within_3m, _within_6m, within_12m = training.effects
    assert within_3m.high is not None
    assert within_12m.low is not None
    assert within_3m.high < 0 < within_12m.low  # locked in during the course, ahead a year on
    assert entry["true_effects"]["DEMO-VT"]["employed_3m"] < 0 < entry["true_effects"]["DEMO-VT"]["employed_12m"]
    assert training.treated_median_days is not None
    assert training.control_median_days is not None


def test_the_generator_records_a_true_effect_for_every_programme_and_outcome(
    evaluated: tuple[dict[str, Any], dict[str, ProgrammeEvaluation]], tmp_path: Path
) -> None:
    entry, _found = evaluated
    assert set(entry["true_effects"]) == {p.id for p in PROGRAMMES}
    for effects in entry["true_effects"].values():
        assert set(effects) == {*(o.value for o in Outcome), "earnings_did"}
