"""/api/v1 The Work: job recommendations with reasons, candidates for a vacancy, feedback and steering.

A jobseeker reads their own (`me` or their seeker id); a counsellor reads the people of their
region. Candidates are for the employer's own vacancies (and counsellors of the region).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status

from lmis.recommend import services as work
from lmis.recommend.advice import career_paths, skills_to_reach, training_for_gaps
from lmis.recommend.candidates import candidates_for_posting
from lmis.web.api.params import Moment
from lmis.web.api.recommend_schemas import (
    AttributionOut,
    CandidateOut,
    CareerAdviceOut,
    EventIn,
    EventOut,
    JobListOut,
    SteeringIn,
    SteeringOut,
    TrainingAdviceOut,
)
from lmis.web.auth import SignedInDep
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["recommendations"])
Limit = Annotated[int, Query(ge=1, le=50, description="How many results.")]
CourseLimit = Annotated[int, Query(ge=1, le=20, description="How many courses.")]
SeekerId = Annotated[str, "A seeker id, or `me`."]


@router.get(
    "/seekers/{seeker_id}/recommendations/jobs",
    response_model=JobListOut,
    summary="Jobs recommended to a jobseeker, with reasons",
    responses=problem_responses(401, 404),
)
def recommended_jobs(
    seeker_id: SeekerId, services_: ServicesDep, principal: SignedInDep, limit: Limit = 20
) -> JobListOut:
    """Live postings ranked for the person, one per vacancy, at most two per employer, within their
    constraints (commute, remote, working time, hidden employers, dismissed postings); each says why."""
    served = work.recommend_jobs(
        uow=services_.uow(),
        recommender=services_.recommender,
        locate=services_.locate,
        actor=principal,
        seeker_id=seeker_id,
        now=services_.now(),
        k=limit,
    )
    return JobListOut.of(served)


@router.get(
    "/seekers/{seeker_id}/recommendations/training",
    response_model=TrainingAdviceOut,
    summary="Training for the skills the person's closest jobs ask for",
    responses=problem_responses(401, 404),
)
def recommended_training(
    seeker_id: SeekerId, services_: ServicesDep, principal: SignedInDep, limit: CourseLimit = 5
) -> TrainingAdviceOut:
    """The essential skills the person's top recommended jobs ask for and they lack (most needed first),
    and the courses that teach most of them (in their region or online first, then cheaper and shorter)."""
    advice = training_for_gaps(
        uow=services_.uow(),
        training=services_.uow,
        recommender=services_.recommender,
        locate=services_.locate,
        actor=principal,
        seeker_id=seeker_id,
        now=services_.now(),
        k=limit,
    )
    return TrainingAdviceOut.of(advice)


@router.get(
    "/seekers/{seeker_id}/recommendations/jobs/{posting_id}/skills",
    response_model=TrainingAdviceOut,
    summary="Skills to reach one job, and courses for them",
    responses=problem_responses(401, 404),
)
def skills_for_job(
    seeker_id: SeekerId, posting_id: str, services_: ServicesDep, principal: SignedInDep, limit: CourseLimit = 5
) -> TrainingAdviceOut:
    advice = skills_to_reach(
        uow=services_.uow(),
        training=services_.uow,
        recommender=services_.recommender,
        locate=services_.locate,
        actor=principal,
        seeker_id=seeker_id,
        posting_id=posting_id,
        now=services_.now(),
        k=limit,
    )
    return TrainingAdviceOut.of(advice)


@router.get(
    "/seekers/{seeker_id}/recommendations/occupations",
    response_model=CareerAdviceOut,
    summary="Next occupations from the person's current one, with the skills to gain",
    responses=problem_responses(401, 404),
)
def recommended_occupations(
    seeker_id: SeekerId,
    services_: ServicesDep,
    principal: SignedInDep,
    occupation_id: Annotated[
        str | None, Query(max_length=64, description="Start here instead of the current occupation.")
    ] = None,
    limit: Limit = 10,
) -> CareerAdviceOut:
    """Occupations reachable by skill overlap (ESCO and O*NET similarity) and by the steps people here made."""
    advice = career_paths(
        uow=services_.uow(),
        space=services_.occupation_space,
        transitions=services_.career_transitions(),
        actor=principal,
        seeker_id=seeker_id,
        occupation_id=occupation_id,
        k=limit,
    )
    return CareerAdviceOut.of(advice)


@router.post(
    "/seekers/{seeker_id}/events",
    response_model=EventOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record a view, save, application, dismissal, click or hire",
    responses=problem_responses(401, 404),
)
def record_event(seeker_id: SeekerId, body: EventIn, services_: ServicesDep, principal: SignedInDep) -> EventOut:
    """Feedback: a dismissal with a reason steers the next lists (too far: closeness weighs more; pay too
    low: pay weighs more; wrong occupation: the occupation weighs more; employer: that employer is hidden)."""
    event = work.record_event(
        uow=services_.uow(),
        actor=principal,
        seeker_id=seeker_id,
        kind=body.kind,
        posting_id=body.posting_id,
        now=services_.now(),
        list_id=body.list_id,
        reason=body.reason,
        note=body.note,
    )
    return EventOut(kind=event.kind, posting_id=body.posting_id, at=event.at, position=event.position)


@router.put(
    "/seekers/{seeker_id}/steering",
    response_model=SteeringOut,
    summary="Change how recommendations are weighed; hide or show an employer",
    responses=problem_responses(401, 404),
)
def steer(seeker_id: SeekerId, body: SteeringIn, services_: ServicesDep, principal: SignedInDep) -> SteeringOut:
    details = work.steer(
        uow=services_.uow(),
        actor=principal,
        seeker_id=seeker_id,
        now=services_.now(),
        weights=body.weights,
        hide_employer=body.hide_employer,
        show_employer=body.show_employer,
        daily_mail=body.daily_mail,
    )
    steering = details.steering
    return SteeringOut(
        weights=steering.weights, hidden_employers=list(steering.hidden_employers), daily_mail=steering.daily_mail
    )


@router.get(
    "/postings/{posting_id}/candidates",
    response_model=list[CandidateOut],
    summary="Jobseekers who fit a vacancy (those who consented to be found)",
    responses=problem_responses(401, 404),
)
def candidates(
    posting_id: str, services_: ServicesDep, principal: SignedInDep, limit: Limit = 20
) -> list[CandidateOut]:
    found = candidates_for_posting(
        uow=services_.uow(), actor=principal, posting_id=posting_id, now=services_.now(), k=limit
    )
    return [CandidateOut.of(c) for c in found]


@router.get(
    "/recommendations/attribution",
    response_model=AttributionOut,
    summary="Hires attributed to recommendations (Korea's three tiers)",
    responses=problem_responses(401, 403),
)
def attribution(
    services_: ServicesDep,
    principal: SignedInDep,
    since: Annotated[Moment | None, Query(description="Start, a date or date-time (default: 90 days ago).")] = None,
    until: Annotated[Moment | None, Query(description="End, a date or date-time (default: now).")] = None,
) -> AttributionOut:
    start, end, found = work.attribution(
        uow=services_.uow(),
        actor=principal,
        since=_utc(since) if since else None,
        until=_utc(until) if until else None,
        now=services_.now(),
    )
    return AttributionOut.of(start, end, found)


def _utc(moment: datetime) -> datetime:
    """A date-time without a zone is read as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
