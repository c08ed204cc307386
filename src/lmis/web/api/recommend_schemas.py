"""Response and request bodies of The Work: recommendations with their reasons, feedback and steering."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from lmis.recommend.advice import CareerAdvice, TrainingAdvice
from lmis.recommend.attribution import Attribution
from lmis.recommend.candidates import CandidateRecommendation
from lmis.recommend.model import DismissReason, EventKind, Explanation, JobRecommendation, RecommendationList, Ref
from lmis.training.model import CourseMatch


class RefOut(BaseModel):
    id: str
    label: str

    @classmethod
    def of(cls, ref: Ref) -> RefOut:
        return cls(id=ref.id, label=ref.label)


class ExplanationOut(BaseModel):
    matched_skills: list[RefOut] = Field(description="The item's skills the person has (taxonomy ids).")
    missing_skills: list[RefOut] = Field(description="The item's skills the person lacks.")
    occupation: RefOut | None = Field(description="The person's occupation this matches.")
    occupation_match: str | None = Field(description="exact, group (same ISCO group) or none.")
    signals: list[str] = Field(
        description="What found it: profile, occupation, skills, embedding, collaborative, region."
    )
    distance_km: float | None
    pay_fit: str = Field(description="above, within, below or unknown, against the desired pay.")
    contributions: dict[str, float] = Field(description="Each part of the score.")

    @classmethod
    def of(cls, why: Explanation) -> ExplanationOut:
        return cls(
            matched_skills=[RefOut.of(r) for r in why.matched_skills],
            missing_skills=[RefOut.of(r) for r in why.missing_skills],
            occupation=RefOut.of(why.occupation) if why.occupation else None,
            occupation_match=why.occupation_match,
            signals=list(why.signals),
            distance_km=why.distance_km,
            pay_fit=why.pay_fit,
            contributions=why.contributions,
        )


class JobRecommendationOut(BaseModel):
    posting_id: str
    cluster_id: str
    title: str
    employer_id: str
    employer_name: str
    region: str
    score: float
    why: ExplanationOut

    @classmethod
    def of(cls, item: JobRecommendation) -> JobRecommendationOut:
        return cls(
            posting_id=item.posting_id,
            cluster_id=item.cluster_id,
            title=item.title,
            employer_id=item.employer_id,
            employer_name=item.employer_name,
            region=item.region,
            score=item.score,
            why=ExplanationOut.of(item.explanation),
        )


class JobListOut(BaseModel):
    list_id: str = Field(description="Send it back with clicks and applications (attribution).")
    ranker: str
    generated_at: datetime
    items: list[JobRecommendationOut]

    @classmethod
    def of(cls, served: RecommendationList) -> JobListOut:
        return cls(
            list_id=served.id,
            ranker=served.ranker,
            generated_at=served.at,
            items=[JobRecommendationOut.of(i) for i in served.items],
        )


class CandidateOut(BaseModel):
    seeker_id: str
    headline: str
    region: str | None
    score: float
    why: ExplanationOut

    @classmethod
    def of(cls, item: CandidateRecommendation) -> CandidateOut:
        return cls(
            seeker_id=item.seeker_id,
            headline=item.headline,
            region=item.region,
            score=item.score,
            why=ExplanationOut.of(item.explanation),
        )


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EventKind = Field(description="view, save, apply, dismiss, click or hire.")
    posting_id: str = Field(max_length=64)
    list_id: str | None = Field(None, max_length=16, description="The recommendation list it came from.")
    reason: DismissReason | None = Field(None, description="Why a recommendation was dismissed.")
    note: str = Field("", max_length=500)


class EventOut(BaseModel):
    kind: EventKind
    posting_id: str
    at: datetime
    position: int | None


class SteeringIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] = Field(
        default_factory=dict, description="skills, occupation, closeness, pay, recency: 0 to 3."
    )
    hide_employer: str | None = Field(None, max_length=200)
    show_employer: str | None = Field(None, max_length=200)
    daily_mail: bool | None = Field(None, description="A daily e-mail of new job recommendations (absent: unchanged).")


class SteeringOut(BaseModel):
    weights: dict[str, float]
    hidden_employers: list[str]
    daily_mail: bool


class AttributionOut(BaseModel):
    since: datetime
    until: datetime
    hires: int = Field(description="People hired in the period who applied through LMIS.")
    tiers: dict[str, int] = Field(
        description="any: applied to >= 1 recommended job; two_30: >= 2 and >= 30% of applications; "
        "three_50: >= 3 and >= 50%."
    )

    @classmethod
    def of(cls, since: datetime, until: datetime, found: Attribution) -> AttributionOut:
        return cls(since=since, until=until, hires=found.hires, tiers=found.tiers)


class SkillGapOut(BaseModel):
    skill: RefOut
    jobs: int = Field(description="How many of the jobs considered ask for it.")
    job_titles: list[str]


class CourseMatchOut(BaseModel):
    course_id: str = Field(description="GET /api/v1/training/courses/{course_id} for the whole course.")
    title: str
    provider: str
    region: str | None
    mode: str
    duration_hours: float | None
    cost: float | None
    net_cost: float | None = Field(description="What the learner pays after the subsidy.")
    currency: str | None
    url: str
    teaches: list[RefOut] = Field(description="The missing skills this course teaches.")
    not_taught: list[RefOut]
    coverage: float
    reach: str = Field(description="local, online, elsewhere or unknown (from the person's region).")

    @classmethod
    def of(cls, match: CourseMatch, labels: Mapping[str, str]) -> CourseMatchOut:
        course = match.course
        return cls(
            course_id=course.id,
            title=course.title,
            provider=course.provider,
            region=course.region,
            mode=course.mode.value,
            duration_hours=course.duration_hours,
            cost=course.cost,
            net_cost=match.net_cost,
            currency=course.currency,
            url=course.url,
            teaches=[RefOut(id=s, label=labels.get(s, s)) for s in match.teaches],
            not_taught=[RefOut(id=s, label=labels.get(s, s)) for s in match.not_taught],
            coverage=round(match.coverage, 3),
            reach=match.reach.value,
        )


class TrainingAdviceOut(BaseModel):
    gaps: list[SkillGapOut] = Field(description="Missing skills, most needed first.")
    courses: list[CourseMatchOut]
    for_jobs: list[RefOut] = Field(description="The postings whose skills were compared.")

    @classmethod
    def of(cls, advice: TrainingAdvice) -> TrainingAdviceOut:
        return cls(
            gaps=[
                SkillGapOut(skill=RefOut.of(g.skill), jobs=g.jobs, job_titles=list(g.job_titles)) for g in advice.gaps
            ],
            courses=[CourseMatchOut.of(c, advice.labels) for c in advice.courses],
            for_jobs=[RefOut.of(j) for j in advice.for_jobs],
        )


class NextOccupationOut(BaseModel):
    occupation_id: str
    code: str
    label: str
    score: float = Field(description="Estimated probability of this step.")
    skill_overlap: float = Field(description="Share of the target's essential skills the start occupation has.")
    person_skill_fit: float = Field(description="Share of the target's essential skills the person has.")
    skills_to_gain: list[RefOut]
    shared_skills: list[RefOut]
    observed_transitions: int = Field(description="How often people here made this step.")
    signals: dict[str, float]


class CareerAdviceOut(BaseModel):
    start: RefOut
    steps: list[NextOccupationOut]

    @classmethod
    def of(cls, advice: CareerAdvice) -> CareerAdviceOut:
        return cls(
            start=RefOut.of(advice.start),
            steps=[
                NextOccupationOut(
                    occupation_id=s.occupation_id,
                    code=s.code,
                    label=s.label,
                    score=round(s.score, 4),
                    skill_overlap=round(s.skill_overlap, 3),
                    person_skill_fit=advice.skill_fit.get(s.occupation_id, 0.0),
                    skills_to_gain=[RefOut(id=r.id, label=r.label) for r in s.skills_to_gain],
                    shared_skills=[RefOut(id=r.id, label=r.label) for r in s.shared_skills],
                    observed_transitions=s.observed_transitions,
                    signals={k: round(v, 3) for k, v in s.signals.items()},
                )
                for s in advice.steps
            ],
        )
