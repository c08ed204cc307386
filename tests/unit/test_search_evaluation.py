"""Search ranking metrics on small hand-computed rankings, and their bootstrap summaries."""

from __future__ import annotations

import math

import pytest

from lmis.search.evaluation import (
    QueryScore,
    bootstrap_interval,
    fold_clusters,
    ndcg_at,
    paired_difference,
    recall_at,
    reciprocal_rank,
    render_table,
    score_query,
    summarise,
)
from lmis.shared.errors import Invalid

GRADES = {"a": 3, "b": 2, "c": 1, "d": 2}


def test_a_ranking_in_ideal_order_scores_an_ndcg_of_one() -> None:
    assert ndcg_at(["a", "b", "d", "c"], GRADES) == pytest.approx(1.0)


def test_ndcg_uses_exponential_gain_and_a_log2_discount() -> None:
    # ranked x, a, b with a=3, b=2: DCG = 0/log2(2) + 7/log2(3) + 3/log2(4) = 4.4165 + 1.5 = 5.9165
    # ideal a, b: 7/log2(2) + 3/log2(3) = 7 + 1.8928 = 8.8928; nDCG = 5.9165 / 8.8928 = 0.66532
    assert ndcg_at(["x", "a", "b"], {"a": 3, "b": 2}) == pytest.approx(0.6653152, abs=1e-6)


def test_the_ideal_ranking_comes_from_all_judged_results_even_unretrieved_ones() -> None:
    # only "c" (grade 1) is retrieved; the ideal first result is "a" (grade 3): 1 / 7
    assert ndcg_at(["c"], {"a": 3, "c": 1}, k=1) == pytest.approx(1 / 7)


def test_ndcg_only_counts_results_within_the_cut_off() -> None:
    # "a" at rank 3 is outside k=2, so nothing within the cut-off is relevant
    assert ndcg_at(["x", "y", "a"], {"a": 3}, k=2) == 0.0
    assert ndcg_at(["x", "y", "a"], {"a": 3}, k=3) == pytest.approx(1 / math.log2(4))


def test_a_result_listed_twice_earns_its_gain_only_once() -> None:
    assert ndcg_at(["a", "a", "b"], {"a": 3, "b": 3}) == pytest.approx(1.0)


def test_unjudged_results_count_as_not_relevant_and_a_query_without_relevant_results_scores_zero() -> None:
    assert ndcg_at(["x", "y"], {"a": 2}) == 0.0
    assert ndcg_at(["a"], {}) == 0.0
    assert ndcg_at(["a"], {"a": 0}) == 0.0


def test_reciprocal_rank_is_one_over_the_rank_of_the_first_clearly_relevant_result() -> None:
    # "c" is only marginal (grade 1), so the first result of grade 2 or more is "b" at rank 3
    assert reciprocal_rank(["x", "c", "b"], GRADES) == pytest.approx(1 / 3)


def test_reciprocal_rank_can_count_marginal_results_as_relevant() -> None:
    assert reciprocal_rank(["x", "c", "b"], GRADES, relevant_from=1) == pytest.approx(1 / 2)


def test_reciprocal_rank_is_zero_when_no_relevant_result_is_found_within_the_cut_off() -> None:
    assert reciprocal_rank(["x", "y"], GRADES) == 0.0
    assert reciprocal_rank(["x", "c", "b"], GRADES, k=2) == 0.0


def test_reciprocal_rank_counts_ranks_without_repeated_results() -> None:
    assert reciprocal_rank(["x", "x", "a"], GRADES) == pytest.approx(1 / 2)


def test_recall_is_the_share_of_clearly_relevant_results_found_within_the_cut_off() -> None:
    # relevant (grade >= 2): a, b, d
    assert recall_at(["a", "x", "c", "b"], GRADES, k=2) == pytest.approx(1 / 3)
    assert recall_at(["a", "x", "c", "b"], GRADES, k=4) == pytest.approx(2 / 3)
    assert recall_at(["a", "x", "c", "b"], GRADES, k=4, relevant_from=1) == pytest.approx(3 / 4)


def test_recall_is_zero_when_the_query_has_no_relevant_results() -> None:
    assert recall_at(["a"], {"a": 1}) == 0.0


@pytest.mark.parametrize("k", [0, -3])
def test_a_cut_off_below_one_is_refused(k: int) -> None:
    with pytest.raises(Invalid):
        ndcg_at(["a"], GRADES, k=k)
    with pytest.raises(Invalid):
        recall_at(["a"], GRADES, k=k)
    with pytest.raises(Invalid):
        reciprocal_rank(["a"], GRADES, k=k)


