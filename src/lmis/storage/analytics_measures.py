"""The SQL of each indicator over the snapshot's relations: filters, breakdown keys, flows and stocks.

Every builder returns (SQL, parameters) answering (key, period, value, people) rows; values are
bound or quoted, identifiers come from enums.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Protocol

from lmis.analytics.model import Dimension, Grain, IndicatorQuery
from lmis.shared.errors import Invalid

NO_PERIOD = "DATE '1970-01-01'"
_ALWAYS = "TRUE"


class Relations(Protocol):
    """The snapshot's relations as SQL text (a `read_parquet(...)`, or an empty typed relation)."""

    def postings(self) -> str: ...
    def vacancies(self) -> str: ...
    def flows(self) -> str | None:
        """The flow cube (by day, ISCO unit group, country and region), or None to count the records."""

    def seekers(self) -> str: ...
    def events(self) -> str: ...


Builder = Callable[[Relations, IndicatorQuery, Grain | None, Dimension | None, int | None], tuple[str, list[Any]]]


def _bounds(query: IndicatorQuery) -> tuple[date, date]:
    return query.start, query.end


def _bucket(day: str, grain: Grain | None) -> str:
    return NO_PERIOD if grain is None else f"CAST(date_trunc('{grain.value}', {day}) AS DATE)"


def flow(
    relation: str, day: str, query: IndicatorQuery, grain: Grain | None, key: str, people: str
) -> tuple[str, list[Any]]:
    """Records of `relation` whose `day` falls in the query's period, by period and key."""
    start, end = _bounds(query)
    sql = (
        f"SELECT {key} k, {_bucket(day, grain)} p, count(*) v, {people} n FROM {relation} "
        f"WHERE {day} BETWEEN ? AND ? GROUP BY ALL"
    )
    return sql, [start, end]


_STEP = {Grain.DAY: "1 day", Grain.WEEK: "7 days", Grain.MONTH: "1 month", Grain.QUARTER: "3 months",
         Grain.YEAR: "1 year"}  # fmt: skip


def stock(
    relation: str,
    opened: str,
    closed: str,
    query: IndicatorQuery,
    grain: Grain | None,
    key: str,
    personal: bool,
) -> tuple[str, list[Any]]:
    """Records open at the end of each period (or of the query's period when `grain` is None): opened on or
    before that day and not yet closed (`closed` is the first day no longer open; a record closed before it
    opened never counts). Every period from the query's start has a row for each key met."""
    start, end = _bounds(query)
    people = "v" if personal else "NULL"
    closes = f"CASE WHEN {closed} IS NOT NULL THEN greatest({closed}, {opened}) END"  # greatest skips NULLs
    if grain is None:
        sql = (
            f"SELECT {key} k, {NO_PERIOD} p, count(*) v, {'count(*)' if personal else 'NULL'} n FROM {relation} "
            f"WHERE {opened} <= ? AND ({closed} IS NULL OR {closes} > ?) GROUP BY ALL"
        )
        return sql, [end, end]
    flows = (
        f"SELECT {key} k, greatest({_bucket('o', grain)}, {_first(grain)}) p, count(*) d "
        f"FROM (SELECT *, {opened} o FROM {relation}) WHERE o <= ? GROUP BY ALL "
        f"UNION ALL SELECT {key} k, greatest({_bucket('c', grain)}, {_first(grain)}) p, -count(*) d "
        f"FROM (SELECT *, {opened} o, {closes} c FROM {relation}) WHERE o <= ? AND c <= ? GROUP BY ALL"
    )
    return _running(flows, grain, people), [start, end, start, end, end, start, end]


def _first(grain: Grain) -> str:
    return f"CAST(date_trunc('{grain.value}', ?::DATE) AS DATE)"


def _running(flows: str, grain: Grain, people: str) -> str:
    """The running sum of `flows` (k, p, d) by key, at every period of `grain` from the start (`?`) to the
    end (`?`): a period without flows has the level of the one before."""
    return f"""
        WITH flows AS ({flows}),
        level AS (SELECT k, p, CAST(sum(sum(d)) OVER (PARTITION BY k ORDER BY p) AS BIGINT) v FROM flows GROUP BY k, p),
        grid AS (
            SELECT k, CAST(unnest(generate_series({_first(grain)}, ?::DATE, INTERVAL '{_STEP[grain]}')) AS DATE) p
            FROM (SELECT DISTINCT k FROM level)
        ),
        filled AS (SELECT g.k, g.p, l.v FROM grid g ASOF LEFT JOIN level l ON g.k = l.k AND g.p >= l.p)
        SELECT k, p, v, {people} n FROM filled WHERE v IS NOT NULL
    """


