"""Today's operations read live from the operational database: the real-time page does not wait for a refresh."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from lmis.analytics.model import Operations, SourceHealth
from lmis.storage import identity_tables as it
from lmis.storage import recommend_tables as rt
from lmis.storage import tables as t
from lmis.storage.time import aware_or_none


class SqlOperationsReader:
    """`analytics.ports.OperationsReader` over the database."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def operations(self, day: date) -> Operations:
        start = datetime.combine(day, time(), tzinfo=UTC)
        end = start + timedelta(days=1)
        p, e = t.posting.c, rt.behaviour_event.c
        with self._engine.connect() as connection:
            scalar = connection.execute
            postings_in = scalar(
                sa.select(sa.func.count()).where(p.change_kind == "created", p.changed_at >= start, p.changed_at < end)
            ).scalar_one()
            postings_out = scalar(
                sa.select(sa.func.count()).where(p.status != "published", p.changed_at >= start, p.changed_at < end)
            ).scalar_one()
            live = scalar(sa.select(sa.func.count()).where(p.status == "published")).scalar_one()
            registrations = scalar(
                sa.select(sa.func.count()).where(it.seeker.c.created_at >= start, it.seeker.c.created_at < end)
            ).scalar_one()
            kinds: dict[str, int] = dict(
                scalar(sa.select(e.kind, sa.func.count()).where(e.at >= start, e.at < end).group_by(e.kind)).all()
            )
            sources = _sources(connection, start, end)
        return Operations(
            day, postings_in, postings_out, live, registrations, kinds.get("apply", 0), kinds.get("hire", 0),
            kinds.get("impression", 0), kinds.get("click", 0), sources,
        )  # fmt: skip


def _sources(connection: sa.Connection, start: datetime, end: datetime) -> tuple[SourceHealth, ...]:
    """Each partner's runs today, and its latest run whenever it was."""
    r = t.ingest_run.c
    today = connection.execute(
        sa.select(r.source, r.counts, r.started_at, r.status).where(r.started_at >= start, r.started_at < end)
    ).all()
    latest = sa.select(r.source, sa.func.max(r.started_at).label("at")).group_by(r.source).subquery()
    last_runs = connection.execute(
        sa.select(r.source, r.started_at, r.status).join(
            latest, sa.and_(latest.c.source == r.source, latest.c.at == r.started_at)
        )
    ).all()
    totals: dict[str, list[int]] = {}
    for row in today:
        counts = _counts(row.counts)
        found = totals.setdefault(row.source, [0, 0, 0, 0])
        found[0] += 1
        found[1] += int(counts.get("new", 0))
        found[2] += int(counts.get("updated", 0))
        found[3] += int(counts.get("quarantined", 0))
    health = []
    for last in sorted(last_runs, key=lambda found: str(found.source)):
        runs, new, updated, quarantined = totals.get(last.source, [0, 0, 0, 0])
        health.append(
            SourceHealth(last.source, runs, new, updated, quarantined, aware_or_none(last.started_at), last.status)
        )
    return tuple(health)


def _counts(value: Any) -> dict[str, Any]:
    found = json.loads(value) if isinstance(value, str) else value
    return found if isinstance(found, dict) else {}
