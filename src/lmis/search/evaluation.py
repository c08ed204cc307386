"""Ranking quality against graded relevance judgements: nDCG@k, reciprocal rank, recall@k, bootstrap summaries (pure).

Grades follow `data/eval/search_queries.json`: 3 exactly what was asked, 2 clearly relevant,
1 marginal, 0 (or unjudged) not relevant. A ranked list is a sequence of result ids, best
first; an id listed twice counts at its first position only, so a result cannot earn its
gain twice. nDCG uses the exponential gain 2^g - 1 and the log2(rank + 1) discount of
Järvelin & Kekäläinen (2002) as popularised by Burges et al. (2005), with the ideal ranking
taken from all judged results of the query, as trec_eval's `ndcg_cut` does.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lmis.shared.errors import Invalid

RELEVANT_FROM = 2  # grade 2 ("clearly relevant") and above count as relevant for MRR and recall
RESAMPLES = 10_000
CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class QueryScore:
    """The metrics of one query under one method; `group` labels a breakdown (e.g. "ko/nhs")."""

    query_id: str
    method: str
    metrics: Mapping[str, float]
    group: str = ""


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """Mean of one metric over the queries of a method (and group), with a bootstrap interval."""

    method: str
    group: str
    metric: str
    mean: float
    low: float
    high: float
    queries: int
    extra: Mapping[str, float] = field(default_factory=dict)


def _check_k(k: int | None) -> None:
    if k is not None and k < 1:
        raise Invalid(f"the cut-off must be at least 1, got {k}", field="k")


def _first_occurrences(ranked_ids: Iterable[str], k: int | None = None) -> list[str]:
    """The ids in rank order without repeats, cut at `k` distinct results."""
    seen: set[str] = set()
    unique: list[str] = []
    for result_id in ranked_ids:
        if result_id not in seen:
            seen.add(result_id)
            unique.append(result_id)
            if k is not None and len(unique) >= k:
                break
    return unique


def _dcg(grades_in_order: Iterable[int]) -> float:
    return sum((2.0**grade - 1.0) / math.log2(rank + 2) for rank, grade in enumerate(grades_in_order))


def ndcg_at(ranked_ids: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first `k` results; 0.0 when nothing is judged relevant."""
    _check_k(k)
    ideal = _dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0.0:
        return 0.0
    return _dcg(max(grades.get(result_id, 0), 0) for result_id in _first_occurrences(ranked_ids, k)) / ideal


def reciprocal_rank(
    ranked_ids: Sequence[str], grades: Mapping[str, int], relevant_from: int = RELEVANT_FROM, k: int | None = None
) -> float:
    """1 / rank of the first result graded `relevant_from` or more (within `k` results if given), else 0.0."""
    _check_k(k)
    for rank, result_id in enumerate(_first_occurrences(ranked_ids, k), start=1):
        if grades.get(result_id, 0) >= relevant_from:
            return 1.0 / rank
    return 0.0


def recall_at(
    ranked_ids: Sequence[str], grades: Mapping[str, int], k: int = 100, relevant_from: int = RELEVANT_FROM
) -> float:
    """Share of the results graded `relevant_from` or more that appear in the first `k`; 0.0 when none exist."""
    _check_k(k)
    relevant = {result_id for result_id, grade in grades.items() if grade >= relevant_from}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_first_occurrences(ranked_ids, k))) / len(relevant)


def fold_clusters(
    ranked_ids: Sequence[str], grades: Mapping[str, int], cluster_of: Mapping[str, str]
) -> tuple[list[str], dict[str, int]]:
    """Ranking and grades per vacancy: ids become their cluster (or stay themselves), a cluster keeps its best grade.

    Search folds reposts of one vacancy into one hit, while the judgements grade every posting;
    scoring in cluster space keeps the ideal ranking from counting the same vacancy twice.
    """
    folded: dict[str, int] = {}
    for result_id, grade in grades.items():
        cluster = cluster_of.get(result_id, result_id)
        folded[cluster] = max(grade, folded.get(cluster, grade))
    return [cluster_of.get(result_id, result_id) for result_id in ranked_ids], folded


