"""Response models of job search and typeahead."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from lmis.jobs.model import JobPosting
from lmis.search.interpret import Concept
from lmis.search.services import SearchResponse
from lmis.web.api.posting_schemas import AddressOut, SalaryOut

SNIPPET_CHARS = 300


class CodedOut(BaseModel):
    """A derived code of the posting (ESCO occupation with its ISCO-08 group, or a gazetteer place)."""

    id: str
    label: str
    code: str = ""


class PostingSummaryOut(BaseModel):
    """A posting as a result list shows it; `GET /postings/{id}` has the whole posting with provenance."""

    id: str
    source: str
    external_id: str
    title: str
    employer: str | None
    address: AddressOut
    region: CodedOut | None
    occupation: CodedOut | None
    employment_types: list[str]
    salary: SalaryOut | None
    annual_salary: dict[str, float | str | None] | None
    education: str
    date_posted: datetime | None
    valid_through: datetime | None
    language: str
    url: str
    snippet: str

    @classmethod
    def of(cls, p: JobPosting) -> PostingSummaryOut:
        """The summary of a posting: stated fields and the derived occupation, region and annual pay."""
        derived = p.derived
        occupation = derived.get("occupation")
        place = derived.get("place")
        region = place.get("region") if isinstance(place, dict) else None
        pay = derived.get("salary")
        return cls(
            id=p.id,
            source=p.source,
            external_id=p.external_id,
            title=p.title,
            employer=p.employer.name if p.employer else None,
            address=AddressOut.of(p.address),
            region=CodedOut(id=str(region["id"]), label=str(region.get("name") or region["id"]))
            if isinstance(region, dict) and region.get("id")
            else None,
            occupation=CodedOut(
                id=str(occupation["concept_id"]),
                label=str(occupation.get("matched_label") or ""),
                code=str(occupation.get("isco_code") or ""),
            )
            if isinstance(occupation, dict) and occupation.get("concept_id")
            else None,
            employment_types=[t.value for t in p.employment_types],
            salary=SalaryOut.of(p.salary),
            annual_salary={k: pay.get(k) for k in ("annual_min", "annual_max", "currency")}
            if isinstance(pay, dict) and pay.get("annual_min") is not None
            else None,
            education=p.education,
            date_posted=p.date_posted,
            valid_through=p.valid_through,
            language=p.language,
            url=p.url,
            snippet=p.description_text[:SNIPPET_CHARS],
        )


class VacancyOut(BaseModel):
    """The vacancy a posting belongs to: its cluster, how many live postings and sources it has."""

    cluster_id: str
    postings: int
    sources: int


class SearchHitOut(BaseModel):
    """One result: the posting, its rank value, distance (with `near`) and how it was found."""

    posting: PostingSummaryOut
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
    def of(cls, response: SearchResponse, postings: dict[str, JobPosting]) -> SearchOut:
        said = response.interpretation
        items = [
            SearchHitOut(
                posting=PostingSummaryOut.of(postings[h.posting_id]),
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
