"""`EngineQuery` -> a tantivy query, the facet aggregations, and posting ids as the 60-bit keys the index holds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import tantivy

from lmis.search.model import FACETS, EngineQuery, Filters, TextClause

Floats = npt.NDArray[np.float64]
GEO_CAP = 1_000_000  # matches inside a radius's bounding box that are measured one by one
TITLE_BOOST = 2.0
OCCUPATION_BOOST = 1.5
_FIELD = {"title": "title_exact"}  # filter name -> index field, where they differ
_Q = tantivy.Query
_MUST, _SHOULD, _NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_DIGIT = {c: i for i, c in enumerate(_BASE32)}


def key_of(posting_id: str) -> int:
    """The 60-bit number a posting id spells (ids are 12 lower-case base32 characters)."""
    key = 0
    for char in posting_id:
        key = key * 32 + _DIGIT[char]
    return key


def id_of(key: int) -> str:
    """The posting id that `key_of` turned into `key`."""
    chars = []
    for _ in range(12):
        key, digit = divmod(key, 32)
        chars.append(_BASE32[digit])
    return "".join(reversed(chars))


def distances_km(latitude: float, longitude: float, latitudes: Floats, longitudes: Floats) -> Floats:
    """Great-circle distances from one point to many (haversine, mean Earth radius 6,371 km)."""
    p1, p2 = math.radians(latitude), np.radians(latitudes)
    dp, dl = p2 - p1, np.radians(longitudes - longitude)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(a))), dtype=np.float64)


def build_query(schema: tantivy.Schema, query: EngineQuery, *, only_keys: Sequence[int] | None) -> Any:
    """The whole query: text clauses, filters, liveness, and (for radius searches) the exact posting keys."""
    parts: list[tuple[Any, Any]] = [(_MUST, _clause(schema, clause)) for clause in query.must]
    parts += [(_NOT, _text_match(schema, clause)) for clause in query.must_not]
    if query.boost_occupations and query.must:
        boost = _Q.term_set_query(schema, "occupation", list(query.boost_occupations))
        parts.append((_SHOULD, _Q.const_score_query(boost, OCCUPATION_BOOST)))
    filters = _filters(schema, query.filters, query.now.timestamp(), exact_keys=only_keys is not None)
    if query.only_ids is not None:
        filters.append(_Q.term_set_query(schema, "key", [key_of(pid) for pid in query.only_ids]))
    if only_keys is not None:
        filters.append(_Q.term_set_query(schema, "key", list(only_keys)))
    parts += [(_MUST, _Q.const_score_query(f, 0.0)) for f in filters]
    if not query.must:
        parts.append((_MUST, _Q.const_score_query(_Q.all_query(), 1.0)))
    return _Q.boolean_query(parts)


def _text_match(schema: tantivy.Schema, clause: TextClause) -> Any:
    title = _Q.boost_query(_field_match(schema, "title", clause), TITLE_BOOST)
    return _Q.boolean_query([(_SHOULD, title), (_SHOULD, _field_match(schema, "body", clause))])


def _clause(schema: tantivy.Schema, clause: TextClause) -> Any:
    if not clause.alternatives:
        return _text_match(schema, clause)
    parts = [(_SHOULD, _text_match(schema, clause))]
    for name, value in clause.alternatives:
        term = _Q.term_query(schema, _FIELD.get(name, name), value)
        parts.append((_SHOULD, _Q.const_score_query(term, 0.5)))
    return _Q.boolean_query(parts)


def _field_match(schema: tantivy.Schema, field: str, clause: TextClause) -> Any:
    words: list[str | tuple[int, str]] = list(clause.tokens)
    if clause.prefix:
        return _Q.phrase_prefix_query(schema, field, words)
    if len(words) == 1:
        return _Q.term_query(schema, field, words[0])
    return _Q.phrase_query(schema, field, words)


def _filters(schema: tantivy.Schema, filters: Filters, now: float, *, exact_keys: bool = False) -> list[Any]:
    found = [
        _Q.range_query(schema, "valid_until", tantivy.FieldType.Integer, lower_bound=int(now), include_lower=False)
    ]
    for name, values in filters.terms.items():
        found.append(_Q.term_set_query(schema, _FIELD.get(name, name), list(values)))
    floats = tantivy.FieldType.Float
    if filters.salary_min is not None:
        found.append(_Q.range_query(schema, "salary_max", floats, lower_bound=filters.salary_min))
    if filters.salary_max is not None:
        found.append(_Q.range_query(schema, "salary_min", floats, lower_bound=0.0, upper_bound=filters.salary_max))
    if filters.experience_max_months is not None:
        found.append(
            _Q.range_query(schema, "experience", tantivy.FieldType.Integer, upper_bound=filters.experience_max_months)
        )
    if filters.posted_since is not None:
        since = int(filters.posted_since.timestamp())
        found.append(_Q.range_query(schema, "posted", tantivy.FieldType.Integer, lower_bound=since))
    if filters.remote is not None:
        found.append(_Q.term_query(schema, "remote", "1" if filters.remote else "0"))
    if filters.geo is not None and not exact_keys:  # the keys measured inside the circle imply the box
        found += _box(schema, filters.geo.latitude, filters.geo.longitude, filters.geo.radius_km)
    return found


def _box(schema: tantivy.Schema, latitude: float, longitude: float, radius_km: float | None) -> list[Any]:
    """The bounding box of the circle (or every posting with coordinates when there is no radius)."""
    floats = tantivy.FieldType.Float
    if radius_km is None:
        return [_Q.range_query(schema, "latitude", floats, lower_bound=-90.0, upper_bound=90.0)]
    dlat = radius_km / 111.2
    dlon = radius_km / max(111.2 * math.cos(math.radians(latitude)), 1e-6)
    lat = _Q.range_query(schema, "latitude", floats, lower_bound=latitude - dlat, upper_bound=latitude + dlat)
    if dlon >= 180:
        return [lat]
    lon = _Q.range_query(schema, "longitude", floats, lower_bound=longitude - dlon, upper_bound=longitude + dlon)
    return [lat, lon]


def facets_spec() -> dict[str, Any]:
    """The aggregation request for every facet."""
    fields = {"occupation_group": 20, "region": 100, "employment_type": 20, "salary_band": 20}
    return {name: {"terms": {"field": name, "size": fields[name]}} for name in FACETS}


def read_facets(result: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Facet counts by value from an aggregation result."""
    return {
        name: {str(b["key"]): int(b["doc_count"]) for b in result.get(name, {}).get("buckets", [])} for name in FACETS
    }