def test_folding_reposts_into_their_vacancy_keeps_the_best_grade_and_counts_the_vacancy_once() -> None:
    grades = {"jb-1": 3, "ag-1": 3, "jb-2": 1, "ag-2": 2, "x": 1}
    cluster_of = {"jb-1": "v1", "ag-1": "v1", "jb-2": "v2", "ag-2": "v2"}
    ranked, folded = fold_clusters(["ag-1", "jb-2", "y"], grades, cluster_of)
    assert ranked == ["v1", "v2", "y"]
    assert folded == {"v1": 3, "v2": 2, "x": 1}
    # unfolded, the ideal ranking would hold v1 twice and the perfect answer could not reach 1
    assert ndcg_at(ranked, folded, k=2) == pytest.approx(1.0)


def test_score_query_names_its_metrics_after_their_cut_offs() -> None:
    score = score_query("q1", "bm25", ["x", "a", "b"], {"a": 3, "b": 2}, k=10, recall_depth=50, group="en/nhs")
    assert set(score.metrics) == {"ndcg@10", "mrr", "recall@50"}
    assert score.metrics["mrr"] == pytest.approx(0.5)
    assert score.metrics["recall@50"] == pytest.approx(1.0)
    assert score.group == "en/nhs"


def test_the_bootstrap_interval_is_reproducible_with_the_same_seed_and_brackets_the_mean() -> None:
    values = [0.0, 0.2, 0.5, 0.9, 1.0, 0.3]
    first = bootstrap_interval(values, seed=7)
    assert first == bootstrap_interval(values, seed=7)
    low, high = first
    assert low <= sum(values) / len(values) <= high
    assert 0.0 <= low < high <= 1.0


def test_the_bootstrap_interval_of_identical_values_has_no_width() -> None:
    assert bootstrap_interval([0.4, 0.4, 0.4]) == pytest.approx((0.4, 0.4))


def test_the_bootstrap_interval_refuses_empty_input_and_impossible_confidence() -> None:
    with pytest.raises(Invalid):
        bootstrap_interval([])
    with pytest.raises(Invalid):
        bootstrap_interval([0.5], confidence=1.0)


def test_summarise_gives_each_method_a_row_for_all_queries_and_one_per_group() -> None:
    scores = [
        QueryScore("q1", "bm25", {"ndcg@10": 1.0}, "en"),
        QueryScore("q2", "bm25", {"ndcg@10": 0.5}, "ko"),
        QueryScore("q3", "bm25", {"ndcg@10": 0.0}, "ko"),
        QueryScore("q1", "hybrid", {"ndcg@10": 1.0}, "en"),
    ]
    rows = summarise(scores, resamples=200)
    keys = [(row.method, row.group, row.metric, row.queries) for row in rows]
    assert keys == [
        ("bm25", "", "ndcg@10", 3),
        ("bm25", "en", "ndcg@10", 1),
        ("bm25", "ko", "ndcg@10", 2),
        ("hybrid", "", "ndcg@10", 1),
        ("hybrid", "en", "ndcg@10", 1),
    ]
    assert rows[0].mean == pytest.approx(0.5)
    assert rows[2].mean == pytest.approx(0.25)


def test_paired_difference_compares_methods_on_the_queries_both_answered() -> None:
    scores = [
        QueryScore("q1", "bm25", {"mrr": 0.5}),
        QueryScore("q2", "bm25", {"mrr": 0.25}),
        QueryScore("q3", "bm25", {"mrr": 1.0}),
        QueryScore("q1", "hybrid", {"mrr": 1.0}),
        QueryScore("q2", "hybrid", {"mrr": 0.5}),
    ]
    row = paired_difference(scores, "mrr", "hybrid", "bm25", resamples=500)
    assert row.queries == 2
    assert row.mean == pytest.approx(0.375)
    assert row.low > 0.0
    assert row.extra == {"wins": 2.0, "losses": 0.0, "ties": 0.0}


def test_paired_difference_refuses_methods_with_no_query_in_common() -> None:
    scores = [QueryScore("q1", "bm25", {"mrr": 0.5}), QueryScore("q2", "hybrid", {"mrr": 1.0})]
    with pytest.raises(Invalid):
        paired_difference(scores, "mrr", "hybrid", "bm25")


def test_the_rendered_table_has_a_header_and_one_line_per_row() -> None:
    rows = summarise([QueryScore("q1", "bm25", {"ndcg@10": 0.25}), QueryScore("q2", "bm25", {"ndcg@10": 0.75})])
    lines = render_table(rows).splitlines()
    assert lines[0].split() == ["method", "group", "metric", "mean", "interval", "queries"]
    assert lines[1].split()[:4] == ["bm25", "all", "ndcg@10", "0.500"]
    assert lines[1].split()[-1] == "2"
