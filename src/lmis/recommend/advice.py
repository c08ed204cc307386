"""Training for skill gaps and next occupations for a jobseeker, each with its reasons.

- *training*: for the jobs a person is close to (their top recommendations), the essential skills
  those jobs ask for that the person lacks, most needed first, and the courses that teach them;
- *skills to reach one job*: that posting's missing skills and the courses for them;
- *next occupations*: occupations reachable from the person's current one by skill overlap and the
  transitions observed in work histories, with the skills to gain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from lmis.identity.model import Principal
from lmis.people.profile import ProfileDetails
from lmis.recommend.careers import next_occupations
from lmis.recommend.jobs import JobRecommender
from lmis.recommend.model import Ref
from lmis.recommend.pathways import NextOccupation, OccupationSpace, Transitions
from lmis.recommend.ports import RecommendUnitOfWork
from lmis.recommend.services import Locate, ranked_jobs, seeker_and_posting, visible_seeker
from lmis.shared.errors import Invalid
from lmis.training.model import CourseMatch
from lmis.training.ports import TrainingUnitOfWork
from lmis.training.services import courses_for_skills

CLOSE_JOBS = 10  # the jobs a person is "close to": their top recommendations
MAX_GAPS = 10


@dataclass(frozen=True, slots=True)
class SkillGap:
    skill: Ref
    jobs: int  # how many of the close jobs ask for it
    job_titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TrainingAdvice:
    """Missing skills (most needed first) and the courses that teach them; `for_jobs` names the jobs considered."""

    gaps: tuple[SkillGap, ...]
    courses: tuple[CourseMatch, ...]
    for_jobs: tuple[Ref, ...]
    labels: Mapping[str, str]  # skill id -> label, for the courses' `teaches`


def training_for_gaps(
    *,
    uow: RecommendUnitOfWork,
    training: Callable[[], TrainingUnitOfWork],
    recommender: JobRecommender,
    locate: Locate,
    actor: Principal,
    seeker_id: str,
    now: datetime,
    k: int = 5,
) -> TrainingAdvice:
    """Courses for the skills the person's closest jobs ask for and they lack."""
    if not 1 <= k <= 20:
        raise Invalid("ask for 1 to 20 courses", field="limit")
    with uow:
        stored = visible_seeker(uow, actor, seeker_id)
        seeker, ranked = ranked_jobs(uow, recommender, locate, stored, now, CLOSE_JOBS)
        needed: Counter[str] = Counter()
        titles: dict[str, list[str]] = {}
        for item in ranked:
            for skill in item.document.skills:
                if skill not in seeker.skills:
                    needed[skill] += 1
                    titles.setdefault(skill, []).append(item.document.title)
        gap_ids = [skill for skill, _ in needed.most_common(MAX_GAPS)]
        labels = {ref.id: ref.label for ref in uow.taxonomy.refs(gap_ids).values()}
    courses = courses_for_skills(gap_ids, region=stored.region, k=k, uow=training())
    gaps = tuple(SkillGap(Ref(s, labels.get(s, s)), needed[s], tuple(dict.fromkeys(titles[s]))[:3]) for s in gap_ids)
    jobs = tuple(Ref(i.document.posting_id, i.document.title) for i in ranked)
    return TrainingAdvice(gaps, tuple(courses), jobs, labels)


def skills_to_reach(
    *,
    uow: RecommendUnitOfWork,
    training: Callable[[], TrainingUnitOfWork],
    recommender: JobRecommender,
    locate: Locate,
    actor: Principal,
    seeker_id: str,
    posting_id: str,
    now: datetime,
    k: int = 5,
) -> TrainingAdvice:
    """The skills one posting asks for that the person lacks, and the courses that teach them."""
    with uow:
        stored, seeker, document = seeker_and_posting(uow, recommender, locate, actor, seeker_id, posting_id, now)
    missing = [s for s in document.skills if s not in seeker.skills]
    labels = {s: seeker.labels.get(s, s) for s in missing}
    courses = courses_for_skills(missing[: MAX_GAPS * 2], region=stored.region, k=k, uow=training()) if missing else []
    gaps = tuple(SkillGap(Ref(s, labels.get(s, s)), 1, (document.title,)) for s in missing)
    return TrainingAdvice(gaps, tuple(courses), (Ref(posting_id, document.title),), labels)


@dataclass(frozen=True, slots=True)
class CareerAdvice:
    """Next occupations from `start` (the person's current or most recent occupation)."""

    start: Ref
    steps: tuple[NextOccupation, ...]
    skill_fit: Mapping[str, float]  # target occupation id -> share of its essential skills the person has


def career_paths(
    *,
    uow: RecommendUnitOfWork,
    space: OccupationSpace,
    transitions: Transitions | None,
    actor: Principal,
    seeker_id: str,
    occupation_id: str | None = None,
    k: int = 10,
) -> CareerAdvice:
    """Next occupations from `occupation_id`, or from the person's current job or first desired occupation."""
    with uow:
        stored = visible_seeker(uow, actor, seeker_id)
        details = ProfileDetails.from_json(stored.details)
        start = occupation_id or next(iter((*details.past_occupations(), *stored.occupations)), None)
        if start is None:
            raise Invalid("add a job to your work history or a desired occupation first", field="occupation_id")
        steps = next_occupations(space, start, k=k, transitions=transitions)
        label = uow.taxonomy.refs([start]).get(start)
    mine = set(stored.skills) | set(details.skill_ids())
    fit = {
        step.occupation_id: _share(mine, [s.id for s in (*step.shared_skills, *step.skills_to_gain)]) for step in steps
    }
    return CareerAdvice(Ref(start, label.label if label else start), tuple(steps), fit)


def _share(mine: set[str], needed: list[str]) -> float:
    return round(len(mine & set(needed)) / len(needed), 3) if needed else 0.0
