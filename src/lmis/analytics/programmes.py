"""Programme evaluation use cases: import episode files (bad rows quarantined), list programmes, evaluate one.

Reading programmes and effects needs the `read_analytics` permission (counsellors, analysts,
administrators): they are aggregates of personal records under disclosure control, the same rule as
recommendation attribution. The quarantine holds records as sent and is for the operator (CLI).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import islice

import numpy as np

from lmis.analytics.evaluation import CALIPER_SD
from lmis.analytics.evaluation_outcomes import Fitted, evaluate_outcome, time_to_job
from lmis.analytics.programme_model import (
    Episode,
    Outcome,
    OutcomeEffect,
    Programme,
    ProgrammeEvaluation,
    ProgrammeList,
    ProgrammeSummary,
)
from lmis.analytics.programme_ports import (
    EpisodeRecord,
    Participation,
    ProgrammeUnitOfWork,
    QuarantinedEpisode,
    Regions,
)
from lmis.analytics.programme_validation import EpisodeFields, Problem, ProgrammeFields, check_episode
from lmis.identity.model import Permission, Principal
from lmis.shared.errors import Invalid, NotFound, did_you_mean
from lmis.shared.ids import check_source_name, stable_id
from lmis.shared.progress import Progress

BATCH = 1_000


@dataclass
class EpisodeImportReport:
    """What an import did: records read, episodes new, updated and unchanged, records quarantined by reason."""

    import_id: str
    source: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    resolved: int = 0  # older quarantine entries this import superseded
    programmes: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        """The counts as JSON-ready data."""
        return {**asdict(self), "reasons": dict(self.reasons.most_common())}


@dataclass
class _Seen:
    """What earlier batches of the same import saw: external ids (with their position) and programme definitions."""

    positions: dict[str, str] = field(default_factory=dict)
    programmes: dict[str, tuple[ProgrammeFields, str]] = field(default_factory=dict)
    stored: set[str] = field(default_factory=set)
    held: set[str] = field(default_factory=set)


def episode_id(source: str, external_id: str) -> str:
    """The stable id of a source's episode."""
    return stable_id("episode", f"{source}\x1f{external_id}")


# -- import ---------------------------------------------------------------------------------


def import_episodes(
    records: Iterable[EpisodeRecord],
    *,
    source: str,
    uow: Callable[[], ProgrammeUnitOfWork],
    regions: Regions,
    now: Callable[[], datetime],
    progress: Progress,
    total: int = 0,
) -> EpisodeImportReport:
    """Validate and upsert episode records of `source` by external id, one transaction per batch of 1,000.

    Programmes are created or updated from the records' programme columns (the first definition in a
    file rules; a record defining the same id otherwise is a problem). A record that fails is
    quarantined with its raw text and every problem, never dropped; an external id listed twice is a
    problem of the second record. At the end, older open quarantine entries of the same external ids
    are resolved: a good record supersedes them, and so does a newer rejection.
    """
    check_source_name(source)
    started = now()
    report = EpisodeImportReport(stable_id("episode-import", f"{source}\x1f{started.isoformat()}"), source)
    progress.begin(f"Importing programme episodes from {source}", total)
    seen = _Seen()
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH)):
        with uow() as unit:
            _import_batch(batch, unit, regions, report, seen, now())
            unit.commit()
        progress.advance(len(batch))
    with uow() as unit:
        report.resolved = _resolve_superseded(unit, report, seen, now())
        unit.commit()
    report.programmes = sorted({fields.id for fields, _ in seen.programmes.values()})
    return report


def _import_batch(
    batch: list[EpisodeRecord],
    uow: ProgrammeUnitOfWork,
    regions: Regions,
    report: EpisodeImportReport,
    seen: _Seen,
    at: datetime,
) -> None:
    good: dict[str, tuple[EpisodeFields, str | None]] = {}
    held: list[QuarantinedEpisode] = []
    for record in batch:
        report.read += 1
        if record.values is None:
            held.append(_quarantined(record, [Problem("record", "", record.error or "cannot be read")], report, at))
            continue
        fields, problems = check_episode(record.values)
        region = _region(fields.region, regions, problems)
        _check_repeats(fields, record.position, seen, problems)
        if problems:
            held.append(_quarantined(record, problems, report, at))
            if fields.external_id:
                seen.held.add(fields.external_id)
        else:
            good[fields.external_id] = (fields, region)
    _store(good, uow, report, seen, at)
    if held:
        uow.programmes.quarantine(held)
        report.quarantined += len(held)
        report.reasons.update(f"{p['field']}: {_reason_kind(str(p['reason']))}" for q in held for p in q.problems)


