"""Fakes for unit tests of pure logic."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from lmis.shared.text import normalise


class BagOfWords:
    """Unit vectors of hashed words: texts sharing words are close (a stand-in for E5 in pure tests)."""

    version = "bag-of-words-test"

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in normalise(text).split():
                vectors[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1  # noqa: S324
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    queries = _embed
    passages = _embed
