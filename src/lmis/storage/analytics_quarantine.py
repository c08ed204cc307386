"""Writing rejected records to the analytics quarantine, for the series and the programme repositories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa

from lmis.storage import analytics_tables as t
from lmis.storage.engine import upsert


class Rejected(Protocol):
    """A rejected record as the quarantine keeps it (`QuarantinedRow`, `QuarantinedEpisode`)."""

    @property
    def id(self) -> str: ...
    @property
    def import_id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def position(self) -> str: ...
    @property
    def payload(self) -> str: ...
    @property
    def problems(self) -> list[dict[str, object]]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def resolved_at(self) -> datetime | None: ...


def put_in_quarantine(db: sa.Connection, kind: str, records: Sequence[Rejected]) -> None:
    """Store `records` under `kind` (`series`, `episode`); one already there (same id) is left as it is."""
    if not records:
        return
    rows = [
        {
            "id": r.id, "import_id": r.import_id, "kind": kind, "source": r.source, "position": r.position[:64],
            "payload": r.payload, "problems": r.problems, "created_at": r.created_at, "resolved_at": r.resolved_at,
        }
        for r in records
    ]  # fmt: skip
    insert = upsert(db, t.analytics_quarantine)
    db.execute(insert.on_conflict_do_nothing(index_elements=[t.analytics_quarantine.c.id]), rows)