def _region(text: str, regions: Regions, problems: list[Problem]) -> str | None:
    if not text:
        return None
    found = regions.resolve(text)
    if found is None:
        problems.append(
            Problem("region", text, "is not a known place (a gazetteer id or name)", tuple(regions.suggest(text)))
        )
    return found


def _check_repeats(fields: EpisodeFields, position: str, seen: _Seen, problems: list[Problem]) -> None:
    """An external id twice in one import, or a programme defined two ways, is a problem of the later record."""
    if fields.external_id:
        first = seen.positions.setdefault(fields.external_id, position)
        if first != position:
            problems.append(Problem("external_id", fields.external_id, f"is listed twice (first at {first})"))
    programme = fields.programme
    if programme is None or any(p.field.startswith("programme_") for p in problems):
        return
    defined, where = seen.programmes.setdefault(programme.id, (programme, position))
    if defined != programme:
        problems.append(
            Problem(
                "programme_id",
                programme.id,
                f"is defined differently at {where} (name {defined.name!r}, kind {defined.kind.value})",
            )
        )


def _reason_kind(reason: str) -> str:
    """The reason without the values in it, so that counts group alike problems."""
    return reason.split(" (first at")[0].split(" at line")[0].split(";")[0]


def _quarantined(
    record: EpisodeRecord, problems: list[Problem], report: EpisodeImportReport, at: datetime
) -> QuarantinedEpisode:
    return QuarantinedEpisode(
        id=stable_id("episode-quarantine", f"{report.import_id}\x1f{record.position}"),
        import_id=report.import_id,
        source=report.source,
        position=record.position,
        payload=record.payload,
        problems=[p.as_dict() for p in problems],
        created_at=at,
    )


def _store(
    good: dict[str, tuple[EpisodeFields, str | None]],
    uow: ProgrammeUnitOfWork,
    report: EpisodeImportReport,
    seen: _Seen,
    at: datetime,
) -> None:
    if not good:
        return
    wanted = {f.programme.id: f.programme for f, _ in good.values() if f.programme is not None}
    if wanted:
        uow.programmes.save_programmes(
            [Programme(p.id, p.name, p.kind, p.description, report.source, at) for p in wanted.values()]
        )
    stored = uow.programmes.episodes_of(report.source, list(good))
    changed: list[Episode] = []
    for external_id, (fields, region) in good.items():
        episode = _episode(report.source, fields, region, at)
        before = stored.get(external_id)
        if before is not None and before.same_content(episode):
            report.unchanged += 1
            continue
        report.new += before is None
        report.updated += before is not None
        changed.append(episode)
    uow.programmes.save_episodes(changed)
    seen.stored.update(good)


def _episode(source: str, fields: EpisodeFields, region: str | None, at: datetime) -> Episode:
    registered = fields.registered_on
    if registered is None:  # checked already: a record without it has a problem and is not stored
        raise ValueError(f"episode {fields.external_id!r} has no registration date")
    return Episode(
        id=episode_id(source, fields.external_id),
        source=source,
        external_id=fields.external_id,
        person_key=fields.person_key,
        programme_id=fields.programme.id if fields.programme else None,
        registered_on=registered,
        started_on=fields.started_on,
        ended_on=fields.ended_on,
        region=region,
        age=fields.age,
        sex=fields.sex,
        education_isced=fields.education_isced,
        months_unemployed=fields.months_unemployed,
        earnings_before=fields.earnings_before,
        earnings_after=fields.earnings_after,
        employed_3m=fields.employed_3m,
        employed_6m=fields.employed_6m,
        employed_12m=fields.employed_12m,
        days_to_job=fields.days_to_job,
        synthetic=fields.synthetic,
        imported_at=at,
    )


def _resolve_superseded(uow: ProgrammeUnitOfWork, report: EpisodeImportReport, seen: _Seen, at: datetime) -> int:
    """Resolve older open entries of the external ids this import stored or rejected anew."""
    touched = seen.stored | seen.held
    if not touched:
        return 0
    older = [
        entry.id
        for entry in uow.programmes.open_quarantine(report.source, None)
        if entry.import_id != report.import_id and _external_id(entry.payload) in touched
    ]
    return uow.programmes.resolve_quarantined(older, at) if older else 0


def _external_id(payload: str) -> str | None:
    try:
        values = json.loads(payload)
    except ValueError:
        return None
    found = values.get("external_id") if isinstance(values, dict) else None
    return str(found).strip() if found not in (None, "") else None


def quarantined_episodes(*, source: str | None, limit: int, uow: ProgrammeUnitOfWork) -> list[QuarantinedEpisode]:
    """Open quarantine entries, newest first, with every problem and the record as read (for the operator)."""
    with uow:
        return uow.programmes.open_quarantine(source, limit)


