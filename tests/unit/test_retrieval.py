"""In-memory retrievers (popularity, BM25, embeddings, collaborative) and their union into candidate features."""

from __future__ import annotations

import numpy as np
import pytest

from lmis.recommend.retrieval import (
    BM25Retriever,
    CandidateUnion,
    CollaborativeRetriever,
    EmbeddingRetriever,
    PopularityRetriever,
    RetrievalQuery,
)

DOCUMENTS = {
    "nurse": "staff nurse ward nurse hospital",
    "welder": "welder metal workshop",
    "cook": "line cook kitchen restaurant",
    "porter": "hospital porter ward",
}


def test_popularity_ranks_by_count_and_can_keep_to_the_query_region() -> None:
    retriever = PopularityRetriever({"a": 5, "b": 9, "c": 1, "d": 0}, {"a": "seoul", "b": "busan", "c": "seoul"})

    assert retriever.retrieve(RetrievalQuery(), 10) == [("b", 9), ("a", 5), ("c", 1)]
    assert [item for item, _ in retriever.retrieve(RetrievalQuery(region="seoul"), 10)] == ["a", "c"]
    assert retriever.retrieve(RetrievalQuery(exclude=frozenset({"b"})), 1) == [("a", 5)]


def test_bm25_ranks_the_document_with_the_rare_query_term_first() -> None:
    retriever = BM25Retriever(DOCUMENTS)

    found = retriever.retrieve(RetrievalQuery(text="ward porter"), 10)

    assert [item for item, _ in found] == ["porter", "nurse"]
    assert retriever.idf[0] > 0


def test_bm25_prefers_the_shorter_document_at_equal_term_frequency_and_uses_the_given_tokenizer() -> None:
    retriever = BM25Retriever(
        {"short": "nurse", "long": "nurse with many other words in a long text"}, tokenize=lambda text: text.split()
    )
    found = retriever.retrieve(RetrievalQuery(text="nurse"), 2)
    assert [item for item, _ in found] == ["short", "long"]
    assert retriever.retrieve(RetrievalQuery(text="   "), 2) == []
    assert retriever.retrieve(RetrievalQuery(text="astronaut"), 2) == []


def test_embedding_similarity_finds_the_nearest_vectors_whatever_their_length() -> None:
    retriever = EmbeddingRetriever(["x", "y", "xy"], np.array([[10.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))

    found = retriever.retrieve(RetrievalQuery(vector=np.array([1.0, 0.1], dtype=np.float32)), 2)

    assert [item for item, _ in found] == ["x", "xy"]
    assert found[0][1] == pytest.approx(1 / np.sqrt(1.01), abs=1e-6)
    assert retriever.retrieve(RetrievalQuery(), 2) == []


def test_item_item_collaborative_filtering_recommends_what_people_with_the_same_views_saw() -> None:
    interactions = [("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "b"), ("u3", "a"), ("u3", "c"), ("u4", "d")]
    retriever = CollaborativeRetriever(interactions)

    found = retriever.retrieve(RetrievalQuery(history=("a",)), 10)

    assert [item for item, _ in found] == ["b", "c"]
    assert retriever.retrieve(RetrievalQuery(history=("unknown",)), 10) == []


def test_the_union_merges_lists_with_each_retrievers_score_and_reciprocal_rank_and_signals() -> None:
    union = CandidateUnion([PopularityRetriever({"porter": 3, "cook": 7}), BM25Retriever(DOCUMENTS)], depth=5)

    candidates = {c.item_id: c for c in union.candidates(RetrievalQuery(text="porter"))}

    assert set(candidates) == {"porter", "cook"}
    assert candidates["porter"].signals == frozenset({"popularity", "text"})
    assert candidates["porter"].values["popularity_rr"] == 0.5
    assert candidates["porter"].values["text_rr"] == 1.0
    assert candidates["cook"].signals == frozenset({"popularity"})
    assert "text" not in candidates["cook"].values
    assert union.feature_names() == ["popularity", "popularity_rr", "text", "text_rr"]
