"""What search needs from the outside: an index engine, a place directory and a text embedder."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from lmis.search.model import EngineQuery, EngineResult, SearchDocument

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ClusterCount:
    """How many live postings a vacancy has and on how many sources."""

    postings: int
    sources: int


class SearchIndex(Protocol):
    """A search engine holding the projection of live postings (`SearchDocument`s).

    Contract (tests/integration/test_search_index_contract.py runs it against every adapter):
    - `search` applies must / must-not / should text, every filter, and the order of `EngineQuery`;
      ties are broken by posting id (ascending) so that paging is stable; `total` counts every
      match; expired postings (valid_through in the past) never match.
    - a written document is visible to `search` after `commit`; `upsert` replaces by posting id.
    """

    name: str

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Add or replace documents by posting id."""

    def delete(self, posting_ids: Collection[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def commit(self, sequence: int) -> None:
        """Make every write so far visible and remember the change-feed position they reflect."""

    def sequence(self) -> int:
        """The change-feed position the index reflects (0 when empty)."""

    def clear(self) -> None:
        """Remove every document (before a full reindex); committed with the next `commit`."""

    def search(self, query: EngineQuery) -> EngineResult:
        """Hits, total and facets for the query."""

    def clusters(self, cluster_ids: Collection[str]) -> dict[str, ClusterCount]:
        """Live postings and sources of each vacancy cluster."""

    def distinct_clusters(self, query: EngineQuery, cap: int) -> tuple[int, bool]:
        """How many vacancy clusters the matches belong to, and whether that is exact.

        Exact up to `cap` matching postings; past it a lower bound (and False).
        """

    def titles(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Most frequent live titles whose normalised form (or a word of it) starts with `prefix`, with counts."""

    def values(self, field: str) -> list[str]:
        """Distinct values of a term field (source, language, education) in the index, most frequent first."""

    def size(self) -> int:
        """How many documents are indexed."""


class PlaceDirectory(Protocol):
    """Places by id and name (the gazetteer)."""

    def get(self, place_id: str) -> PlaceLike | None:
        """The place with this id, or None."""

    def complete(self, prefix: str, limit: int = 10, country: str | None = None) -> Sequence[PlaceLike]:
        """Places whose name starts with `prefix`, biggest first."""

    def ancestors(self, place_id: str) -> Sequence[PlaceLike]:
        """The places above this one, nearest first."""


class PlaceLike(Protocol):
    """What search reads of a place."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def names(self) -> tuple[str, ...]: ...
    @property
    def country(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...
    @property
    def population(self) -> int: ...


class TitleSpace(Protocol):
    """Vectors of the distinct posting titles, for semantic (cross-lingual) retrieval."""

    def add(self, titles: Collection[str]) -> None:
        """Embed the titles not yet known."""

    def nearest(self, text: str, k: int) -> list[tuple[str, float]]:
        """Up to `k` (title, cosine) nearest to the query `text`, best first."""

    def nearest_many(self, texts: Sequence[str], k: int) -> list[list[tuple[str, float]]]:
        """`nearest` of each text, the texts embedded together (a batch costs far less than one at a time)."""

    def save(self) -> None:
        """Keep the vectors for the next start."""


class TextEmbedder(Protocol):
    """Unit-length multilingual sentence vectors (multilingual-e5-small in production)."""

    version: str

    def queries(self, texts: Sequence[str]) -> Vectors:
        """Vectors of search queries."""

    def passages(self, texts: Sequence[str]) -> Vectors:
        """Vectors of documents."""
