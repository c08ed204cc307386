"""The ingestion pipeline: store raw -> parse -> validate -> enrich hook -> upsert, in batches.

Each batch is one transaction: its raw records, its postings and its quarantine entries are
committed together, so a crash loses at most the batch in flight and never half a batch.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from lmis.ingest.model import (
    Draft,
    IngestRun,
    ParseError,
    Payload,
    Problem,
    QuarantineEntry,
    RawRecord,
    RunCounts,
)
from lmis.ingest.ports import FeedFormat, IngestUnitOfWork
from lmis.ingest.validation import Context, build_posting, content_hash
from lmis.jobs.model import ChangeKind, JobPosting, PostingStatus
from lmis.jobs.ports import StoredState
from lmis.shared.ids import check_source_name
from lmis.shared.progress import Progress

# The enrichment hook: the batch's new and changed postings, inside the batch's transaction.
Enrich = Callable[[list[JobPosting], IngestUnitOfWork], list[JobPosting]]
BATCH_SIZE = 500
MAX_RECORD_BYTES = 1 << 20


def new_id() -> str:
    """A random, URL-safe id for runs, raw records and quarantine entries."""
    return secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a run treats its input.

    `full_snapshot`: the feed holds every live posting of the source, so postings missing
    from it are removed (tombstoned) at the end. `enrich` is the enrichment hook.
    """

    source: str
    location: str
    licence: str = ""
    full_snapshot: bool = False
    batch_size: int = BATCH_SIZE
    max_record_bytes: int = MAX_RECORD_BYTES
    enrich: Enrich | None = None
    replay_of: str | None = None


@dataclass(slots=True)
class _Batch:
    """One batch while it is decided: postings to save, removals, quarantine, counts."""

    raw: list[RawRecord]
    save: list[tuple[JobPosting, ChangeKind]] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)
    quarantine: list[QuarantineEntry] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    received: int = 0
    unchanged: int = 0


def run_feed(
    payloads: Iterable[Payload],
    fmt: FeedFormat,
    options: RunOptions,
    *,
    uow: IngestUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress,
    resolves: dict[str, str] | None = None,
) -> IngestRun:
    """Run `payloads` of format `fmt` through the pipeline and return the finished run.

    `resolves` maps raw-payload positions to quarantine entry ids a replay may close.
    Never raises for bad records (they are quarantined); an I/O or database error ends the run
    as failed, with the batches committed so far kept, and is raised again. A source name that
    cannot be stored is `Invalid` before anything is written.
    """
    check_source_name(options.source)
    run = IngestRun(
        new_id(), options.source, fmt.name, options.location, now(), fmt.options(), replay_of=options.replay_of
    )
    with uow:
        uow.ingest.save_run(run)
        uow.commit()
    progress.begin(f"Ingesting {options.source}", 0)
    try:
        counts = _ingest_batches(payloads, fmt, options, run, uow, now, progress, resolves or {})
    except _RunFailed as failure:
        with uow:
            uow.ingest.save_run(run.fail(now(), failure.counts, f"{type(failure.cause).__name__}: {failure.cause}"))
            uow.commit()
        raise failure.cause from None
    finished = run.finish(now(), counts)
    with uow:
        uow.ingest.save_run(finished)
        uow.commit()
    return finished


class _RunFailed(Exception):
    """Carries what a run counted before `cause` stopped it."""

    def __init__(self, cause: Exception, counts: RunCounts) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.counts = counts


def _ingest_batches(
    payloads: Iterable[Payload],
    fmt: FeedFormat,
    options: RunOptions,
    run: IngestRun,
    uow: IngestUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress,
    resolves: dict[str, str],
) -> RunCounts:
    """Every batch, then the full-snapshot removals; planner statistics refreshed as the writes double."""
    counts, seen, analysed_at = RunCounts(), _Seen(), 0
    try:
        for chunk in _batches(payloads, options.batch_size):
            counts += _process(chunk, fmt, options, run, uow, now(), seen, resolves)
            progress.advance(len(chunk))
            written = counts.new + counts.updated + counts.removed
            if written >= max(2 * analysed_at, options.batch_size):
                _refresh_statistics(uow)
                analysed_at = written
        if options.full_snapshot:
            counts += _remove_missing(options.source, seen.mentioned, uow, now())
    except Exception as error:
        raise _RunFailed(error, counts) from error
    if counts.new + counts.updated + counts.removed > analysed_at:
        _refresh_statistics(uow)
    return counts


def _refresh_statistics(uow: IngestUnitOfWork) -> None:
    with uow:
        uow.jobs.refresh_statistics()
        uow.commit()


