"""Ingestion use cases: run a feed, replay a run or the quarantine, list runs and quarantine."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import BinaryIO

from lmis.ingest.formats import PushFormat
from lmis.ingest.model import IngestRun, ParseError, Payload, Problem, QuarantineEntry, RawRecord
from lmis.ingest.pipeline import Enrich, RunOptions, run_feed
from lmis.ingest.ports import FeedFormat, IngestUnitOfWork
from lmis.ingest.validation import Context, build_posting, content_hash
from lmis.jobs.model import JobPosting
from lmis.shared.errors import NotFound, did_you_mean
from lmis.shared.paging import Page, make_page, page_request
from lmis.shared.progress import Progress

FormatFor = Callable[[str, Mapping[str, object]], FeedFormat]
"""Builds a feed format from its name and the options a run recorded (`FeedFormat.options`)."""


def ingest_stream(
    data: BinaryIO,
    fmt: FeedFormat,
    options: RunOptions,
    *,
    uow: IngestUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress,
) -> IngestRun:
    """Ingest every record of `data` (bytes of a feed in format `fmt`)."""
    return run_feed(fmt.payloads(data), fmt, options, uow=uow, now=now, progress=progress)


def replay_run(
    run_id: str,
    format_for: FormatFor,
    *,
    uow: IngestUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress,
    options: RunOptions | None = None,
) -> IngestRun:
    """Run the stored raw records of `run_id` through today's parsers again, as a new run.

    Raises `NotFound` (with close run ids) when there is no such run.
    """
    original = get_run(run_id, uow=uow)
    fmt = format_for(original.format, original.format_options)
    settings = replace(options or RunOptions(original.source, original.location), replay_of=original.id)
    return run_feed(_stored(original.id, uow), fmt, settings, uow=uow, now=now, progress=progress)


def _stored(run_id: str, uow: IngestUnitOfWork) -> Iterator[Payload]:
    with uow:
        records = list(uow.ingest.raw_of_run(run_id))
    for record in records:
        yield Payload(record.position, record.payload, record.decode_error)


def replay_quarantine(
    format_for: FormatFor,
    *,
    source: str | None,
    uow: IngestUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress,
) -> list[IngestRun]:
    """Try every open quarantine entry again (after a fix), one replay run per original run.

    An accepted record closes its entry; one that fails again gets a new entry with today's
    reason, which supersedes (closes) the old one, so the open quarantine never grows by replaying.
    """
    with uow:
        open_entries = uow.ingest.open_quarantine(source)
        runs_by_id = {e.run_id: run for e, _raw in open_entries if (run := uow.ingest.run(e.run_id))}
    groups: dict[str, list[tuple[QuarantineEntry, RawRecord]]] = {}
    for entry, raw in open_entries:
        groups.setdefault(entry.run_id, []).append((entry, raw))
    runs = []
    for run_id, items in sorted(groups.items()):
        original = runs_by_id[run_id]
        payloads = [Payload(raw.position, raw.payload, raw.decode_error) for _e, raw in items]
        resolves = {raw.position: entry.id for entry, raw in items}
        options = RunOptions(original.source, "quarantine replay", replay_of=run_id)
        fmt = format_for(original.format, original.format_options)
        runs.append(run_feed(payloads, fmt, options, uow=uow, now=now, progress=progress, resolves=resolves))
    return runs


def get_run(run_id: str, *, uow: IngestUnitOfWork) -> IngestRun:
    """One run; raises `NotFound` with the ids of recent runs that look alike."""
    with uow:
        run = uow.ingest.run(run_id)
        if run is None:
            recent = [r.id for r in uow.ingest.runs(200)]
            raise NotFound(f"no ingest run {run_id!r}", suggestions=did_you_mean(run_id, recent))
        return run


def list_runs(*, limit: int, uow: IngestUnitOfWork) -> list[IngestRun]:
    """The newest runs first."""
    with uow:
        return uow.ingest.runs(limit)


def list_quarantine(
    *, source: str | None, include_resolved: bool, cursor: str | None, limit: int | None, uow: IngestUnitOfWork
) -> Page[QuarantineEntry]:
    """A page of quarantine entries, newest first."""
    context = f"quarantine|{source}|{include_resolved}"
    request = page_request(cursor, limit, context=context)
    with uow:
        items, total = uow.ingest.quarantined(
            source=source, include_resolved=include_resolved, offset=request.offset, limit=request.size
        )
    return make_page(items, total, request, context=context)


def accept_push(
    source: str,
    records: list[object],
    *,
    uow: IngestUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress,
    enrich: Enrich | None = None,
) -> tuple[IngestRun, list[QuarantineEntry]]:
    """Ingest a partner's pushed batch of canonical records; returns the run and what it quarantined.

    Each element is stored raw as its JSON text; idempotent by external id like every run.
    """
    fmt = PushFormat()
    options = RunOptions(source, "push", enrich=enrich)
    run = run_feed(fmt.payloads_of(records), fmt, options, uow=uow, now=now, progress=progress)
    with uow:
        held, _total = uow.ingest.quarantined(
            source=source, include_resolved=False, offset=0, limit=len(records) or 1, run_id=run.id
        )
    return run, held


def read_documents(
    records: list[object], *, source: str, now: Callable[[], datetime]
) -> list[JobPosting | list[Problem]]:
    """Canonical records read into postings exactly as ingestion reads them, without storing anything.

    Each element gives a posting, or the problems that would have quarantined it (for
    `POST /api/v1/enrich`, which describes documents instead of storing them). A record
    without `external_id` gets its position ("doc-1", "doc-2", ...).
    """
    fmt, at = PushFormat(), now()
    read: list[JobPosting | list[Problem]] = []
    for payload in fmt.payloads_of(records):
        try:
            drafts = fmt.parse(payload.text)
        except ParseError as error:
            read.append([error.problem])
            continue
        draft = {"external_id": f"doc-{payload.position.split()[-1]}", **drafts[0]}
        context = Context(source, "", "", at)
        read.append(build_posting(draft, context, content_hash(draft)))
    return read
