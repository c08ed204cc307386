"""Times read back from the database: SQLite drops the zone, and every time LMIS stores is UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def aware(moment: datetime) -> datetime:
    """`moment` with UTC as its zone when the database returned it without one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def aware_or_none(moment: datetime | None) -> datetime | None:
    """`aware` for optional columns."""
    return None if moment is None else aware(moment)
