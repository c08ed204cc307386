"""The profile form's details: rows of skills, occupations, work history, education, languages and certificates,
and the job wishes, read from a submitted form into `ProfileDetails` and written back into form values.

The form works without JavaScript: each list shows its rows plus one blank row, and an "add another"
button (`add=<section>`) sends the form back with one more. Skills and occupations are typed by name
and resolved to taxonomy ids (`find_skills`, `find_occupations`); a name that is not exactly a label
comes back with near names to choose from. A job's occupation left empty is coded from its title by
the enrichment coder when this install runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from babel import Locale

from lmis.bootstrap import Services
from lmis.people.profile import (
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
    WorkingTime,
)
from lmis.taxonomy.schemes import ESCO_OCCUPATION
from lmis.taxonomy.services import ConceptQuery, concept_labels, find_occupations, find_skills
from lmis.web.portal.signin import Form, Problem

# Each list of the form: its fields (the first ones are typed by the person; `*_id` and evidence are kept hidden).
SECTIONS: dict[str, tuple[str, ...]] = {
    "occupation": ("occupation", "occupation_id"),
    "skill": ("skill", "skill_level", "skill_id", "skill_evidence"),
    "job": (
        "job_title", "job_employer", "job_started", "job_ended", "job_description", "job_occupation",
        "job_occupation_id",
    ),
    "edu": ("edu_level", "edu_field", "edu_institution", "edu_completed"),
    "lang": ("lang_code", "lang_level"),
    "cert": ("cert_name", "cert_issuer", "cert_year"),
}  # fmt: skip
TYPED = {
    section: tuple(f for f in names if not f.endswith(("_id", "_evidence"))) for section, names in SECTIONS.items()
}
DEFAULTS = {"skill_level": Proficiency.INTERMEDIATE.value, "lang_level": LanguageLevel.B1.value}
WISHES = ("max_commute_km", "relocate", "remote_only", "desired_pay", "working_time", "available_from", "daily_mail")
MAX_ROWS = {"occupation": 20, "skill": 100, "job": 30, "edu": 10, "lang": 20, "cert": 30}


@dataclass
class ProfileForm:
    """What the form shows: every value by field name, and how many rows each list has."""

    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def filled(self, section: str, row: int) -> bool:
        """True when the person typed anything into the row (a default level alone is not typing)."""
        return any(self.values.get(f"{name}-{row}", "") not in ("", DEFAULTS.get(name, "")) for name in TYPED[section])

    def with_blank_rows(self, add: str = "") -> ProfileForm:
        """One blank row after the filled ones in each list, and one more in the list named by `add`."""
        for section in SECTIONS:
            count = self.rows.get(section, 0)
            if count == 0 or self.filled(section, count - 1):
                count += 1
            if add == section:
                count += 1
            self.rows[section] = min(count, MAX_ROWS[section] + 1)
        return self


def form_of(
    headline: str, region: str | None, occupations: list[str], details: ProfileDetails, labels: dict[str, str]
) -> ProfileForm:
    """The form values of a stored (or drafted) profile; `labels` names its skills and occupations."""
    values: dict[str, str] = {"headline": headline, "region": region or ""}
    rows: dict[str, int] = {}

    def put(section: str, items: list[dict[str, str]]) -> None:
        rows[section] = len(items)
        for row, item in enumerate(items):
            values.update({f"{name}-{row}": text for name, text in item.items()})

    put("occupation", [{"occupation": labels.get(o, o), "occupation_id": o} for o in occupations])
    put("skill", [
        {"skill": labels.get(s.skill_id, s.skill_id), "skill_id": s.skill_id, "skill_level": s.level.value,
         "skill_evidence": s.evidence.value}
        for s in details.skills
    ])  # fmt: skip
    put("job", [
        {"job_title": j.title, "job_employer": j.employer, "job_started": _iso(j.started), "job_ended": _iso(j.ended),
         "job_description": j.description, "job_occupation": labels.get(j.occupation_id or "", j.occupation_id or ""),
         "job_occupation_id": j.occupation_id or ""}
        for j in details.work_history
    ])  # fmt: skip
    put("edu", [
        {"edu_level": str(int(e.level)), "edu_field": e.field, "edu_institution": e.institution,
         "edu_completed": str(e.completed or "")}
        for e in details.education
    ])  # fmt: skip
    put("lang", [{"lang_code": x.code, "lang_level": x.level.value} for x in details.languages])
    put(
        "cert",
        [{"cert_name": c.name, "cert_issuer": c.issuer, "cert_year": str(c.year or "")} for c in details.certificates],
    )
    w = details.wishes
    values |= {
        "max_commute_km": _number(w.max_commute_km),
        "relocate": "1" if w.relocate else "",
        "remote_only": "1" if w.remote_only else "",
        "desired_pay": _number(w.desired_pay),
        "working_time": w.working_time.value,
        "available_from": _iso(w.available_from),
        "daily_mail": "1" if details.steering.daily_mail else "",
    }
    return ProfileForm(values, rows)


def submitted(form: Form) -> ProfileForm:
    """The details part of a submitted form, rows as sent."""
    values = {name: form.raw(name).strip() for name in WISHES}
    rows: dict[str, int] = {}
    for name in form.values:
        base, _, number = name.rpartition("-")
        section = next((s for s, names in SECTIONS.items() if base in names), None)
        if section and number.isdigit() and int(number) < MAX_ROWS[section] + 2:
            values[name] = form.raw(name).replace("\r\n", "\n").strip()
            rows[section] = max(rows.get(section, 0), int(number) + 1)
    return ProfileForm(values, rows)


@dataclass
class Reading:
    """A submitted form read into details and desired occupations, with a problem for each bad field."""

    occupations: list[str] = field(default_factory=list)
    details: ProfileDetails = field(default_factory=ProfileDetails)
    errors: dict[str, Problem] = field(default_factory=dict)


def read_details(shown: ProfileForm, current: ProfileDetails, services_: Services) -> Reading:
    """`ProfileDetails` from the form (steering weights and hidden employers kept from `current`)."""
    kept = [v for name, v in shown.values.items() if v and name.rpartition("-")[0].endswith("_id")]
    reader = _Reader(shown, services_, concept_labels(uow=services_.uow(), concept_ids=kept))
    occupations = [o for row in reader.rows("occupation") if (o := reader.concept("occupation", row))]
    skills = [s for row in reader.rows("skill") if (s := reader.skill(row))]
    jobs = [j for row in reader.rows("job") if (j := reader.job(row))]
    education = [e for row in reader.rows("edu") if (e := reader.education(row))]
    languages = [x for row in reader.rows("lang") if (x := reader.language(row))]
    certificates = [c for row in reader.rows("cert") if (c := reader.certificate(row))]
    wishes = reader.wishes()
    if not reader.errors:
        jobs = _coded(jobs, services_)
    steering = replace(current.steering, daily_mail=shown.values.get("daily_mail") == "1")
    details = ProfileDetails(
        tuple({s.skill_id: s for s in skills}.values()),
        tuple(jobs),
        tuple(education),
        tuple(languages),
        tuple(certificates),
        wishes,
        steering,
    )
    return Reading(list(dict.fromkeys(occupations)), details, reader.errors)


class _Reader:
    def __init__(self, shown: ProfileForm, services_: Services, labels: dict[str, str]) -> None:
        self.values = shown.values
        self.shown = shown
        self.services = services_
        self.labels = labels
        self.errors: dict[str, Problem] = {}

    def rows(self, section: str) -> list[int]:
        return [row for row in range(self.shown.rows.get(section, 0)) if self.shown.filled(section, row)]

    def get(self, name: str, row: int | None = None) -> str:
        return self.values.get(name if row is None else f"{name}-{row}", "")

    def problem(self, name: str, key: str, detail: str = "") -> None:
        self.errors.setdefault(name, Problem(key, detail))

    def concept(self, kind: str, row: int, text_field: str = "", id_field: str = "") -> str | None:
        """The taxonomy id the person means by the name typed (kept when the name is the kept id's label)."""
        text_field, id_field = text_field or kind, id_field or f"{kind}_id"
        text, kept = self.get(text_field, row), self.get(id_field, row)
        if not text:
            return None
        if kept and (kept == text or _same(self.labels.get(kept, ""), text)):
            return kept
        query = ConceptQuery(text, schemes=(ESCO_OCCUPATION.code,) if kind != "skill" else ())
        finder = find_skills if kind == "skill" else find_occupations
        found = finder(query, cursor=None, limit=5, uow=self.services.uow())
        for match in found.page.items:
            if _same(match.concept.label, text) or _same(match.matched_label, text):
                return match.concept.id
        near = [m.concept.label for m in found.page.items] or found.suggestions
        self.problem(f"{text_field}-{row}", f"{'skill' if kind == 'skill' else 'occupation'}_unknown", ", ".join(near))
        return None

    def skill(self, row: int) -> ProfileSkill | None:
        skill_id = self.concept("skill", row)
        level, evidence = self.get("skill_level", row) or "intermediate", self.get("skill_evidence", row) or "declared"
        if level not in Proficiency.__members__.values():
            self.problem(f"skill_level-{row}", "choose_level")
            return None
        same = skill_id == self.get("skill_id", row)  # a skill typed anew is declared, whatever the row held
        chosen = Evidence(evidence) if same and evidence in Evidence.__members__.values() else Evidence.DECLARED
        return ProfileSkill(skill_id, Proficiency(level), chosen) if skill_id else None

    def job(self, row: int) -> Job | None:
        title = self.get("job_title", row)
        started, ended = self.day(f"job_started-{row}"), self.day(f"job_ended-{row}")
        if not title:
            self.problem(f"job_title-{row}", "job_title_missing")
        if started and ended and ended < started:
            self.problem(f"job_ended-{row}", "ends_before_start")
        occupation = self.concept("occupation", row, "job_occupation", "job_occupation_id")
        employer, description = self.get("job_employer", row), self.get("job_description", row)
        return Job(title, occupation, employer, started, ended, description) if title else None

    def education(self, row: int) -> Education | None:
        level = self.get("edu_level", row)
        completed = self.year(f"edu_completed-{row}")
        if not level.isdigit() or int(level) not in {int(i) for i in Isced}:
            self.problem(f"edu_level-{row}", "level_missing")
            return None
        return Education(Isced(int(level)), self.get("edu_field", row), self.get("edu_institution", row), completed)

    def language(self, row: int) -> Language | None:
        code, level = self.get("lang_code", row), self.get("lang_level", row) or "B1"
        if code not in language_names("en") or level not in LanguageLevel.__members__.values():
            self.problem(f"lang_code-{row}", "language_missing")
            return None
        return Language(code, LanguageLevel(level))

    def certificate(self, row: int) -> Certificate | None:
        name = self.get("cert_name", row)
        year = self.year(f"cert_year-{row}")
        if not name:
            self.problem(f"cert_name-{row}", "certificate_name_missing")
            return None
        return Certificate(name, self.get("cert_issuer", row), year)

    def wishes(self) -> JobWishes:
        working = self.get("working_time") or "any"
        if working not in WorkingTime.__members__.values():
            self.problem("working_time", "service", f"no working time {working!r}")
            working = "any"
        return JobWishes(
            max_commute_km=self.number("max_commute_km"),
            relocate=self.get("relocate") == "1",
            remote_only=self.get("remote_only") == "1",
            desired_pay=self.number("desired_pay"),
            working_time=WorkingTime(working),
            available_from=self.day("available_from"),
        )

    def day(self, name: str) -> date | None:
        text = self.get(name)
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            self.problem(name, "bad_date")
            return None

    def year(self, name: str) -> int | None:
        text = self.get(name)
        if text and not (text.isdigit() and 1900 <= int(text) <= 2100):
            self.problem(name, "bad_year")
            return None
        return int(text) if text else None

    def number(self, name: str) -> float | None:
        text = self.get(name).replace(",", "").replace(" ", "")
        try:
            value = float(text) if text else None
        except ValueError:
            value = -1.0
        if value is not None and not 0 <= value <= 1e10:
            self.problem(name, "bad_number")
            return None
        return value


def _coded(jobs: list[Job], services_: Services) -> list[Job]:
    """Jobs without an occupation coded from their title, when the install runs the occupation coder."""
    todo = [j for j in jobs if not j.occupation_id]
    if not todo or "occupation" not in services_.settings.enrich_steps:
        return jobs
    coder = services_.enricher.models.coder
    if coder is None:
        return jobs
    ranked = dict(zip((j.title for j in todo), coder.code([j.title for j in todo], top=1), strict=True))
    return [
        Job(j.title, ranked[j.title][0].concept_id, j.employer, j.started, j.ended, j.description)
        if not j.occupation_id and ranked.get(j.title)
        else j
        for j in jobs
    ]


@cache
def language_names(lang: str) -> dict[str, str]:
    """ISO 639-1 code -> language name in the reader's language, sorted by name."""
    names = Locale.parse(lang if lang in ("en", "ko", "id") else "en").languages
    two = {code: name for code, name in names.items() if len(code) == 2 and code.isalpha() and code.islower()}
    return dict(sorted(two.items(), key=lambda pair: pair[1].casefold()))


def _same(label: str, text: str) -> bool:
    return label.casefold().strip() == text.casefold().strip()


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _number(value: float | None) -> str:
    return f"{value:g}" if value is not None else ""
