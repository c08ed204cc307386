"""The embedded search engine: a tantivy index in the data folder, a projection of the postings table.

Text fields hold the tokens of `lmis.search.analysis` (whitespace-tokenised, with positions);
filters are raw-term fields; numbers and dates are fast fields. A posting id is 12 base32
characters (60 bits), so the unsigned fast field `key` holds it exactly: hits, tie-breaks and
vacancy counting read fast fields and never load a stored document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tantivy

from lmis.search.model import (
    SALARY_BANDS,
    EngineHit,
    EngineQuery,
    EngineResult,
    SearchDocument,
    SortOrder,
)
from lmis.search.ports import ClusterCount
from lmis.storage.search_tantivy_query import (
    GEO_CAP,
    build_query,
    distances_km,
    facets_spec,
    id_of,
    key_of,
    read_facets,
)

WRITER_HEAP = 256_000_000
SCHEMA_VERSION = 2  # a new version empties the index; the next sync rebuilds it from the change feed
TERM_FIELDS = (
    "occupation", "skill", "place", "employment_type", "working_time", "education", "employer", "source",
    "language", "cluster", "title_exact", "region", "occupation_group", "salary_band", "remote", "first",
)  # fmt: skip
_WORDS = re.compile(r"[^\W_]+")
_FAR, _NOWHERE = 2**62, 999.0  # no deadline; no coordinates
_FOLLOW = 16  # extra hits read past a page so that ties at its edge are ordered by id


class IndexBusy(RuntimeError):
    """Another process holds the index writer (the server keeps the index fresh itself)."""


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("posting_id", stored=True, tokenizer_name="raw")
    builder.add_unsigned_field("key", fast=True, indexed=True)
    builder.add_unsigned_field("cluster_key", fast=True)
    builder.add_text_field("title", tokenizer_name="whitespace")
    builder.add_text_field("body", tokenizer_name="whitespace")
    builder.add_text_field("title_words", tokenizer_name="default")
    for name in TERM_FIELDS:
        builder.add_text_field(name, stored=name == "title_exact", fast=True, tokenizer_name="raw")
    builder.add_integer_field("posted", fast=True, indexed=True)
    builder.add_integer_field("valid_until", fast=True, indexed=True)
    builder.add_integer_field("experience", fast=True, indexed=True)
    for name in ("salary_min", "salary_max", "latitude", "longitude"):
        builder.add_float_field(name, fast=True, indexed=True)
    return builder.build()


def salary_band(value: float | None) -> str:
    """The `SALARY_BANDS` lower bound the annual salary falls in ('' without one)."""
    if value is None:
        return ""
    return str(int(max((b for b in SALARY_BANDS if b <= value), default=SALARY_BANDS[0])))


def _document(doc: SearchDocument) -> tantivy.Document:
    document = tantivy.Document()
    document.add_text("posting_id", doc.posting_id)
    document.add_unsigned("key", key_of(doc.posting_id))
    document.add_unsigned("cluster_key", key_of(doc.cluster_id))
    texts: dict[str, str | Sequence[str]] = {
        "title": doc.title_tokens,
        "body": doc.body_tokens,
        "title_words": doc.title,
        "title_exact": doc.title.strip(),
        "occupation": doc.occupations,
        "skill": doc.skills,
        "place": doc.places,
        "employment_type": doc.employment_types,
        "working_time": doc.working_time,
        "education": doc.education,
        "employer": doc.employer,
        "source": doc.source,
        "language": doc.language,
        "cluster": doc.cluster_id,
        "region": doc.region,
        "occupation_group": doc.occupation_group,
        "salary_band": salary_band(doc.salary_max),
        "remote": "1" if doc.remote else "0",
        "first": "1" if doc.cluster_id == doc.posting_id else "0",  # the vacancy's own id: one per vacancy
    }
    for name, value in texts.items():
        for text in [value] if isinstance(value, str) else value:
            if text:
                document.add_text(name, text)
    document.add_integer("posted", int(doc.posted_at.timestamp()) if doc.posted_at else 0)
    document.add_integer("valid_until", int(doc.valid_through.timestamp()) if doc.valid_through else _FAR)
    document.add_integer("experience", doc.experience_months if doc.experience_months is not None else -1)
    # a range stated by its top only reaches down to it (an upper salary bound must not drop it)
    low = doc.salary_min if doc.salary_min is not None else doc.salary_max
    document.add_float("salary_min", low if low is not None else -1.0)
    document.add_float("salary_max", doc.salary_max if doc.salary_max is not None else -1.0)
    document.add_float("latitude", doc.latitude if doc.latitude is not None else _NOWHERE)
    document.add_float("longitude", doc.longitude if doc.longitude is not None else _NOWHERE)
    return document


class TantivySearchIndex:
    """`SearchIndex` on a tantivy index in `directory` (created when missing)."""

    name = "tantivy"

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._directory = directory
        self._schema = _schema()
        self._index = self._open()
        self._writer: Any = None
        self._state_path = directory / "lmis-state.json"

    def _open(self) -> tantivy.Index:
        marker = self._directory / "lmis-schema"
        if marker.is_file() and marker.read_text() != str(SCHEMA_VERSION):
            for path in self._directory.iterdir():
                if path.is_file():
                    path.unlink()
        index = tantivy.Index(self._schema, path=str(self._directory), reuse=True)
        marker.write_text(str(SCHEMA_VERSION))
        return index

    def _write(self) -> Any:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=2)
            except ValueError as error:
                raise IndexBusy(f"the search index at {self._directory} is being written by another process") from error
        return self._writer

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Add or replace documents by posting id."""
        writer = self._write()
        for doc in documents:
            writer.delete_documents_by_term("posting_id", doc.posting_id)
            writer.add_document(_document(doc))

    def delete(self, posting_ids: Collection[str]) -> None:
        """Remove documents by posting id."""
        writer = self._write()
        for posting_id in posting_ids:
            writer.delete_documents_by_term("posting_id", posting_id)

    def clear(self) -> None:
        """Remove every document at the next commit."""
        self._write().delete_all_documents()

    def commit(self, sequence: int) -> None:
        """Commit the writes, release the writer (so another process may write) and record `sequence`."""
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self._state_path.write_text(json.dumps({"sequence": sequence}))
        self._index.reload()

    def sequence(self) -> int:
        """The change-feed position of the last commit."""
        if not self._state_path.is_file():
            return 0
        return int(json.loads(self._state_path.read_text()).get("sequence", 0))

    def size(self) -> int:
        """Documents visible to searches."""
        self._index.reload()
        return int(self._index.searcher().num_docs)

    def search(self, query: EngineQuery) -> EngineResult:
        """Hits, total and facets (see `EngineQuery`)."""
        if query.sort is SortOrder.DISTANCE and query.filters.geo is None:
            raise ValueError("a distance order needs filters.geo (a point)")
        self._index.reload()
        searcher = self._index.searcher()
        compiled = build_query(self._schema, query, only_keys=None)
        if query.filters.geo is not None:
            return self._search_geo(searcher, query, compiled)
        hits, total = self._ranked(searcher, query, compiled)
        facets = read_facets(searcher.aggregate(compiled, facets_spec())) if query.facets else {}
        return EngineResult(hits, total, facets)

    def _ranked(self, searcher: Any, query: EngineQuery, compiled: Any) -> tuple[list[EngineHit], int]:
        window = query.offset + query.limit + _FOLLOW  # always >= 1: tantivy refuses a limit of 0
        if query.sort is SortOrder.RELEVANCE:
            if query.after is not None:
                window = 10_000
            found = searcher.search(compiled, limit=window, count=True)
            values = [(float(score), addr) for score, addr in found.hits]
        else:
            field = "posted" if query.sort is SortOrder.DATE else "salary_max"
            bounded = compiled
            if query.after is not None:
                bounded = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, compiled), (tantivy.Occur.Must, self._upto(field, query.after.value))]
                )
            found = searcher.search(bounded, limit=window, count=True, order_by_field=field)
            values = [(float(value), addr) for value, addr in found.hits]
            if query.after is not None:
                found = searcher.search(compiled, limit=1, count=True)
        total = int(found.count)
        addresses = [addr for _, addr in values]
        keys = searcher.fast_field_values("key", addresses) if values else []
        clusters = searcher.fast_field_values("cluster_key", addresses) if values else []
        rows = sorted(
            (
                (value, id_of(key), id_of(cluster), addr)
                for (value, addr), key, cluster in zip(values, keys, clusters, strict=True)
            ),
            key=lambda row: (-row[0], row[1]),
        )
        if query.after is not None:
            after = (-query.after.value, query.after.posting_id)
            rows = [row for row in rows if (-row[0], row[1]) > after]
            start = 0
        else:
            start = query.offset
        page = rows[start : start + query.limit]
        return [
            EngineHit(pid, cluster, value, title=_title(searcher, addr) if query.titles else "")
            for value, pid, cluster, addr in page
        ], total

    def _upto(self, field: str, value: float) -> Any:
        kind = tantivy.FieldType.Integer if field == "posted" else tantivy.FieldType.Float
        bound: float | int = int(value) if field == "posted" else value
        return tantivy.Query.range_query(self._schema, field, kind, upper_bound=bound)

    def _search_geo(self, searcher: Any, query: EngineQuery, compiled: Any) -> EngineResult:
        """Exact radius and distance order: the box's matches' coordinates come from fast fields (numpy)."""
        geo = query.filters.geo
        assert geo is not None  # noqa: S101 - the caller checked
        found = searcher.search(compiled, limit=GEO_CAP, count=False)
        addresses = [addr for _, addr in found.hits]
        keys = np.array(searcher.fast_field_values("key", addresses), dtype=np.uint64)
        latitudes = np.array(searcher.fast_field_values("latitude", addresses), dtype=np.float64)
        longitudes = np.array(searcher.fast_field_values("longitude", addresses), dtype=np.float64)
        km = distances_km(geo.latitude, geo.longitude, latitudes, longitudes)
        if geo.radius_km is not None:
            keys, km = keys[km <= geo.radius_km], km[km <= geo.radius_km]
        if query.sort is SortOrder.DISTANCE and not query.facets:
            return EngineResult(self._by_distance(searcher, keys, km, query), len(keys), {})
        narrowed = build_query(self._schema, query, only_keys=keys.tolist())
        if query.sort is SortOrder.DISTANCE:
            hits, total = self._by_distance(searcher, keys, km, query), len(keys)
        else:
            hits, total = self._ranked(searcher, query, narrowed)
            at = dict(zip(keys.tolist(), km.tolist(), strict=True))
            hits = [EngineHit(h.posting_id, h.cluster_id, h.value, at[key_of(h.posting_id)], h.title) for h in hits]
        facets = read_facets(searcher.aggregate(narrowed, facets_spec())) if query.facets and len(keys) else {}
        return EngineResult(hits, total, facets)

    def _by_distance(self, searcher: Any, keys: Any, km: Any, query: EngineQuery) -> list[EngineHit]:
        """The page in (km, posting id) order; only the nearest candidates (ties included) get their ids spelled."""
        reach = query.limit + query.offset
        if query.after is not None:
            keys, km = keys[km >= query.after.value], km[km >= query.after.value]
            reach = query.limit + int(np.count_nonzero(km == query.after.value))  # ties may precede the cursor
        if 0 < reach < len(km):
            near = km <= np.partition(km, reach - 1)[reach - 1]
            keys, km = keys[near], km[near]
        rows = sorted(zip(km.tolist(), (id_of(int(key)) for key in keys), strict=True))
        if query.after is not None:
            page = [row for row in rows if row > (query.after.value, query.after.posting_id)][: query.limit]
        else:
            page = rows[query.offset : query.offset + query.limit]
        clusters = self._cluster_keys(searcher, [pid for _, pid in page])
        return [
            EngineHit(pid, cluster, distance, distance, title)
            for distance, pid in page
            for cluster, title in [clusters.get(pid, (pid, ""))]
        ]

    def _cluster_keys(self, searcher: Any, posting_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        if not posting_ids:
            return {}
        query = tantivy.Query.term_set_query(self._schema, "key", [key_of(pid) for pid in posting_ids])
        found = searcher.search(query, limit=len(posting_ids), order_by_field="key")
        addresses = [addr for _, addr in found.hits]
        keys = searcher.fast_field_values("key", addresses)
        clusters = searcher.fast_field_values("cluster_key", addresses)
        return {
            id_of(k): (id_of(c), _title(searcher, addr)) for k, c, addr in zip(keys, clusters, addresses, strict=True)
        }

    def distinct_clusters(self, query: EngineQuery, cap: int) -> tuple[int, bool]:
        """Vacancies among the matches: counted exactly up to `cap` matches; past it, the matches that are
        their vacancy's first posting (one per vacancy, so a lower bound that misses only vacancies whose
        first posting does not match)."""
        self._index.reload()
        searcher: Any = self._index.searcher()
        compiled = build_query(self._schema, query, only_keys=None)
        total = int(searcher.search(compiled, limit=1, count=True).count)
        if total > cap:
            first = tantivy.Query.term_query(self._schema, "first", "1")
            both = tantivy.Query.boolean_query([(tantivy.Occur.Must, compiled), (tantivy.Occur.Must, first)])
            return int(searcher.search(both, limit=1, count=True).count), False
        found = searcher.search(compiled, limit=max(total, 1), count=False, order_by_field="key")
        clusters = searcher.fast_field_values("cluster_key", [addr for _, addr in found.hits])
        return len(set(clusters)), True

    def clusters(self, cluster_ids: Collection[str]) -> dict[str, ClusterCount]:
        """Postings and sources per vacancy cluster (live postings only)."""
        if not cluster_ids:
            return {}
        self._index.reload()
        query = tantivy.Query.term_set_query(self._schema, "cluster", list(cluster_ids))
        spec = {
            "c": {
                "terms": {"field": "cluster", "size": len(cluster_ids)},
                "aggs": {"s": {"terms": {"field": "source", "size": 100}}},
            }
        }
        result = self._index.searcher().aggregate(query, spec)
        return {
            bucket["key"]: ClusterCount(int(bucket["doc_count"]), len(bucket["s"]["buckets"]))
            for bucket in result["c"]["buckets"]
        }

    def values(self, field: str) -> list[str]:
        """Distinct values of a term field, most frequent first (at most 1,000)."""
        self._index.reload()
        spec = {"v": {"terms": {"field": field, "size": 1_000}}}
        buckets = self._index.searcher().aggregate(tantivy.Query.all_query(), spec)["v"]["buckets"]
        return [str(b["key"]) for b in buckets]

    def titles(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Frequent titles with a word run starting with `prefix` (the last word may be partial)."""
        words = _WORDS.findall(prefix.lower())  # as the `default` tokenizer splits `title_words`
        if not words:
            return []
        self._index.reload()
        if len(words) == 1:  # a phrase prefix expands to 50 terms only: too few for one or two letters
            query = tantivy.Query.regex_query(self._schema, "title_words", f"{words[0]}.*")
        else:
            query = tantivy.Query.phrase_prefix_query(self._schema, "title_words", list[str | tuple[int, str]](words))
        # each segment reports its top titles; a large segment_size keeps the merged counts exact in practice
        spec = {"t": {"terms": {"field": "title_exact", "size": limit * 3, "segment_size": 5_000}}}
        buckets = self._index.searcher().aggregate(query, spec)["t"]["buckets"]
        return _merge_spellings((b["key"], int(b["doc_count"])) for b in buckets)[:limit]


def _title(searcher: Any, address: Any) -> str:
    values = searcher.doc(address).get_all("title_exact")
    return str(values[0]) if values else ""


def _merge_spellings(counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    merged: dict[str, tuple[str, int]] = {}
    for title, count in counts:
        key = " ".join(title.lower().split())
        best, total = merged.get(key, (title, 0))
        merged[key] = (best, total + count)
    return sorted(merged.values(), key=lambda item: (-item[1], item[0]))
