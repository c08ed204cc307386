"""A posting -> the `SearchDocument` every engine indexes (pure; the index is a projection of the database)."""

from __future__ import annotations

import re

from lmis.jobs.model import EmploymentType, JobPosting
from lmis.search.analysis import analysed
from lmis.search.model import SearchDocument

_REMOTE = re.compile(
    r"\b(remote(?:ly)?|work(?:ing)? from home|home[- ]based|wfh|telework|kerja dari rumah|wfa)\b|재택|원격\s*근무",
    re.IGNORECASE,
)
_NOT_REMOTE = re.compile(r"\b(not|no|non)[- ]remote\b|재택\s*(불가|없음)", re.IGNORECASE)
REMOTE_READS = 3_000  # characters of the description read for remote-work phrases
_PART_TIME = re.compile(r"part[- ]time|시간제|파트타임|paruh waktu", re.IGNORECASE)


def document_of(posting: JobPosting, *, analyse: bool = True) -> SearchDocument:
    """The searchable projection of a posting, from its fields and its derived enrichment.

    Without `analyse` the token fields stay empty (readers that only match and score, such as the
    recommender, skip the cost of stemming the text).
    """
    derived = posting.derived
    occupation = _dict(derived.get("occupation"))
    place = _dict(derived.get("place"))
    salary = _dict(derived.get("salary"))
    cluster = _dict(derived.get("cluster"))
    skills = _dict(derived.get("skills"))
    isco = str(occupation.get("isco_code") or "")
    occupations: tuple[str, ...] = (str(occupation["concept_id"]),) if occupation.get("concept_id") else ()
    occupations += tuple(f"isco:{isco[:n]}" for n in range(1, len(isco) + 1))
    places = tuple(
        str(level["id"])
        for key in ("country", "region", "district", "locality")
        if isinstance(level := place.get(key), dict) and level.get("id")
    )
    region = place.get("region")
    employer = posting.employer
    extra = [employer.name if employer else "", posting.address.locality, posting.address.region]
    body = "\n".join([posting.description_text, *(part for part in extra if part)])
    latitude = _number(place.get("latitude"), posting.latitude)
    longitude = _number(place.get("longitude"), posting.longitude)
    return SearchDocument(
        posting_id=posting.id,
        cluster_id=str(cluster.get("cluster_id") or posting.id),
        title=posting.title,
        body=body,
        title_tokens=analysed(posting.title) if analyse else "",
        body_tokens=analysed(body) if analyse else "",
        language=posting.language,
        source=posting.source,
        employer=employer.normalised_name if employer else "",
        employer_name=employer.name if employer else "",
        occupations=occupations,
        occupation_group=isco[:1],
        skills=tuple(str(item["skill_id"]) for item in _items(skills) if item.get("skill_id")),
        places=places,
        region=str(region["id"]) if isinstance(region, dict) and region.get("id") else "",
        latitude=latitude,
        longitude=longitude,
        employment_types=tuple(t.value for t in posting.employment_types),
        working_time=working_time(posting),
        salary_min=_number(salary.get("annual_min"), None),
        salary_max=_number(salary.get("annual_max"), _number(salary.get("annual_min"), None)),
        salary_currency=str(salary.get("currency") or ""),
        education=posting.education.strip().lower(),
        experience_months=posting.experience_months,
        posted_at=posting.date_posted or posting.provenance.retrieved_at,
        valid_through=posting.valid_through,
        remote=is_remote(posting),
    )


def working_time(posting: JobPosting) -> str:
    """`part_time` or `full_time` from the employment types, else from the stated hours; '' when unknown."""
    return working_time_of(tuple(t.value for t in posting.employment_types), posting.working_hours)


def working_time_of(employment_types: tuple[str, ...], working_hours: str) -> str:
    """`working_time` from the stored values."""
    if EmploymentType.PART_TIME.value in employment_types:
        return "part_time"
    if EmploymentType.FULL_TIME.value in employment_types:
        return "full_time"
    if _PART_TIME.search(working_hours or ""):
        return "part_time"
    return "full_time" if working_hours else ""


def is_remote(posting: JobPosting) -> bool:
    """The ad offers remote or home-based work (title, hours or the first part of the description)."""
    return is_remote_text(" ".join((posting.title, posting.working_hours, posting.description_text[:REMOTE_READS])))


def is_remote_text(text: str) -> bool:
    """`is_remote` of the ad's title, hours and the first `REMOTE_READS` characters of its description."""
    return bool(_REMOTE.search(text)) and not _NOT_REMOTE.search(text)


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _items(value: dict[str, object]) -> list[dict[str, object]]:
    items = value.get("items")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _number(value: object, fallback: float | None) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else fallback