def cube_flow(cube: str, column: str, query: IndicatorQuery, grain: Grain | None, key: str) -> tuple[str, list[Any]]:
    """`flow` of `column` (vacancies or postings) from the flow cube: the same rows, from day totals."""
    start, end = _bounds(query)
    sql = (
        f"SELECT {key} k, {_bucket('day', grain)} p, CAST(sum({column}_opened) AS BIGINT) v, NULL n FROM {cube} "
        f"WHERE day BETWEEN ? AND ? GROUP BY ALL HAVING sum({column}_opened) > 0"
    )
    return sql, [start, end]


def cube_stock(cube: str, column: str, query: IndicatorQuery, grain: Grain | None, key: str) -> tuple[str, list[Any]]:
    """`stock` of `column` from the flow cube: opened minus closed by each period's end, the same rows."""
    start, end = _bounds(query)
    net = f"CAST(sum({column}_opened) - sum({column}_closed) AS BIGINT)"  # DuckDB sums are HUGEINT: slow to fetch
    if grain is None:
        sql = f"SELECT {key} k, {NO_PERIOD} p, {net} v, NULL n FROM {cube} WHERE day <= ? GROUP BY ALL HAVING {net} > 0"
        return sql, [end]
    flows = (
        f"SELECT {key} k, greatest({_bucket('day', grain)}, {_first(grain)}) p, {net} d FROM {cube} "
        f"WHERE day <= ? AND ({column}_opened > 0 OR {column}_closed > 0) GROUP BY ALL"
    )
    return _running(flows, grain, "NULL"), [start, end, start, end]


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_in(values: Sequence[str]) -> str:
    return ", ".join(_quoted(value) for value in values)


def posting_filter(query: IndicatorQuery, alias: str = "") -> str:
    """SQL condition of the query's dimension filters on postings (values are resolved ids): an ISCO code
    matches its whole group, a region id matches itself at any level (country, region, district)."""
    a = f"{alias}." if alias else ""
    parts = []
    for dimension, values in query.filters.items():
        if not values:
            continue
        if dimension is Dimension.OCCUPATION:
            codes = [f"starts_with({a}isco, {_quoted(v)})" for v in values if v.isdigit()]
            concepts = [v for v in values if not v.isdigit()]
            if concepts:
                codes.append(f"{a}esco IN ({_sql_in(concepts)})")
            parts.append("(" + " OR ".join(codes) + ")")
        elif dimension is Dimension.REGION:
            listed = _sql_in(values)
            parts.append(f"({a}country IN ({listed}) OR {a}region IN ({listed}) OR {a}district IN ({listed}))")
        else:
            column = {Dimension.SECTOR: "sector", Dimension.EMPLOYER_SIZE: "size", Dimension.SOURCE: "source"}
            parts.append(f"{a}{column[dimension]} IN ({_sql_in(values)})")
    return " AND ".join(parts) or _ALWAYS


def seeker_filter(query: IndicatorQuery) -> str:
    """SQL condition of the query's filters on jobseekers: occupation and region only."""
    unusable = [
        d.value for d in query.filters if d not in (Dimension.OCCUPATION, Dimension.REGION) and query.filters[d]
    ]
    if unusable:
        raise Invalid(
            f"jobseekers have no {', '.join(unusable)}: filter jobseeker measures by occupation and region only",
            field=unusable[0],
            suggestions=[Dimension.OCCUPATION.value, Dimension.REGION.value],
        )
    return posting_filter(query)


def group_key(by: Dimension | None, level: int | None, alias: str = "") -> str:
    """SQL of the member a record counts under when broken down `by` a dimension at `level`."""
    a = f"{alias}." if alias else ""
    if by is None:
        return "''"
    if by is Dimension.OCCUPATION:
        return f"{a}esco" if level == 0 else f"substr({a}isco, 1, {level or 4})"  # left() is by grapheme: slower
    if by is Dimension.REGION:
        return {0: f"{a}country", 2: f"{a}district"}.get(1 if level is None else level, f"{a}region")
    return {Dimension.SECTOR: f"{a}sector", Dimension.EMPLOYER_SIZE: f"{a}size", Dimension.SOURCE: f"{a}source"}[by]


def _postings_where(store: Relations, query: IndicatorQuery) -> str:
    return f"(SELECT * FROM {store.postings()} WHERE {posting_filter(query)})"


def _vacancies(store: Relations, query: IndicatorQuery, by: Dimension | None, level: int | None) -> str:
    """One row per duplicate cluster (first posted, open until its last posting closes, with its first posting's
    fields), from the refresh's vacancy files."""
    return f"(SELECT {group_key(by, level)} k, posted, closes FROM {store.vacancies()} WHERE {posting_filter(query)})"


