"""A search request -> the engine query, and an account of how it was read (JobTech's freetext_concepts)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from lmis.search import resolve
from lmis.search.lexicon import Lexicon
from lmis.search.model import Filters, SortOrder, TextClause
from lmis.search.ports import PlaceDirectory
from lmis.search.text import parse_text
from lmis.shared.errors import Invalid


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A search as a person or a client asks it: filter values may be names, codes or ids.

    Several values of one filter are alternatives; different filters must all hold.
    `salary_min` / `salary_max` are annual amounts; `experience_max_months` keeps postings asking
    at most that much (or nothing); `near` is 'lat,lon' or a place name, `radius_km` around it.
    """

    text: str = ""
    occupation: tuple[str, ...] = ()
    skill: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    near: str | None = None
    radius_km: float | None = None
    employment_type: tuple[str, ...] = ()
    working_time: tuple[str, ...] = ()
    salary_min: float | None = None
    salary_max: float | None = None
    education: tuple[str, ...] = ()
    experience_max_months: int | None = None
    posted_since: datetime | None = None
    employer: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    remote: bool | None = None
    sort: SortOrder | None = None
    facets: bool = True
    semantic: bool = True
    fold: bool = True
    offset: int = 0
    limit: int = 20
    after: str | None = None


@dataclass(frozen=True, slots=True)
class Concept:
    """Something the text or a filter was read as: kind, id, label and the words that named it."""

    kind: str
    id: str
    label: str
    text: str


@dataclass(slots=True)
class Interpretation:
    """How the query was read: the text's clauses, what it names, and every filter as resolved."""

    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    filters: list[Concept] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Plan:
    """The engine-neutral reading of a request."""

    must: tuple[TextClause, ...]
    must_not: tuple[TextClause, ...]
    filters: Filters
    boost_occupations: tuple[str, ...]
    sort: SortOrder
    interpretation: Interpretation


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What filter values are checked against: names, places, and the values live postings have."""

    lexicon: Lexicon
    places: PlaceDirectory
    isco_labels: dict[str, str]
    sources: list[str]
    languages: list[str]
    education: list[str]


def plan(request: SearchRequest, vocabulary: Vocabulary) -> Plan:
    """Resolve every filter (raising `Invalid` with suggestions) and read the text."""
    said = Interpretation()
    filters, geo_label = _filters(request, vocabulary, said)
    parsed = parse_text(request.text)
    said.must = [c.surface for c in parsed.must if not c.phrase and not c.prefix]
    said.phrases = [c.surface for c in parsed.must if c.phrase]
    said.prefixes = [c.surface for c in parsed.must if c.prefix]
    said.must_not = [c.surface for c in parsed.must_not]
    said.ignored = parsed.ignored
    must, boosts = _recognise(parsed.must, vocabulary, said)
    sort = request.sort or (SortOrder.RELEVANCE if must else SortOrder.DATE)
    if sort is SortOrder.DISTANCE and filters.geo is None:
        raise Invalid("sort=distance needs a point: give `near`", field="sort")
    if geo_label:
        said.filters.append(Concept("near", geo_label, geo_label, request.near or ""))
    return Plan(tuple(must), tuple(parsed.must_not), filters, tuple(boosts), sort, said)


def _recognise(
    clauses: list[TextClause], vocabulary: Vocabulary, said: Interpretation
) -> tuple[list[TextClause], list[str]]:
    """Name concepts in the text: a place word also matches postings placed there; occupations boost."""
    words = [c.surface for c in clauses]
    boosts: list[str] = []
    for found in vocabulary.lexicon.recognise(words):
        for entry in found.entries[:3]:
            said.concepts.append(Concept(entry.kind, entry.concept_id, entry.label, found.text))
            if entry.kind == "occupation":
                boosts.append(entry.concept_id)
    result = list(clauses)
    for i, clause in enumerate(clauses):
        if clause.phrase or clause.prefix or len(clause.surface) < 2 or clause.surface.isdigit():
            continue
        places = resolve.broadest(resolve.named_places(clause.surface, vocabulary.places), vocabulary.places)
        if places:
            said.concepts += [Concept("place", p.id, p.name, clause.surface) for p in places[:3]]
            result[i] = replace(clause, alternatives=tuple(("place", p.id) for p in places[:3]))
    return result, boosts


def _filters(request: SearchRequest, v: Vocabulary, said: Interpretation) -> tuple[Filters, str]:
    terms: dict[str, tuple[str, ...]] = {}

    def put(name: str, resolved: list[resolve.Resolved]) -> None:
        if resolved:
            terms[name] = tuple(dict.fromkeys(r.value for r in resolved))
            said.filters += [Concept(name, r.value, r.label, r.given) for r in resolved]

    put("occupation", [resolve.occupation(x, v.lexicon, v.isco_labels) for x in request.occupation])
    put("skill", [resolve.skill(x, v.lexicon) for x in request.skill])
    regions = [resolve.place(x, v.places) for x in request.region]
    put("place", [resolve.Resolved(x, p.id, p.name) for x, p in zip(request.region, regions, strict=True)])
    plain = {
        "employment_type": [resolve.employment_type(x) for x in request.employment_type],
        "working_time": [resolve.working_time(x) for x in request.working_time],
        "education": [resolve.known(x.strip().lower(), v.education, "education") for x in request.education],
        "employer": [resolve.employer(x) for x in request.employer],
        "source": [resolve.known(x, v.sources, "source") for x in request.source],
        "language": [resolve.known(x, v.languages, "language") for x in request.language],
    }
    for name, values in plain.items():
        put(
            name,
            [
                resolve.Resolved(given, value, value)
                for given, value in zip(getattr(request, name), values, strict=True)
            ],
        )
    _check_ranges(request)
    geo, label = (None, "")
    if request.near is not None:
        geo, label = resolve.near(request.near, request.radius_km, v.places)
    elif request.radius_km is not None:
        raise Invalid("radius_km needs `near` (a place name or 'lat,lon')", field="radius_km")
    filters = Filters(
        terms,
        request.salary_min,
        request.salary_max,
        request.experience_max_months,
        request.posted_since,
        request.remote,
        geo,
    )
    return filters, label


def _check_ranges(request: SearchRequest) -> None:
    low, high = request.salary_min, request.salary_max
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise Invalid("salary bounds are annual amounts and cannot be negative", field="salary_min")
    if low is not None and high is not None and low > high:
        raise Invalid(f"salary_min {low} is above salary_max {high}", field="salary_min")
    if request.experience_max_months is not None and request.experience_max_months < 0:
        raise Invalid("experience_max_months cannot be negative", field="experience_max_months")
