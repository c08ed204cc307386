"""Courses stored and read back on SQLite and PostgreSQL: import and quarantine, filters, courses for skill gaps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from lmis.bootstrap import Services
from lmis.shared.errors import Invalid, NotFound
from lmis.training.model import Mode, Reach
from lmis.training.ports import CourseFilter
from lmis.training.services import course_id, courses_for_skills, get_course, list_courses, quarantined_courses
from tests.training_data import (
    COURSES,
    ERLANG,
    HASKELL,
    HYGIENE,
    MIGRATE,
    PLACES,
    import_sample,
)


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` inside the block (transaction control aside)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def titles(services: Services, **where: Any) -> list[str]:
    page = list_courses(CourseFilter(**where), cursor=None, limit=50, uow=services.uow(), regions=PLACES)
    return [view.course.title for view in page.items]


def test_an_import_stores_courses_with_skills_resolved_and_counts_new_updated_unchanged(
    sample_services: Services,
) -> None:
    first = import_sample(sample_services)
    assert (first.read, first.new, first.updated, first.unchanged, first.quarantined) == (5, 5, 0, 0, 0)
    view = get_course(course_id("kr-hrd", "FP-1"), uow=sample_services.uow(), regions=PLACES)
    assert view.course.skills == (HASKELL, ERLANG)  # the URI and the label, in the provider's order
    assert [ref.label for ref in view.skills] == ["Haskell", "Erlang"]
    assert (view.course.region, view.region_name) == ("KR-11", "Seoul")
    assert view.course.net_cost == pytest.approx(200_000)
    changed = [{**COURSES[0], "cost": 900_000}, *COURSES[1:]]
    again = import_sample(sample_services, changed)
    assert (again.new, again.updated, again.unchanged) == (0, 1, 4)
    updated = get_course(course_id("kr-hrd", "FP-1"), uow=sample_services.uow(), regions=PLACES).course
    assert updated.cost == 900_000
    assert updated.created_at == view.course.created_at < updated.updated_at


def test_bad_records_are_quarantined_with_every_reason_and_resolved_when_they_come_in_good(
    sample_services: Services,
) -> None:
    bad = [
        {**COURSES[0], "external_id": "BAD-1", "skills": ["haskel"], "region": "Seoull"},
        {**COURSES[1], "external_id": "BAD-2", "mode": "classroom!", "cost": -5},
        {**COURSES[2], "external_id": "FP-1"},  # FP-1 twice in one import
    ]
    report = import_sample(sample_services, [COURSES[0], *bad])
    assert (report.new, report.quarantined) == (1, 3)
    assert report.reasons == {
        "skills: is not an ESCO skill (URI, id or label)": 1,
        "region: is not a known place": 1,
        "mode: is not a mode": 1,
        "cost: must be a number, 0 or more (0: free)": 1,
        "external_id: is listed twice": 1,
    }
    held = {q.external_id: q for q in quarantined_courses(source="kr-hrd", limit=10, uow=sample_services.uow())}
    assert set(held) == {"BAD-1", "BAD-2", "FP-1"}
    problems = {p["field"]: p for p in held["BAD-1"].problems}
    assert problems["skills"]["suggestions"] == ["Haskell"]
    assert problems["region"]["suggestions"] == ["KR-11"]
    assert '"BAD-1"' in held["BAD-1"].payload  # the record as it came, to fix and send again
    fixed = import_sample(sample_services, [{**COURSES[0], "external_id": "BAD-1"}])
    assert fixed.new == 1
    left = {q.external_id for q in quarantined_courses(source="kr-hrd", limit=10, uow=sample_services.uow())}
    assert left == {"BAD-2", "FP-1"}


def test_courses_are_filtered_by_skill_place_mode_text_and_what_the_learner_pays(sample_services: Services) -> None:
    import_sample(sample_services)
    assert titles(sample_services, skill=HASKELL) == [
        "Data migration",
        "Functional programming with Haskell and Erlang",
        "Haskell in a weekend",
    ]
    assert titles(sample_services, skill="Erlang") == [
        "Erlang online",
        "Functional programming with Haskell and Erlang",
    ]
    assert titles(sample_services, region="서울") == [
        "Functional programming with Haskell and Erlang",
        "Haskell in a weekend",
    ]
    assert titles(sample_services, region="KR-11-jongno-gu") == ["Haskell in a weekend"]
    assert titles(sample_services, mode=Mode.ONLINE) == ["Erlang online"]
    assert titles(sample_services, max_cost=200_000, currency="krw") == [
        "Erlang online",
        "Functional programming with Haskell and Erlang",
        "Haskell in a weekend",
    ]
    assert titles(sample_services, max_cost=0) == ["Erlang online"]
    assert titles(sample_services, text="HASKELL weekend") == ["Haskell in a weekend"]


@pytest.mark.parametrize(
    ("where", "field", "suggestion"),
    [
        ({"skill": "haskel"}, "skill", "Haskell"),
        ({"region": "Seoull"}, "region", "KR-11"),
        ({"currency": "KRV"}, "currency", "KRW"),
        ({"max_cost": 1000.0}, "currency", "GBP"),
        ({"source": "kr-hdr"}, "source", "kr-hrd"),
    ],
)
def test_an_unknown_filter_value_is_invalid_with_a_suggestion_never_an_empty_page(
    sample_services: Services, where: dict[str, Any], field: str, suggestion: str
) -> None:
    import_sample(sample_services)
    with pytest.raises(Invalid) as refused:
        list_courses(CourseFilter(**where), cursor=None, limit=10, uow=sample_services.uow(), regions=PLACES)
    assert refused.value.field == field
    assert suggestion in refused.value.suggestions


def test_pages_follow_the_cursor_and_a_cursor_of_another_query_is_refused(sample_services: Services) -> None:
    import_sample(sample_services)
    first = list_courses(CourseFilter(), cursor=None, limit=2, uow=sample_services.uow(), regions=PLACES)
    second = list_courses(CourseFilter(), cursor=first.next_cursor, limit=2, uow=sample_services.uow(), regions=PLACES)
    assert first.total == second.total == 5
    assert not {v.course.id for v in first.items} & {v.course.id for v in second.items}
    with pytest.raises(Invalid):
        list_courses(
            CourseFilter(mode=Mode.ONLINE), cursor=first.next_cursor, limit=2, uow=sample_services.uow(), regions=PLACES
        )


def test_an_unknown_course_is_not_found(sample_services: Services) -> None:
    with pytest.raises(NotFound):
        get_course("nothing", uow=sample_services.uow(), regions=PLACES)


def test_courses_for_skills_reads_the_candidates_in_one_query_and_ranks_them_for_the_gap(
    sample_services: Services,
) -> None:
    import_sample(sample_services)
    with statements(sample_services.engine) as seen:
        matches = courses_for_skills(
            [HASKELL, ERLANG, HYGIENE], region="KR-11-jongno-gu", k=10, uow=sample_services.uow()
        )
    reads = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(reads) == 1, seen
    by_id = {m.course.external_id: m for m in matches}
    assert [m.course.external_id for m in matches] == ["FP-1", "HS-1", "MIG-BUSAN", "ER-ONLINE", "HYG-1"]
    assert matches[0].teaches == (HASKELL, ERLANG)
    assert matches[0].not_taught == (HYGIENE,)
    assert by_id["HS-1"].reach is Reach.LOCAL
    assert by_id["MIG-BUSAN"].reach is Reach.ELSEWHERE
    assert by_id["ER-ONLINE"].reach is Reach.ONLINE
    assert MIGRATE not in {s for m in matches for s in m.teaches}


def test_courses_that_ended_before_today_are_not_proposed(sample_services: Services) -> None:
    import_sample(sample_services)
    before = courses_for_skills([HASKELL], region=None, k=10, uow=sample_services.uow(), today=date(2026, 1, 1))
    after = courses_for_skills([HASKELL], region=None, k=10, uow=sample_services.uow(), today=date(2026, 11, 26))
    assert "MIG-BUSAN" in {m.course.external_id for m in before}
    assert "MIG-BUSAN" not in {m.course.external_id for m in after}
    assert courses_for_skills([], region=None, uow=sample_services.uow()) == []
