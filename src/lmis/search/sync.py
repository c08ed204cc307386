"""Keeping the index a projection of the database: follow the change feed, or rebuild from the snapshot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lmis.jobs.model import JobPosting
from lmis.jobs.ports import JobsUnitOfWork
from lmis.search.ports import SearchIndex, TitleSpace
from lmis.search.projection import document_of
from lmis.shared.progress import Progress, SilentProgress

BATCH = 1_000


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync or reindex did."""

    indexed: int
    removed: int
    sequence: int


def sync_index(
    index: SearchIndex,
    *,
    uow: Callable[[], JobsUnitOfWork],
    now: Callable[[], datetime],
    titles: TitleSpace | None = None,
    batch: int = BATCH,
) -> SyncReport:
    """Apply every change after the index's position: live postings are (re)indexed, the rest removed."""
    after = index.sequence()
    indexed = removed = 0
    while True:
        with uow() as unit:
            changes = unit.jobs.changes(after, batch)
        if not changes:
            break
        moment = now()
        live = [c.posting for c in changes if c.posting.is_searchable(moment)]
        gone = [c.posting.id for c in changes if not c.posting.is_searchable(moment)]
        index.delete(gone)
        index.upsert([document_of(p) for p in live])
        if titles is not None:
            titles.add({p.title for p in live})
        after = changes[-1].sequence
        index.commit(after)
        indexed, removed = indexed + len(live), removed + len(gone)
    if titles is not None:
        titles.save()
    return SyncReport(indexed, removed, after)


def reindex(
    index: SearchIndex,
    *,
    uow: Callable[[], JobsUnitOfWork],
    now: Callable[[], datetime],
    titles: TitleSpace | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> SyncReport:
    """Rebuild the index from every live posting, then catch up with changes made meanwhile."""
    bar = progress or SilentProgress()
    with uow() as unit:
        head = unit.jobs.head()
        bar.begin("Indexing postings", unit.jobs.count_live(now()))
        index.clear()
        pending = []
        count = 0
        for posting in unit.jobs.snapshot(now()):
            pending.append(posting)
            if len(pending) >= batch:
                count += _write(index, pending, titles, bar)
                pending = []
        count += _write(index, pending, titles, bar)
    index.commit(head)
    caught_up = sync_index(index, uow=uow, now=now, titles=titles, batch=batch)
    return SyncReport(count + caught_up.indexed, caught_up.removed, caught_up.sequence)


def _write(index: SearchIndex, postings: list[JobPosting], titles: TitleSpace | None, bar: Progress) -> int:
    index.upsert([document_of(p) for p in postings])
    if titles is not None:
        titles.add({p.title for p in postings})
    bar.advance(len(postings))
    return len(postings)
