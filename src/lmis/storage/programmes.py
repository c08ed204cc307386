"""The programme repository in SQL: programmes, their participants' episodes and the episode quarantine."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lmis.analytics.programme_model import Episode, Programme, ProgrammeKind
from lmis.analytics.programme_ports import Participation, QuarantinedEpisode
from lmis.storage import analytics_tables as t
from lmis.storage.analytics_quarantine import put_in_quarantine
from lmis.storage.engine import upsert
from lmis.storage.time import aware, aware_or_none

_p, _e, _q = t.programme.c, t.programme_episode.c, t.analytics_quarantine.c
_IN_CHUNK = 500  # bound parameters per IN list
KIND = "episode"  # the quarantine's kind for episode records


class SqlProgrammeRepository:
    """The programme repository on one open connection (the unit of work owns the transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def programmes(self) -> list[Programme]:
        return [_programme(row) for row in self._db.execute(sa.select(t.programme).order_by(_p.id))]

    def programme(self, programme_id: str) -> Programme | None:
        row = self._db.execute(sa.select(t.programme).where(_p.id == programme_id)).first()
        return _programme(row) if row else None

    def save_programmes(self, programmes: list[Programme]) -> None:
        if not programmes:
            return
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind.value,
                "description": p.description,
                "source": p.source,
                "created_at": p.created_at,
            }
            for p in programmes
        ]
        insert = upsert(self._db, t.programme)
        changes = {name: insert.excluded[name] for name in ("name", "kind", "description", "source")}
        self._db.execute(insert.on_conflict_do_update(index_elements=[_p.id], set_=changes), rows)

    def episodes_of(self, source: str, external_ids: Collection[str]) -> dict[str, Episode]:
        found: dict[str, Episode] = {}
        ids = sorted(set(external_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            query = sa.select(*_COLUMNS).where(_e.source == source, _e.external_id.in_(ids[start : start + _IN_CHUNK]))
            found.update({row.external_id: _episode(row) for row in self._db.execute(query)})
        return found

    def save_episodes(self, episodes: list[Episode]) -> None:
        if not episodes:
            return
        rows = [_episode_row(e) for e in episodes]
        insert = upsert(self._db, t.programme_episode)
        changes = {name: insert.excluded[name] for name in rows[0] if name != "id"}
        self._db.execute(insert.on_conflict_do_update(index_elements=[_e.id], set_=changes), rows)

    def participation(self) -> list[Participation]:
        observed = sa.func.count(_e.employed_12m)  # counts the non-null values
        query = (
            sa.select(
                _e.programme_id, sa.func.count(), observed, sa.func.min(_e.started_on), sa.func.max(_e.started_on)
            )
            .where(_e.programme_id.is_not(None))
            .group_by(_e.programme_id)
            .order_by(_e.programme_id)
        )
        return [Participation(row[0], int(row[1]), int(row[2]), row[3], row[4]) for row in self._db.execute(query)]

    def comparison_pool_size(self) -> int:
        query = sa.select(sa.func.count()).select_from(t.programme_episode).where(_e.programme_id.is_(None))
        return int(self._db.execute(query).scalar_one())

    def evaluation_episodes(self, programme_id: str) -> list[Episode]:
        query = (
            sa.select(*_COLUMNS)
            .where(sa.or_(_e.programme_id == programme_id, _e.programme_id.is_(None)))
            .order_by(_e.id)
        )
        return [_episode(row) for row in self._db.execute(query)]

    def quarantine(self, records: list[QuarantinedEpisode]) -> None:
        put_in_quarantine(self._db, KIND, records)

    def open_quarantine(self, source: str | None, limit: int | None) -> list[QuarantinedEpisode]:
        query = sa.select(t.analytics_quarantine).where(_q.kind == KIND, _q.resolved_at.is_(None))
        if source is not None:
            query = query.where(_q.source == source)
        query = query.order_by(_q.created_at.desc(), _q.id)
        if limit is not None:
            query = query.limit(limit)
        return [_quarantined(row) for row in self._db.execute(query)]

    def resolve_quarantined(self, ids: Collection[str], at: datetime) -> int:
        chosen, resolved = sorted(set(ids)), 0
        for start in range(0, len(chosen), _IN_CHUNK):
            result = self._db.execute(
                t.analytics_quarantine.update()
                .where(_q.id.in_(chosen[start : start + _IN_CHUNK]), _q.kind == KIND, _q.resolved_at.is_(None))
                .values(resolved_at=at)
            )
            resolved += result.rowcount
        return resolved


def _programme(row: Any) -> Programme:
    return Programme(
        id=row.id,
        name=row.name,
        kind=ProgrammeKind(row.kind),
        description=row.description,
        source=row.source,
        created_at=aware(row.created_at),
    )


_EPISODE_FIELDS = (
    "id",
    "source",
    "external_id",
    "person_key",
    "programme_id",
    "registered_on",
    "started_on",
    "ended_on",
    "region",
    "age",
    "sex",
    "education_isced",
    "months_unemployed",
    "earnings_before",
    "earnings_after",
    "employed_3m",
    "employed_6m",
    "employed_12m",
    "days_to_job",
    "synthetic",
)


_COLUMNS = [t.programme_episode.c[name] for name in (*_EPISODE_FIELDS, "imported_at")]


def _episode_row(episode: Episode) -> dict[str, Any]:
    return {**{name: getattr(episode, name) for name in _EPISODE_FIELDS}, "imported_at": episode.imported_at}


def _episode(row: Any) -> Episode:
    """An episode from a row of `_COLUMNS` (positional: a hundred thousand rows are read per evaluation)."""
    values = list(row)
    values[-1] = aware(values[-1])  # imported_at
    return Episode(*values)


def _quarantined(row: Any) -> QuarantinedEpisode:
    return QuarantinedEpisode(
        id=row.id,
        import_id=row.import_id,
        source=row.source,
        position=row.position,
        payload=row.payload,
        problems=list(row.problems),
        created_at=aware(row.created_at),
        resolved_at=aware_or_none(row.resolved_at),
    )
