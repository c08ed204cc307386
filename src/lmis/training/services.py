"""Course use cases: import a provider's file (bad rows quarantined), list and read courses, courses for skill gaps."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice

from lmis.shared.errors import Invalid, NotFound, did_you_mean
from lmis.shared.ids import check_source_name, stable_id
from lmis.shared.paging import Page, make_page, page_request
from lmis.shared.progress import Progress
from lmis.shared.text import normalise
from lmis.taxonomy.model import ConceptRef
from lmis.training.model import Course, CourseMatch, Mode, courses_for_gaps
from lmis.training.ports import CourseFilter, CourseRecord, QuarantinedCourse, Regions, TrainingUnitOfWork
from lmis.training.skills import SkillResolver
from lmis.training.validation import CourseFields, Problem, check_course

BATCH = 500
MAX_SKILLS_ASKED = 200
MAX_K = 100


@dataclass
class ImportReport:
    """What an import did: records read, courses new, updated and unchanged, records quarantined by reason."""

    import_id: str
    source: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        """The counts as JSON-ready data."""
        return {**asdict(self), "reasons": dict(self.reasons.most_common())}


@dataclass(frozen=True, slots=True)
class CourseView:
    """A course with its skills as coded references and its region's name (what the API shows)."""

    course: Course
    skills: list[ConceptRef]
    region_name: str | None


# -- import ---------------------------------------------------------------------------------


def import_courses(
    records: Iterable[CourseRecord],
    *,
    source: str,
    uow: Callable[[], TrainingUnitOfWork],
    regions: Regions,
    now: Callable[[], datetime],
    progress: Progress,
    total: int = 0,
) -> ImportReport:
    """Validate and upsert course records of `source` by external id, one transaction per batch of 500.

    A record that fails is quarantined with its raw text and every problem (field, value, reason,
    suggestions), never dropped; a later good record of the same external id resolves it. An
    external id listed twice in one import is a problem of the second record.
    """
    check_source_name(source)
    started = now()
    report = ImportReport(stable_id("course-import", f"{source}\x1f{started.isoformat()}"), source)
    progress.begin(f"Importing courses from {source}", total)
    seen: dict[str, str] = {}
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH)):
        with uow() as unit:
            _import_batch(batch, unit, regions, report, seen, now())
            unit.commit()
        progress.advance(len(batch))
    return report


def _import_batch(
    batch: list[CourseRecord],
    uow: TrainingUnitOfWork,
    regions: Regions,
    report: ImportReport,
    seen: dict[str, str],
    at: datetime,
) -> None:
    resolver = SkillResolver(uow.taxonomy)
    checked = [(record, check_course(record.values) if record.values is not None else None) for record in batch]
    resolver.prepare(skill for _record, result in checked if result for skill in result[0].skills)
    good: dict[str, tuple[CourseFields, tuple[str, ...], str | None]] = {}
    held: list[QuarantinedCourse] = []
    for record, result in checked:
        report.read += 1
        if result is None:
            held.append(_quarantined(record, [Problem("record", "", record.error or "cannot be read")], report, at))
            continue
        fields, problems = result
        skills, region, unresolved = _resolve(fields, resolver, regions)
        problems += unresolved
        if fields.external_id:
            first = seen.setdefault(fields.external_id, record.position)
            if first != record.position:
                problems.append(Problem("external_id", fields.external_id, f"is listed twice (first at {first})"))
        if problems:
            held.append(_quarantined(record, problems, report, at))
        else:
            good[fields.external_id] = (fields, skills, region)
    _store(good, uow, report, at)
    if held:
        superseded = {q.external_id for q in held if q.external_id and q.external_id not in good}
        uow.training.resolve_quarantined(report.source, superseded, at)  # the newest rejection replaces older ones
        uow.training.quarantine(held)
        report.quarantined += len(held)
        report.reasons.update(f"{p['field']}: {_reason_kind(str(p['reason']))}" for q in held for p in q.problems)