def in_cube(query: IndicatorQuery, by: Dimension | None = None, level: int | None = None) -> bool:
    """Whether tables by ISCO unit group and first-level region (the flow cube, the skill counts) answer the
    query: filters and breakdown by ISCO code or region of level 0-1 only (no ESCO occupation, no district,
    no sector, size or source)."""
    for dimension, values in query.filters.items():
        if dimension is Dimension.OCCUPATION and not all(value.isdigit() for value in values):
            return False  # an ESCO occupation
        if dimension is Dimension.REGION and any(value.count("-") > 1 for value in values):
            return False  # a district
        if dimension not in (Dimension.OCCUPATION, Dimension.REGION) and values:
            return False
    if by is Dimension.OCCUPATION:
        return level != 0
    if by is Dimension.REGION:
        return level != 2
    return by is None


def _cube(store: Relations, q: IndicatorQuery, by: Dimension | None, level: int | None) -> str | None:
    """The flow cube with the query's filters applied, when it answers the query."""
    cube = store.flows()
    if cube is None or not in_cube(q, by, level):
        return None  # the cube has no ESCO occupation or district column: in_cube filters on neither
    return f"(SELECT *, '' esco, '' district FROM {cube} WHERE {posting_filter(q)})"


def _postings_new(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    if cube := _cube(store, q, by, level):
        return cube_flow(cube, "postings", q, grain, group_key(by, level))
    return flow(_postings_where(store, q), "posted", q, grain, group_key(by, level), "NULL")


def _vacancies_new(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    if cube := _cube(store, q, by, level):
        return cube_flow(cube, "vacancies", q, grain, group_key(by, level))
    return flow(_vacancies(store, q, by, level), "posted", q, grain, "k", "NULL")


def _postings_open(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    if cube := _cube(store, q, by, level):
        return cube_stock(cube, "postings", q, grain, group_key(by, level))
    return stock(_postings_where(store, q), "posted", "closes", q, grain, group_key(by, level), personal=False)


def _vacancies_open(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    if cube := _cube(store, q, by, level):
        return cube_stock(cube, "vacancies", q, grain, group_key(by, level))
    return stock(_vacancies(store, q, by, level), "posted", "closes", q, grain, "k", personal=False)


def _seekers_where(store: Relations, q: IndicatorQuery) -> str:
    return f"(SELECT * FROM {store.seekers()} WHERE {seeker_filter(q)})"


def _seekers_new(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    return flow(_seekers_where(store, q), "registered", q, grain, group_key(by, level), "count(*)")


def _seekers_active(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    return stock(_seekers_where(store, q), "registered", '"left"', q, grain, group_key(by, level), personal=True)


def _events_of(store: Relations, q: IndicatorQuery, kind: str, by: Dimension | None, level: int | None) -> str:
    """Events of `kind` on postings in the query, with the posting's key and day (joined at refresh)."""
    return (
        f"(SELECT seeker, day, posted, {group_key(by, level)} k FROM {store.events()} "
        f"WHERE kind = '{kind}' AND {posting_filter(q)})"
    )


def _applications(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    return flow(_events_of(store, q, "apply", by, level), "day", q, grain, "k", "count(DISTINCT seeker)")


def _placements(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    return flow(_events_of(store, q, "hire", by, level), "day", q, grain, "k", "count(DISTINCT seeker)")


def _time_to_fill(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    start, end = _bounds(q)
    sql = (
        f"SELECT k, {_bucket('day', grain)} p, median(day - posted) v, count(DISTINCT seeker) n "
        f"FROM {_events_of(store, q, 'hire', by, level)} WHERE day BETWEEN ? AND ? AND day >= posted GROUP BY ALL"
    )
    return sql, [start, end]


def _advertised_duration(
    store: Relations, q: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
) -> tuple[str, list[Any]]:
    start, end = _bounds(q)
    sql = (
        f"SELECT {group_key(by, level)} k, {_bucket('closes', grain)} p, median(closes - posted) v, NULL n "
        f"FROM {_postings_where(store, q)} WHERE closes BETWEEN ? AND ? AND closes > posted GROUP BY ALL"
    )
    return sql, [start, end]


MEASURES: dict[str, Builder] = {
    "postings_new": _postings_new,
    "vacancies_new": _vacancies_new,
    "postings_open": _postings_open,
    "vacancies_open": _vacancies_open,
    "seekers_new": _seekers_new,
    "seekers_active": _seekers_active,
    "applications": _applications,
    "placements": _placements,
    "time_to_fill": _time_to_fill,
    "advertised_duration": _advertised_duration,
}