def score_query(
    query_id: str,
    method: str,
    ranked_ids: Sequence[str],
    grades: Mapping[str, int],
    *,
    k: int = 10,
    recall_depth: int = 100,
    group: str = "",
) -> QueryScore:
    """The standard metric set of one query: `ndcg@k`, `mrr` (over the whole list given) and `recall@recall_depth`."""
    metrics = {
        f"ndcg@{k}": ndcg_at(ranked_ids, grades, k),
        "mrr": reciprocal_rank(ranked_ids, grades),
        f"recall@{recall_depth}": recall_at(ranked_ids, grades, recall_depth),
    }
    return QueryScore(query_id=query_id, method=method, metrics=metrics, group=group)


def bootstrap_interval(
    values: Sequence[float], *, confidence: float = CONFIDENCE, resamples: int = RESAMPLES, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (Efron & Tibshirani 1993); queries are resampled with a seeded RNG."""
    if not values:
        raise Invalid("no values to resample", field="values")
    if not 0.0 < confidence < 1.0:
        raise Invalid(f"confidence must lie between 0 and 1, got {confidence}", field="confidence")
    data = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), size=(resamples, len(data)))].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def summarise(
    per_query: Sequence[QueryScore], *, confidence: float = CONFIDENCE, resamples: int = RESAMPLES, seed: int = 0
) -> list[SummaryRow]:
    """Mean and bootstrap interval of every metric per method and group, sorted by method, group, metric.

    Rows with group "" cover all queries of the method; a row per non-empty group follows.
    """
    buckets: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for score in per_query:
        groups = ("", score.group) if score.group else ("",)
        for group in groups:
            for metric, value in score.metrics.items():
                buckets[(score.method, group, metric)].append(value)
    rows = []
    for (method, group, metric), values in sorted(buckets.items()):
        low, high = bootstrap_interval(values, confidence=confidence, resamples=resamples, seed=seed)
        rows.append(SummaryRow(method, group, metric, float(np.mean(values)), low, high, len(values)))
    return rows


def paired_difference(
    per_query: Sequence[QueryScore],
    metric: str,
    method: str,
    baseline: str,
    *,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> SummaryRow:
    """Mean per-query difference `method - baseline` of one metric over the queries both scored, with its interval.

    Pairing by query removes the between-query variance, so this interval is the one to read
    when asking whether one method beats another (an interval excluding 0 is a clear difference).
    """
    by_method: dict[str, dict[str, float]] = defaultdict(dict)
    for score in per_query:
        if score.method in (method, baseline) and metric in score.metrics:
            by_method[score.method][score.query_id] = score.metrics[metric]
    shared = sorted(set(by_method[method]) & set(by_method[baseline]))
    if not shared:
        raise Invalid(f"no query has {metric!r} for both {method!r} and {baseline!r}", field="per_query")
    differences = [by_method[method][qid] - by_method[baseline][qid] for qid in shared]
    low, high = bootstrap_interval(differences, confidence=confidence, resamples=resamples, seed=seed)
    wins = sum(1 for d in differences if d > 0)
    losses = sum(1 for d in differences if d < 0)
    extra = {"wins": float(wins), "losses": float(losses), "ties": float(len(differences) - wins - losses)}
    return SummaryRow(f"{method} - {baseline}", "", metric, float(np.mean(differences)), low, high, len(shared), extra)


def render_table(rows: Sequence[SummaryRow]) -> str:
    """The rows as a fixed-width text table: method, group, metric, mean, [low, high] interval, queries."""
    header = ("method", "group", "metric", "mean", "interval", "queries")
    lines = [
        (
            row.method,
            row.group or "all",
            row.metric,
            f"{row.mean:.3f}",
            f"[{row.low:.3f}, {row.high:.3f}]",
            str(row.queries),
        )
        for row in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    rendered = (
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in (header, *lines)
    )
    return "\n".join(text.rstrip() for text in rendered)
