"""The ladder's two-field E5 vectors: job and place weigh the same whatever the length of their texts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from lmis.recommend.jobs_data import Posting, Profile
from lmis.recommend.jobs_vectors import place_vectors, posting_vectors, profile_vectors
from lmis.recommend.retrieval import EmbeddingRetriever

WORDS = ("cook", "cashier", "driver", "fresno", "albany", "california", "new", "york", "at", "grill")


class WordEmbedder:
    """One dimension per known word: enough to see which field moves the cosine."""

    version = "words-test"

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        rows = np.zeros((len(texts), len(WORDS)), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace(",", " ").split():
                if word in WORDS:
                    rows[row, WORDS.index(word)] += 1.0
        return rows

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.queries(texts)


def _posting(item: str, job: str, city: str, state: str) -> Posting:
    place = ", ".join(part for part in (city, state) if part)
    return Posting(item, job, job, f"{job} . {place}", "", city, state, place)


def _profile(titles: str, *places: str) -> Profile:
    return Profile(titles, titles, places, (), (), ())


def test_the_place_field_picks_the_copy_of_a_posting_near_the_person_even_after_many_titles() -> None:
    postings = {
        "1": _posting("1", "Line Cook at Grill", "Fresno", "California"),
        "2": _posting("2", "Line Cook at Grill", "Albany", "New York"),
        "3": _posting("3", "Cashier", "Fresno", "California"),
    }
    person = _profile(" . ".join(["cook"] * 8), "Albany, New York")
    embedder = WordEmbedder()
    places = place_vectors(postings, [person], embedder)

    vectors = posting_vectors(postings, places, embedder)
    query = profile_vectors({"u": person}, places, embedder)["u"]

    scores = EmbeddingRetriever(list(vectors), np.vstack(list(vectors.values()))).scores(query)
    assert list(np.argsort(-scores)) == [1, 0, 2]
    assert query.shape == (2 * len(WORDS),)


def test_a_profile_without_titles_has_no_vector_and_a_posting_without_a_place_has_an_empty_place_field() -> None:
    postings = {"1": _posting("1", "Driver", "", "")}
    profiles = {"u": _profile("", "Fresno, California"), "v": _profile("driver")}
    embedder = WordEmbedder()
    places = place_vectors(postings, profiles.values(), embedder)

    assert set(places) == {"Fresno, California"}
    assert set(profile_vectors(profiles, places, embedder)) == {"v"}
    assert not posting_vectors(postings, places, embedder)["1"][len(WORDS) :].any()
