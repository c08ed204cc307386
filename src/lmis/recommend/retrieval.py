"""Candidate generation in memory: popularity, BM25, embedding similarity, collaborative, and their union.

Every retriever answers the same `RetrievalQuery` (profile text, profile vector, the items the
person interacted with, their region) with its best `k` items and scores, and ignores what it
cannot use. The union merges their lists into `CandidateFeatures` whose values are, per
retriever `name`, the score (`name`) and the reciprocal rank (`name_rr`, 0 when not found),
and whose signals say which retrievers found the item. Small deployments and the offline
evaluation use these directly; the product also has retrievers over the search index.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from lmis.recommend.ranking import CandidateFeatures
from lmis.shared.text import tokens as plain_tokens

Tokenizer = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class RetrievalQuery:
    """What is known of the person a list is made for; every part is optional."""

    text: str = ""
    vector: npt.NDArray[np.float32] | None = None
    history: tuple[str, ...] = ()
    region: str | None = None
    exclude: frozenset[str] = field(default_factory=frozenset)


class Retriever(Protocol):
    """Finds candidate items for a query, best first."""

    @property
    def name(self) -> str:
        """The signal name the retriever's scores go under."""

    def retrieve(self, query: RetrievalQuery, k: int) -> list[tuple[str, float]]:
        """At most `k` (item id, score) pairs, best first."""


def _top(
    ids: Sequence[str], scores: npt.NDArray[np.float64], k: int, exclude: frozenset[str]
) -> list[tuple[str, float]]:
    """The `k` best positive-scoring items (ties by position, so results are reproducible)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size == 0 or k <= 0:
        return []
    order = positive[np.lexsort((positive, -scores[positive]))]
    found: list[tuple[str, float]] = []
    for index in order:
        if ids[index] not in exclude:
            found.append((ids[index], float(scores[index])))
            if len(found) == k:
                break
    return found


class PopularityRetriever:
    """Items by a prior score (views, or any popularity), optionally within the query's region."""

    def __init__(
        self, scores: Mapping[str, float], regions: Mapping[str, str] | None = None, *, name: str = "popularity"
    ) -> None:
        self._name = name
        self._regions = dict(regions or {})
        ranked = sorted(
            ((item, value) for item, value in scores.items() if value > 0), key=lambda pair: (-pair[1], pair[0])
        )
        self._ranked = ranked
        self._by_region: dict[str, list[tuple[str, float]]] = {}
        for item, value in ranked:
            region = self._regions.get(item)
            if region is not None:
                self._by_region.setdefault(region, []).append((item, value))

    @property
    def name(self) -> str:
        """The signal name."""
        return self._name

    def retrieve(self, query: RetrievalQuery, k: int) -> list[tuple[str, float]]:
        """The most popular items (in the query's region when regions were given and the query has one)."""
        pool = self._by_region.get(query.region, []) if self._regions and query.region is not None else self._ranked
        return list(islice((pair for pair in pool if pair[0] not in query.exclude), k))


class BM25Retriever:
    """Okapi BM25 (k1, b as in Robertson and Zaragoza 2009) over item texts, as a sparse matrix."""

    def __init__(
        self, documents: Mapping[str, str], *, tokenize: Tokenizer = plain_tokens, k1: float = 1.2, b: float = 0.75
    ) -> None:
        self._tokenize = tokenize
        self._ids = list(documents)
        counted = [Counter(tokenize(documents[item])) for item in self._ids]
        self._vocabulary = {term: index for index, term in enumerate(sorted({t for c in counted for t in c}))}
        rows, columns, values = [], [], []
        for row, counts in enumerate(counted):
            for term, count in counts.items():
                rows.append(row)
                columns.append(self._vocabulary[term])
                values.append(float(count))
        shape = (len(self._ids), len(self._vocabulary))
        tf = sparse.csr_matrix((values, (rows, columns)), shape=shape, dtype=np.float64)
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        average = float(lengths.mean()) if lengths.size and lengths.mean() > 0 else 1.0
        frequency = np.bincount(columns, minlength=len(self._vocabulary)).astype(np.float64)
        self.idf = np.log1p((len(self._ids) - frequency + 0.5) / (frequency + 0.5))  # Lucene's non-negative idf
        norm = k1 * (1.0 - b + b * lengths / average)
        weighted = tf.tocoo()
        saturated = weighted.data * (k1 + 1.0) / (weighted.data + norm[weighted.row])
        self._weights = sparse.csc_matrix(
            (saturated * self.idf[weighted.col], (weighted.row, weighted.col)), shape=shape
        )

    name = "text"

    def scores(self, text: str) -> npt.NDArray[np.float64]:
        """The BM25 score of every item for `text` (each distinct query term counts once)."""
        terms = sorted({self._vocabulary[t] for t in self._tokenize(text) if t in self._vocabulary})
        if not terms:
            return np.zeros(len(self._ids))
        return np.asarray(self._weights[:, terms].sum(axis=1)).ravel()

    def retrieve(self, query: RetrievalQuery, k: int) -> list[tuple[str, float]]:
        """The `k` items whose text best matches the query's text."""
        if not query.text.strip():
            return []
        return _top(self._ids, self.scores(query.text), k, query.exclude)


