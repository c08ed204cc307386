"""The transparent scorer and the LightGBM LambdaRank ranker over named features."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from lmis.recommend.ranking import BIAS, CandidateFeatures, LearnedRanker, RankerParameters, TransparentScorer

FEATURES = ("skill_overlap", "distance_fit", "noise")


def _toy_groups(seed: int = 3) -> tuple[list[list[CandidateFeatures]], list[list[int]]]:
    """20 requests of 12 candidates; relevant ones have high skill overlap and are near, noise is random."""
    rng = random.Random(seed)
    groups, relevance = [], []
    for request in range(20):
        candidates, grades = [], []
        for index in range(12):
            relevant = index < 3
            values = {
                "skill_overlap": rng.uniform(0.6, 1.0) if relevant else rng.uniform(0.0, 0.5),
                "distance_fit": rng.uniform(0.5, 1.0) if relevant else rng.uniform(0.0, 0.7),
                "noise": rng.random(),
            }
            candidates.append(CandidateFeatures(f"r{request}-i{index}", values, frozenset({"text"})))
            grades.append(int(relevant))
        order = list(range(12))
        rng.shuffle(order)
        groups.append([candidates[i] for i in order])
        relevance.append([grades[i] for i in order])
    return groups, relevance


def _small() -> RankerParameters:
    return RankerParameters(rounds=30, min_data_in_leaf=5, num_leaves=7)


def test_the_transparent_score_is_the_sum_of_weight_times_value_and_missing_features_count_as_zero() -> None:
    scorer = TransparentScorer({"occupation_match": 2.0, "pay_fit": 0.5, "recency": 1.0})
    candidate = CandidateFeatures("p1", {"occupation_match": 0.75, "pay_fit": 1.0}, frozenset({"profile"}))

    assert scorer.contributions(candidate) == {"occupation_match": 1.5, "pay_fit": 0.5, "recency": 0.0}
    assert scorer.score(candidate) == pytest.approx(2.0)


def test_the_transparent_scorer_ranks_by_score_and_breaks_ties_by_item_id() -> None:
    scorer = TransparentScorer({"text": 1.0})
    ranked = scorer.rank([CandidateFeatures(i, {"text": v}) for i, v in (("b", 1.0), ("c", 2.0), ("a", 1.0))])
    assert [c.item_id for c in ranked] == ["c", "a", "b"]


def test_the_learned_ranker_puts_the_relevant_candidates_first_on_a_separable_set() -> None:
    groups, relevance = _toy_groups()
    ranker = LearnedRanker(_small()).fit(groups[:15], relevance[:15], FEATURES)

    for group, grades in zip(groups[15:], relevance[15:], strict=True):
        scores = ranker.score(group)
        top = sorted(range(len(group)), key=lambda i: -scores[i])[:3]
        assert [grades[i] for i in top] == [1, 1, 1]


def test_shap_contributions_sum_to_the_score_and_credit_the_informative_feature() -> None:
    groups, relevance = _toy_groups()
    ranker = LearnedRanker(_small()).fit(groups, relevance, FEATURES)
    candidates = groups[0]

    explanations = ranker.explain(candidates)
    for explanation, score in zip(explanations, ranker.score(candidates), strict=True):
        assert set(explanation) == {*FEATURES, BIAS}
        assert sum(explanation.values()) == pytest.approx(score, abs=1e-9)
    spread = {name: sum(abs(e[name]) for e in explanations) for name in FEATURES}
    assert spread["skill_overlap"] > spread["noise"]


def test_a_saved_model_loads_with_its_feature_names_and_scores_the_same(tmp_path: Path) -> None:
    groups, relevance = _toy_groups()
    ranker = LearnedRanker(_small()).fit(groups, relevance, FEATURES)
    path = tmp_path / "ranker.txt"
    ranker.save(path)

    loaded = LearnedRanker.load(path)

    assert loaded.feature_names == list(FEATURES)
    assert loaded.score(groups[1]) == pytest.approx(ranker.score(groups[1]))
    assert path.read_text(encoding="utf-8").startswith("tree")


def test_training_twice_with_the_same_seed_gives_the_same_scores() -> None:
    groups, relevance = _toy_groups()
    first = LearnedRanker(_small()).fit(groups, relevance, FEATURES).score(groups[2])
    second = LearnedRanker(_small()).fit(groups, relevance, FEATURES).score(groups[2])
    assert first == second


def test_fitting_rejects_relevance_that_does_not_match_the_groups() -> None:
    groups, relevance = _toy_groups()
    with pytest.raises(ValueError, match="one relevance grade per candidate"):
        LearnedRanker(_small()).fit(groups[:2], [relevance[0], relevance[1][:-1]], FEATURES)


def test_an_unfitted_ranker_says_so_instead_of_scoring() -> None:
    with pytest.raises(RuntimeError, match="not been fitted"):
        LearnedRanker().score([CandidateFeatures("a", {})])
