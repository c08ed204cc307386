"""E5 vectors of the ladder's postings and profiles: two fields, what the job is and where it is.

A vector is the concatenation of two unit vectors, the E5 embedding of the job ("Position at
Company . Industry" for a posting, the profile's titles for a person) and the E5 embedding of
the place ("City, State"; for a person the mean of up to three places held or viewed), so the
cosine of a profile and a posting is the mean of the two fields' cosines. Why two fields and
not one text: E5 mean-pools its tokens, so in one profile text of up to eight titles the place
is a few tokens among many and barely moves the vector, yet the place decides which of the
many copies of a posting a person opens (the same "Product Demonstrator - Costco" is posted in
dozens of cities, and applicants view postings near them). Embedded apart, each field weighs
the same whatever the length of its text, with no weight to tune. Both sides get E5's
`query:` prefix, the model card's advice for symmetric tasks (titles against titles, places
against places). A posting keeps its place in its job text too: the sentence is short and
dropping it did not help on the ranker's own validation period (docs/recommend.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from lmis.recommend.jobs_data import Posting, Profile
from lmis.recommend.retrieval import unit_rows
from lmis.shared.files import replaced_atomically

Vector = npt.NDArray[np.float32]


class TextEmbedder(Protocol):
    """E5-style embedder: queries and passages are embedded differently."""

    version: str

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One row per query text."""

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One row per passage text."""


class CachedEmbedder:
    """An embedder whose results are kept in `.npy` files named by the hash of model, kind and texts."""

    def __init__(self, embedder: TextEmbedder, cache_dir: Path | None) -> None:
        self.embedder, self.cache_dir, self.version = embedder, cache_dir, embedder.version

    def _cached(
        self, kind: str, texts: Sequence[str], embed: Callable[[Sequence[str]], npt.NDArray[np.float32]]
    ) -> npt.NDArray[np.float32]:
        digest = hashlib.sha256("\x00".join([self.version, kind, *texts]).encode()).hexdigest()[:32]
        path = self.cache_dir / f"jobreco-{kind}-{digest}.npy" if self.cache_dir else None
        if path is not None and path.is_file():
            return np.asarray(np.load(path), dtype=np.float32)
        vectors = np.asarray(embed(texts), dtype=np.float32)
        if path is not None:
            with replaced_atomically(path) as partial:
                np.save(partial, vectors)
        return vectors

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Query vectors, from the cache when the same texts were embedded before."""
        return self._cached("query", texts, self.embedder.queries)

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Passage vectors, from the cache when the same texts were embedded before."""
        return self._cached("passage", texts, self.embedder.passages)


def place_vectors(
    postings: Mapping[str, Posting], profiles: Iterable[Profile], embedder: TextEmbedder
) -> dict[str, Vector]:
    """The unit query vector of each distinct place of the postings and profiles (one batch, one cache file)."""
    texts = sorted({posting.place for posting in postings.values()}.union(*(p.places for p in profiles)) - {""})
    rows = embedder.queries(texts) if texts else np.zeros((0, 1), np.float32)
    return dict(zip(texts, unit_rows(rows), strict=True))


def _fields(what: Vector, where: Sequence[Vector]) -> Vector:
    """Unit `what` beside the unit mean of `where` (zeros when there is no place)."""
    place = unit_rows(np.mean(where, axis=0)) if where else np.zeros_like(what)
    return np.concatenate([unit_rows(what), place]).astype(np.float32)


def posting_vectors(
    postings: Mapping[str, Posting], places: Mapping[str, Vector], embedder: TextEmbedder
) -> dict[str, Vector]:
    """Each posting's job and place vector (job texts in one batch, by sorted posting id)."""
    items = sorted(postings)
    rows = embedder.queries([postings[item].passage for item in items])
    return {
        item: _fields(row, [places[postings[item].place]] if postings[item].place in places else [])
        for item, row in zip(items, rows, strict=True)
    }


def profile_vectors(
    profiles: Mapping[str, Profile], places: Mapping[str, Vector], embedder: TextEmbedder
) -> dict[str, Vector]:
    """Each profile's titles and places vector; a profile with no title has none (its rung falls back)."""
    users = [user for user, profile in profiles.items() if profile.short]
    rows = embedder.queries([profiles[user].short for user in users]) if users else np.zeros((0, 1), np.float32)
    return {
        user: _fields(row, [places[place] for place in profiles[user].places if place in places])
        for user, row in zip(users, rows, strict=True)
    }
