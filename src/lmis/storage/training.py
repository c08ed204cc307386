"""The training repository in SQL: courses, their skill links (one row each, indexed by skill) and the quarantine."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from lmis.shared.text import normalise
from lmis.storage import training_tables as t
from lmis.storage.engine import upsert
from lmis.storage.time import aware, aware_or_none
from lmis.training.model import Course, Mode, Subsidy
from lmis.training.ports import CourseFilter, QuarantinedCourse

_c, _s, _q = t.course.c, t.course_skill.c, t.course_quarantine.c
_IN_CHUNK = 500  # bound parameters per IN list (SQLite allows 32k, PostgreSQL 65k; keep statements small)


class SqlTrainingRepository:
    """The training repository on one open connection (the unit of work owns the transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def hashes(self, source: str, external_ids: Collection[str]) -> dict[str, tuple[str, datetime]]:
        found: dict[str, tuple[str, datetime]] = {}
        ids = sorted(set(external_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            query = sa.select(_c.external_id, _c.content_hash, _c.created_at).where(
                _c.source == source, _c.external_id.in_(ids[start : start + _IN_CHUNK])
            )
            found.update(
                {row.external_id: (row.content_hash, aware(row.created_at)) for row in self._db.execute(query)}
            )
        return found

    def save(self, courses: list[Course]) -> None:
        if not courses:
            return
        rows = [_row(course) for course in courses]
        insert = upsert(self._db, t.course)
        changes = {name: insert.excluded[name] for name in rows[0] if name not in {"id", "created_at"}}
        self._db.execute(insert.on_conflict_do_update(index_elements=[_c.id], set_=changes), rows)
        ids = [course.id for course in courses]
        for start in range(0, len(ids), _IN_CHUNK):
            self._db.execute(t.course_skill.delete().where(_s.course_id.in_(ids[start : start + _IN_CHUNK])))
        links = [{"course_id": course.id, "skill_id": skill} for course in courses for skill in course.skills]
        if links:
            self._db.execute(t.course_skill.insert(), links)

    def quarantine(self, records: list[QuarantinedCourse]) -> None:
        if not records:
            return
        rows = [
            {
                "id": r.id,
                "import_id": r.import_id,
                "source": r.source,
                "position": r.position[:64],
                "external_id": r.external_id,
                "payload": r.payload,
                "problems": r.problems,
                "created_at": r.created_at,
                "resolved_at": r.resolved_at,
            }
            for r in records
        ]
        self._db.execute(upsert(self._db, t.course_quarantine).on_conflict_do_nothing(index_elements=[_q.id]), rows)

    def resolve_quarantined(self, source: str, external_ids: Collection[str], at: datetime) -> int:
        ids, resolved = sorted(set(external_ids)), 0
        for start in range(0, len(ids), _IN_CHUNK):
            result = self._db.execute(
                t.course_quarantine.update()
                .where(
                    _q.source == source,
                    _q.external_id.in_(ids[start : start + _IN_CHUNK]),
                    _q.resolved_at.is_(None),
                )
                .values(resolved_at=at)
            )
            resolved += result.rowcount
        return resolved

    def quarantined(self, source: str | None, limit: int) -> list[QuarantinedCourse]:
        query = sa.select(t.course_quarantine).where(_q.resolved_at.is_(None))
        if source is not None:
            query = query.where(_q.source == source)
        rows = self._db.execute(query.order_by(_q.created_at.desc(), _q.id).limit(limit))
        return [_quarantined(row) for row in rows]

    def get(self, course_id: str) -> Course | None:
        row = self._db.execute(sa.select(t.course).where(_c.id == course_id)).first()
        return _course(row) if row else None

    def find(self, where: CourseFilter, offset: int, limit: int) -> tuple[list[Course], int]:
        conditions = _conditions(where)
        total = self._db.execute(sa.select(sa.func.count()).select_from(t.course).where(*conditions)).scalar_one()
        query = sa.select(t.course).where(*conditions).order_by(_c.title, _c.id).limit(limit).offset(offset)
        return [_course(row) for row in self._db.execute(query)], int(total)

    def teaching(self, skill_ids: Collection[str], today: date | None) -> list[Course]:
        """One statement: the courses linked to any of `skill_ids` through the `course_skill.skill_id` index."""
        linked = sa.select(_s.course_id).where(_s.skill_id.in_(sorted(set(skill_ids))))
        query = sa.select(t.course).where(_c.id.in_(linked))
        if today is not None:
            query = query.where(sa.or_(_c.ends_on.is_(None), _c.ends_on >= today))
        return [_course(row) for row in self._db.execute(query.order_by(_c.id))]

    def sources(self) -> list[str]:
        return list(self._db.execute(sa.select(_c.source).distinct().order_by(_c.source)).scalars())

    def currencies(self) -> list[str]:
        query = sa.select(_c.currency).where(_c.currency.is_not(None)).distinct().order_by(_c.currency)
        return list(self._db.execute(query).scalars())


def _conditions(where: CourseFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if where.skill is not None:
        conditions.append(_c.id.in_(sa.select(_s.course_id).where(_s.skill_id == where.skill)))
    if where.region is not None:
        conditions.append(sa.or_(_c.region == where.region, _c.region.like(f"{_escaped(where.region)}-%", escape="\\")))
    if where.mode is not None:
        conditions.append(_c.mode == where.mode.value)
    if where.max_cost is not None:
        conditions.append(_c.net_cost <= where.max_cost)
    if where.currency is not None:
        conditions.append(_c.currency == where.currency)
    for word in (where.text or "").split():
        conditions.append(_c.search_text.like(f"%{_escaped(word)}%", escape="\\"))
    if where.source is not None:
        conditions.append(_c.source == where.source)
    if where.provider is not None:
        conditions.append(_c.provider == where.provider)
    return conditions


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row(course: Course) -> dict[str, Any]:
    subsidy = course.subsidy
    return {
        "id": course.id,
        "source": course.source,
        "external_id": course.external_id,
        "title": course.title,
        "provider": course.provider,
        "description": course.description,
        "skills": list(course.skills),
        "region": course.region,
        "mode": course.mode.value,
        "duration_hours": course.duration_hours,
        "cost": course.cost,
        "currency": course.currency,
        "net_cost": course.net_cost,
        "subsidy": None
        if subsidy is None
        else {"programme": subsidy.programme, "text": subsidy.text, "share": subsidy.share, "amount": subsidy.amount},
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "url": course.url,
        "language": course.language,
        "search_text": normalise(f"{course.title} {course.provider} {course.description}"),
        "content_hash": course.content_hash,
        "created_at": course.created_at,
        "updated_at": course.updated_at,
    }


def _course(row: Any) -> Course:
    subsidy = row.subsidy
    return Course(
        id=row.id,
        source=row.source,
        external_id=row.external_id,
        title=row.title,
        provider=row.provider,
        description=row.description,
        skills=tuple(row.skills),
        region=row.region,
        mode=Mode(row.mode),
        duration_hours=row.duration_hours,
        cost=row.cost,
        currency=row.currency,
        subsidy=None
        if subsidy is None
        else Subsidy(subsidy["programme"], subsidy["text"], subsidy["share"], subsidy["amount"]),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        url=row.url,
        language=row.language,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        content_hash=row.content_hash,
    )


def _quarantined(row: Any) -> QuarantinedCourse:
    return QuarantinedCourse(
        id=row.id,
        import_id=row.import_id,
        source=row.source,
        position=row.position,
        external_id=row.external_id,
        payload=row.payload,
        problems=list(row.problems),
        created_at=aware(row.created_at),
        resolved_at=aware_or_none(row.resolved_at),
    )
