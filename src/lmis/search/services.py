"""Job search use cases: search with facets, paging, duplicate folding and hybrid retrieval; typeahead."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime

from lmis.search.interpret import Interpretation, Plan, SearchRequest, Vocabulary, plan
from lmis.search.model import SALARY_BANDS, After, EngineHit, EngineQuery, SortOrder, TotalRelation
from lmis.search.ports import SearchIndex, TitleSpace
from lmis.shared.errors import Invalid

MAX_LIMIT = 100
MAX_WINDOW = 1_000  # offset + limit of offset paging; deeper reads use `after` cursors
FOLD_CAP = 10_000  # matches read to count vacancies exactly; beyond it the count is a lower bound
# Semantic retrieval keeps the nearest titles within SEMANTIC_MARGIN of the best one and above SEMANTIC_MIN
# (E5 cosines are compressed: related titles ~0.86-0.90, unrelated ~0.80); chosen on the judgement set.
HYBRID_TITLES, RRF_K, SEMANTIC_MIN, SEMANTIC_MARGIN = 100, 60, 0.75, 0.05


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: a posting, its rank value, its vacancy and how it was found (keyword, semantic, both)."""

    posting_id: str
    cluster_id: str
    score: float
    distance_km: float | None
    matched_by: str
    vacancy_postings: int = 1
    vacancy_sources: int = 1


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One facet bucket: the value, a readable label and how many matches have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class FilterEffect:
    """How many postings would match without one filter (said when the filters left none)."""

    filter: str
    total_without: int


@dataclass(frozen=True, slots=True)
class SearchResponse:
    """A page of results and everything said about it."""

    hits: list[Hit]
    total: int
    relation: TotalRelation
    counts: str  # "vacancies" (folded) or "postings"
    mode: str  # "keyword" or "hybrid"
    facets: dict[str, list[FacetValue]]
    interpretation: Interpretation
    next_cursor: str | None
    removed_by: list[FilterEffect] = field(default_factory=list)


