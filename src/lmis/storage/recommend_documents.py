"""Live postings as the recommender scores them, read lean: only the matching fields, parts of `derived` by path.

A request scores a few hundred candidates; reading whole postings (every column, the whole
`derived` document) cost ~0.4 ms each (bench/recommend.py). The same `SearchDocument` fields the
search projection makes (`search.projection.document_of`) come from JSON paths instead, and the
text fields stay empty.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lmis.jobs.model import PostingStatus
from lmis.search.model import SearchDocument
from lmis.search.projection import REMOTE_READS, is_remote_text, working_time_of
from lmis.storage import tables as t
from lmis.storage.time import aware, aware_or_none

_p, _e = t.posting.c, t.employer.c
_IN_CHUNK = 500


# The parts of `derived` the recommender reads, in this order (see `_document`).
_PATHS = (
    ("occupation", "concept_id"), ("occupation", "isco_code"), ("skills", "items"), ("place", "region", "id"),
    ("place", "latitude"), ("place", "longitude"), ("cluster", "cluster_id"), ("salary", "annual_min"),
    ("salary", "annual_max"), ("salary", "currency"),
)  # fmt: skip


def _derived(dialect: str) -> list[sa.ColumnElement[Any]]:
    """The `_PATHS` of `derived`: on SQLite one JSON array read with one parse of the document
    (ten `json_extract`s parse it ten times: 15 ms a request at 1,000,000 postings); elsewhere one
    column a path."""
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


def _derived_values(row: Any) -> list[Any]:
    mapping = row._mapping
    if "derived_paths" in mapping:
        return list(json.loads(mapping["derived_paths"] or "null") or [None] * len(_PATHS))
    return [mapping[f"derived_{n}"] for n in range(len(_PATHS))]


def live_documents(connection: sa.Connection, posting_ids: Sequence[str], now: datetime) -> dict[str, SearchDocument]:
    """The recommender's view of the postings among `posting_ids` that are live at `now`, by id."""
    start_of_text = sa.func.substr(_p.description_text, 1, REMOTE_READS).label("description_start")
    columns = [
        _p.id, _p.status, _p.title, start_of_text, _p.source, _p.language, _p.latitude, _p.longitude,
        _p.employment_types, _p.working_hours, _p.education, _p.experience_months, _p.date_posted, _p.retrieved_at,
        _p.valid_through,
        _e.name.label("employer_name"), _e.normalised_name.label("employer"), *_derived(connection.dialect.name),
    ]  # fmt: skip
    found: dict[str, SearchDocument] = {}
    ids = list(dict.fromkeys(posting_ids))
    for start in range(0, len(ids), _IN_CHUNK):
        query = (
            sa.select(*columns)
            .select_from(t.posting.outerjoin(t.employer, _p.employer_id == _e.id))
            .where(_p.id.in_(ids[start : start + _IN_CHUNK]))
        )
        # liveness is checked here, not in SQL: with it there, SQLite chose the status index over the primary key
        # and scanned every live posting (40 ms for 20 ids at 20,000 postings)
        found.update(
            (row.id, _document(row))
            for row in connection.execute(query)
            if row.status == PostingStatus.PUBLISHED.value
            and (row.valid_through is None or aware(row.valid_through) >= now)
        )
    return found


def _document(row: Any) -> SearchDocument:
    occupation, isco, skills, region, place_latitude, place_longitude, cluster, low, high, currency = _derived_values(
        row
    )
    isco = str(isco or "")
    skills = json.loads(skills) if isinstance(skills, str) else skills or []
    types = tuple(row.employment_types or ())
    latitude = _float(place_latitude, row.latitude)
    longitude = _float(place_longitude, row.longitude)
    return SearchDocument(
        posting_id=row.id,
        cluster_id=str(cluster or row.id),
        title=row.title,
        body="",
        title_tokens="",
        body_tokens="",
        language=row.language,
        source=row.source,
        employer=row.employer or "",
        employer_name=row.employer_name or "",
        occupations=((str(occupation),) if occupation else ())
        + tuple(f"isco:{isco[:n]}" for n in range(1, len(isco) + 1)),
        occupation_group=isco[:1],
        skills=tuple(str(i["skill_id"]) for i in skills if isinstance(i, dict) and i.get("skill_id")),
        places=(str(region),) if region else (),
        region=str(region or ""),
        latitude=latitude,
        longitude=longitude,
        employment_types=types,
        working_time=working_time_of(types, row.working_hours),
        salary_min=_float(low, None),
        salary_max=_float(high, _float(low, None)),
        salary_currency=str(currency or ""),
        education=row.education.strip().lower(),
        experience_months=row.experience_months,
        posted_at=aware_or_none(row.date_posted) or aware_or_none(row.retrieved_at),
        valid_through=aware_or_none(row.valid_through),
        remote=is_remote_text(" ".join((row.title, row.working_hours, row.description_start))),
    )


def _float(value: object, fallback: float | None) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else fallback
