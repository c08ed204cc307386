"""Occupation coding against gold titles, with coded examples and k-fold cross-validation (pure)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lmis.enrich.coding import Calibration, Candidate, CodedExample, OccupationCoder, clean_title
from lmis.enrich.evaluation import CodingGold, coding_metrics, fit_calibration
from lmis.enrich.ports import Vectors


@dataclass(frozen=True, slots=True)
class GoldTitle:
    """One row of a gold file: its id in the file, the title and its gold occupation."""

    key: str
    title: str
    gold: CodingGold

    def example(self) -> CodedExample | None:
        """The row as a coded example, when its gold names an ESCO occupation."""
        if not self.gold.concept_id:
            return None
        return CodedExample(clean_title(self.title), self.gold.concept_id, self.gold.isco)


def evaluate_coding(
    coder: OccupationCoder,
    items: Sequence[GoldTitle],
    examples: Sequence[GoldTitle],
    embed_examples: Callable[[Sequence[CodedExample]], Vectors],
    *,
    folds: int | None = None,
    seed: int = 1,
    fit: bool = False,
) -> tuple[dict[str, float], Calibration | None]:
    """The coding metrics of `items` (see `coding_metrics`) plus `per_second`, and a fitted calibration.

    `examples` are coded examples the coder learns from; with `folds` the items are split
    into that many seeded folds and each fold also learns from the other folds' items.
    """
    fold_of = [0] * len(items)
    if folds:
        order = list(range(len(items)))
        random.Random(seed).shuffle(order)  # noqa: S311 - reproducible folds, not a secret
        for position, index in enumerate(order):
            fold_of[index] = position % folds
    predictions: list[list[Candidate]] = [[] for _ in items]
    seconds = 0.0
    for fold in range(folds or 1):
        learned = [*examples, *(item for item, f in zip(items, fold_of, strict=True) if folds and f != fold)]
        coded = [ex for ex in (item.example() for item in learned) if ex is not None]
        fold_coder = coder.with_examples(coded, embed_examples(coded)) if coded else coder
        chosen = [index for index, f in enumerate(fold_of) if f == fold]
        start = time.perf_counter()
        for index, candidates in zip(chosen, fold_coder.code([items[i].title for i in chosen]), strict=True):
            predictions[index] = candidates
        seconds += time.perf_counter() - start
    gold = [item.gold for item in items]
    metrics = {**coding_metrics(predictions, gold), "per_second": len(items) / seconds if seconds else 0.0}
    return metrics, fit_calibration(predictions, gold) if fit else None
