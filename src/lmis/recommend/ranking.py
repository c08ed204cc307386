"""Ranking candidates: a transparent weighted score (no behaviour yet) and a LightGBM LambdaRank model.

Both are generic over feature names: a candidate carries a mapping of named values (a missing
name counts as 0.0, which is why retrievers' ranks are given as reciprocal ranks) and the set
of retrievers that found it. Each ranker explains a result feature by feature: the transparent
scorer by weight x value, the learned ranker by the SHAP values LightGBM computes
(`pred_contrib=True`, Lundberg et al. 2020), whose sum plus the bias is the score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

BIAS = "(bias)"


@dataclass(frozen=True, slots=True)
class CandidateFeatures:
    """One candidate item for one request: its feature values and which retrievers found it."""

    item_id: str
    values: Mapping[str, float]
    signals: frozenset[str] = field(default_factory=frozenset)


def feature_matrix(candidates: Sequence[CandidateFeatures], feature_names: Sequence[str]) -> npt.NDArray[np.float64]:
    """Rows of candidates, columns of `feature_names` (0.0 where a candidate lacks a feature)."""
    rows = [[float(candidate.values.get(name, 0.0)) for name in feature_names] for candidate in candidates]
    return np.array(rows, dtype=np.float64).reshape(len(candidates), len(feature_names))


class TransparentScorer:
    """score = sum of weight x value: the ranker used before any behaviour exists, readable by anyone."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights = dict(weights)

    def contributions(self, candidate: CandidateFeatures) -> dict[str, float]:
        """Each weighted feature's share of the score (weight x value)."""
        return {name: weight * float(candidate.values.get(name, 0.0)) for name, weight in self.weights.items()}

    def score(self, candidate: CandidateFeatures) -> float:
        """The candidate's score: the sum of its contributions."""
        return sum(self.contributions(candidate).values())

    def rank(self, candidates: Sequence[CandidateFeatures]) -> list[CandidateFeatures]:
        """The candidates best first (ties by item id, so the order is reproducible)."""
        return sorted(candidates, key=lambda candidate: (-self.score(candidate), candidate.item_id))


@dataclass(frozen=True, slots=True)
class RankerParameters:
    """The few hyper-parameters of the learned ranker (kept few on purpose: small data overfits)."""

    rounds: int = 200
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_data_in_leaf: int = 50
    feature_fraction: float = 0.9
    seed: int = 1
    num_threads: int = 1


class LearnedRanker:
    """LightGBM `lambdarank` over named features, deterministic for a given seed and thread count."""

    def __init__(self, parameters: RankerParameters | None = None) -> None:
        self.parameters = parameters or RankerParameters()
        self.feature_names: list[str] = []
        self._booster: Any = None

    def _lightgbm_params(self) -> dict[str, Any]:
        p = self.parameters
        return {
            "objective": "lambdarank",
            "metric": "ndcg",
            "eval_at": [10],
            "learning_rate": p.learning_rate,
            "num_leaves": p.num_leaves,
            "min_data_in_leaf": p.min_data_in_leaf,
            "feature_fraction": p.feature_fraction,
            "seed": p.seed,
            "num_threads": p.num_threads,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }

    def fit(
        self,
        groups: Sequence[Sequence[CandidateFeatures]],
        relevance: Sequence[Sequence[int]],
        feature_names: Sequence[str],
    ) -> LearnedRanker:
        """Learn from query groups (one per request) and their graded relevance (0 = not relevant)."""
        import lightgbm

        if len(groups) != len(relevance) or any(len(g) != len(r) for g, r in zip(groups, relevance, strict=True)):
            raise ValueError("every group needs one relevance grade per candidate")
        if not groups:
            raise ValueError("no groups to learn from")
        self.feature_names = list(feature_names)
        matrix = np.vstack([feature_matrix(group, self.feature_names) for group in groups])
        labels = np.concatenate([np.asarray(grades, dtype=np.int32) for grades in relevance])
        data = lightgbm.Dataset(
            matrix,
            label=labels,
            group=[len(group) for group in groups],
            feature_name=[_safe(name) for name in self.feature_names],
            free_raw_data=True,
        )
        self._booster = lightgbm.train(self._lightgbm_params(), data, num_boost_round=self.parameters.rounds)
        return self

    def score(self, candidates: Sequence[CandidateFeatures]) -> list[float]:
        """The model's score of each candidate (higher is better), in the given order."""
        if not candidates:
            return []
        scores = self._model().predict(feature_matrix(candidates, self.feature_names), num_threads=1)
        return [float(value) for value in scores]

    def explain(self, candidates: Sequence[CandidateFeatures]) -> list[dict[str, float]]:
        """Per candidate, each feature's SHAP contribution and the `(bias)`; they sum to the score."""
        if not candidates:
            return []
        matrix = feature_matrix(candidates, self.feature_names)
        contributions = self._model().predict(matrix, pred_contrib=True, num_threads=1)
        names = [*self.feature_names, BIAS]
        return [{name: float(value) for name, value in zip(names, row, strict=True)} for row in contributions]

    def save(self, path: Path) -> None:
        """Write the model as LightGBM's text format (feature names included)."""
        path.write_text(self._model().model_to_string(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, parameters: RankerParameters | None = None) -> LearnedRanker:
        """A ranker from a model file written by `save`."""
        import lightgbm

        ranker = cls(parameters)
        ranker._booster = lightgbm.Booster(model_str=path.read_text(encoding="utf-8"))
        ranker.feature_names = [_unsafe(name) for name in ranker._booster.feature_name()]
        return ranker

    def _model(self) -> Any:
        if self._booster is None:
            raise RuntimeError("the ranker has not been fitted or loaded")
        return self._booster


# LightGBM rejects some characters in feature names (JSON specials); ours are identifiers, but a
# caller's may not be, so they are escaped reversibly.
def _safe(name: str) -> str:
    return name.replace("%", "%25").replace(" ", "%20").replace('"', "%22").replace(":", "%3A").replace(",", "%2C")


def _unsafe(name: str) -> str:
    return name.replace("%2C", ",").replace("%3A", ":").replace("%22", '"').replace("%20", " ").replace("%25", "%")
