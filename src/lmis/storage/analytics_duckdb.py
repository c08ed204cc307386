"""Indicators computed by DuckDB over the Parquet snapshot (`storage.analytics_snapshot`).

Every statement reads the snapshot's files as they are at that moment (a refresh renames whole
files, so a query sees one consistent version of each). Stocks at the end of a period (open
vacancies, jobseekers on the register) are cumulative flows: everything opened by the end of the
period minus everything closed by then, so a time series is two GROUP BYs, not a range join.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from lmis.analytics.model import Dimension, Grain, IndicatorQuery, PayRow, Snapshot
from lmis.analytics.ports import GroupValue
from lmis.shared.errors import Invalid
from lmis.storage.analytics_measures import MEASURES, group_key, in_cube, posting_filter, seeker_filter
from lmis.storage.analytics_snapshot import read_manifest

MEMO_SIZE = 2_000  # answers kept per snapshot version: a dashboard's queries many times over


class DuckIndicatorStore:
    """`analytics.ports.IndicatorStore` over the snapshot in `folder` (one in-memory DuckDB per store).

    Answers are remembered until the next refresh (`remember`): everyone looking at a dashboard
    asks the same questions of the same snapshot. `cube=False` counts records where the flow cube
    would answer (the benchmark's baseline, and the tests' reference).
    """

    def __init__(self, folder: Path, *, cube: bool = True, remember: bool = True) -> None:
        self._folder = folder
        self._use_cube = cube
        self._remember = remember
        self._db = duckdb.connect(config={"threads": 2})
        self._lock = threading.Lock()
        self._memo: dict[str, Any] = {}
        self._version = -1

    # -- relations -------------------------------------------------------------------------------
    def _files(self, part: str) -> list[str]:
        return sorted(str(path) for path in (self._folder / part).glob("*.parquet"))

    def postings(self) -> str:
        files = self._files("postings")
        if not files:
            return (
                "(SELECT NULL::VARCHAR id, NULL::VARCHAR cluster, NULL::VARCHAR source, NULL::DATE posted, "
                "NULL::DATE closes, NULL::VARCHAR esco, NULL::VARCHAR isco, NULL::VARCHAR country, "
                "NULL::VARCHAR region, NULL::VARCHAR region_name, NULL::VARCHAR district, NULL::VARCHAR district_name,"
                " NULL::VARCHAR sector, NULL::VARCHAR size, NULL::DOUBLE pay, NULL::VARCHAR currency, "
                "NULL::VARCHAR[] skills, NULL::VARCHAR[] required WHERE FALSE)"
            )
        return f"read_parquet({json.dumps(files)})"

    def _file(self, name: str, empty: str) -> str:
        path = self._folder / name
        return f"read_parquet('{path}')" if path.exists() else f"(SELECT {empty} WHERE FALSE)"

    def _months(self, part: str, empty: str) -> str:
        files = self._files(part)
        return f"read_parquet({json.dumps(files)})" if files else f"(SELECT {empty} WHERE FALSE)"

    def flows(self) -> str | None:
        """The flow cube (None when this store counts records instead, or before the first postings)."""
        files = self._files("flows") if self._use_cube else []
        return f"read_parquet({json.dumps(files)})" if files else None

    def vacancies(self) -> str:
        """The vacancies relation (empty before the first refresh with postings)."""
        return self._months(
            "vacancies",
            "NULL::VARCHAR cluster, NULL::DATE posted, NULL::DATE closes, NULL::VARCHAR source, NULL::VARCHAR esco, "
            "NULL::VARCHAR isco, NULL::VARCHAR country, NULL::VARCHAR region, NULL::VARCHAR district, "
            "NULL::VARCHAR sector, NULL::VARCHAR size, NULL::VARCHAR[] skills, NULL::VARCHAR[] required, "
            "NULL::BIGINT postings, NULL::BOOLEAN digital, NULL::BOOLEAN green",
        )

    def seekers(self) -> str:
        return self._file(
            "seekers.parquet",
            'NULL::VARCHAR id, NULL::DATE registered, NULL::DATE "left", NULL::VARCHAR country, NULL::VARCHAR '
            "region, NULL::VARCHAR district, NULL::VARCHAR esco, NULL::VARCHAR isco, NULL::VARCHAR[] skills",
        )

    def events(self) -> str:
        """Behaviour events with their posting's day and dimensions."""
        return self._file(
            "events.parquet",
            "NULL::VARCHAR kind, NULL::VARCHAR seeker, NULL::VARCHAR posting, NULL::VARCHAR AS list, "
            "NULL::DATE AS day, "
            "NULL::DATE posted, NULL::VARCHAR source, NULL::VARCHAR esco, NULL::VARCHAR isco, NULL::VARCHAR country, "
            "NULL::VARCHAR region, NULL::VARCHAR district, NULL::VARCHAR sector, NULL::VARCHAR size",
        )

    def _rows(self, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows of `sql` (callers must not change the list: it may be a remembered answer)."""
        if not self._remember:
            return self._run(sql, parameters)
        found: list[tuple[Any, ...]] = self._cached(f"{sql}\x00{parameters!r}", lambda: self._run(sql, parameters))
        return found

    def _run(self, sql: str, parameters: list[Any] | None) -> list[tuple[Any, ...]]:
        with self._lock:
            cursor = self._db.cursor()
        try:
            return cursor.execute(sql, parameters or []).fetchall()
        finally:
            cursor.close()

    # -- snapshot and members ----------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        manifest = read_manifest(self._folder)
        at = manifest.get("refreshed_at")
        return Snapshot(
            datetime.fromisoformat(at) if at else None,
            int(manifest.get("postings", 0)),
            int(manifest.get("seekers", 0)),
            int(manifest.get("events", 0)),
        )

    def last_day(self) -> date | None:
        found: date | None = self._cached("last_day", self._last_day)
        return found

    def _last_day(self) -> date | None:
        (found,) = self._rows(
            f"SELECT greatest((SELECT max(posted) FROM {self.postings()}), "
            f"(SELECT max(registered) FROM {self.seekers()}))"
        )[0]
        return found if isinstance(found, date) else None

    def _cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per snapshot version (the manifest's refresh time), for up to MEMO_SIZE keys."""
        manifest = self._folder / "manifest.json"
        version = manifest.stat().st_mtime_ns if manifest.exists() else 0
        with self._lock:
            if self._version != version or len(self._memo) >= MEMO_SIZE:
                self._memo, self._version = {}, version
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
        return value

    def members(self, dimension: Dimension) -> Mapping[str, str]:
        found: Mapping[str, str] = self._cached(f"members:{dimension.value}", lambda: self._members(dimension))
        return found

    def _members(self, dimension: Dimension) -> dict[str, str]:
        p = self.postings()
        if dimension is Dimension.OCCUPATION:
            sql = f"SELECT key, label FROM {self._file('occupations.parquet', 'NULL key, NULL label')}"
        elif dimension is Dimension.REGION:
            sql = (
                f"SELECT DISTINCT region, region_name FROM {p} WHERE region <> '' UNION "
                f"SELECT DISTINCT district, district_name FROM {p} WHERE district <> '' UNION "
                f"SELECT DISTINCT country, country FROM {p} WHERE country <> '' UNION "
                f"SELECT DISTINCT v, v FROM (SELECT unnest([country, region, district]) v FROM {self.seekers()}) "
                "WHERE v <> ''"
            )
        else:
            column = {Dimension.SECTOR: "sector", Dimension.EMPLOYER_SIZE: "size", Dimension.SOURCE: "source"}
            sql = f"SELECT DISTINCT {column[dimension]}, {column[dimension]} FROM {p} WHERE {column[dimension]} <> ''"
        found: dict[str, str] = {}
        for key, label in self._rows(sql):
            if key and (key not in found or found[key] == key):
                found[key] = label or key
        return found

    # -- measures ------------------------------------------------------------------------------------
    def table(
        self, measure: str, query: IndicatorQuery, grain: Grain | None, by: Dimension | None, level: int | None
    ) -> list[GroupValue]:
        builder = MEASURES.get(measure)
        if builder is None:
            raise Invalid(f"no base measure {measure!r}", field="measure", suggestions=sorted(MEASURES))
        sql, parameters = builder(self, query, grain, by, level)
        return [
            (key or "", period, _number(value), people) for key, period, value, people in self._rows(sql, parameters)
        ]

    def pay(self, query: IndicatorQuery, by: Dimension, level: int | None, minimum: int) -> list[PayRow]:
        start, end = _bounds(query)
        sql = (
            f"SELECT {group_key(by, level)} k, currency, count(*) n, "
            "quantile_cont(pay, [0.1, 0.25, 0.5, 0.75, 0.9]) q "
            f"FROM {self.postings()} WHERE {posting_filter(query)} AND pay IS NOT NULL AND currency <> '' "
            "AND posted BETWEEN ? AND ? GROUP BY ALL HAVING count(*) >= ? ORDER BY n DESC"
        )
        found = self._rows(sql, [start, end, minimum])
        return [PayRow(key or "", key or "", currency, n, *q) for key, currency, n, q in found]

    def skill_counts(
        self, query: IndicatorQuery, windows: Sequence[tuple[date, date]]
    ) -> list[tuple[int, dict[str, tuple[int, int]]]]:
        """For each window (by month of first posting: from the month holding its start to its end), the
        vacancies of the query's filters and, per skill, (vacancies asking it, requiring it); one pass."""
        spans = [(first.replace(day=1), last) for first, last in windows]
        low, high = min(f for f, _ in spans), max(last for _, last in spans)
        inside = [f"BETWEEN DATE '{f.isoformat()}' AND DATE '{last.isoformat()}'" for f, last in spans]
        where = f"posted BETWEEN ? AND ? AND {posting_filter(query)}"
        cube = self.flows()
        if cube is not None and in_cube(query):  # vacancies opened by day, from the flow cube
            totals = self._rows(
                "SELECT " + ", ".join(f"CAST(coalesce(sum(vacancies_opened) FILTER (WHERE day {w}), 0) AS BIGINT)"
                                     for w in inside)
                + f" FROM (SELECT *, '' esco, '' district FROM {cube}) WHERE day BETWEEN ? AND ? "
                f"AND {posting_filter(query)}", [low, high],
            )[0]  # fmt: skip
        else:
            totals = self._rows(
                "SELECT " + ", ".join(f"count(*) FILTER (WHERE posted {w})" for w in inside)
                + f" FROM {self.vacancies()} WHERE {where}", [low, high],
            )[0]  # fmt: skip
        if self._use_cube and in_cube(query):  # the monthly tables answer: thousands of rows, not millions
            sums = ", ".join(f"CAST(sum(vacancies) FILTER (WHERE month {w}) AS BIGINT), "
                             f"CAST(sum(required) FILTER (WHERE month {w}) AS BIGINT)" for w in inside)  # fmt: skip
            table = self._national_skills() if not any(query.filters.values()) else self._vacancy_skills()
            sql = (  # the tables have no ESCO occupation or district column: in_cube filters on neither
                f"SELECT skill, {sums} FROM (SELECT *, '' esco, '' district FROM {table}) "
                f"WHERE month BETWEEN ? AND ? AND {posting_filter(query)} GROUP BY skill"
            )
        else:
            sums = ", ".join(f"count(*) FILTER (WHERE posted {w}), count(*) FILTER (WHERE posted {w} AND "
                             "list_contains(required, s))" for w in inside)  # fmt: skip
            sql = f"SELECT s, {sums} FROM (SELECT unnest(skills) s, required, posted FROM {self.vacancies()} " \
                f"WHERE {where}) GROUP BY s"  # fmt: skip
        found = self._rows(sql, [low, high])
        return [  # the sums are BIGINT (Python ints) or NULL where a window has none
            (int(totals[n]), {row[0]: (row[1 + 2 * n], row[2 + 2 * n] or 0) for row in found if row[1 + 2 * n]})
            for n in range(len(spans))
        ]  # fmt: skip

    def _national_skills(self) -> str:
        return self._months("national_skills", "NULL::DATE AS month, NULL::VARCHAR skill, 0 vacancies, 0 required")

    def _vacancy_skills(self) -> str:
        return self._months(
            "vacancy_skills",
            "NULL::DATE AS month, NULL::VARCHAR isco, NULL::VARCHAR country, NULL::VARCHAR region, "
            "NULL::VARCHAR skill, 0 vacancies, 0 required",
        )

    def seeker_skill_counts(self, query: IndicatorQuery) -> tuple[int, dict[str, int]]:
        _, end = _bounds(query)
        active = (
            f"(SELECT skills FROM {self.seekers()} WHERE {seeker_filter(query)} "
            'AND registered <= ? AND ("left" IS NULL OR "left" > ?))'
        )
        (total,) = self._rows(f"SELECT count(*) FROM {active}", [end, end])[0]
        rows = self._rows(f"SELECT s, count(*) FROM (SELECT unnest(skills) s FROM {active}) GROUP BY s", [end, end])
        return int(total), {skill: int(n) for skill, n in rows}

    def collection_shares(self, query: IndicatorQuery) -> tuple[float, float]:
        first, last = _months(query)
        sql = (
            f"SELECT count(*), count(*) FILTER (WHERE digital), count(*) FILTER (WHERE green) FROM {self.vacancies()} "
            f"WHERE posted BETWEEN ? AND ? AND {posting_filter(query)}"
        )
        total, digital, green = self._rows(sql, [first, last])[0]
        return (digital / total, green / total) if total else (0.0, 0.0)

    def skill_names(self, skill_ids: list[str]) -> dict[str, tuple[str, bool, bool]]:
        if not skill_ids:
            return {}
        skills = self._file("skills.parquet", "NULL::VARCHAR key, NULL label, NULL digital, NULL green")
        rows = self._rows(f"SELECT key, label, digital, green FROM {skills} WHERE list_contains(?, key)", [skill_ids])
        return {key: (label, bool(digital), bool(green)) for key, label, digital, green in rows}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _bounds(query: IndicatorQuery) -> tuple[date, date]:
    return query.start, query.end


def _months(query: IndicatorQuery) -> tuple[date, date]:
    """The first day of the start's month and the end: skills are counted by month of posting."""
    return query.start.replace(day=1), query.end
