"""A CV's text -> a draft profile the person reviews and confirms: headline, desired occupations (coded from the
most recent job titles), skills, work history, education, languages, certificates, and notes on what could
not be read. Pure: the occupation coder and the skill extractor are passed in (the running system's are in
`Enricher.models`; `draft_with_enricher` takes them from there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from lmis.enrich.coding import Candidate
from lmis.enrich.enricher import Enricher
from lmis.enrich.resume_fields import MAX_NAME, certificates_in, education_entries, language_test_levels, languages_in
from lmis.enrich.resume_text import JobEntry, Section, job_entries, split_sections
from lmis.enrich.skills import SkillMention
from lmis.people.profile import Evidence, Job, Language, ProfileDetails, ProfileSkill
from lmis.people.services import ProfileInput

RESUME_METHOD = "cv-draft-1"
RECENT_TITLES = 3  # desired occupations come from this many most recent jobs
SWAP_MARGIN = 0.02  # an employer must code this much better than the title to be read as the title
MOST = {"skills": 100, "work_history": 30, "education": 10, "languages": 20, "certificates": 30}  # check_details
_ITEM = re.compile(r"[^,;|·•/\n]+")


class TitleCoder(Protocol):
    """What drafting needs of `OccupationCoder`."""

    def code(self, titles: Sequence[str], top: int = 5) -> list[list[Candidate]]: ...


class SkillFinder(Protocol):
    """What drafting needs of `SkillExtractor`."""

    def extract_many(self, texts: Sequence[str], *, semantic: bool = True) -> list[list[SkillMention]]: ...


@dataclass(frozen=True, slots=True)
class DraftOccupation:
    """A desired occupation: the coded occupation of a recent job title, with the confidence of the code."""

    concept_id: str
    label: str
    isco_code: str
    confidence: float
    title: str  # the job title it was coded from


@dataclass(frozen=True, slots=True)
class DraftSkill:
    """A skill found in the CV: its label and the words it was read from."""

    skill_id: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class ProfileDraft:
    """What a CV says, for the person to review: `details.skills` are `skills` (same order) with evidence CV."""

    headline: str
    occupations: tuple[DraftOccupation, ...]
    details: ProfileDetails
    skills: tuple[DraftSkill, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be read, in words the form can show
    method: str = RESUME_METHOD
    version: str = ""  # the enrichment models' version
    taxonomy_release: str = ""

    def profile_input(self, region: str | None = None) -> ProfileInput:
        """The draft as the input `people.services.save_profile` takes once the person confirms it."""
        return ProfileInput(
            headline=self.headline,
            region=region,
            occupations=tuple(o.concept_id for o in self.occupations),
            skills=self.details.skill_ids(),
            details=self.details,
        )

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form for the review form (details as `ProfileDetails.as_json`)."""
        return {
            "headline": self.headline,
            "occupations": [
                {"concept_id": o.concept_id, "label": o.label, "isco_code": o.isco_code, "confidence": o.confidence,
                 "title": o.title}
                for o in self.occupations
            ],
            "details": self.details.as_json(),
            "skills": [{"skill_id": s.skill_id, "label": s.label, "text": s.text} for s in self.skills],
            "notes": list(self.notes),
            "method": self.method,
            "version": self.version,
            "taxonomy_release": self.taxonomy_release,
        }  # fmt: skip


