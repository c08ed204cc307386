"""The pure training rules: what a learner pays, where a course can be reached, and courses ranked for skill gaps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from lmis.shared.errors import Invalid
from lmis.training.model import (
    Course,
    CourseMatch,
    Mode,
    Reach,
    Subsidy,
    courses_for_gaps,
    gap_weights,
    net_cost,
    reach_of,
)

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def course(
    course_id: str,
    skills: tuple[str, ...],
    *,
    region: str | None = "KR-11",
    mode: Mode = Mode.IN_PERSON,
    cost: float | None = 100_000,
    subsidy: Subsidy | None = None,
    hours: float | None = 40,
) -> Course:
    return Course(
        id=course_id,
        source="test",
        external_id=course_id,
        title=f"Course {course_id}",
        provider="Demo Academy",
        description="",
        skills=skills,
        region=region,
        mode=mode,
        duration_hours=hours,
        cost=cost,
        currency="KRW" if cost is not None else None,
        subsidy=subsidy,
        starts_on=None,
        ends_on=None,
        url="",
        language="ko",
        created_at=NOW,
        updated_at=NOW,
    )


def ids(matches: list[CourseMatch]) -> list[str]:
    return [m.course.id for m in matches]


def test_the_learner_pays_the_fee_less_the_larger_of_the_subsidy_share_and_amount() -> None:
    assert net_cost(500_000, Subsidy("National Tomorrow Learning Card", share=0.8)) == 100_000
    assert net_cost(5_000_000, Subsidy("Kartu Prakerja", amount=3_500_000)) == 1_500_000
    assert net_cost(1_000, Subsidy("Both", share=0.5, amount=800)) == 200
    assert net_cost(1_000, Subsidy("Over", amount=5_000)) == 0
    assert net_cost(None, Subsidy("Unknown fee", share=0.5)) is None
    assert net_cost(300, None) == 300


def test_a_subsidy_share_outside_zero_to_one_is_refused_with_its_field() -> None:
    with pytest.raises(Invalid) as refused:
        Subsidy("Card", share=80)
    assert refused.value.field == "subsidy_share"


def test_a_course_is_local_when_either_place_lies_inside_the_other_and_online_courses_reach_everyone() -> None:
    seoul = course("a", ("s1",), region="KR-11")
    assert reach_of(seoul, "KR-11-jongno-gu") is Reach.LOCAL
    assert reach_of(course("b", ("s1",), region="KR-11-jongno-gu"), "KR-11") is Reach.LOCAL
    assert reach_of(seoul, "KR-26") is Reach.ELSEWHERE
    assert reach_of(seoul, "KR-1") is Reach.ELSEWHERE  # ids nest at a dash, not at any prefix
    assert reach_of(seoul, None) is Reach.UNKNOWN
    assert reach_of(course("c", ("s1",), region="KR-26", mode=Mode.ONLINE), "KR-11") is Reach.ONLINE
    assert reach_of(course("d", ("s1",), region=None, mode=Mode.BLENDED), "KR-11") is Reach.ONLINE


def test_positional_weights_fall_from_one_towards_one_half_so_two_skills_beat_any_single_one() -> None:
    weights = gap_weights(["a", "b", "c", "d"])
    assert weights == {"a": 1.0, "b": 0.875, "c": 0.75, "d": 0.625}
    assert weights["c"] + weights["d"] > weights["a"]


def test_courses_teaching_more_missing_skills_come_first_and_earlier_skills_break_ties() -> None:
    courses = [
        course("only-first", ("a",)),
        course("last-two", ("c", "d")),
        course("second", ("b", "x")),
        course("unrelated", ("x", "y")),
    ]
    ranked = courses_for_gaps(["a", "b", "c", "d"], courses, region="KR-11", k=10)
    assert ids(ranked) == ["last-two", "only-first", "second"]
    top = ranked[0]
    assert top.teaches == ("c", "d")
    assert top.not_taught == ("a", "b")
    assert top.coverage == pytest.approx((0.75 + 0.625) / 3.25)


def test_at_equal_coverage_reachable_courses_come_before_courses_held_elsewhere() -> None:
    courses = [
        course("busan", ("a",), region="KR-26", cost=0),
        course("online", ("a",), region=None, mode=Mode.ONLINE, cost=50_000),
        course("seoul", ("a",), region="KR-11", cost=40_000),
    ]
    ranked = courses_for_gaps(["a"], courses, region="KR-11-jongno-gu", k=3)
    assert ids(ranked) == ["seoul", "online", "busan"]
    assert [m.reach for m in ranked] == [Reach.LOCAL, Reach.ONLINE, Reach.ELSEWHERE]


def test_then_the_cheaper_to_the_learner_then_the_subsidised_then_the_shorter_course_wins() -> None:
    base = course("base", ("a",), cost=300_000)
    courses = [
        replace(base, id="dear"),
        replace(base, id="card", subsidy=Subsidy("Card", share=0.8)),  # pays 60,000
        replace(base, id="free-long", cost=0, duration_hours=400),
        replace(base, id="free-short", cost=0, duration_hours=8),
        replace(base, id="free-granted", cost=100, subsidy=Subsidy("Grant", amount=100), duration_hours=400),
        replace(base, id="unpriced", cost=None),
    ]
    ranked = courses_for_gaps(["a"], courses, region="KR-11", k=10)
    assert ids(ranked) == ["free-granted", "free-short", "free-long", "card", "dear", "unpriced"]


def test_given_weights_replace_the_positional_ones_and_k_limits_the_list() -> None:
    courses = [course("a-only", ("a",)), course("b-only", ("b",))]
    ranked = courses_for_gaps(["a", "b"], courses, region=None, k=1, weights={"a": 1.0, "b": 3.0})
    assert ids(ranked) == ["b-only"]
    assert ranked[0].coverage == pytest.approx(0.75)


def test_no_missing_skills_or_no_course_teaching_them_gives_no_course() -> None:
    assert courses_for_gaps([], [course("a", ("a",))], region=None) == []
    assert courses_for_gaps(["z"], [course("a", ("a",))], region=None) == []


def test_k_below_one_is_invalid() -> None:
    with pytest.raises(Invalid):
        courses_for_gaps(["a"], [], region=None, k=0)
