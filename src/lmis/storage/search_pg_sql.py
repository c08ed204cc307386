"""SQL of the PostgreSQL search adapter: its tables, the tsvector and tsquery literals, and the conditions of a query.

The text is analysed in Python (`lmis.search.analysis`), so the database must not parse it again:
PostgreSQL's parser would split `c++` into `c` and drop `#` from `c#`. Documents and queries are
therefore written as tsvector / tsquery *literals* (lexemes quoted verbatim, with positions), cast
from a bound parameter, never through `to_tsvector` / `to_tsquery`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from lmis.enrich.places import EARTH_RADIUS_KM
from lmis.search.analysis import words
from lmis.search.model import EngineQuery, Filters, GeoFilter, SearchDocument, SortOrder, TextClause


class _TsVector(sa.types.TypeDecorator[str]):
    """A tsvector column written as its literal text: PostgreSQL reads the lexemes verbatim."""

    impl = postgresql.TSVECTOR
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> ColumnElement[str]:
        return sa.cast(bindvalue, postgresql.TSVECTOR)


metadata = sa.MetaData()  # apart from tables.py: these tables exist on PostgreSQL only (migration 0004)
_TEXTS = postgresql.ARRAY(sa.Text())
search_document = sa.Table(
    "search_document",
    metadata,
    sa.Column("posting_id", sa.Text(collation="C"), primary_key=True),
    sa.Column("cluster_id", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),  # stripped, as the `title` term filter compares it
    sa.Column("title_key", sa.Text, nullable=False),  # lower case, single spaces: spellings `titles` merges
    sa.Column("title_words", sa.Text, nullable=False),  # the normalised words of the title, for `titles`
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("employer", sa.Text, nullable=False),
    sa.Column("occupations", _TEXTS, nullable=False),
    sa.Column("occupation_group", sa.Text, nullable=False),
    sa.Column("skills", _TEXTS, nullable=False),
    sa.Column("places", _TEXTS, nullable=False),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("latitude", sa.Double, nullable=True),
    sa.Column("longitude", sa.Double, nullable=True),
    sa.Column("employment_types", _TEXTS, nullable=False),
    sa.Column("working_time", sa.Text, nullable=False),
    sa.Column("salary_min", sa.Double, nullable=True),
    sa.Column("salary_max", sa.Double, nullable=True),
    sa.Column("education", sa.Text, nullable=False),
    sa.Column("experience_months", sa.Integer, nullable=True),
    sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("valid_through", sa.DateTime(timezone=True), nullable=True),
    sa.Column("remote", sa.Boolean, nullable=False),
    sa.Column("document", _TsVector, nullable=False),
    *(
        sa.Index(f"ix_search_document_{name}", name, postgresql_using="gin")
        for name in ("document", "occupations", "skills", "places", "employment_types")
    ),
    *(sa.Index(f"ix_search_document_{name}", name) for name in ("posted_at", "salary_max", "cluster_id")),
)
search_state = sa.Table(
    "search_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # always 1: one row
    sa.Column("sequence", sa.BigInteger, nullable=False),
)
_d = search_document.c

_MAX_LEXEME_BYTES = 2046  # PostgreSQL's limit on one lexeme; longer tokens are not indexed
_MAX_POSITION = 16383  # PostgreSQL clamps larger positions to this one
_MAX_POSITIONS_PER_LEXEME = 255
# ts_rank_cd weights {D, C, B, A}: the title (A) counts twice the body (B), as the contract's BM25 does.
_RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
_RANK_NORMALISATION = 1  # divide by 1 + log(document length): long bodies do not win by length alone
BOOST = 0.5  # added to the score of a match coded to one of `boost_occupations`
_ARRAY_FIELDS = {"occupation": _d.occupations, "skill": _d.skills, "place": _d.places}
_ARRAY_FIELDS["employment_type"] = _d.employment_types
# The contract's term fields, then the ones search services add: a vacancy, an exact title, a facet value.
_SCALARS = ("working_time", "education", "employer", "source", "language", "region", "occupation_group", "title")
_SCALAR_FIELDS = {name: _d[name] for name in _SCALARS} | {"cluster": _d.cluster_id}
TERM_FIELDS = frozenset(_ARRAY_FIELDS) | frozenset(_SCALAR_FIELDS)
_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def _lexeme(token: str) -> str:
    """`token` quoted for tsvector / tsquery input (backslash and quote escaped)."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _indexable(token: str) -> bool:
    return len(token.encode()) <= _MAX_LEXEME_BYTES