def draft_profile(
    text: str,
    *,
    coder: TitleCoder | None,
    skills: SkillFinder | None,
    semantic: bool = False,
    today: date | None = None,
) -> ProfileDraft:
    """Read `text` (a CV) into a draft profile; `coder` or `skills` None leaves occupations or skills out (noted).

    `semantic` also finds skills by embedding similarity (slower); `today` lets dates in the future be noted.
    """
    sections = split_sections(text)
    notes = _missing_sections(sections)
    jobs, job_notes = _jobs(job_entries(sections.get(Section.EXPERIENCE, [])), coder, today)
    education, education_notes = education_entries(sections.get(Section.EDUCATION, []))
    languages, language_notes = _languages(sections)
    certificates = certificates_in(sections.get(Section.CERTIFICATES, []))
    found, skill_notes = _skills(sections, jobs, skills, semantic=semantic)
    occupations = _occupations(jobs, coder)
    details = ProfileDetails(
        skills=tuple(ProfileSkill(s.skill_id, evidence=Evidence.CV) for s in found),
        work_history=tuple(job for job, _candidates in jobs),
        education=tuple(education),
        languages=tuple(languages),
        certificates=tuple(certificates),
    )
    details, limit_notes = _within_limits(details)
    notes += job_notes + education_notes + language_notes + skill_notes + limit_notes
    if coder is None:
        notes.append("occupations could not be coded (no occupation taxonomy is loaded); choose them yourself")
    return ProfileDraft(
        _headline(sections, details), tuple(occupations), details, tuple(found[: MOST["skills"]]), tuple(notes)
    )


def draft_with_enricher(text: str, *, enricher: Enricher, today: date | None = None) -> ProfileDraft:
    """`draft_profile` with the running system's coder and skill extractor (loaded on first use), with provenance."""
    models = enricher.models
    draft = draft_profile(
        text, coder=models.coder, skills=models.extractor, semantic=enricher.semantic_skills, today=today
    )
    return replace(draft, version=models.model_version, taxonomy_release=models.taxonomy_release)


def _missing_sections(sections: dict[Section, list[str]]) -> list[str]:
    named = {
        Section.EXPERIENCE: "work experience ('Experience', '경력', 'Pengalaman kerja')",
        Section.EDUCATION: "education ('Education', '학력', 'Pendidikan')",
        Section.SKILLS: "skills ('Skills', '보유 기술', 'Keahlian')",
    }
    return [
        f"no {what} section was found by its heading; add it in the form" for section, what in named.items()
        if not any(line.strip() for line in sections.get(section, []))
    ]  # fmt: skip


def _jobs(
    entries: list[JobEntry], coder: TitleCoder | None, today: date | None
) -> tuple[list[tuple[Job, list[Candidate]]], list[str]]:
    """Each entry as a `Job` coded by `coder` (title and employer swapped when the employer codes clearly better)."""
    entries = [entry for entry in entries if entry.title]
    unsure = [entry for entry in entries if not entry.ordered and entry.employer]
    ranked = coder.code([*(e.title for e in entries), *(e.employer for e in unsure)]) if coder and entries else []
    coded = dict(zip((e.title for e in entries), ranked, strict=False))
    by_employer = dict(zip((e.employer for e in unsure), ranked[len(entries) :], strict=False))
    jobs: list[tuple[Job, list[Candidate]]] = []
    notes: list[str] = []
    for entry in entries:
        title, employer, candidates = entry.title, entry.employer, coded.get(entry.title, [])
        alternative = by_employer.get(employer, [])
        if alternative and (not candidates or alternative[0].score > candidates[0].score + SWAP_MARGIN):
            title, employer, candidates = employer, title, alternative
        job = Job(
            title=_clip(title, MAX_NAME),
            occupation_id=candidates[0].concept_id if candidates else None,
            employer=_clip(employer, MAX_NAME),
            started=entry.started,
            ended=entry.ended,
            description=_clip(entry.description, 5000),
        )
        jobs.append((job, candidates))
        if not entry.dated:
            notes.append(f"no dates were found for the job {job.title!r}; add when it started and ended")
        elif today is not None and job.started is not None and job.started > today:
            notes.append(f"the job {job.title!r} starts in the future ({job.started:%Y-%m}); check the dates")
    return jobs, notes


