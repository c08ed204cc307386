"""Vectors held in memory for exact nearest-neighbour search (numpy): the titles semantic search looks through.

Exact search is the choice below ~300k vectors (DESIGN.md): one matrix-vector product.
Rows are appended on upsert and blanked on delete; `compact` drops blank rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from lmis.search.ports import TextEmbedder, Vectors
from lmis.shared.files import replaced_atomically

DIMENSIONS = 384


class VectorMatrix:
    """Unit vectors by key (a posting id or a title); `nearest` is exact cosine similarity."""

    def __init__(self, dimensions: int = DIMENSIONS) -> None:
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._matrix: Vectors = np.zeros((0, dimensions), dtype=np.float32)
        self._used = 0

    def __len__(self) -> int:
        return len(self._rows)

    def keys(self) -> set[str]:
        """The keys that have a vector."""
        return set(self._rows)

    def upsert(self, posting_ids: Sequence[str], vectors: Vectors) -> None:
        """Set the vector of each posting (row for row)."""
        fresh = [i for i, pid in enumerate(posting_ids) if pid not in self._rows]
        for i, pid in enumerate(posting_ids):
            row = self._rows.get(pid)
            if row is not None:
                self._matrix[row] = vectors[i]
        if not fresh:
            return
        self._grow(self._used + len(fresh))
        for i in fresh:
            self._rows[posting_ids[i]] = self._used
            self._ids.append(posting_ids[i])
            self._matrix[self._used] = vectors[i]
            self._used += 1

    def delete(self, posting_ids: Collection[str]) -> None:
        """Forget these postings' vectors (their rows score -inf until `compact`)."""
        for pid in posting_ids:
            row = self._rows.pop(pid, None)
            if row is not None:
                self._matrix[row] = 0.0
                self._ids[row] = ""

    def clear(self) -> None:
        """Forget every vector."""
        self.__init__(self._matrix.shape[1])  # type: ignore[misc]

    def nearest(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        """Up to `k` (posting id, cosine), best first."""
        if not self._rows or k <= 0:
            return []
        scores = self._matrix[: self._used] @ vector.astype(np.float32).ravel()
        k = min(k, self._used)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in top if self._ids[i]]

    def compact(self) -> None:
        """Drop the rows of deleted postings."""
        keep = [row for row in range(self._used) if self._ids[row]]
        if len(keep) == self._used:
            return
        ids = [self._ids[row] for row in keep]
        matrix = self._matrix[keep].copy()
        self.clear()
        if ids:
            self.upsert(ids, matrix)

    def save(self, path: Path) -> None:
        """Write the vectors to `path` (.npz), atomically."""
        self.compact()
        with replaced_atomically(path) as partial:
            np.savez(partial, ids=np.array(self._ids, dtype=str), vectors=self._matrix[: self._used])

    @classmethod
    def load(cls, path: Path, dimensions: int = DIMENSIONS) -> VectorMatrix:
        """The vectors saved at `path`, or none when there is no file."""
        matrix = cls(dimensions)
        if path.is_file():
            with np.load(path) as stored:
                ids = stored["ids"].tolist()
                if ids:
                    matrix.upsert(ids, stored["vectors"].astype(np.float32))
        return matrix

    def _grow(self, rows: int) -> None:
        if rows <= self._matrix.shape[0]:
            return
        bigger = np.zeros((max(rows, 2 * self._matrix.shape[0], 1024), self._matrix.shape[1]), dtype=np.float32)
        bigger[: self._used] = self._matrix[: self._used]
        self._matrix = bigger


class TitleVectors:
    """`TitleSpace`: E5 passage vectors of distinct posting titles, kept in `path` between runs.

    Semantic retrieval finds titles near the query and then the postings with those titles, so
    a title shared by many postings is embedded once (NHS Jobs: 14,842 ads, about half as many titles).
    """

    def __init__(self, path: Path, embedder: TextEmbedder, batch: int = 256) -> None:
        self._path = path
        self._embedder = embedder
        self._batch = batch
        self._matrix: VectorMatrix | None = None
        self._dirty = False

    def _vectors(self) -> VectorMatrix:
        if self._matrix is None:
            stored = VectorMatrix.load(self._path) if self._version_matches() else VectorMatrix()
            self._matrix = stored
        return self._matrix

    def _version_matches(self) -> bool:
        marker = self._path.with_suffix(".version")
        return marker.is_file() and marker.read_text() == self._embedder.version

    def __len__(self) -> int:
        return len(self._vectors())

    def add(self, titles: Collection[str]) -> None:
        """Embed the titles not yet known (in batches)."""
        matrix = self._vectors()
        missing = sorted({t.strip() for t in titles if t.strip()} - matrix.keys())
        for start in range(0, len(missing), self._batch):
            chunk = missing[start : start + self._batch]
            matrix.upsert(chunk, self._embedder.passages(chunk))
            self._dirty = True

    def nearest(self, text: str, k: int) -> list[tuple[str, float]]:
        """Titles nearest to the query text, best first."""
        matrix = self._vectors()
        if not len(matrix):
            return []
        return matrix.nearest(self._embedder.queries([text])[0], k)

    def nearest_many(self, texts: Sequence[str], k: int) -> list[list[tuple[str, float]]]:
        """Titles nearest to each text, the texts embedded as one batch."""
        matrix = self._vectors()
        if not len(matrix) or not texts:
            return [[] for _ in texts]
        return [matrix.nearest(vector, k) for vector in self._embedder.queries(list(texts))]

    def save(self) -> None:
        """Write the vectors when titles were added since the last save."""
        if self._matrix is None or not self._dirty:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._matrix.save(self._path)
        self._path.with_suffix(".version").write_text(self._embedder.version)
        self._dirty = False