def _resolve(
    fields: CourseFields, resolver: SkillResolver, regions: Regions
) -> tuple[tuple[str, ...], str | None, list[Problem]]:
    problems: list[Problem] = []
    skills: list[str] = []
    for written in fields.skills:
        found = resolver.resolve(written)
        if found is None:
            problems.append(
                Problem("skills", written, "is not an ESCO skill (URI, id or label)", tuple(resolver.suggest(written)))
            )
        else:
            skills.append(found)
    region: str | None = None
    if fields.region:
        region = regions.resolve(fields.region)
        if region is None:
            problems.append(
                Problem("region", fields.region, "is not a known place", tuple(regions.suggest(fields.region)))
            )
    return tuple(dict.fromkeys(skills)), region, problems


def _reason_kind(reason: str) -> str:
    """The reason without the values in it, so that counts group alike problems."""
    return reason.split(" (first at")[0].split(";")[0]


def _quarantined(
    record: CourseRecord, problems: list[Problem], report: ImportReport, at: datetime
) -> QuarantinedCourse:
    external = record.values.get("external_id") if record.values else None
    return QuarantinedCourse(
        id=stable_id("course-quarantine", f"{report.import_id}\x1f{record.position}"),
        import_id=report.import_id,
        source=report.source,
        position=record.position,
        external_id=str(external).strip()[:200] if external not in (None, "") else None,
        payload=record.payload,
        problems=[p.as_dict() for p in problems],
        created_at=at,
    )


def _store(
    good: Mapping[str, tuple[CourseFields, tuple[str, ...], str | None]],
    uow: TrainingUnitOfWork,
    report: ImportReport,
    at: datetime,
) -> None:
    if not good:
        return
    stored = uow.training.hashes(report.source, list(good))
    changed: list[Course] = []
    for external_id, (fields, skills, region) in good.items():
        digest = _content_hash(fields, skills, region)
        before = stored.get(external_id)
        if before is not None and before[0] == digest:
            report.unchanged += 1
            continue
        if before is None:
            report.new += 1
        else:
            report.updated += 1
        changed.append(_course(report.source, fields, skills, region, digest, before[1] if before else at, at))
    uow.training.save(changed)
    uow.training.resolve_quarantined(report.source, list(good), at)


def course_id(source: str, external_id: str) -> str:
    """The stable id of a provider's course."""
    return stable_id("course", f"{source}\x1f{external_id}")


def _course(
    source: str,
    fields: CourseFields,
    skills: tuple[str, ...],
    region: str | None,
    digest: str,
    created_at: datetime,
    at: datetime,
) -> Course:
    return Course(
        id=course_id(source, fields.external_id),
        source=source,
        external_id=fields.external_id,
        title=fields.title,
        provider=fields.provider,
        description=fields.description,
        skills=skills,
        region=region,
        mode=fields.mode,
        duration_hours=fields.duration_hours,
        cost=fields.cost,
        currency=fields.currency,
        subsidy=fields.subsidy,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        url=fields.url,
        language=fields.language,
        created_at=created_at,
        updated_at=at,
        content_hash=digest,
    )


def _content_hash(fields: CourseFields, skills: tuple[str, ...], region: str | None) -> str:
    content = {**asdict(fields), "skills": skills, "region": region}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def quarantined_courses(*, source: str | None, limit: int, uow: TrainingUnitOfWork) -> list[QuarantinedCourse]:
    """Open quarantine entries (newest first), with their problems."""
    with uow:
        return uow.training.quarantined(source, limit)


# -- reading --------------------------------------------------------------------------------


def list_courses(
    where: CourseFilter, *, cursor: str | None, limit: int | None, uow: TrainingUnitOfWork, regions: Regions
) -> Page[CourseView]:
    """A page of courses matching `where`, by title. Unknown filter values are `Invalid` with suggestions."""
    context = f"courses|{where}"
    request = page_request(cursor, limit, context=context)
    with uow:
        where = _checked_filter(where, uow, regions)
        courses, total = uow.training.find(where, request.offset, request.size)
        views = _views(courses, uow, regions)
    return make_page(views, total, request, context=context)


