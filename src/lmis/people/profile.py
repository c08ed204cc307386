"""The jobseeker's profile beyond the headline: skills with level and evidence, education, work
history, languages, certificates, what they look for, and how they steer their recommendations.

Everything here is profile data (consent category `profile`): stored in the clear as one JSON
document (`ProfileDetails.as_json` / `from_json`), validated by `check_details`. Target groups are
personal data and live in `PersonalData`, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any

from lmis.shared.errors import Invalid


class Proficiency(StrEnum):
    """How well the person masters a skill (self-assessed unless the evidence says otherwise)."""

    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"


class Evidence(StrEnum):
    """Where a skill on the profile comes from."""

    DECLARED = "declared"  # the person said so
    CV = "cv"  # extracted from an uploaded CV and confirmed
    WORK_HISTORY = "work_history"  # essential to an occupation they worked in
    CERTIFICATE = "certificate"
    COURSE = "course"  # completed training


class Isced(IntEnum):
    """ISCED 2011 levels of education (UNESCO)."""

    EARLY_CHILDHOOD = 0
    PRIMARY = 1
    LOWER_SECONDARY = 2
    UPPER_SECONDARY = 3
    POST_SECONDARY = 4
    SHORT_TERTIARY = 5
    BACHELOR = 6
    MASTER = 7
    DOCTORAL = 8


class LanguageLevel(StrEnum):
    """CEFR levels, plus native."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NATIVE = "native"