# -- reading --------------------------------------------------------------------------------


def list_programmes(*, uow: ProgrammeUnitOfWork, actor: Principal, min_cell: int) -> ProgrammeList:
    """Every programme with its participants and the comparison pool's size (needs `read_analytics`).

    Counts from 1 to `min_cell - 1` persons are suppressed (None, with the reason), and so are the
    start dates of a suppressed programme; the 12-month count is also withheld when the participants
    without it are so few (it would give them away by subtraction). No total over programmes is given.
    """
    actor.require(Permission.READ_ANALYTICS)
    with uow:
        programmes = uow.programmes.programmes()
        counts = {p.programme_id: p for p in uow.programmes.participation()}
        pool = uow.programmes.comparison_pool_size()
    summaries = tuple(_summary(p, counts.get(p.id), min_cell) for p in programmes)
    hidden = _small(pool, min_cell)
    return ProgrammeList(summaries, None if hidden else pool, min_cell, hidden)


def _small(count: int, min_cell: int) -> str | None:
    if 0 < count < min_cell:
        return f"fewer than {min_cell} persons: not published"
    return None


def _summary(programme: Programme, counts: Participation | None, min_cell: int) -> ProgrammeSummary:
    if counts is None:
        return ProgrammeSummary(programme, 0, 0, None, None)
    hidden = _small(counts.participants, min_cell)
    if hidden is not None:
        return ProgrammeSummary(programme, None, None, None, None, hidden)
    observed = counts.with_12m_outcome
    withheld = _small(observed, min_cell) or _small(counts.participants - observed, min_cell)
    return ProgrammeSummary(
        programme, counts.participants, None if withheld else observed, counts.first_start, counts.last_start
    )


def parse_outcome(text: str) -> Outcome:
    """An outcome from its name; `Invalid` with suggestions otherwise."""
    try:
        return Outcome(text.strip().lower())
    except ValueError:
        names = [o.value for o in Outcome]
        raise Invalid(
            f"{text!r} is not an outcome; outcomes are {', '.join(names)}",
            field="outcome",
            suggestions=did_you_mean(text, names),
        ) from None


def evaluate_programme(
    programme_id: str,
    *,
    outcome: str | None = None,
    uow: ProgrammeUnitOfWork,
    actor: Principal,
    min_cell: int,
    caliper_sd: float = CALIPER_SD,
) -> ProgrammeEvaluation:
    """The effects of a programme on `outcome` (a name; None: every outcome), with time to job (needs `read_analytics`).

    Participants are the programme's episodes, the comparison pool the episodes in no programme; each
    outcome is estimated on the episodes where it is observed (see `lmis.analytics.evaluation`). Figures
    from fewer than `min_cell` persons are withheld and marked. Raises `NotFound` (with suggestions)
    for an unknown programme and `Invalid` for an unknown outcome. Runs in about a second for 10,000
    episodes; nothing is cached.
    """
    actor.require(Permission.READ_ANALYTICS)
    wanted = (parse_outcome(outcome),) if outcome is not None else tuple(Outcome)
    if min_cell < 1 or not 0 < caliper_sd <= 5:
        raise Invalid("min_cell is 1 or more and caliper_sd above 0, at most 5", field="caliper_sd")
    with uow:
        programme = uow.programmes.programme(programme_id)
        if programme is None:
            raise _unknown(programme_id, uow.programmes.programmes())
        episodes = uow.programmes.evaluation_episodes(programme_id)
    treated = np.array([e.programme_id == programme_id for e in episodes], dtype=np.bool_)
    effects: list[OutcomeEffect] = []
    days: Fitted | None = None
    for chosen in wanted:
        effect, fitted = evaluate_outcome(episodes, treated, chosen, min_cell=min_cell, caliper_sd=caliper_sd)
        effects.append(effect)
        days = fitted if chosen is Outcome.DAYS_TO_JOB else days
    if Outcome.DAYS_TO_JOB not in wanted:
        days = evaluate_outcome(episodes, treated, Outcome.DAYS_TO_JOB, min_cell=min_cell, caliper_sd=caliper_sd)[1]
    return ProgrammeEvaluation(programme, tuple(effects), time_to_job(days, min_cell), min_cell, caliper_sd)


def _unknown(programme_id: str, programmes: list[Programme]) -> NotFound:
    by_name = {p.name: p.id for p in programmes}
    close = did_you_mean(programme_id, [p.id for p in programmes])
    close += [by_name[name] for name in did_you_mean(programme_id, list(by_name))]
    return NotFound(f"no programme with id {programme_id!r}", suggestions=list(dict.fromkeys(close))[:3])
