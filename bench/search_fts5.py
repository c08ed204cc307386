"""The baseline of the search benchmark: SQLite FTS5 over the same analysed tokens (bench only).

One FTS5 table holds the title and body tokens of `lmis.search.analysis` (and the lower-cased
title words, for typeahead); a plain table holds the filter and sort columns. It implements only
what `bench.search` asks: must clauses (tokens adjacent, as FTS5 phrases), region / employment
type / salary filters, relevance (bm25, title weighted 2) or date order, the total and the facet
counts (GROUP BY over the matches). No geo, no must_not, one employment type per document.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from lmis.search.model import EngineHit, EngineQuery, EngineResult, SearchDocument, SortOrder, TextClause
from lmis.storage.search_tantivy import salary_band

_FAR = 2**62
_SCHEMA = """
CREATE TABLE doc (
    id INTEGER PRIMARY KEY, posting_id TEXT NOT NULL UNIQUE, cluster_id TEXT NOT NULL, title TEXT NOT NULL,
    region TEXT, employment_type TEXT, occupation_group TEXT, salary_min REAL, salary_max REAL,
    salary_band TEXT, posted INTEGER, valid_until INTEGER
);
CREATE VIRTUAL TABLE fts USING fts5(title, body, words, tokenize = "unicode61 remove_diacritics 0 tokenchars '.+#'''");
"""
_INDEXES = """
CREATE INDEX doc_region ON doc (region, posted);
CREATE INDEX doc_type ON doc (employment_type, posted);
CREATE INDEX doc_posted ON doc (posted);
CREATE INDEX doc_salary ON doc (salary_max);
CREATE INDEX doc_title ON doc (title);
"""
_FACETS = {
    "occupation_group": "occupation_group",
    "region": "region",
    "employment_type": "employment_type",
    "salary_band": "salary_band",
}


class Fts5Index:
    """A SQLite database at `path` with the FTS5 baseline."""

    name = "fts5"

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -500000;")
        self._db.executescript(_SCHEMA)
        self._ids: dict[str, int] = {}

    def build(self, documents: Sequence[SearchDocument], batch: int = 10_000) -> None:
        """Load every document, then index the filter columns and optimise the FTS5 index."""
        self._db.execute("BEGIN")
        for start in range(0, len(documents), batch):
            self._insert(documents[start : start + batch], start)
        self._db.execute("COMMIT")
        self._db.executescript(_INDEXES)
        self._db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        self._db.execute("ANALYZE")

    def _insert(self, documents: Sequence[SearchDocument], first: int) -> None:
        rows = []
        texts = []
        for number, doc in enumerate(documents, start=first + 1):
            self._ids[doc.posting_id] = number
            valid = int(doc.valid_through.timestamp()) if doc.valid_through else _FAR
            posted = int(doc.posted_at.timestamp()) if doc.posted_at else 0
            rows.append(
                (
                    number, doc.posting_id, doc.cluster_id, doc.title.strip(), doc.region,
                    doc.employment_types[0] if doc.employment_types else "", doc.occupation_group,
                    doc.salary_min, doc.salary_max, salary_band(doc.salary_max), posted, valid,
                )
            )  # fmt: skip
            texts.append((number, doc.title_tokens, doc.body_tokens, doc.title.lower()))
        self._db.executemany("INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._db.executemany("INSERT INTO fts (rowid, title, body, words) VALUES (?, ?, ?, ?)", texts)

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Replace documents (in one transaction, visible at once)."""
        self._db.execute("BEGIN")
        for doc in documents:
            number = self._ids.get(doc.posting_id)
            if number is not None:
                self._db.execute("DELETE FROM doc WHERE id = ?", (number,))
                self._db.execute("DELETE FROM fts WHERE rowid = ?", (number,))
            else:
                number = len(self._ids) + 1
            self._insert([doc], number - 1)
        self._db.execute("COMMIT")

    def search(self, query: EngineQuery) -> EngineResult:
        """Hits, total and (when asked) facet counts of the query."""
        if query.must_not or query.filters.geo or query.only_ids is not None or query.sort not in _ORDERS:
            raise NotImplementedError("the FTS5 baseline does not do this query")
        where, params = _filters(query)
        if query.must:
            source = "fts JOIN doc d ON d.id = fts.rowid"
            where = ["fts MATCH ?", *where]
            params = [_match(query.must), *params]
            score = "bm25(fts, 2.0, 1.0, 0.0)"
        else:
            source, score = "doc d", "0.0"
        condition = " AND ".join(where)
        order = "s, d.posting_id" if query.sort is SortOrder.RELEVANCE and query.must else "d.posted DESC, d.posting_id"
        hits_sql = (
            f"SELECT d.posting_id, d.cluster_id, {score} AS s, d.posted, d.title FROM {source} WHERE {condition} "  # noqa: S608
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        rows = self._db.execute(hits_sql, [*params, query.limit, query.offset]).fetchall()
        relevance = query.sort is SortOrder.RELEVANCE and query.must
        hits = [
            EngineHit(pid, cid, -s if relevance else float(posted), None, title) for pid, cid, s, posted, title in rows
        ]
        if not query.facets:
            sql = f"SELECT count(*) FROM {source} WHERE {condition}"  # noqa: S608
            return EngineResult(hits, int(self._db.execute(sql, params).fetchone()[0]))
        parts = ["SELECT '', '', count(*) FROM m"]
        parts += [f"SELECT '{f}', {c}, count(*) FROM m GROUP BY {c}" for f, c in _FACETS.items()]  # noqa: S608
        columns = ", ".join(f"d.{c}" for c in _FACETS.values())
        sql = f"WITH m AS MATERIALIZED (SELECT {columns} FROM {source} WHERE {condition}) " + " UNION ALL ".join(parts)  # noqa: S608
        total = 0
        facets: dict[str, dict[str, int]] = {name: {} for name in _FACETS}
        for facet, key, count in self._db.execute(sql, params):
            if not facet:
                total = count
            elif key:
                facets[facet][str(key)] = count
        return EngineResult(hits, total, facets)

    def titles(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Most frequent titles with a word run starting with `prefix` (the last word partial)."""
        words = [w for w in prefix.lower().split() if w]
        if not words:
            return []
        phrase = " + ".join(_quoted(w) for w in words) + " *"
        sql = (
            "SELECT d.title, count(*) AS c FROM fts JOIN doc d ON d.id = fts.rowid WHERE fts MATCH ? "
            "GROUP BY d.title ORDER BY c DESC, d.title LIMIT ?"
        )
        return [(t, c) for t, c in self._db.execute(sql, ("words : " + phrase, limit))]

    def size(self) -> int:
        """How many documents are loaded."""
        return int(self._db.execute("SELECT count(*) FROM doc").fetchone()[0])


_ORDERS = (SortOrder.RELEVANCE, SortOrder.DATE)


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _match(clauses: Sequence[TextClause]) -> str:
    """Each clause an FTS5 phrase over the title and body columns; clauses ANDed."""
    parts = []
    for clause in clauses:
        phrase = " + ".join(_quoted(t) for t in clause.tokens) + (" *" if clause.prefix else "")
        parts.append("{title body} : (" + phrase + ")")
    return " AND ".join(parts)


def _filters(query: EngineQuery) -> tuple[list[str], list[object]]:
    where = ["d.valid_until > ?"]
    params: list[object] = [int(query.now.timestamp())]
    for name, values in query.filters.terms.items():
        column = {"region": "region", "employment_type": "employment_type", "title": "title"}.get(name)
        if column is None:
            raise NotImplementedError(f"the FTS5 baseline has no {name} filter")
        where.append(f"d.{column} IN ({', '.join('?' for _ in values)})")
        params += list(values)
    if query.filters.salary_min is not None:
        where.append("d.salary_max >= ?")
        params.append(query.filters.salary_min)
    if query.filters.salary_max is not None:
        where.append("d.salary_min <= ?")
        params.append(query.filters.salary_max)
    return where, params
