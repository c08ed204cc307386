"""Courses and programmes linked to ESCO skills, and the pure rule that ranks them for a person's skill gaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from lmis.shared.errors import Invalid


class Mode(StrEnum):
    """How a course is taught."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    BLENDED = "blended"


@dataclass(frozen=True, slots=True)
class Subsidy:
    """Public money towards a course: the programme, what it says, and the share or amount it covers.

    `share` is in [0, 1] (0.8: 80% of the fee is paid); `amount` is in the course's currency. When
    both are given the larger cover counts (`net_cost`).
    """

    programme: str
    text: str = ""
    share: float | None = None
    amount: float | None = None

    def __post_init__(self) -> None:
        if self.share is not None and not 0 <= self.share <= 1:
            raise Invalid(f"a subsidy share is between 0 and 1, got {self.share}", field="subsidy_share")
        if self.amount is not None and self.amount < 0:
            raise Invalid(f"a subsidy amount is not negative, got {self.amount}", field="subsidy_amount")


@dataclass(frozen=True, slots=True)
class Course:
    """A course or training programme; `skills` are ESCO skill concept ids, most central first.

    `region` is a gazetteer place id (`KR-11`, `GB-ENG-leeds`) or None for nationwide or online
    courses; `cost` is the fee before any subsidy, in `currency` (None: not stated; 0: free).
    """

    id: str
    source: str
    external_id: str
    title: str
    provider: str
    description: str
    skills: tuple[str, ...]
    region: str | None
    mode: Mode
    duration_hours: float | None
    cost: float | None
    currency: str | None
    subsidy: Subsidy | None
    starts_on: date | None
    ends_on: date | None
    url: str
    language: str
    created_at: datetime
    updated_at: datetime
    content_hash: str = ""

    @property
    def net_cost(self) -> float | None:
        """What the learner pays after the subsidy (None when the fee is not stated)."""
        return net_cost(self.cost, self.subsidy)


def net_cost(cost: float | None, subsidy: Subsidy | None) -> float | None:
    """The fee left to pay after `subsidy`: the larger of its share and its amount is covered."""
    if cost is None:
        return None
    if subsidy is None:
        return cost
    covered = max(cost * (subsidy.share or 0.0), subsidy.amount or 0.0)
    return max(0.0, round(cost - covered, 2))


class Reach(StrEnum):
    """How reachable a course is from where a person lives; `local` and `online` rank alike, before the others."""

    LOCAL = "local"  # held in the person's region (or the person's region lies within the course's)
    ONLINE = "online"  # online, or offered nationwide: reachable from anywhere
    ELSEWHERE = "elsewhere"  # held in person in another region
    UNKNOWN = "unknown"  # held in one place, and the person's region is not known

    @property
    def tier(self) -> int:
        """0 for courses the person can attend, 1 for the others."""
        return 0 if self in {Reach.LOCAL, Reach.ONLINE} else 1


def reach_of(course: Course, region: str | None) -> Reach:
    """Whether `course` can be taken from `region` (a gazetteer id; ids nest by prefix: `KR-11-jongno-gu`)."""
    if course.mode is Mode.ONLINE or course.region is None:
        return Reach.ONLINE
    if region is None:
        return Reach.UNKNOWN
    return Reach.LOCAL if within(region, course.region) or within(course.region, region) else Reach.ELSEWHERE


def within(place: str, area: str) -> bool:
    """True when gazetteer place `place` is `area` or lies inside it (`KR-11-jongno-gu` is within `KR-11` and `KR`)."""
    return place == area or place.startswith(f"{area}-")


@dataclass(frozen=True, slots=True)
class CourseMatch:
    """A course proposed for a skill gap: the missing skills it `teaches`, those it does not, and why it ranks here.

    `coverage` is the weighted share of the missing skills the course teaches, in [0, 1].
    """

    course: Course
    teaches: tuple[str, ...]
    not_taught: tuple[str, ...]
    coverage: float
    reach: Reach
    net_cost: float | None = field(default=None)


def gap_weights(missing: Sequence[str]) -> dict[str, float]:
    """Default importance of each missing skill by its position: 1.0 for the first, falling linearly towards 0.5.

    Every weight is above 0.5, so a course teaching two missing skills always outranks one teaching a
    single skill; among courses teaching as many, those teaching the earlier (more important) skills win.
    """
    ordered = list(dict.fromkeys(missing))
    count = len(ordered)
    return {skill: 1.0 - position / (2 * count) for position, skill in enumerate(ordered)}


def courses_for_gaps(
    missing: Sequence[str],
    courses: Iterable[Course],
    *,
    region: str | None,
    k: int = 5,
    weights: Mapping[str, float] | None = None,
) -> list[CourseMatch]:
    """The `k` courses that best close the gap of `missing` skills (ids, most important first).

    Order: weighted coverage of the missing skills (more skills first, earlier skills breaking ties),
    then reachable (in the person's `region`, online or nationwide before in person elsewhere), then
    lower cost to the learner (a stated fee before an unknown one; subsidised before not at the same
    cost), then shorter, then id (so the order is total and stable). Courses teaching none of the
    missing skills are left out. `weights` overrides the positional importance (`gap_weights`).
    """
    if k < 1:
        raise Invalid(f"k must be at least 1, got {k}", field="k")
    wanted = weights if weights is not None else gap_weights(missing)
    order = [skill for skill in dict.fromkeys(missing) if wanted.get(skill, 0.0) > 0]
    total = sum(wanted[skill] for skill in order)
    matches: list[CourseMatch] = []
    for course in {c.id: c for c in courses}.values():
        taught = set(course.skills)
        teaches = tuple(skill for skill in order if skill in taught)
        if not teaches:
            continue
        coverage = sum(wanted[skill] for skill in teaches) / total
        not_taught = tuple(skill for skill in order if skill not in taught)
        reach = reach_of(course, region)
        matches.append(CourseMatch(course, teaches, not_taught, round(coverage, 6), reach, course.net_cost))
    matches.sort(key=_rank)
    return matches[:k]


def _rank(match: CourseMatch) -> tuple[float, int, bool, float, bool, float, str]:
    course = match.course
    cost = match.net_cost
    hours = course.duration_hours
    return (
        -match.coverage,
        match.reach.tier,
        cost is None,
        cost if cost is not None else 0.0,
        course.subsidy is None,
        hours if hours is not None else float("inf"),
        course.id,
    )
