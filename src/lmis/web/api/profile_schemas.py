"""Request and response bodies of a jobseeker's profile details (skills, history, education, wishes, steering)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from lmis.enrich.resumes import ProfileDraft
from lmis.people.profile import (
    STEERING_WEIGHTS,
    Certificate,
    Education,
    Evidence,
    Isced,
    Job,
    JobWishes,
    Language,
    LanguageLevel,
    Proficiency,
    ProfileDetails,
    ProfileSkill,
    Steering,
    WorkingTime,
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SkillIO(_In):
    skill_id: str = Field(max_length=64, description="Taxonomy concept id of an ESCO skill.")
    level: Proficiency = Proficiency.INTERMEDIATE
    evidence: Evidence = Evidence.DECLARED


class JobIO(_In):
    title: str = Field(min_length=1, max_length=200)
    occupation_id: str | None = Field(None, max_length=64, description="Coded occupation (taxonomy concept id).")
    employer: str = Field("", max_length=200)
    started: date | None = None
    ended: date | None = Field(None, description="Empty: the current job.")
    description: str = Field("", max_length=5000)


class EducationIO(_In):
    level: Isced = Field(description="ISCED 2011 level, 0 (early childhood) to 8 (doctoral).")
    field: str = Field("", max_length=200)
    institution: str = Field("", max_length=200)
    completed: int | None = Field(None, ge=1900, le=2100)


class LanguageIO(_In):
    code: str = Field(min_length=2, max_length=2, description="ISO 639-1 code, e.g. ko.")
    level: LanguageLevel = LanguageLevel.B1


class CertificateIO(_In):
    name: str = Field(min_length=1, max_length=200)
    issuer: str = Field("", max_length=200)
    year: int | None = Field(None, ge=1900, le=2100)


class WishesIO(_In):
    max_commute_km: float | None = Field(None, ge=0, le=1000)
    relocate: bool = False
    remote_only: bool = False
    desired_pay: float | None = Field(None, ge=0, le=1e10, description="A year, in the local currency.")
    working_time: WorkingTime = WorkingTime.ANY
    available_from: date | None = None


class SteeringIO(_In):
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="Multipliers from 0 to 3 of the parts of the score: "
        + ", ".join(STEERING_WEIGHTS)
        + " (1 if absent).",
    )
    hidden_employers: list[str] = Field(default_factory=list, max_length=500)
    daily_mail: bool = Field(False, description="A daily e-mail of new job recommendations.")


class DetailsIO(_In):
    skills: list[SkillIO] = Field(default_factory=list, max_length=100)
    work_history: list[JobIO] = Field(default_factory=list, max_length=30)
    education: list[EducationIO] = Field(default_factory=list, max_length=10)
    languages: list[LanguageIO] = Field(default_factory=list, max_length=20)
    certificates: list[CertificateIO] = Field(default_factory=list, max_length=30)
    wishes: WishesIO = Field(default_factory=WishesIO)
    steering: SteeringIO = Field(default_factory=SteeringIO)

    def domain(self) -> ProfileDetails:
        return ProfileDetails(
            skills=tuple(ProfileSkill(s.skill_id, s.level, s.evidence) for s in self.skills),
            work_history=tuple(
                Job(j.title, j.occupation_id, j.employer, j.started, j.ended, j.description) for j in self.work_history
            ),
            education=tuple(Education(e.level, e.field, e.institution, e.completed) for e in self.education),
            languages=tuple(Language(x.code, x.level) for x in self.languages),
            certificates=tuple(Certificate(c.name, c.issuer, c.year) for c in self.certificates),
            wishes=JobWishes(**self.wishes.model_dump()),
            steering=Steering(
                dict(self.steering.weights), tuple(self.steering.hidden_employers), self.steering.daily_mail
            ),
        )

    @classmethod
    def of(cls, details: ProfileDetails) -> DetailsIO:
        return cls.model_validate(details.as_json())


class DraftOccupationOut(BaseModel):
    concept_id: str
    label: str
    isco_code: str
    confidence: float
    title: str = Field(description="The job title in the CV it was coded from.")


class DraftSkillOut(BaseModel):
    skill_id: str
    label: str
    text: str = Field(description="The words of the CV it was read from.")


class ProfileDraftOut(BaseModel):
    """A profile read from a CV, for the person to correct and then PUT to /seekers/me (nothing is saved)."""

    headline: str
    occupations: list[DraftOccupationOut]
    details: DetailsIO
    skills: list[DraftSkillOut]
    notes: list[str] = Field(description="What could not be read.")
    method: str
    version: str
    taxonomy_release: str

    @classmethod
    def of(cls, draft: ProfileDraft) -> ProfileDraftOut:
        return cls.model_validate(draft.as_json())
