"""SQL adapter of the ingestion repository: runs, raw records, quarantine and fetch validators."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lmis.ingest.model import IngestRun, Problem, QuarantineEntry, RawRecord, RunCounts, RunStatus
from lmis.storage import tables as t
from lmis.storage.time import aware, aware_or_none

_r, _q, _raw = t.ingest_run.c, t.quarantine.c, t.raw_record.c


class SqlIngestRepository:
    """The ingestion repository on one open connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def save_run(self, run: IngestRun) -> None:
        """See `IngestRepository.save_run`."""
        values = {
            "source": run.source,
            "format": run.format,
            "format_options": dict(run.format_options),
            "location": run.location,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "status": run.status.value,
            "counts": run.counts.as_dict(),
            "replay_of": run.replay_of,
            "error": run.error,
        }
        updated = self._db.execute(t.ingest_run.update().where(_r.id == run.id).values(values))
        if updated.rowcount == 0:
            self._db.execute(t.ingest_run.insert().values(id=run.id, **values))

    def run(self, run_id: str) -> IngestRun | None:
        """See `IngestRepository.run`."""
        row = self._db.execute(sa.select(t.ingest_run).where(_r.id == run_id)).first()
        return _run(row) if row else None

    def runs(self, limit: int) -> list[IngestRun]:
        """See `IngestRepository.runs`."""
        query = sa.select(t.ingest_run).order_by(_r.started_at.desc(), _r.id).limit(limit)
        return [_run(row) for row in self._db.execute(query)]

    def add_raw(self, records: list[RawRecord]) -> None:
        """See `IngestRepository.add_raw`."""
        if records:
            self._db.execute(
                t.raw_record.insert(),
                [
                    {
                        "id": r.id,
                        "run_id": r.run_id,
                        "source": r.source,
                        "position": r.position,
                        "ordinal": r.ordinal,
                        "payload": r.payload,
                        "received_at": r.received_at,
                        "decode_error": r.decode_error,
                    }
                    for r in records
                ],
            )

    def raw_of_run(self, run_id: str) -> Iterator[RawRecord]:
        """See `IngestRepository.raw_of_run`."""
        query = (
            sa.select(t.raw_record)
            .where(_raw.run_id == run_id)
            .order_by(_raw.ordinal)
            .execution_options(stream_results=True, yield_per=1_000)
        )
        for row in self._db.execute(query):
            yield _raw_record(row)

    def add_quarantine(self, entries: list[QuarantineEntry]) -> None:
        """See `IngestRepository.add_quarantine`."""
        if entries:
            self._db.execute(
                t.quarantine.insert(),
                [
                    {
                        "id": e.id,
                        "raw_id": e.raw_id,
                        "run_id": e.run_id,
                        "source": e.source,
                        "position": e.position,
                        "problems": [{"field": p.field, "value": p.value, "rule": p.rule} for p in e.problems],
                        "created_at": e.created_at,
                        "resolved_by": e.resolved_by,
                    }
                    for e in entries
                ],
            )

    def quarantined(
        self, *, source: str | None, include_resolved: bool, offset: int, limit: int, run_id: str | None = None
    ) -> tuple[list[QuarantineEntry], int]:
        """See `IngestRepository.quarantined`."""
        conditions = _quarantine_conditions(source, include_resolved)
        if run_id:
            conditions.append(_q.run_id == run_id)
        total = self._db.execute(sa.select(sa.func.count()).select_from(t.quarantine).where(*conditions)).scalar_one()
        query = (
            sa.select(t.quarantine).where(*conditions).order_by(_q.created_at.desc(), _q.id).offset(offset).limit(limit)
        )
        return [_entry(row) for row in self._db.execute(query)], int(total)

    def open_quarantine(self, source: str | None) -> list[tuple[QuarantineEntry, RawRecord]]:
        """See `IngestRepository.open_quarantine`."""
        query = (
            sa.select(t.quarantine, *(c.label(f"r_{c.name}") for c in t.raw_record.c))
            .join(t.raw_record, _raw.id == _q.raw_id)
            .where(*_quarantine_conditions(source, include_resolved=False))
            .order_by(_q.created_at, _q.id)
        )
        return [(_entry(row), _raw_record(row, prefix="r_")) for row in self._db.execute(query)]

    def resolve(self, entry_ids: Collection[str], run_id: str) -> None:
        """See `IngestRepository.resolve`."""
        self._db.execute(t.quarantine.update().where(_q.id.in_(list(entry_ids))).values(resolved_by=run_id))

    def fetch_state(self, source: str) -> tuple[str, str, datetime | None]:
        """See `IngestRepository.fetch_state`."""
        row = self._db.execute(sa.select(t.fetch_state).where(t.fetch_state.c.source == source)).first()
        return (row.etag, row.last_modified, aware_or_none(row.fetched_at)) if row else ("", "", None)

    def save_fetch_state(self, source: str, etag: str, last_modified: str, fetched_at: datetime) -> None:
        """See `IngestRepository.save_fetch_state`."""
        values = {"etag": etag, "last_modified": last_modified, "fetched_at": fetched_at}
        updated = self._db.execute(t.fetch_state.update().where(t.fetch_state.c.source == source).values(values))
        if updated.rowcount == 0:
            self._db.execute(t.fetch_state.insert().values(source=source, **values))


def _quarantine_conditions(source: str | None, include_resolved: bool) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if source:
        conditions.append(_q.source == source)
    if not include_resolved:
        conditions.append(_q.resolved_by.is_(None))
    return conditions


def _run(row: Any) -> IngestRun:
    return IngestRun(
        row.id,
        row.source,
        row.format,
        row.location,
        aware(row.started_at),
        dict(row.format_options or {}),
        RunStatus(row.status),
        aware_or_none(row.finished_at),
        RunCounts(**row.counts),
        row.replay_of,
        row.error,
    )


def _raw_record(row: Any, prefix: str = "") -> RawRecord:
    def value(name: str) -> Any:
        return getattr(row, prefix + name)

    return RawRecord(
        value("id"),
        value("run_id"),
        value("source"),
        value("position"),
        value("payload"),
        aware(value("received_at")),
        value("decode_error"),
        value("ordinal"),
    )


def _entry(row: Any) -> QuarantineEntry:
    problems = tuple(Problem(p["field"], p["value"], p["rule"]) for p in row.problems)
    return QuarantineEntry(
        row.id, row.raw_id, row.run_id, row.source, row.position, problems, aware(row.created_at), row.resolved_by
    )