@dataclass(frozen=True)
class SearchService:
    """What a search reads: the index, the vocabulary of filter values and, optionally, title vectors."""

    index: SearchIndex
    vocabulary: Vocabulary
    titles: TitleSpace | None = None

    def search(self, request: SearchRequest, now: datetime) -> SearchResponse:
        """Search live postings; raises `Invalid` for bad paging or filter values (with suggestions)."""
        _check_paging(request)
        read = plan(request, self.vocabulary)
        query = _engine_query(read, request, now)
        hybrid = self._hybrid_ready(request, read)
        if hybrid:
            hits, total, relation, facets = self._hybrid(query, request)
        else:
            hits, total, relation, facets = self._keyword(query, request)
        hits = self._with_vacancies(hits) if request.fold else hits
        removed = self._removed_by(query) if total == 0 else []
        cursor = None if hybrid else _next_cursor(request, read.sort, hits, total)
        return SearchResponse(
            hits, total, relation, "vacancies" if request.fold else "postings", "hybrid" if hybrid else "keyword",
            self._facet_labels(facets), read.interpretation, cursor, removed,
        )  # fmt: skip

    def _hybrid_ready(self, request: SearchRequest, read: Plan) -> bool:
        return bool(
            request.semantic and self.titles is not None and read.must and read.sort is SortOrder.RELEVANCE
            and request.after is None
        )  # fmt: skip

    def _keyword(
        self, query: EngineQuery, request: SearchRequest
    ) -> tuple[list[Hit], int, TotalRelation, dict[str, dict[str, int]]]:
        if not request.fold:
            result = self.index.search(query)
            return [_hit(h, "keyword") for h in result.hits], result.total, TotalRelation.EQ, result.facets
        window = query.offset + query.limit
        result = self.index.search(replace(query, offset=0, limit=min(window * 3 + 20, FOLD_CAP)))
        facets, folded = result.facets, _fold(result.hits)
        while len(folded) < window and len(result.hits) < result.total and len(result.hits) < FOLD_CAP:
            result = self.index.search(
                replace(query, offset=0, limit=min(len(result.hits) * 4, FOLD_CAP), facets=False)
            )
            folded = _fold(result.hits)
        if query.after is not None:
            folded = self._first_of_vacancy(folded, query)
        start = 0 if query.after is not None else query.offset
        vacancies, exact = self.index.distinct_clusters(replace(query, after=None), FOLD_CAP)
        page = [_hit(h, "keyword") for h in folded[start : start + query.limit]]
        return page, vacancies, TotalRelation.EQ if exact else TotalRelation.GTE, facets

    def _first_of_vacancy(self, candidates: list[EngineHit], query: EngineQuery) -> list[EngineHit]:
        """Past a cursor, keep a posting only when no better-ranked posting of its vacancy matches."""
        clusters = tuple(dict.fromkeys(h.cluster_id for h in candidates))
        if not clusters:
            return candidates
        terms = {**query.filters.terms, "cluster": clusters}
        whole = replace(
            query, filters=replace(query.filters, terms=terms), after=None, offset=0, limit=FOLD_CAP, facets=False
        )
        best = {h.cluster_id: h.posting_id for h in reversed(self.index.search(whole).hits)}
        return [h for h in candidates if best.get(h.cluster_id) == h.posting_id]

    def _hybrid(
        self, query: EngineQuery, request: SearchRequest
    ) -> tuple[list[Hit], int, TotalRelation, dict[str, dict[str, int]]]:
        """BM25 and title-vector retrieval fused by reciprocal rank (k=60) over the first `MAX_WINDOW`."""
        keyword = self.index.search(replace(query, offset=0, limit=MAX_WINDOW))
        semantic, semantic_total = self._semantic(query, request.text)
        fused = _fuse(keyword.hits, semantic)
        overlap = sum(1 for _, how in fused if how == "both")
        exact = keyword.total <= MAX_WINDOW and semantic_total <= MAX_WINDOW
        total = keyword.total + semantic_total - overlap
        if request.fold:
            fused = _fold_pairs(fused)
            total = len(fused) if exact else total
        page = fused[query.offset : query.offset + query.limit]
        hits = [
            replace(_hit(h, how), score=score) for (h, how), score in zip(page, _rrf_scores(page, fused), strict=True)
        ]
        return hits, total, TotalRelation.EQ if exact else TotalRelation.GTE, keyword.facets

    def _semantic(self, query: EngineQuery, text: str) -> tuple[list[EngineHit], int]:
        """Postings whose titles are nearest the text (cosine >= `SEMANTIC_MIN`), nearest title first."""
        if self.titles is None:
            return [], 0
        nearest = self.titles.nearest(text, HYBRID_TITLES)
        floor = max(SEMANTIC_MIN, nearest[0][1] - SEMANTIC_MARGIN) if nearest else 1.0
        near = {t: c for t, c in nearest if c >= floor}
        if not near:
            return [], 0
        terms = {**query.filters.terms, "title": tuple(near)}
        named = [value for clause in query.must for name, value in clause.alternatives if name == "place"]
        if named and "place" not in terms:  # "nurse seoul": the place holds for titles found by meaning too
            terms["place"] = tuple(dict.fromkeys(named))
        by_title = replace(
            query,
            must=(),
            filters=replace(query.filters, terms=terms),
            offset=0,
            limit=MAX_WINDOW,
            facets=False,
            titles=True,
        )
        found = self.index.search(by_title)
        return sorted(found.hits, key=lambda h: (-near.get(h.title.strip(), 0.0), h.posting_id)), found.total

    def semantic_ranking(self, request: SearchRequest, now: datetime) -> list[str]:
        """Posting ids ranked by title embeddings alone (no keywords): the third method `lmis eval search` compares."""
        query = _engine_query(plan(request, self.vocabulary), request, now)
        return [hit.posting_id for hit in self._semantic(query, request.text)[0][: request.limit]]

    def _with_vacancies(self, hits: list[Hit]) -> list[Hit]:
        counts = self.index.clusters({h.cluster_id for h in hits})
        return [
            replace(h, vacancy_postings=c.postings, vacancy_sources=c.sources) if (c := counts.get(h.cluster_id)) else h
            for h in hits
        ]

    def _removed_by(self, query: EngineQuery) -> list[FilterEffect]:
        """Which filters, taken away one at a time, would give results."""
        # Only totals count here; the distance order would lack its point once `geo` is taken away.
        bare = replace(query, sort=SortOrder.DATE, offset=0, limit=0, facets=False, after=None)
        effects = [
            FilterEffect(name, self.index.search(replace(bare, filters=query.filters.without(name))).total)
            for name in query.filters.names()
        ]
        if query.must and query.filters.names():
            effects.append(FilterEffect("text", self.index.search(replace(bare, must=())).total))
        return sorted(effects, key=lambda e: -e.total_without)

    def _facet_labels(self, facets: dict[str, dict[str, int]]) -> dict[str, list[FacetValue]]:
        places = self.vocabulary.places
        labels = {
            "occupation_group": lambda v: self.vocabulary.isco_labels.get(v, v),
            "region": lambda v: p.name if (p := places.get(v)) else v,
            "employment_type": lambda v: v.replace("_", " "),
            "salary_band": _band_label,
        }
        return {
            name: [FacetValue(v, labels[name](v), n) for v, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
            for name, counts in facets.items()
        }


def _check_paging(request: SearchRequest) -> None:
    if not 1 <= request.limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}, got {request.limit}", field="limit")
    if request.offset < 0:
        raise Invalid("offset cannot be negative", field="offset")
    if request.offset + request.limit > MAX_WINDOW:
        raise Invalid(
            f"offset + limit may reach {MAX_WINDOW}; read further with the `after` cursor each page returns",
            field="offset",
        )
    if request.after and request.offset:
        raise Invalid("give either offset or after, not both", field="after")