def document_literal(title_tokens: str, body_tokens: str) -> str:
    """The tsvector literal of a document: title tokens weighted A, body tokens B, with positions.

    The body starts two positions after the title ends, so a phrase never matches across the two.
    """
    positions: dict[str, list[str]] = {}
    title = title_tokens.split()
    for offset, (tokens, weight) in ((1, (title, "A")), (len(title) + 2, (body_tokens.split(), "B"))):
        for index, token in enumerate(tokens):
            at = positions.setdefault(token, [])
            if _indexable(token) and len(at) < _MAX_POSITIONS_PER_LEXEME:
                at.append(f"{min(offset + index, _MAX_POSITION)}{weight}")
    return " ".join(f"{_lexeme(token)}:{','.join(at)}" for token, at in positions.items() if at)


def clause_query(clause: TextClause) -> str | None:
    """The tsquery literal of a clause (tokens adjacent and in order, the last a prefix when asked).

    None when no indexed token can match it (no tokens, or a token too long to be indexed).
    """
    if not clause.tokens or not all(_indexable(token) for token in clause.tokens):
        return None
    lexemes = [_lexeme(token) for token in clause.tokens]
    if clause.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def _tsquery(literal: str) -> ColumnElement[Any]:
    return sa.cast(sa.literal(literal, sa.Text), postgresql.TSQUERY)


def _text_matches(clause: TextClause) -> ColumnElement[bool]:
    literal = clause_query(clause)
    return sa.false() if literal is None else _d.document.bool_op("@@")(_tsquery(literal))


def term_condition(field: str, values: Sequence[str]) -> ColumnElement[bool]:
    """The posting has one of `values` in the term field `field` (see `EngineQuery.filters`); no values: none has."""
    if not values and field in TERM_FIELDS:
        return sa.false()
    if field in _ARRAY_FIELDS:
        overlaps: ColumnElement[bool] = _ARRAY_FIELDS[field].overlap(sa.literal(list(values), _TEXTS))
        return overlaps
    if field in _SCALAR_FIELDS:
        return _SCALAR_FIELDS[field].in_(list(values))
    raise ValueError(f"unknown search term field {field!r}; known fields: {', '.join(sorted(TERM_FIELDS))}")


def values_statement(field: str, limit: int) -> sa.Select[Any]:
    """Distinct non-empty values of a term field, most frequent first (ties by value), at most `limit`."""
    if field in _ARRAY_FIELDS:
        value: ColumnElement[str] = sa.select(sa.func.unnest(_ARRAY_FIELDS[field]).label("value")).subquery().c.value
    elif field in _SCALAR_FIELDS:
        value = _SCALAR_FIELDS[field]
    else:
        raise ValueError(f"unknown search term field {field!r}; known fields: {', '.join(sorted(TERM_FIELDS))}")
    order = (sa.func.count().desc(), sa.collate(value, "C"))
    return sa.select(value).where(value != "").group_by(value).order_by(*order).limit(limit)


def _must(clause: TextClause) -> ColumnElement[bool]:
    alternatives = [term_condition(field, (value,)) for field, value in clause.alternatives]
    return sa.or_(_text_matches(clause), *alternatives)


def match_conditions(query: EngineQuery) -> list[ColumnElement[bool]]:
    """Every condition a posting meets to match `query`: live, text, filters and `only_ids`."""
    conditions = [sa.or_(_d.valid_through.is_(None), _d.valid_through > query.now)]
    conditions += [_must(clause) for clause in query.must]
    conditions += [sa.not_(_text_matches(clause)) for clause in query.must_not]
    conditions += filter_conditions(query.filters)
    if query.only_ids is not None:
        conditions.append(_d.posting_id == sa.any_(sa.literal(list(query.only_ids), _TEXTS)))
    return conditions


def filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The conditions of the resolved filters; a geo point without a radius still needs coordinates."""
    conditions = [term_condition(field, values) for field, values in filters.terms.items()]
    if filters.salary_min is not None or filters.salary_max is not None:
        high = sa.func.coalesce(_d.salary_max, _d.salary_min)
        conditions.append(high.is_not(None))
        if filters.salary_min is not None:
            conditions.append(high >= filters.salary_min)
        if filters.salary_max is not None:
            conditions.append(sa.func.coalesce(_d.salary_min, _d.salary_max) <= filters.salary_max)
    if filters.experience_max_months is not None:
        limit = filters.experience_max_months
        conditions.append(sa.or_(_d.experience_months.is_(None), _d.experience_months <= limit))
    if filters.posted_since is not None:
        conditions.append(_d.posted_at >= filters.posted_since)
    if filters.remote is not None:
        conditions.append(_d.remote.is_(filters.remote))
    if filters.geo is not None:
        conditions += _geo_conditions(filters.geo)
    return conditions


def _geo_conditions(geo: GeoFilter) -> list[ColumnElement[bool]]:
    if geo.radius_km is None:
        return [_d.latitude.is_not(None), _d.longitude.is_not(None)]
    return [*_bounding_box(geo, geo.radius_km), distance_km(geo) <= geo.radius_km]


def _bounding_box(geo: GeoFilter, radius_km: float) -> list[ColumnElement[bool]]:
    """A box around the circle that an index can serve; the exact distance test follows it."""
    spread = radius_km / _KM_PER_DEGREE
    box: list[ColumnElement[bool]] = [_d.latitude.between(geo.latitude - spread, geo.latitude + spread)]
    sine = math.sin(radius_km / EARTH_RADIUS_KM) / max(math.cos(math.radians(geo.latitude)), 1e-12)
    if abs(geo.latitude) + spread < 90 and sine < 1:  # no pole inside the circle
        width = math.degrees(math.asin(sine))
        if geo.longitude - width >= -180 and geo.longitude + width <= 180:  # the antimeridian is not crossed
            box.append(_d.longitude.between(geo.longitude - width, geo.longitude + width))
    return box


def distance_km(geo: GeoFilter) -> ColumnElement[float]:
    """Great-circle (haversine) kilometres from the point to the posting; NULL without coordinates."""
    f = sa.func
    latitude = f.radians(_d.latitude)
    half_lat = f.sin((latitude - math.radians(geo.latitude)) / 2)
    half_lon = f.sin(f.radians(_d.longitude - geo.longitude) / 2)
    cosines = math.cos(math.radians(geo.latitude)) * f.cos(latitude)
    h = half_lat * half_lat + cosines * half_lon * half_lon
    return sa.cast(2 * EARTH_RADIUS_KM * f.asin(f.sqrt(f.least(1.0, h))), sa.Double)


def sort_value(query: EngineQuery) -> ColumnElement[float]:
    """The hit's `value` under the query's order (see `EngineHit`); no date counts as 0, no salary as -1."""
    if query.sort is SortOrder.DATE:
        return sa.func.coalesce(sa.cast(sa.extract("epoch", _d.posted_at), sa.Double), 0.0)
    if query.sort is SortOrder.SALARY:
        return sa.func.coalesce(_d.salary_max, -1.0)
    if query.sort is SortOrder.DISTANCE:
        if query.filters.geo is None:
            raise ValueError("the distance order needs a point (filters.geo)")
        return distance_km(query.filters.geo)  # never NULL: the geo filter needs coordinates
    return score(query)


def score(query: EngineQuery) -> ColumnElement[float]:
    """Relevance: cover-density rank of the text clauses (title weighted twice the body), plus the boost."""
    literals = [literal for clause in query.must if (literal := clause_query(clause)) is not None]
    rank: ColumnElement[float] = sa.literal(0.0, sa.Double)
    if literals:
        weights = sa.cast(sa.literal(_RANK_WEIGHTS), postgresql.ARRAY(sa.REAL))
        ranked = sa.func.ts_rank_cd(weights, _d.document, _tsquery(" | ".join(literals)), _RANK_NORMALISATION)
        rank = sa.cast(ranked, sa.Double)
    if not query.boost_occupations:
        return rank
    boosted = _d.occupations.overlap(sa.literal(list(query.boost_occupations), _TEXTS))
    return rank + sa.case((boosted, BOOST), else_=0.0)


def ascending(query: EngineQuery) -> bool:
    """Whether the query's order is ascending in `value` (distance) or descending (the others)."""
    return query.sort is SortOrder.DISTANCE


def document_row(document: SearchDocument) -> dict[str, object]:
    """The `search_document` row of a document (the tsvector as its literal, cast on insert)."""
    return {
        "posting_id": document.posting_id,
        "cluster_id": document.cluster_id,
        "title": document.title.strip(),
        "title_key": " ".join(document.title.lower().split()),
        "title_words": title_words(document.title),
        "source": document.source,
        "language": document.language,
        "employer": document.employer,
        "occupations": list(dict.fromkeys(document.occupations)),
        "occupation_group": document.occupation_group,
        "skills": list(dict.fromkeys(document.skills)),
        "places": list(dict.fromkeys(document.places)),
        "region": document.region,
        "latitude": document.latitude,
        "longitude": document.longitude,
        "employment_types": list(dict.fromkeys(document.employment_types)),
        "working_time": document.working_time,
        "salary_min": document.salary_min,
        "salary_max": document.salary_max,
        "education": document.education,
        "experience_months": document.experience_months,
        "posted_at": document.posted_at,
        "valid_through": document.valid_through,
        "remote": document.remote,
        "document": document_literal(document.title_tokens, document.body_tokens),
    }


def title_words(text: str) -> str:
    """The normalised words of a title (or of a typed prefix) joined by single spaces."""
    return " ".join(word.surface for word in words(text))
