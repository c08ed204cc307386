"""The PostgreSQL adapter of the search port: full text on pre-analysed tsvectors, filters, facets and typeahead.

For server deployments (DESIGN.md section 2): the projection lives in `search_document` (migration 0004),
so every API worker reads the same index. Each method runs in its own transaction, so a write is
visible at once (the port only promises it after `commit`); `commit` records the change-feed position.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from lmis.search.model import FACETS, SALARY_BANDS, EngineHit, EngineQuery, EngineResult, SearchDocument
from lmis.search.ports import ClusterCount
from lmis.storage import search_pg_sql as q

_BATCH = 500
_MAX_VALUES = 1_000
_d, _s = q.search_document.c, q.search_state.c
_UPDATED = [column.name for column in q.search_document.c if column.name != "posting_id"]


class PostgresSearchIndex:
    """`SearchIndex` on PostgreSQL; the engine's database must be migrated (revision 0004 or later)."""

    name = "postgresql"

    def __init__(self, engine: sa.Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError(f"the PostgreSQL search index needs a PostgreSQL engine, not {engine.dialect.name}")
        self._engine = engine

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Add or replace documents by posting id."""
        rows = [q.document_row(document) for document in documents]
        insert = postgresql.insert(q.search_document)
        changes = {name: insert.excluded[name] for name in _UPDATED}
        statement = insert.on_conflict_do_update(index_elements=[_d.posting_id], set_=changes)
        with self._engine.begin() as connection:
            for start in range(0, len(rows), _BATCH):
                connection.execute(statement, rows[start : start + _BATCH])

    def delete(self, posting_ids: Collection[str]) -> None:
        """Remove documents; unknown ids are ignored."""
        ids = list(posting_ids)
        with self._engine.begin() as connection:
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                connection.execute(sa.delete(q.search_document).where(_d.posting_id.in_(chunk)))

    def commit(self, sequence: int) -> None:
        """Record the change-feed position (the writes are already visible: each ran in its own transaction)."""
        with self._engine.begin() as connection:
            _write_sequence(connection, sequence)

    def sequence(self) -> int:
        """The change-feed position of the last `commit` (0 when empty or cleared)."""
        with self._engine.connect() as connection:
            return _read_sequence(connection)

    def clear(self) -> None:
        """Remove every document at once and reset the position to 0, so a crash mid-reindex shows an empty index."""
        with self._engine.begin() as connection:
            connection.execute(sa.delete(q.search_document))
            _write_sequence(connection, 0)

    def search(self, query: EngineQuery) -> EngineResult:
        """See `EngineQuery`: the window of hits, the total over every match, and facets when asked."""
        conditions = q.match_conditions(query)
        with self._engine.connect() as connection:
            hits = [_hit(row) for row in connection.execute(_hits_statement(query, conditions))]
            counts = connection.execute(_counts_statement(conditions, query.facets)).all()
        total = next((count for facet, _key, count in counts if facet == ""), 0)
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS} if query.facets else {}
        for facet, key, count in counts:
            if facet:
                facets[facet][_facet_key(facet, key)] = count
        return EngineResult(hits, total, facets)

    def clusters(self, cluster_ids: Collection[str]) -> dict[str, ClusterCount]:
        """Indexed postings and distinct sources of each vacancy cluster; clusters with no posting are absent."""
        ids = sorted(set(cluster_ids))
        found: dict[str, ClusterCount] = {}
        with self._engine.connect() as connection:
            for start in range(0, len(ids), _BATCH):
                statement = (
                    sa.select(_d.cluster_id, sa.func.count(), sa.func.count(sa.distinct(_d.source)))
                    .where(_d.cluster_id.in_(ids[start : start + _BATCH]))
                    .group_by(_d.cluster_id)
                )
                for cluster_id, postings, sources in connection.execute(statement):
                    found[cluster_id] = ClusterCount(postings, sources)
        return found

    def distinct_clusters(self, query: EngineQuery, cap: int) -> tuple[int, bool]:
        """Distinct clusters of the matches; past `cap` matches, of `cap` of them (in no set order) and False."""
        statement = sa.select(_d.cluster_id).where(*q.match_conditions(query)).limit(cap + 1)
        with self._engine.connect() as connection:
            clusters = list(connection.execute(statement).scalars())
        return len(set(clusters[:cap])), len(clusters) <= cap

    def titles(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Most frequent titles with a word run starting with `prefix`; spellings differing in case or spaces merge.

        Each merged title shows its most frequent spelling; ties are ordered by title.
        """
        words = q.title_words(prefix)
        if not words:
            return []
        count = sa.func.count().label("count")
        spelling = sa.func.mode().within_group(_d.title).label("spelling")
        statement = (
            sa.select(spelling, count)
            .where(sa.func.concat(" ", _d.title_words).contains(" " + words, autoescape=True))
            .group_by(_d.title_key)
            .order_by(count.desc(), sa.collate(spelling, "C"))
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [(title, number) for title, number in connection.execute(statement)]

    def values(self, field: str) -> list[str]:
        """Distinct non-empty values of a term field, most frequent first (ties by value), at most 1,000."""
        with self._engine.connect() as connection:
            return list(connection.execute(q.values_statement(field, _MAX_VALUES)).scalars())

    def size(self) -> int:
        """How many documents are indexed."""
        with self._engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(q.search_document)).scalar_one())