def _engine_query(read: Plan, request: SearchRequest, now: datetime) -> EngineQuery:
    after = _decode_cursor(request.after, read.sort, _fingerprint(request)) if request.after else None
    return EngineQuery(
        now=now, must=read.must, must_not=read.must_not, filters=read.filters, boost_occupations=read.boost_occupations,
        sort=read.sort, offset=request.offset, limit=request.limit, after=after, facets=request.facets,
    )  # fmt: skip


def _hit(hit: EngineHit, how: str) -> Hit:
    return Hit(hit.posting_id, hit.cluster_id, hit.value, hit.distance_km, how)


def _fold(hits: list[EngineHit]) -> list[EngineHit]:
    """The first (best-ranked) posting of each vacancy, in order."""
    return [pair[0] for pair in _fold_pairs([(hit, "") for hit in hits])]


def _fold_pairs(pairs: list[tuple[EngineHit, str]]) -> list[tuple[EngineHit, str]]:
    """The first (hit, how found) of each vacancy, in order."""
    seen: set[str] = set()
    folded = []
    for hit, how in pairs:
        if hit.cluster_id not in seen:
            seen.add(hit.cluster_id)
            folded.append((hit, how))
    return folded


def _fuse(keyword: list[EngineHit], semantic: list[EngineHit]) -> list[tuple[EngineHit, str]]:
    """Reciprocal-rank fusion: each list gives 1 / (k + rank); ties by posting id."""
    score: dict[str, float] = {}
    hits: dict[str, EngineHit] = {}
    how: dict[str, str] = {}
    for name, ranked in (("keyword", keyword), ("semantic", semantic)):
        for rank, hit in enumerate(ranked, start=1):
            score[hit.posting_id] = score.get(hit.posting_id, 0.0) + 1.0 / (RRF_K + rank)
            hits.setdefault(hit.posting_id, hit)
            how[hit.posting_id] = "both" if hit.posting_id in how else name
    order = sorted(score, key=lambda pid: (-score[pid], pid))
    return [(hits[pid], how[pid]) for pid in order]


def _rrf_scores(page: list[tuple[EngineHit, str]], fused: list[tuple[EngineHit, str]]) -> list[float]:
    rank = {h.posting_id: i for i, (h, _) in enumerate(fused, start=1)}
    return [round(1.0 / (RRF_K + rank[h.posting_id]), 6) for h, _ in page]


