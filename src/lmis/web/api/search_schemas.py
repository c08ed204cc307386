"""Response models of job search and typeahead."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from lmis.jobs.model import JobPosting
from lmis.search.interpret import Concept
from lmis.search.services import SearchResponse
from lmis.web.api.posting_schemas import PostingOut


class VacancyOut(BaseModel):
    """The vacancy a posting belongs to: its cluster, how many live postings and sources it has."""

    cluster_id: str
    postings: int
    sources: int


class SearchHitOut(BaseModel):
    """One result: the posting, its rank value, distance (with `near`) and how it was found."""

    posting: PostingOut
    score: float
    distance_km: float | None
    matched_by: str
    vacancy: VacancyOut


class FacetValueOut(BaseModel):
    value: str
    label: str
    count: int


class ConceptOut(BaseModel):
    """A concept the text named, or a filter as resolved: kind, id, label and the words given."""

    kind: str
    id: str
    label: str
    text: str

    @classmethod
    def of(cls, c: Concept) -> ConceptOut:
        return cls(kind=c.kind, id=c.id, label=c.label, text=c.text)


class InterpretationOut(BaseModel):
    """How the query was read (JobTech's freetext_concepts): must / must-not terms, concepts, filters."""

    must: list[str]
    must_not: list[str]
    phrases: list[str]
    prefixes: list[str]
    ignored: list[str]
    concepts: list[ConceptOut]
    filters: list[ConceptOut]


class FilterEffectOut(BaseModel):
    filter: str
    total_without: int


class SearchOut(BaseModel):
    """A page of search results."""

    total: int
    relation: str
    counts: str
    mode: str
    items: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]
    interpretation: InterpretationOut
    removed_by: list[FilterEffectOut]
    next_cursor: str | None

    @classmethod
    def of(cls, response: SearchResponse, postings: dict[str, JobPosting], now: datetime) -> SearchOut:
        said = response.interpretation
        items = [
            SearchHitOut(
                posting=PostingOut.of(postings[h.posting_id], now),
                score=h.score,
                distance_km=h.distance_km,
                matched_by=h.matched_by,
                vacancy=VacancyOut(cluster_id=h.cluster_id, postings=h.vacancy_postings, sources=h.vacancy_sources),
            )
            for h in response.hits
            if h.posting_id in postings
        ]
        return cls(
            total=response.total,
            relation=response.relation.value,
            counts=response.counts,
            mode=response.mode,
            items=items,
            facets={
                name: [FacetValueOut(value=v.value, label=v.label, count=v.count) for v in values]
                for name, values in response.facets.items()
            },
            interpretation=InterpretationOut(
                must=said.must,
                must_not=said.must_not,
                phrases=said.phrases,
                prefixes=said.prefixes,
                ignored=said.ignored,
                concepts=[ConceptOut.of(c) for c in said.concepts],
                filters=[ConceptOut.of(c) for c in said.filters],
            ),
            removed_by=[FilterEffectOut(filter=e.filter, total_without=e.total_without) for e in response.removed_by],
            next_cursor=response.next_cursor,
        )


class CompletionOut(BaseModel):
    """A typeahead suggestion: `id` is what to filter by (a title is its own id); `count` is live postings (titles)."""

    text: str
    kind: str
    id: str
    count: int | None
