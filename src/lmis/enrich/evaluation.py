"""Quality measures of occupation coding against gold sets, and the fit of its confidence calibration (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lmis.enrich.coding import Calibration, Candidate


@dataclass(frozen=True, slots=True)
class CodingGold:
    """The gold of one title: an ESCO occupation id (when known) and its ISCO-08 unit group."""

    concept_id: str | None
    isco: str


def coding_metrics(predictions: Sequence[Sequence[Candidate]], gold: Sequence[CodingGold]) -> dict[str, float]:
    """n, occupation_top1/top5 (ESCO gold only), isco4, isco1 and coverage_at_95_precision.

    Coverage at 95% precision: the largest share of titles, taken by falling confidence, whose
    top-1 ISCO-08 unit group is right at least 95% of the time (ESCO occupation when the gold has one).
    """
    n = len(gold)
    if n == 0:
        return {"n": 0}
    with_esco = [(p, g) for p, g in zip(predictions, gold, strict=True) if g.concept_id]
    top1 = sum(1 for p, g in with_esco if p and p[0].concept_id == g.concept_id)
    top5 = sum(1 for p, g in with_esco if any(c.concept_id == g.concept_id for c in p[:5]))
    isco4 = sum(1 for p, g in zip(predictions, gold, strict=True) if p and p[0].isco == g.isco)
    isco1 = sum(1 for p, g in zip(predictions, gold, strict=True) if p and p[0].isco[:1] == g.isco[:1])
    metrics = {
        "n": float(n),
        "isco4": isco4 / n,
        "isco1": isco1 / n,
        "coverage_at_95_precision": _coverage(predictions, gold),
    }
    metrics["expected_calibration_error"] = expected_calibration_error(predictions, gold)
    if with_esco:
        metrics["occupation_top1"] = top1 / len(with_esco)
        metrics["occupation_top5"] = top5 / len(with_esco)
    return metrics


def _coverage(predictions: Sequence[Sequence[Candidate]], gold: Sequence[CodingGold]) -> float:
    scored = []
    for candidates, truth in zip(predictions, gold, strict=True):
        if not candidates:
            continue
        first = candidates[0]
        right = first.concept_id == truth.concept_id if truth.concept_id else first.isco == truth.isco
        scored.append((first.confidence, right))
    scored.sort(key=lambda item: -item[0])
    best, correct = 0, 0
    for count, (_confidence, right) in enumerate(scored, start=1):
        correct += right
        if correct / count >= 0.95:
            best = count
    return best / len(gold)


def _right(candidates: Sequence[Candidate], truth: CodingGold) -> bool:
    first = candidates[0]
    return first.concept_id == truth.concept_id if truth.concept_id else first.isco == truth.isco


def expected_calibration_error(
    predictions: Sequence[Sequence[Candidate]], gold: Sequence[CodingGold], bins: int = 10
) -> float:
    """The mean gap between stated confidence and accuracy over `bins` equal-width bins, weighted by size."""
    pairs = [(p[0].confidence, _right(p, g)) for p, g in zip(predictions, gold, strict=True) if p]
    if not pairs:
        return 0.0
    error = 0.0
    for low in range(bins):
        members = [(c, r) for c, r in pairs if low / bins <= c < (low + 1) / bins or (low == bins - 1 and c == 1.0)]
        if members:
            stated = sum(c for c, _r in members) / len(members)
            actual = sum(r for _c, r in members) / len(members)
            error += len(members) / len(pairs) * abs(stated - actual)
    return error


def fit_calibration(predictions: Sequence[Sequence[Candidate]], gold: Sequence[CodingGold]) -> Calibration:
    """Logistic regression of top-1 correctness on the top candidate's signals (Newton's method, L2 1e-3)."""
    rows = [(p[0].signals, _right(p, g)) for p, g in zip(predictions, gold, strict=True) if p and p[0].signals]
    if len(rows) < 10:
        raise ValueError("at least 10 coded titles with signals are needed to fit a calibration")
    x = np.array([[1.0, *signals] for signals, _right_ in rows])
    y = np.array([float(right) for _signals, right in rows])
    weights = np.zeros(x.shape[1])
    for _step in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ weights)))
        gradient = x.T @ (p - y) + 1e-3 * weights
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-3 * np.eye(x.shape[1])
        weights -= np.linalg.solve(hessian, gradient)
    intercept, share, margin, example = (round(float(w), 3) for w in weights)
    return Calibration(intercept, share, margin, example)