def _hits_statement(query: EngineQuery, conditions: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    geo = query.filters.geo
    distance = q.distance_km(geo) if geo is not None else sa.null()
    matches = (
        sa.select(
            _d.posting_id,
            _d.cluster_id,
            q.sort_value(query).label("value"),
            sa.cast(distance, sa.Double).label("distance"),
            _d.title,
        )
        .where(*conditions)
        .subquery("matches")
    )
    value, posting_id = matches.c.value, matches.c.posting_id
    statement = sa.select(matches.c.posting_id, matches.c.cluster_id, value, matches.c.distance, matches.c.title)
    if query.after is not None:
        beyond = value > query.after.value if q.ascending(query) else value < query.after.value
        statement = statement.where(
            sa.or_(beyond, sa.and_(value == query.after.value, posting_id > query.after.posting_id))
        )
    order = value.asc() if q.ascending(query) else value.desc()
    return statement.order_by(order, posting_id.asc()).offset(query.offset).limit(query.limit)


def _counts_statement(
    conditions: list[sa.ColumnElement[bool]], facets: bool
) -> sa.CompoundSelect[str, str, int] | sa.Select[str, str, int]:
    """(facet, key, count) rows: the total under facet '', then each facet's counts when asked; one scan."""
    columns = [_d.occupation_group, _d.region, _d.employment_types, _d.salary_max]
    matches = sa.select(*columns).where(*conditions).cte("matches")
    m = matches.c
    total = sa.select(sa.literal(""), sa.literal(""), sa.func.count()).select_from(matches)
    if not facets:
        return total
    bands = sa.cast(sa.literal(list(SALARY_BANDS), postgresql.ARRAY(sa.Double)), postgresql.ARRAY(sa.Double))
    band = sa.func.greatest(sa.func.width_bucket(m.salary_max, bands), 1)  # below the first band: the first
    unnested = sa.select(sa.func.unnest(m.employment_types).label("key")).subquery("employment_type")
    selects = [
        total,
        _grouped("occupation_group", m.occupation_group, m.occupation_group != ""),
        _grouped("region", m.region, m.region != ""),
        _grouped("salary_band", sa.cast(band, sa.Text), m.salary_max.is_not(None)),
        sa.select(sa.literal("employment_type"), unnested.c.key, sa.func.count()).group_by(unnested.c.key),
    ]
    return sa.union_all(*selects)


def _grouped(facet: str, key: sa.ColumnElement[str], keep: sa.ColumnElement[bool]) -> sa.Select[str, str, int]:
    return sa.select(sa.literal(facet), key, sa.func.count()).where(keep).group_by(key)


def _facet_key(facet: str, key: str) -> str:
    """Salary bands come back as the 1-based bucket of `SALARY_BANDS`; their key is the band's lower bound."""
    return f"{SALARY_BANDS[int(key) - 1]:.0f}" if facet == "salary_band" else key


def _hit(row: sa.Row[Any]) -> EngineHit:
    return EngineHit(row.posting_id, row.cluster_id, float(row.value), row.distance, row.title)


def _read_sequence(connection: sa.Connection) -> int:
    found = connection.execute(sa.select(_s.sequence).where(_s.id == 1)).scalar_one_or_none()
    return int(found or 0)


def _write_sequence(connection: sa.Connection, sequence: int) -> None:
    insert = postgresql.insert(q.search_state).values(id=1, sequence=sequence)
    connection.execute(insert.on_conflict_do_update(index_elements=[_s.id], set_={"sequence": sequence}))
