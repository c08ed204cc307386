"""Quality measures of enrichment against gold sets (pure): occupation coding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lmis.enrich.coding import Candidate


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