def _batches(payloads: Iterable[Payload], size: int) -> Iterator[list[Payload]]:
    iterator = iter(payloads)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _process(
    chunk: list[Payload],
    fmt: FeedFormat,
    options: RunOptions,
    run: IngestRun,
    uow: IngestUnitOfWork,
    at: datetime,
    seen: _Seen,
    resolves: dict[str, str],
) -> RunCounts:
    """Store, read, decide and save one batch in one transaction; `seen` remembers the run's external ids.

    A draft whose content hash equals the stored one is unchanged and is not validated again
    (it was valid when stored), which is what makes re-reading an unchanged feed cheap.
    """
    batch = _Batch(
        [
            RawRecord(new_id(), run.id, options.source, p.position, p.text, at, p.decode_error, seen.next_ordinal())
            for p in chunk
        ]
    )
    read = [(raw, _drafts(raw, fmt, options)) for raw in batch.raw]
    with uow:
        uow.ingest.add_raw(batch.raw)
        ids = [_external_id(d) for _raw, drafts in read if not isinstance(drafts, Problem) for d in drafts]
        states = uow.jobs.states(options.source, [i for i in ids if i])
        for raw, drafts in read:
            if isinstance(drafts, Problem):
                batch.received += 1
                _hold(raw, batch, run, [drafts], at, resolves)
                continue
            for draft in drafts:
                batch.received += 1
                _decide(draft, raw, batch, options, run, at, states, seen, resolves)
        if options.enrich and batch.save:
            enriched = options.enrich([posting for posting, _kind in batch.save], uow)
            batch.save = [(posting, kind) for posting, (_old, kind) in zip(enriched, batch.save, strict=True)]
        uow.jobs.save(batch.save, at)
        removed = uow.jobs.remove(options.source, batch.removals, at) if batch.removals else 0
        uow.ingest.add_quarantine(batch.quarantine)
        if batch.resolved:
            uow.ingest.resolve(batch.resolved, run.id)
        uow.commit()
    created = sum(1 for _p, kind in batch.save if kind is ChangeKind.CREATED)
    return RunCounts(
        batch.received, created, len(batch.save) - created, batch.unchanged, removed, len(batch.quarantine)
    )


def _decide(
    draft: Draft,
    raw: RawRecord,
    batch: _Batch,
    options: RunOptions,
    run: IngestRun,
    at: datetime,
    states: dict[str, StoredState],
    seen: _Seen,
    resolves: dict[str, str],
) -> None:
    """Put one draft where it belongs: unchanged, saved, removed or quarantined."""
    external_id = _external_id(draft)
    if external_id:
        seen.mentioned.add(external_id)
    if external_id in seen.accepted:
        rule = f"appears twice in this run (first at {seen.accepted[external_id]})"
        _hold(raw, batch, run, [Problem("external_id", external_id, rule)], at, resolves)
        return
    state = states.get(external_id)
    digest = content_hash(draft)
    if state is not None and state.content_hash == digest and state.status is not PostingStatus.REMOVED:
        seen.accepted[external_id] = raw.position
        batch.unchanged += 1
        _resolve(raw, batch, resolves)
        return
    result = build_posting(draft, Context(options.source, raw.id, run.id, at, options.licence), digest)
    if isinstance(result, list):
        _hold(raw, batch, run, result, at, resolves)
        return
    seen.accepted[external_id] = raw.position
    _resolve(raw, batch, resolves)
    if result.status is PostingStatus.REMOVED:
        if state is None or state.status is PostingStatus.REMOVED:
            batch.unchanged += 1
        else:
            batch.removals.append(external_id)
        return
    batch.save.append((result, ChangeKind.CREATED if state is None else ChangeKind.UPDATED))


def _resolve(raw: RawRecord, batch: _Batch, resolves: dict[str, str]) -> None:
    if raw.position in resolves:
        batch.resolved.append(resolves[raw.position])


def _hold(
    raw: RawRecord, batch: _Batch, run: IngestRun, problems: list[Problem], at: datetime, resolves: dict[str, str]
) -> None:
    """Quarantine a record; on a replay its new entry supersedes the one it came from."""
    batch.quarantine.append(_entry(raw, run, problems, at))
    _resolve(raw, batch, resolves)


def _external_id(draft: Draft) -> str:
    """The external id as validation will read it (text, whole or decimal number)."""
    value = draft.get("external_id")
    return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


@dataclass(slots=True)
class _Seen:
    """What a run has met so far: accepted external ids (with their position), every id mentioned
    (even in quarantined records, so a full snapshot never removes a posting it holds), and
    the order of raw records."""

    accepted: dict[str, str] = field(default_factory=dict)
    mentioned: set[str] = field(default_factory=set)
    ordinal: int = 0

    def next_ordinal(self) -> int:
        self.ordinal += 1
        return self.ordinal


def _remove_missing(source: str, seen: set[str], uow: IngestUnitOfWork, at: datetime) -> RunCounts:
    """Tombstone the live postings of `source` a full snapshot did not contain."""
    with uow:
        missing = uow.jobs.live_external_ids(source) - seen
        removed = uow.jobs.remove(source, missing, at) if missing else 0
        uow.commit()
    return RunCounts(removed=removed)


def _drafts(raw: RawRecord, fmt: FeedFormat, options: RunOptions) -> list[Draft] | Problem:
    """The drafts of one raw record, or the problem that keeps the whole record out."""
    if raw.decode_error:
        return Problem("payload", raw.payload[:80], f"is not valid text ({raw.decode_error})")
    size = len(raw.payload.encode())
    if size > options.max_record_bytes:
        return Problem("payload", f"{size} bytes", f"is larger than the limit of {options.max_record_bytes} bytes")
    try:
        drafts = fmt.parse(raw.payload)
    except ParseError as error:
        return error.problem
    return drafts or Problem("payload", raw.payload[:80], "holds no posting")


def _entry(raw: RawRecord, run: IngestRun, problems: list[Problem], at: datetime) -> QuarantineEntry:
    return QuarantineEntry(new_id(), raw.id, run.id, raw.source, raw.position, tuple(problems), at)