def unit_rows(vectors: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Rows scaled to length 1 (zero rows stay zero)."""
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    unit: npt.NDArray[np.float32] = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return unit


class EmbeddingRetriever:
    """Cosine similarity between the query's vector and the items' vectors (exact, numpy)."""

    name = "embedding"

    def __init__(self, ids: Sequence[str], vectors: npt.ArrayLike) -> None:
        self._ids = list(ids)
        self._vectors = unit_rows(vectors)
        if len(self._ids) != len(self._vectors):
            raise ValueError("one vector per item is needed")

    def scores(self, vector: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The cosine of every item with `vector`."""
        return (self._vectors @ unit_rows(vector).ravel()).astype(np.float64)

    def retrieve(self, query: RetrievalQuery, k: int) -> list[tuple[str, float]]:
        """The `k` items nearest the query's vector (shifted to (0, 2] so every cosine counts as found)."""
        if query.vector is None:
            return []
        return [
            (item, score - 1.0) for item, score in _top(self._ids, self.scores(query.vector) + 1.0, k, query.exclude)
        ]


class CollaborativeRetriever:
    """Item-item collaborative filtering: items that co-occur with the person's history (cosine of users)."""

    name = "collaborative"

    def __init__(self, interactions: Iterable[tuple[str, str]]) -> None:
        pairs = sorted(set(interactions))
        users = {user: index for index, user in enumerate(sorted({user for user, _ in pairs}))}
        self.ids = sorted({item for _, item in pairs})
        self._index = {item: index for index, item in enumerate(self.ids)}
        rows = [users[user] for user, _ in pairs]
        columns = [self._index[item] for _, item in pairs]
        shape = (len(users), len(self.ids))
        matrix = sparse.csr_matrix((np.ones(len(pairs)), (rows, columns)), shape=shape, dtype=np.float64)
        counts = np.asarray(matrix.sum(axis=0)).ravel()
        co = (matrix.T @ matrix).tocsr()
        co.setdiag(0.0)
        co.eliminate_zeros()
        scale = sparse.diags(1.0 / np.sqrt(np.maximum(counts, 1.0)))
        self._similar = (scale @ co @ scale).tocsr()

    def scores(self, history: Sequence[str]) -> npt.NDArray[np.float64]:
        """Summed cosine similarity of every item to the history's items."""
        known = [self._index[item] for item in history if item in self._index]
        if not known:
            return np.zeros(len(self.ids))
        return np.asarray(self._similar[known].sum(axis=0)).ravel()

    def retrieve(self, query: RetrievalQuery, k: int) -> list[tuple[str, float]]:
        """The `k` items most often seen by people who saw the query's history items."""
        return _top(self.ids, self.scores(query.history), k, query.exclude)


class CandidateUnion:
    """Merges several retrievers' lists: each item once, with every retriever's score and reciprocal rank."""

    def __init__(self, retrievers: Sequence[Retriever], depth: int = 100) -> None:
        self.retrievers = list(retrievers)
        self.depth = depth

    def feature_names(self) -> list[str]:
        """The feature names the union fills (`name`, `name_rr` per retriever)."""
        return [f"{r.name}{suffix}" for r in self.retrievers for suffix in ("", "_rr")]

    def candidates(self, query: RetrievalQuery) -> list[CandidateFeatures]:
        """The union of every retriever's `depth` best items, in order of first appearance."""
        values: dict[str, dict[str, float]] = {}
        signals: dict[str, set[str]] = {}
        for retriever in self.retrievers:
            for rank, (item, score) in enumerate(retriever.retrieve(query, self.depth), start=1):
                found = values.setdefault(item, {})
                found[retriever.name] = max(score, found.get(retriever.name, -math.inf))
                found[f"{retriever.name}_rr"] = max(1.0 / rank, found.get(f"{retriever.name}_rr", 0.0))
                signals.setdefault(item, set()).add(retriever.name)
        return [CandidateFeatures(item, values[item], frozenset(signals[item])) for item in values]
