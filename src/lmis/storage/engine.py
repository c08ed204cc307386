"""Engines for the embedded default (SQLite in WAL mode) and for PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def make_engine(url: str) -> sa.Engine:
    """Create the engine for `url`; SQLite gets WAL, foreign keys and a busy timeout.

    WAL lets the portal read while an import writes; foreign keys are off by default in
    SQLite and the schema relies on them for release cascades.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=NORMAL",
        "busy_timeout=30000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def upsert(connection: sa.Connection, table: sa.Table) -> Any:
    """`INSERT` that can say `ON CONFLICT DO NOTHING | DO UPDATE`, in the connection's dialect.

    SQLite and PostgreSQL spell the clause the same way, but SQLAlchemy keeps it in each dialect's
    own `insert`; this picks the one the connection speaks.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
