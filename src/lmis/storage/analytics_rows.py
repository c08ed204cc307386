"""The rows analytics snapshots are made of, read from the operational database in keyset pages.

Postings come with the parts of `derived` indicators need (occupation, skills, place, duplicate
cluster, pay) read by JSON path in the database, so a page of 20,000 is one statement. Seekers,
behaviour events and the label tables are read whole (they are rewritten on every refresh).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from lmis.storage import identity_tables as it
from lmis.storage import recommend_tables as rt
from lmis.storage import tables as t
from lmis.storage.time import aware

_p, _e = t.posting.c, t.employer.c
PAGE = 20_000

_PATHS = (
    ("occupation", "concept_id"), ("occupation", "isco_code"), ("skills", "items"), ("place", "country", "id"),
    ("place", "region", "id"), ("place", "region", "name"), ("place", "district", "id"), ("place", "district", "name"),
    ("cluster", "cluster_id"), ("salary", "annual_min"), ("salary", "annual_max"), ("salary", "currency"),
)  # fmt: skip
_OPEN = "published"
# The event kinds indicators count; searches, views and dismissals stay out of the snapshot.
EVENT_KINDS = ("apply", "hire", "impression", "click", "save")


def _derived(dialect: str) -> list[sa.ColumnElement[Any]]:
    """The `_PATHS` of `derived`: on SQLite one JSON array (one parse of the document); elsewhere one column each."""
    if dialect == "sqlite":
        paths = ["$." + ".".join(path) for path in _PATHS]
        return [sa.func.json_extract(sa.type_coerce(_p.derived, sa.Text), *paths).label("derived_paths")]
    columns: list[sa.ColumnElement[Any]] = []
    for n, path in enumerate(_PATHS):
        element: Any = _p.derived
        for key in path:
            element = element[key]
        columns.append(element.label(f"derived_{n}"))
    return columns


def _derived_values(mapping: Any) -> list[Any]:
    if "derived_paths" in mapping:
        return list(json.loads(mapping["derived_paths"] or "null") or [None] * len(_PATHS))
    return [mapping[f"derived_{n}"] for n in range(len(_PATHS))]


def _day(value: datetime | None) -> date | None:
    return None if value is None else aware(value).date()


def _skills(items: Any) -> tuple[list[str], list[str]]:
    """Skill ids of a posting and those it requires outright."""
    if isinstance(items, str):
        items = json.loads(items)
    found: list[str] = []
    required: list[str] = []
    for item in items or ():
        skill = item.get("skill_id") if isinstance(item, dict) else None
        if skill and skill not in found:
            found.append(skill)
            if item.get("requirement") == "required":
                required.append(skill)
    return found, required


def _pay(low: Any, high: Any) -> float | None:
    values = [float(v) for v in (low, high) if isinstance(v, int | float) and v > 0]
    return sum(values) / len(values) if values else None


def posting_record(row: Any) -> dict[str, Any]:
    """One posting as the snapshot keeps it. `closes` is the first day it is no longer open: the day
    it was closed, expired or removed, else the day after its `valid_through` (None: open-ended)."""
    m = row._mapping
    concept, isco, items, country, region, region_name, district, district_name, cluster, low, high, currency = (
        _derived_values(m)
    )
    skills, required = _skills(items)
    posted = _day(m["date_posted"]) or _day(m["retrieved_at"])
    closes = _day(m["changed_at"]) if m["status"] != _OPEN else None
    valid = _day(m["valid_through"])
    if valid is not None and (closes is None or valid < closes):
        closes = date.fromordinal(valid.toordinal() + 1)
    return {
        "id": m["id"], "cluster": cluster or m["id"], "source": m["source"], "posted": posted, "closes": closes,
        "status": m["status"], "esco": concept or "", "isco": isco or "", "country": country or "",
        "region": region or "", "region_name": region_name or "", "district": district or "",
        "district_name": district_name or "", "employer": m["employer_id"] or "", "sector": m["industry"] or "",
        "size": m["size"] or "", "pay": _pay(low, high), "currency": currency or "", "skills": skills,
        "required": required, "change_sequence": int(m["change_sequence"]),
    }  # fmt: skip


def changed_postings(connection: sa.Connection, after: int) -> Iterator[list[dict[str, Any]]]:
    """Pages of postings whose change sequence is above `after`, in sequence order."""
    columns = [
        _p.id, _p.source, _p.date_posted, _p.retrieved_at, _p.valid_through, _p.status, _p.changed_at,
        _p.change_sequence, _p.employer_id, _e.industry, _e.size, *_derived(connection.dialect.name),
    ]  # fmt: skip
    last = after
    while True:
        query = (
            sa.select(*columns)
            .select_from(t.posting.outerjoin(t.employer, _p.employer_id == _e.id))
            .where(_p.change_sequence > last)
            .order_by(_p.change_sequence)
            .limit(PAGE)
        )
        page = [posting_record(row) for row in connection.execute(query)]
        if not page:
            return
        yield page
        last = page[-1]["change_sequence"]


def head_sequence(connection: sa.Connection) -> int:
    """The highest change sequence of any posting (0 when there is none)."""
    return int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(_p.change_sequence), 0))).scalar_one())


def seeker_records(connection: sa.Connection) -> list[dict[str, Any]]:
    """Every jobseeker: registration and last update day, region, first desired occupation, skills."""
    s = it.seeker.c
    rows = connection.execute(sa.select(s.id, s.region, s.occupations, s.skills, s.details, s.created_at))
    return [_seeker(row) for row in rows]


def _seeker(row: Any) -> dict[str, Any]:
    occupations = _json_list(row.occupations)
    details = row.details if isinstance(row.details, dict) else json.loads(row.details or "null") or {}
    left = details.get("left_register_on") if isinstance(details, dict) else None
    return {
        "id": row.id,
        "registered": _day(row.created_at),
        "left": date.fromisoformat(left) if isinstance(left, str) and left else None,
        "place": row.region or "",
        "esco": occupations[0] if occupations else "",
        "skills": [str(skill) for skill in _json_list(row.skills)],
    }


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return list(value) if isinstance(value, list) else []


def event_records(connection: sa.Connection) -> list[dict[str, Any]]:
    """Applications, hires, saves and recommendation impressions and clicks on postings."""
    e = rt.behaviour_event.c
    query = sa.select(e.kind, e.seeker_id, e.item_id, e.list_id, e.at).where(
        e.kind.in_(EVENT_KINDS), e.item_kind == "posting"
    )
    return [
        {"kind": row.kind, "seeker": row.seeker_id, "posting": row.item_id or "", "list": row.list_id or "",
         "day": _day(row.at)}
        for row in connection.execute(query)
    ]  # fmt: skip


def occupation_labels(connection: sa.Connection) -> list[dict[str, Any]]:
    """ISCO-08 codes (every level) and ESCO occupations of the current releases: key, label, ISCO code."""
    c, r = t.taxonomy_concept.c, t.taxonomy_release.c
    query = (
        sa.select(c.concept_id, c.scheme, c.code, c.label, c.attributes)
        .join(t.taxonomy_release, r.id == c.release_id)
        .where(r.current.is_(True), c.scheme.in_(("isco-08", "esco-occupation")))
    )
    found = []
    for row in connection.execute(query):
        attributes = row.attributes if isinstance(row.attributes, dict) else json.loads(row.attributes or "{}")
        isco = row.code if row.scheme == "isco-08" else str(attributes.get("isco_group", ""))
        key = row.code if row.scheme == "isco-08" else row.concept_id
        found.append({"key": key, "label": row.label, "isco": isco, "scheme": row.scheme})
    return found


def skill_labels(connection: sa.Connection) -> list[dict[str, Any]]:
    """ESCO skills of the current release with their digital and green collection flags."""
    c, r, col = t.taxonomy_concept.c, t.taxonomy_release.c, t.taxonomy_collection.c
    current = sa.select(r.id).where(r.current.is_(True))
    members: dict[str, set[str]] = {}
    collected = sa.select(col.collection, col.concept_id).where(
        col.release_id.in_(current), col.collection.in_(("digital", "green"))
    )
    for row in connection.execute(collected):
        members.setdefault(row.collection, set()).add(row.concept_id)
    query = sa.select(c.concept_id, c.label).where(c.release_id.in_(current), c.scheme == "esco-skill")
    return [
        {"key": row.concept_id, "label": row.label, "digital": row.concept_id in members.get("digital", ()),
         "green": row.concept_id in members.get("green", ())}
        for row in connection.execute(query)
    ]  # fmt: skip