def _band_label(value: str) -> str:
    low = float(value)
    higher = [b for b in SALARY_BANDS if b > low]
    return f"{low:,.0f}–{higher[0]:,.0f}" if higher else f"{low:,.0f}+"


def _fingerprint(request: SearchRequest) -> str:
    body = replace(request, offset=0, after=None, limit=0, facets=False)
    return hashlib.sha256(repr(body).encode()).hexdigest()[:12]


def _next_cursor(request: SearchRequest, sort: SortOrder, hits: list[Hit], total: int) -> str | None:
    """A cursor after the page's last hit (keyword order; hybrid pages are read by offset within the window)."""
    if not hits or len(hits) < request.limit or (request.offset + len(hits) >= total and not request.after):
        return None
    last = hits[-1]
    value = last.distance_km if sort is SortOrder.DISTANCE and last.distance_km is not None else last.score
    payload = {"s": sort.value, "v": value, "id": last.posting_id, "q": _fingerprint(request)}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: SortOrder, fingerprint: str) -> After:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
        after = After(float(payload["v"]), str(payload["id"]))
        same = payload["s"] == sort.value and payload["q"] == fingerprint
    except (ValueError, KeyError, TypeError):
        raise Invalid("`after` is not a cursor this API issued", field="after") from None
    if not same:
        raise Invalid("`after` belongs to another query: keep every parameter but `after` unchanged", field="after")
    return after


COMPLETION_KINDS = ("title", "occupation", "skill", "place")


@dataclass(frozen=True, slots=True)
class Completion:
    """A suggestion for what is being typed: the text, its kind, the id to filter by and how many postings have it."""

    text: str
    kind: str
    id: str
    count: int | None = None


def complete(
    text: str, kinds: tuple[str, ...], limit: int, *, index: SearchIndex, vocabulary: Vocabulary
) -> list[Completion]:
    """Titles of live postings, ESCO occupations and skills and places whose words start as `text` does.

    The whole text is matched as a run of words, the last word as a prefix ("registered nu" ->
    "Registered Nurse"); titles come first (with their posting counts), then names.
    """
    unknown = [k for k in kinds if k not in COMPLETION_KINDS]
    if unknown:
        raise Invalid(f"kinds {unknown} are unknown", field="kinds", suggestions=list(COMPLETION_KINDS))
    if not 1 <= limit <= 50:
        raise Invalid(f"limit must be between 1 and 50, got {limit}", field="limit")
    if not text.strip():
        return []
    if len(text.strip()) < 2 and text.isascii():  # one Latin letter: only titles (names would be noise)
        kinds = tuple(k for k in kinds if k == "title")
    found: list[Completion] = []
    if "title" in kinds:
        typed = " ".join(text.casefold().split())
        titles = sorted(index.titles(text, limit * 2), key=lambda tc: (not tc[0].casefold().startswith(typed), -tc[1]))
        found += [Completion(title, "title", title, count) for title, count in titles[:limit]]
    concept_kinds = {k for k in kinds if k in ("occupation", "skill")}
    if concept_kinds:
        found += [
            Completion(label, e.kind, e.concept_id)
            for label, e in vocabulary.lexicon.complete(text, concept_kinds, limit)
        ]
    if "place" in kinds:
        found += [Completion(p.name, "place", p.id) for p in vocabulary.places.complete(text.strip(), limit)]
    return _interleave(found, kinds, limit)


def _interleave(found: list[Completion], kinds: tuple[str, ...], limit: int) -> list[Completion]:
    """Take suggestions kind by kind in turn, so one kind cannot crowd out the others."""
    queues = {k: [c for c in found if c.kind == k] for k in kinds}
    result: list[Completion] = []
    seen: set[tuple[str, str]] = set()
    while len(result) < limit and any(queues.values()):
        for kind in kinds:
            if queues[kind] and len(result) < limit:
                item = queues[kind].pop(0)
                key = (item.kind, item.text.casefold())
                if key not in seen:
                    seen.add(key)
                    result.append(item)
    return result