def _checked_filter(where: CourseFilter, uow: TrainingUnitOfWork, regions: Regions) -> CourseFilter:
    skill = _known_skill(where.skill, uow) if where.skill is not None else None
    region = None
    if where.region is not None:
        region = regions.resolve(where.region)
        if region is None:
            raise Invalid(
                f"{where.region!r} is not a known place", field="region", suggestions=regions.suggest(where.region)
            )
    currency = where.currency.strip().upper() if where.currency is not None else None
    if currency is not None:
        known = uow.training.currencies()
        if currency not in known:
            raise Invalid(
                f"no course is priced in {currency!r}; currencies are {', '.join(known) or 'none yet'}",
                field="currency",
                suggestions=did_you_mean(currency, known),
            )
    if where.max_cost is not None and where.max_cost < 0:
        raise Invalid("max_cost is 0 or more", field="max_cost")
    if where.max_cost and currency is None:
        raise Invalid("say which currency max_cost is in", field="currency", suggestions=uow.training.currencies())
    if where.source is not None:
        sources = uow.training.sources()
        if where.source not in sources:
            raise Invalid(
                f"no courses come from source {where.source!r}; sources are {', '.join(sources) or 'none yet'}",
                field="source",
                suggestions=did_you_mean(where.source, sources),
            )
    text = normalise(where.text) if where.text is not None else None
    if where.text is not None and not text:
        raise Invalid(f"{where.text!r} has no letters or digits to search for", field="text")
    return CourseFilter(skill, region, where.mode, where.max_cost, currency, text, where.source, where.provider)


def _known_skill(value: str, uow: TrainingUnitOfWork) -> str:
    resolver = SkillResolver(uow.taxonomy)
    found = resolver.resolve(value)
    if found is None:
        raise Invalid(
            f"{value!r} is not an ESCO skill (id, URI or label)", field="skill", suggestions=resolver.suggest(value)
        )
    return found


def _views(courses: list[Course], uow: TrainingUnitOfWork, regions: Regions) -> list[CourseView]:
    refs = uow.taxonomy.refs({skill for course in courses for skill in course.skills})
    return [
        CourseView(
            course,
            [refs[skill] for skill in course.skills if skill in refs],
            regions.name(course.region) if course.region else None,
        )
        for course in courses
    ]


def get_course(course_id: str, *, uow: TrainingUnitOfWork, regions: Regions) -> CourseView:
    """One course with its skills; raises `NotFound`."""
    with uow:
        course = uow.training.get(course_id)
        if course is None:
            raise NotFound(f"no course with id {course_id!r}")
        return _views([course], uow, regions)[0]


def courses_for_skills(
    skill_ids: Sequence[str],
    *,
    region: str | None,
    k: int = 5,
    uow: TrainingUnitOfWork,
    today: date | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[CourseMatch]:
    """The `k` best courses for missing skills `skill_ids` (ESCO concept ids, most important first).

    One SQL query reads every course teaching one of the skills (and not ended before `today`);
    `lmis.training.model.courses_for_gaps` ranks them: coverage, reach from `region`, cost, length.
    Each match says which of the skills it `teaches` and which it does not.
    """
    if not 1 <= k <= MAX_K:
        raise Invalid(f"k must be between 1 and {MAX_K}, got {k}", field="k")
    wanted = list(dict.fromkeys(skill_ids))
    if len(wanted) > MAX_SKILLS_ASKED:
        raise Invalid(f"at most {MAX_SKILLS_ASKED} skills a call, got {len(wanted)}", field="skill_ids")
    if not wanted:
        return []
    with uow:
        candidates = uow.training.teaching(wanted, today)
    return courses_for_gaps(wanted, candidates, region=region, k=k, weights=weights)


def parse_mode(text: str) -> Mode:
    """A mode from its name; `Invalid` with suggestions otherwise (for the CLI and other text input)."""
    try:
        return Mode(text.strip().lower())
    except ValueError:
        raise Invalid(f"{text!r} is not a mode", field="mode", suggestions=did_you_mean(text, list(Mode))) from None