class WorkingTime(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class ProfileSkill:
    skill_id: str  # taxonomy concept id (ESCO skill)
    level: Proficiency = Proficiency.INTERMEDIATE
    evidence: Evidence = Evidence.DECLARED


@dataclass(frozen=True, slots=True)
class Job:
    """One job in the work history; `occupation_id` is coded by the enrichment coder (or chosen)."""

    title: str
    occupation_id: str | None = None
    employer: str = ""
    started: date | None = None
    ended: date | None = None  # None: current job
    description: str = ""


@dataclass(frozen=True, slots=True)
class Education:
    level: Isced
    field: str = ""
    institution: str = ""
    completed: int | None = None  # year


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # ISO 639-1, e.g. "ko"
    level: LanguageLevel = LanguageLevel.B1


@dataclass(frozen=True, slots=True)
class Certificate:
    name: str
    issuer: str = ""
    year: int | None = None


@dataclass(frozen=True, slots=True)
class JobWishes:
    """What the person looks for; constraints the recommender keeps (commute, working time) or weighs (pay)."""

    max_commute_km: float | None = None
    relocate: bool = False
    remote_only: bool = False
    desired_pay: float | None = None  # a year, in the currency of the postings of their country
    working_time: WorkingTime = WorkingTime.ANY
    available_from: date | None = None


# How the person steers job recommendations; each weight multiplies a part of the score (0 to 3).
STEERING_WEIGHTS = ("skills", "occupation", "closeness", "pay", "recency")


@dataclass(frozen=True, slots=True)
class Steering:
    weights: dict[str, float] = field(default_factory=dict)  # missing: 1.0
    hidden_employers: tuple[str, ...] = ()  # employer ids never to show again
    daily_mail: bool = False  # a daily e-mail of new recommendations

    def weight(self, name: str) -> float:
        return self.weights.get(name, 1.0)


@dataclass(frozen=True, slots=True)
class ProfileDetails:
    skills: tuple[ProfileSkill, ...] = ()
    work_history: tuple[Job, ...] = ()
    education: tuple[Education, ...] = ()
    languages: tuple[Language, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    wishes: JobWishes = field(default_factory=JobWishes)
    steering: Steering = field(default_factory=Steering)

    def skill_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.skill_id for s in self.skills))

    def past_occupations(self) -> tuple[str, ...]:
        """Coded occupations of the work history, most recent first."""
        ordered = sorted(self.work_history, key=lambda j: j.ended or date.max, reverse=True)
        return tuple(dict.fromkeys(j.occupation_id for j in ordered if j.occupation_id))

    def highest_education(self) -> Isced | None:
        return max((e.level for e in self.education), default=None)

    def as_json(self) -> dict[str, Any]:
        """The JSON document storage keeps (dates as ISO strings, enums as values)."""
        w, s = self.wishes, self.steering
        return {
            "skills": [
                {"skill_id": x.skill_id, "level": x.level.value, "evidence": x.evidence.value} for x in self.skills
            ],
            "work_history": [
                {
                    "title": j.title,
                    "occupation_id": j.occupation_id,
                    "employer": j.employer,
                    "started": _iso(j.started),
                    "ended": _iso(j.ended),
                    "description": j.description,
                }
                for j in self.work_history
            ],
            "education": [
                {"level": int(e.level), "field": e.field, "institution": e.institution, "completed": e.completed}
                for e in self.education
            ],
            "languages": [{"code": x.code, "level": x.level.value} for x in self.languages],
            "certificates": [{"name": c.name, "issuer": c.issuer, "year": c.year} for c in self.certificates],
            "wishes": {
                "max_commute_km": w.max_commute_km,
                "relocate": w.relocate,
                "remote_only": w.remote_only,
                "desired_pay": w.desired_pay,
                "working_time": w.working_time.value,
                "available_from": _iso(w.available_from),
            },
            "steering": {
                "weights": dict(s.weights),
                "hidden_employers": list(s.hidden_employers),
                "daily_mail": s.daily_mail,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ProfileDetails:
        """The inverse of `as_json`; missing keys take their defaults (older rows have none)."""
        data = data or {}
        w, s = data.get("wishes") or {}, data.get("steering") or {}
        return cls(
            skills=tuple(
                ProfileSkill(
                    x["skill_id"], Proficiency(x.get("level", "intermediate")), Evidence(x.get("evidence", "declared"))
                )
                for x in data.get("skills", [])
            ),
            work_history=tuple(
                Job(
                    title=j["title"],
                    occupation_id=j.get("occupation_id"),
                    employer=j.get("employer", ""),
                    started=_date(j.get("started")),
                    ended=_date(j.get("ended")),
                    description=j.get("description", ""),
                )
                for j in data.get("work_history", [])
            ),
            education=tuple(
                Education(Isced(e["level"]), e.get("field", ""), e.get("institution", ""), e.get("completed"))
                for e in data.get("education", [])
            ),
            languages=tuple(
                Language(x["code"], LanguageLevel(x.get("level", "B1"))) for x in data.get("languages", [])
            ),
            certificates=tuple(
                Certificate(c["name"], c.get("issuer", ""), c.get("year")) for c in data.get("certificates", [])
            ),
            wishes=JobWishes(
                max_commute_km=w.get("max_commute_km"),
                relocate=bool(w.get("relocate", False)),
                remote_only=bool(w.get("remote_only", False)),
                desired_pay=w.get("desired_pay"),
                working_time=WorkingTime(w.get("working_time", "any")),
                available_from=_date(w.get("available_from")),
            ),
            steering=Steering(
                weights={str(k): float(v) for k, v in (s.get("weights") or {}).items()},
                hidden_employers=tuple(s.get("hidden_employers") or ()),
                daily_mail=bool(s.get("daily_mail", False)),
            ),
        )


def check_details(details: ProfileDetails) -> None:
    """Raise `Invalid` (with the field) for what a profile may not hold."""
    limits = (
        ("skills", details.skills, 100),
        ("work_history", details.work_history, 30),
        ("education", details.education, 10),
        ("languages", details.languages, 20),
        ("certificates", details.certificates, 30),
    )
    for name, items, most in limits:
        if len(items) > most:
            raise Invalid(f"at most {most} entries in {name}", field=name)
    for job in details.work_history:
        if not job.title.strip() or len(job.title) > 200 or len(job.employer) > 200 or len(job.description) > 5000:
            raise Invalid(
                "a job needs a title (at most 200 characters) and a description under 5,000", field="work_history"
            )
        if job.started and job.ended and job.ended < job.started:
            raise Invalid(f"the job {job.title!r} ends before it starts", field="work_history")
    for language in details.languages:
        if len(language.code) != 2 or not language.code.isalpha() or not language.code.islower():
            raise Invalid(f"{language.code!r} is not a two-letter ISO 639-1 language code", field="languages")
    for text in (
        *(e.field for e in details.education),
        *(e.institution for e in details.education),
        *(c.name for c in details.certificates),
    ):
        if len(text) > 200:
            raise Invalid("education and certificate names have at most 200 characters", field="education")
    _check_wishes(details.wishes)
    _check_steering(details.steering)


def _check_wishes(wishes: JobWishes) -> None:
    if wishes.max_commute_km is not None and not 0 <= wishes.max_commute_km <= 1000:
        raise Invalid("the longest commute is between 0 and 1,000 km", field="max_commute_km")
    if wishes.desired_pay is not None and not 0 <= wishes.desired_pay <= 1e10:
        raise Invalid("desired pay must be a positive amount a year", field="desired_pay")


def _check_steering(steering: Steering) -> None:
    for name, value in steering.weights.items():
        if name not in STEERING_WEIGHTS:
            raise Invalid(f"no weight {name!r}", field="weights", suggestions=list(STEERING_WEIGHTS))
        if not 0 <= value <= 3:
            raise Invalid(f"the weight of {name} is between 0 and 3", field="weights")
    if len(steering.hidden_employers) > 500:
        raise Invalid("at most 500 hidden employers", field="hidden_employers")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
