"""Courses the training tests share: a few records on the sample taxonomy's ESCO skills, and a small place directory."""

from __future__ import annotations

import json
from typing import Any

from lmis.bootstrap import Services
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.schemes import ESCO_SKILL, concept_id
from lmis.training.ports import CourseRecord, Regions
from lmis.training.regions import Area, RegionDirectory
from lmis.training.services import ImportReport, import_courses

SKILL = "http://data.europa.eu/esco/skill/"
HASKELL_URI = SKILL + "000f1d3d-220f-4789-9c0a-cc742521fb02"
ERLANG_URI = SKILL + "034c29fa-c3ba-45ea-b8f3-bf8e3705e386"
MIGRATE_URI = SKILL + "020918ef-4b55-47c1-8430-ab7b8f6a7377"
HYGIENE_URI = SKILL + "0450eaee-1a00-4622-8f4e-5356fce816d2"
HASKELL, ERLANG, MIGRATE, HYGIENE = (
    concept_id(ESCO_SKILL.code, u) for u in (HASKELL_URI, ERLANG_URI, MIGRATE_URI, HYGIENE_URI)
)
PLACES = RegionDirectory(
    [
        Area("KR", "country", "South Korea", ("한국",), 51_000_000),
        Area("KR-11", "region", "Seoul", ("서울특별시", "서울"), 9_400_000),
        Area("KR-11-jongno-gu", "district", "Jongno-gu", ("종로구",), 140_000),
        Area("KR-26", "region", "Busan", ("부산광역시", "부산"), 3_300_000),
        Area("GB-ENG", "region", "England", (), 56_000_000),
    ]
)
COURSES: list[dict[str, Any]] = [
    {
        "external_id": "FP-1",
        "title": "Functional programming with Haskell and Erlang",
        "provider": "Demo Seoul Digital Academy",
        "skills": [HASKELL_URI, "Erlang"],
        "region": "서울특별시",
        "mode": "in_person",
        "duration_hours": 80,
        "cost": 1_000_000,
        "currency": "KRW",
        "subsidy_programme": "National Tomorrow Learning Card",
        "subsidy_share": 0.8,
    },
    {
        "external_id": "HS-1",
        "title": "Haskell in a weekend",
        "provider": "Demo Jongno Institute",
        "skills": ["haskell"],
        "region": "KR-11-jongno-gu",
        "mode": "in_person",
        "duration_hours": 16,
        "cost": 150_000,
        "currency": "KRW",
    },
    {
        "external_id": "ER-ONLINE",
        "title": "Erlang online",
        "provider": "Demo Open Courses",
        "skills": ["Erlang"],
        "mode": "online",
        "duration_hours": 12,
        "cost": 0,
        "currency": "KRW",
        "language": "en",
    },
    {
        "external_id": "MIG-BUSAN",
        "title": "Data migration",
        "provider": "Demo Busan Institute",
        "skills": [MIGRATE_URI, HASKELL_URI],
        "region": "Busan",
        "mode": "blended",
        "cost": 300,
        "currency": "GBP",
        "ends_on": "2026-01-31",
    },
    {
        "external_id": "HYG-1",
        "title": "Hospital hygiene",
        "provider": "Demo Nursing School",
        "skills": ["hygiene in a health care setting"],
        "region": "England",
        "mode": "in_person",
        "duration_hours": 6,
    },
]


def records(courses: list[dict[str, Any]], start: int = 1) -> list[CourseRecord]:
    """Course dicts as the records an NDJSON file of them would give."""
    return [
        CourseRecord(f"line {number}", json.dumps(course), course) for number, course in enumerate(courses, start=start)
    ]


def import_sample(
    services: Services, courses: list[dict[str, Any]] | None = None, source: str = "kr-hrd", regions: Regions = PLACES
) -> ImportReport:
    """Import `courses` (default `COURSES`) as `source` through the service."""
    return import_courses(
        records(COURSES if courses is None else courses),
        source=source,
        uow=services.uow,
        regions=regions,
        now=services.now,
        progress=SilentProgress(),
    )
