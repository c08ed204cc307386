"""/api/v1 postings: read, list, partner push, and the snapshot + change feed partners sync from."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import StreamingResponse

from lmis.ingest.services import accept_push
from lmis.jobs import services
from lmis.jobs.model import PostingStatus
from lmis.jobs.ports import PostingFilter
from lmis.jobs.services import MAX_CHANGES_PAGE
from lmis.shared.errors import Invalid, NotFound, Unauthorised
from lmis.shared.paging import MAX_PAGE_SIZE
from lmis.shared.progress import SilentProgress
from lmis.web.api.posting_schemas import ChangeOut, ChangesOut, PostingOut, PostingPageOut, ProblemItemOut, PushOut
from lmis.web.deps import ServicesDep, UowDep

router = APIRouter(tags=["postings"])
CURSOR_HEADER = "LMIS-Changes-Cursor"


@router.get("/postings/snapshot", summary="Every live posting, streamed as NDJSON")
def snapshot(services_: ServicesDep) -> StreamingResponse:
    """One JSON posting per line, every live posting (published, not expired), in id order.

    The `LMIS-Changes-Cursor` header is where to follow `/postings/changes` from afterwards:
    snapshot + changes from that cursor reproduce the platform's postings exactly.
    """
    now = services_.now()
    cursor, postings = services.snapshot(uow=services_.uow(), now=lambda: now)

    def lines() -> Iterator[bytes]:
        for posting in postings:
            yield PostingOut.of(posting, now).model_dump_json().encode() + b"\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson", headers={CURSOR_HEADER: cursor})


@router.get("/postings/changes", response_model=ChangesOut, summary="Changes after a cursor")
def changes(
    services_: ServicesDep,
    cursor: Annotated[str | None, Query(description="From the snapshot header or the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES_PAGE)] = 1_000,
) -> ChangesOut:
    """Creations, updates and tombstones after `cursor`, oldest first; never a time window.

    Each posting appears at its latest change only. Without a cursor the feed starts at the beginning.
    """
    now = services_.now()
    page = services.changes(cursor, limit=limit, uow=services_.uow())
    return ChangesOut(
        changes=[ChangeOut.of(c, now) for c in page.changes], next_cursor=page.next_cursor, head=page.head
    )


@router.get("/postings", response_model=PostingPageOut, summary="List postings")
def list_postings(
    services_: ServicesDep,
    source: str | None = None,
    status: PostingStatus | None = None,
    employer: Annotated[str | None, Query(description="Normalised employer name.")] = None,
    country: str | None = None,
    posted_since: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> PostingPageOut:
    """Postings newest first, with exact filters (full-text search is `/search`, from the search issue)."""
    where = PostingFilter(source, status, employer, country, posted_since)
    page = services.list_postings(where, cursor=cursor, limit=limit, uow=services_.uow())
    now = services_.now()
    return PostingPageOut(
        items=[PostingOut.of(p, now) for p in page.items], total=page.total, next_cursor=page.next_cursor
    )


@router.get("/postings/{posting_id}", response_model=PostingOut, summary="One posting")
def get_posting(posting_id: str, services_: ServicesDep) -> PostingOut:
    """One posting with its provenance; a removed posting answers as a tombstone with status removed."""
    return PostingOut.of(services.get_posting(posting_id, uow=services_.uow()), services_.now())


@router.post("/partners/{source}/postings", response_model=PushOut, summary="Push postings (partners)")
def push_postings(
    source: str,
    services_: ServicesDep,
    uow: UowDep,
    body: Annotated[
        Any, Body(description='A JSON array of canonical postings (docs/ingest.md), or {"postings": [...]}.')
    ],
    authorization: Annotated[str | None, Header()] = None,
) -> PushOut:
    """Ingest a batch from partner `source`; idempotent by external id (send `status: removed` to withdraw).

    Authenticate with `Authorization: Bearer <token>` (the token configured for the source).
    Bad records are quarantined and listed in `problems`; the rest are stored.
    """
    _authorise(source, authorization, services_.settings.partner_tokens)
    records = body.get("postings") if isinstance(body, dict) else body
    if not isinstance(records, list):
        raise Invalid("the body must be a JSON array of postings or an object with 'postings'", field="body")
    limit = services_.settings.max_push_records
    if len(records) > limit:
        raise Invalid(f"a push carries at most {limit} postings, got {len(records)}; split the batch", field="body")
    run, held = accept_push(
        source, records, uow=uow, now=services_.now, progress=SilentProgress(), enrich=services_.enrich
    )
    services_.search.sync(services_.now)  # searchable at once, not only at the server's next sync
    problems = [
        ProblemItemOut(position=e.position, field=p.field, value=p.value, rule=p.rule) for e in held for p in e.problems
    ]
    return PushOut(run_id=run.id, **run.counts.as_dict(), problems=problems)


def _authorise(source: str, authorization: str | None, tokens: dict[str, str]) -> None:
    expected = tokens.get(source)
    if expected is None:
        raise NotFound(f"no partner source {source!r} accepts pushes", suggestions=sorted(tokens))
    scheme, _, given = (authorization or "").partition(" ")
    digest = hashlib.sha256
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        digest(given.encode()).digest(), digest(expected.encode()).digest()
    ):
        raise Unauthorised(f"push to {source!r} needs 'Authorization: Bearer <token>' with the source's token")