def _occupations(jobs: list[tuple[Job, list[Candidate]]], coder: TitleCoder | None) -> list[DraftOccupation]:
    """The codes of the most recent distinct job titles (current jobs first, then by end date; CV order on ties)."""
    if coder is None:
        return []
    recent = sorted(jobs, key=lambda pair: (pair[0].ended or date.max, pair[0].started or date.min), reverse=True)
    recent = recent if any(job.started or job.ended for job, _c in jobs) else jobs
    chosen: dict[str, DraftOccupation] = {}
    titles: list[str] = []
    for job, candidates in recent:
        if job.title in titles or not candidates:
            continue
        titles.append(job.title)
        if len(titles) > RECENT_TITLES:
            break
        top = candidates[0]
        label = next((text for kind, text, _s in top.support if kind in ("exact label", "label similarity")), "")
        if top.concept_id not in chosen:
            chosen[top.concept_id] = DraftOccupation(
                top.concept_id, label or top.matched_label, top.isco, top.confidence, job.title
            )
    return list(chosen.values())


def _languages(sections: dict[Section, list[str]]) -> tuple[list[Language], list[str]]:
    """Languages of the languages section; test scores there or under certificates state or raise levels."""
    languages, unstated = languages_in(sections.get(Section.LANGUAGES, []))
    tested = language_test_levels(sections.get(Section.CERTIFICATES, []))
    known = {language.code for language in languages}
    languages = [
        Language(x.code, tested[x.code]) if x.code in unstated and x.code in tested else x for x in languages
    ] + [Language(code, level) for code, level in tested.items() if code not in known]
    still = [code for code in unstated if code not in tested]
    notes = [f"no level was stated for {', '.join(still)}; B1 was assumed: correct it"] if still else []
    return languages, notes


def _skills(
    sections: dict[Section, list[str]],
    jobs: list[tuple[Job, list[Candidate]]],
    finder: SkillFinder | None,
    *,
    semantic: bool,
) -> tuple[list[DraftSkill], list[str]]:
    """Skills found in the skills section, the job descriptions and the summary; items of the skills section
    that match no known skill are named in a note."""
    listed = "\n".join(sections.get(Section.SKILLS, []))
    if finder is None:
        return [], ["skills could not be read (no skill taxonomy is loaded); add them yourself"]
    worked = "\n".join(f"{job.title}\n{job.description}" for job, _candidates in jobs)
    texts = [listed, worked, "\n".join(sections.get(Section.SUMMARY, []))]
    mentions = finder.extract_many(texts, semantic=semantic)
    found: dict[str, DraftSkill] = {}
    for text, found_in in zip(texts, mentions, strict=True):
        for mention in found_in:
            found.setdefault(
                mention.skill_id, DraftSkill(mention.skill_id, mention.label, text[mention.start : mention.end])
            )
    spans = [(m.start, m.end) for m in mentions[0]]
    unmatched = [
        item.group(0).strip(" -*•\t")
        for item in _ITEM.finditer(listed)
        if re.search(r"\w", item.group(0)) and not any(a < item.end() and item.start() < b for a, b in spans)
    ]
    notes = [f"not found among known skills: {', '.join(unmatched[:10])}; choose the closest from the list"]
    return list(found.values()), notes if unmatched else []


def _within_limits(details: ProfileDetails) -> tuple[ProfileDetails, list[str]]:
    """`details` cut to the numbers of entries a profile may hold, with a note for each cut."""
    notes = []
    for name, most in MOST.items():
        items = getattr(details, name)
        if len(items) > most:
            details = replace(details, **{name: items[:most]})
            notes.append(f"only the first {most} of {len(items)} {name.replace('_', ' ')} entries were kept")
    return details, notes


def _headline(sections: dict[Section, list[str]], details: ProfileDetails) -> str:
    """The most recent job title, else the summary's first sentence (at most 120 characters), else nothing."""
    current = sorted(details.work_history, key=lambda job: job.ended or date.max, reverse=True)
    if current:
        return current[0].title
    summary = " ".join(line.strip() for line in sections.get(Section.SUMMARY, []) if line.strip())
    sentence = re.split(r"(?<=[.!?。])\s", summary, maxsplit=1)[0]
    return sentence if len(sentence) <= 120 else sentence[:120].rsplit(" ", 1)[0] + "…"


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
