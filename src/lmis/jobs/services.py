"""Posting use cases: read one, list, and the snapshot and change feed partners sync from."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from lmis.jobs.model import JobPosting
from lmis.jobs.ports import JobRepository, JobsUnitOfWork, JobsWriteUnitOfWork, PostingChange, PostingFilter
from lmis.shared.errors import Invalid, NotFound, Unauthorised, did_you_mean
from lmis.shared.paging import Page, make_page, page_request

MAX_CHANGES_PAGE = 1_000


def get_posting(posting_id: str, *, uow: JobsUnitOfWork) -> JobPosting:
    """One posting, tombstones included; raises `NotFound`."""
    with uow:
        posting = uow.jobs.get(posting_id)
    if posting is None:
        raise NotFound(f"no posting with id {posting_id!r}")
    return posting


def list_postings(
    where: PostingFilter, *, cursor: str | None, limit: int | None, uow: JobsUnitOfWork
) -> Page[JobPosting]:
    """A page of postings matching `where`, newest first. Unknown sources are an error with suggestions."""
    context = f"postings|{where}"
    request = page_request(cursor, limit, context=context)
    with uow:
        if where.source is not None:
            _known_source(where.source, uow.jobs)
        items, total = uow.jobs.find(where, request.offset, request.size)
    return make_page(items, total, request, context=context)


def _known_source(source: str, jobs: JobRepository) -> None:
    sources = jobs.sources()
    if source not in sources:
        raise Invalid(
            f"no postings come from source {source!r}; sources are {', '.join(sources) or 'none yet'}",
            field="source",
            suggestions=did_you_mean(source, sources),
        )


@dataclass(frozen=True, slots=True)
class ChangesPage:
    """Changes after a cursor, and the cursor to resume from (always given, even when empty)."""

    changes: list[PostingChange]
    next_cursor: str
    head: int


def encode_cursor(sequence: int) -> str:
    """The opaque change-feed cursor standing after `sequence`."""
    return base64.urlsafe_b64encode(f"c{sequence}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The sequence a cursor stands after; raises `Invalid` for a cursor this API did not issue."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode() + b"==").decode()
        if not text.startswith("c"):
            raise ValueError(text)
        return int(text[1:])
    except ValueError:
        raise Invalid("cursor is not one this API issued; start from the snapshot", field="cursor") from None


def changes(cursor: str | None, *, limit: int, uow: JobsUnitOfWork) -> ChangesPage:
    """The changes after `cursor` (from the start when None), oldest first, at most `limit`."""
    if not 1 <= limit <= MAX_CHANGES_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_CHANGES_PAGE}, got {limit}", field="limit")
    after = decode_cursor(cursor)
    with uow:
        page = uow.jobs.changes(after, limit)
        head = uow.jobs.head()
    last = page[-1].sequence if page else after
    return ChangesPage(page, encode_cursor(last), head)


def snapshot(*, uow: JobsUnitOfWork, now: Callable[[], datetime]) -> tuple[str, Iterator[JobPosting]]:
    """The cursor to follow changes from, and every live posting, streamed in one transaction.

    The cursor is read before the postings, so a change made while the snapshot streams is
    seen again in the change feed rather than lost.
    """
    context = uow.__enter__()
    try:
        cursor = encode_cursor(context.jobs.head())
    except BaseException:
        uow.__exit__(None, None, None)
        raise

    def stream() -> Iterator[JobPosting]:
        try:
            yield from context.jobs.snapshot(now())
        finally:
            uow.__exit__(None, None, None)

    return cursor, stream()


def issue_manage_key(posting_id: str, *, uow: JobsWriteUnitOfWork, now: Callable[[], datetime]) -> str:
    """A new secret key for editing the posting (shown once); only its SHA-256 is stored.

    Until accounts exist (identity issue) this is how an employer who posted through the
    portal manages the vacancy.
    """
    key = secrets.token_urlsafe(24)
    with uow:
        if uow.jobs.get(posting_id) is None:
            raise NotFound(f"no posting with id {posting_id!r}")
        uow.jobs.save_manage_key(posting_id, _digest(key), now())
        uow.commit()
    return key


def check_manage_key(posting_id: str, key: str, *, uow: JobsUnitOfWork) -> JobPosting:
    """The posting, when `key` is its manage key; raises `Unauthorised` otherwise."""
    with uow:
        stored = uow.jobs.manage_key_hash(posting_id)
        posting = uow.jobs.get(posting_id)
    if posting is None:
        raise NotFound(f"no posting with id {posting_id!r}")
    if stored is None or not hmac.compare_digest(stored, _digest(key)):
        raise Unauthorised("this link does not let you manage the posting; use the link given when it was created")
    return posting


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
