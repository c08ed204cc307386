"""The external-series repository in SQL: series descriptions, observations (bulk upserts) and their quarantine.

Observations arrive by the hundred thousand (the Indeed folder holds ~830,000), so they are
written in bulk: SQLite takes one prepared statement through the driver's `executemany`;
PostgreSQL a `COPY`, straight into the table for new series, else into a temporary table merged
with one `INSERT ... SELECT ... ON CONFLICT`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from itertools import repeat
from typing import Any

import sqlalchemy as sa

from lmis.analytics.series_model import ExternalSeries, Flag, Frequency, Observation, SeriesInfo
from lmis.analytics.series_ports import ObservationColumns, QuarantinedRow, SeriesFilter, SeriesSummary, StoredValue
from lmis.storage import analytics_tables as t
from lmis.storage.analytics_quarantine import put_in_quarantine
from lmis.storage.engine import upsert
from lmis.storage.time import aware, aware_or_none

_s, _o, _q = t.external_series.c, t.external_observation.c, t.analytics_quarantine.c
_IN_CHUNK = 500  # ids per IN list
_KIND = "series"
_SQLITE_INSERT = "INSERT INTO external_observation (series_id, period, value, flag) VALUES (?, ?, ?, ?)"
_SQLITE_UPSERT = (
    f"{_SQLITE_INSERT} ON CONFLICT (series_id, period) DO UPDATE SET value = excluded.value, flag = excluded.flag"
)
_PG_STAGE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS external_observation_in "
    "(series_id varchar(16), period date, value double precision, flag varchar(16)) ON COMMIT DELETE ROWS"
)
_PG_MERGE = (
    "INSERT INTO external_observation (series_id, period, value, flag) "
    "SELECT series_id, period, value, flag FROM external_observation_in "
    "ON CONFLICT (series_id, period) DO UPDATE SET value = excluded.value, flag = excluded.flag"
)
_CHOICES = {"measure": _s.measure, "source": _s.source, "frequency": _s.frequency}


class SqlSeriesRepository:
    """The external-series repository on one open connection (the unit of work owns the transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def stored(self, ids: Collection[str]) -> dict[str, ExternalSeries]:
        found: dict[str, ExternalSeries] = {}
        for chunk in _chunks(ids):
            rows = self._db.execute(sa.select(t.external_series).where(_s.id.in_(chunk)))
            found.update({row.id: _series(row) for row in rows})
        return found

    def save_series(self, series: list[ExternalSeries]) -> None:
        if not series:
            return
        rows = [_series_row(s) for s in series]
        insert = upsert(self._db, t.external_series)
        changes = {name: insert.excluded[name] for name in rows[0] if name != "id"}
        self._db.execute(insert.on_conflict_do_update(index_elements=[_s.id], set_=changes), rows)

    def values(self, ids: Collection[str]) -> dict[str, dict[date, StoredValue]]:
        found: dict[str, dict[date, StoredValue]] = {}
        flags = {flag.value: flag for flag in Flag}
        for chunk in _chunks(ids):
            query = sa.select(_o.series_id, _raw_period(), _o.value, _o.flag).where(_o.series_id.in_(chunk))
            for series_id, period, value, flag in self._db.execute(query):
                found.setdefault(series_id, {})[_day(period)] = (value, flags[flag])
        return found

    def add_observations(self, columns: list[ObservationColumns]) -> None:
        self._write(columns, upsert=False)

    def save_observations(self, columns: list[ObservationColumns]) -> None:
        self._write(columns, upsert=True)

    def _write(self, columns: list[ObservationColumns], *, upsert: bool) -> None:
        if not any(periods for _id, periods, _values, _flags in columns):
            return
        if self._db.dialect.name == "postgresql":
            self._copy_observations(columns, upsert=upsert)
            return
        # The driver's own executemany: SQLAlchemy's per-row type processing would double the time.
        # Dates go as the ISO text SQLAlchemy stores on SQLite (each distinct date formatted once);
        # a Flag is a str already.
        iso: dict[date, str] = {}
        rows: list[tuple[str, str, float | None, str]] = []
        for series_id, periods, values, flags in columns:
            iso.update((day, day.isoformat()) for day in set(periods).difference(iso))
            rows.extend(zip(repeat(series_id), map(iso.__getitem__, periods), values, flags, strict=False))
        self._db.exec_driver_sql(_SQLITE_UPSERT if upsert else _SQLITE_INSERT, rows)  # tuples: executemany

    def _copy_observations(self, columns: list[ObservationColumns], *, upsert: bool) -> None:
        """COPY straight into the table (new series), or into a staging table merged with ON CONFLICT."""
        driver: Any = self._db.connection.driver_connection
        target = "external_observation_in" if upsert else "external_observation"
        with driver.cursor() as cursor:
            if upsert:
                cursor.execute(_PG_STAGE)
                cursor.execute("TRUNCATE external_observation_in")
            with cursor.copy(f"COPY {target} (series_id, period, value, flag) FROM STDIN") as copy:
                for series_id, periods, values, flags in columns:
                    for period, value, flag in zip(periods, values, flags, strict=True):
                        copy.write_row((series_id, period, value, flag.value))
            if upsert:
                cursor.execute(_PG_MERGE)

    def quarantine(self, rows: list[QuarantinedRow]) -> None:
        put_in_quarantine(self._db, _KIND, rows)

    def resolve_quarantined(self, source: str, locations: Collection[str], at: datetime) -> int:
        if not locations:
            return 0
        files = sa.or_(*(_q.position.like(f"{_escaped(name)}:%", escape="\\") for name in sorted(locations)))
        result = self._db.execute(
            t.analytics_quarantine.update()
            .where(_q.kind == _KIND, _q.source == source, _q.resolved_at.is_(None), files)
            .values(resolved_at=at)
        )
        return int(result.rowcount)

    def quarantined(self, source: str | None, limit: int) -> list[QuarantinedRow]:
        query = sa.select(t.analytics_quarantine).where(_q.kind == _KIND, _q.resolved_at.is_(None))
        if source is not None:
            query = query.where(_q.source == source)
        rows = self._db.execute(query.order_by(_q.created_at.desc(), _q.position, _q.id).limit(limit))
        return [_quarantined(row) for row in rows]

    def find(self, where: SeriesFilter, offset: int, limit: int) -> tuple[list[SeriesSummary], int]:
        conditions = _conditions(where)
        total = self._db.execute(
            sa.select(sa.func.count()).select_from(t.external_series).where(*conditions)
        ).scalar_one()
        query = sa.select(t.external_series).where(*conditions).order_by(_s.source, _s.code).limit(limit).offset(offset)
        series = [_series(row) for row in self._db.execute(query)]
        spans = self._spans([s.id for s in series])
        return [SeriesSummary(s, *spans.get(s.id, (0, None, None))) for s in series], int(total)

    def _spans(self, ids: list[str]) -> dict[str, tuple[int, date | None, date | None]]:
        found: dict[str, tuple[int, date | None, date | None]] = {}
        for chunk in _chunks(ids):
            query = (
                sa.select(_o.series_id, sa.func.count(), sa.func.min(_o.period), sa.func.max(_o.period))
                .where(_o.series_id.in_(chunk))
                .group_by(_o.series_id)
            )
            found.update({row[0]: (int(row[1]), row[2], row[3]) for row in self._db.execute(query)})
        return found

    def observations(self, ids: Collection[str], start: date | None, end: date | None) -> dict[str, list[Observation]]:
        found: dict[str, list[Observation]] = {}
        flags = {flag.value: flag for flag in Flag}
        for chunk in _chunks(ids):
            query = sa.select(_o.series_id, _raw_period(), _o.value, _o.flag).where(_o.series_id.in_(chunk))
            if start is not None:
                query = query.where(_o.period >= start)
            if end is not None:
                query = query.where(_o.period <= end)
            for series_id, period, value, flag in self._db.execute(query.order_by(_o.series_id, _o.period)):
                found.setdefault(series_id, []).append(Observation(_day(period), value, flags[flag]))
        return found

    def choices(self, column: str) -> list[str]:
        selected = _CHOICES[column]
        return list(self._db.execute(sa.select(selected).distinct().order_by(selected)).scalars())

    def countries(self) -> list[str]:
        country = _s.dimensions["country"].as_string()
        query = sa.select(country).where(country.is_not(None)).distinct()
        return sorted(str(value) for value in self._db.execute(query).scalars())

    def described(
        self, measures: Collection[str], *, country: str | None, occupations: Collection[str] | None
    ) -> list[ExternalSeries]:
        occupation = _s.dimensions["occupation"].as_string()
        query = sa.select(t.external_series).where(_s.measure.in_(sorted(set(measures))))
        if country is not None:
            query = query.where(_s.dimensions["country"].as_string() == country)
        if occupations is None:
            query = query.where(sa.or_(occupation.is_(None), occupation == "SOC:00-0000"))
        else:
            query = query.where(occupation.in_(sorted(set(occupations))))
        return [_series(row) for row in self._db.execute(query.order_by(_s.source, _s.code))]


def _raw_period() -> sa.ColumnElement[Any]:
    """The period without SQLAlchemy's per-row date parsing (ISO text on SQLite, a date on PostgreSQL)."""
    return sa.type_coerce(_o.period, sa.Text)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _chunks(ids: Collection[str]) -> list[list[str]]:
    ordered = sorted(set(ids))
    return [ordered[start : start + _IN_CHUNK] for start in range(0, len(ordered), _IN_CHUNK)]


def _conditions(where: SeriesFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    for column, value in ((_s.measure, where.measure), (_s.source, where.source), (_s.frequency, where.frequency)):
        if value is not None:
            conditions.append(column == value)
    pairs = list(where.dimensions) + ([("country", where.country)] if where.country is not None else [])
    for name, value in pairs:
        conditions.append(_s.dimensions[name].as_string() == value)
    for word in (where.text or "").split():
        pattern = f"%{_escaped(word)}%"
        conditions.append(
            sa.or_(sa.func.lower(_s.name).like(pattern, escape="\\"), sa.func.lower(_s.code).like(pattern, escape="\\"))
        )
    if where.ids:
        conditions.append(_s.id.in_(sorted(set(where.ids))))
    return conditions


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _series_row(series: ExternalSeries) -> dict[str, Any]:
    info = series.info
    return {
        "id": series.id,
        "source": info.source,
        "code": info.code,
        "name": info.name,
        "measure": info.measure,
        "unit": info.unit,
        "frequency": info.frequency.value,
        "dimensions": dict(info.dimensions),
        "publisher": info.publisher,
        "licence": info.licence,
        "attribution": info.attribution,
        "location": info.location,
        "notes": info.notes,
        "imported_at": series.imported_at,
    }


def _series(row: Any) -> ExternalSeries:
    info = SeriesInfo(
        source=row.source,
        code=row.code,
        name=row.name,
        measure=row.measure,
        unit=row.unit,
        frequency=Frequency(row.frequency),
        dimensions=dict(row.dimensions),
        publisher=row.publisher,
        licence=row.licence,
        attribution=row.attribution,
        location=row.location,
        notes=row.notes,
    )
    return ExternalSeries(row.id, info, aware(row.imported_at))


def _quarantined(row: Any) -> QuarantinedRow:
    return QuarantinedRow(
        id=row.id,
        import_id=row.import_id,
        source=row.source,
        position=row.position,
        payload=row.payload,
        problems=list(row.problems),
        created_at=aware(row.created_at),
        resolved_at=aware_or_none(row.resolved_at),
    )
