"""/api/v1 postings: read, list, partner push, and the snapshot + change feed partners sync from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import StreamingResponse

from lmis.identity.model import Principal, Scope
from lmis.ingest.services import accept_push
from lmis.jobs import services
from lmis.jobs.model import PostingStatus
from lmis.jobs.ports import PostingFilter
from lmis.jobs.services import MAX_CHANGES_PAGE
from lmis.shared.errors import Invalid
from lmis.shared.paging import MAX_PAGE_SIZE
from lmis.shared.progress import SilentProgress
from lmis.web.api.params import INTEGER_TEXT, Moment
from lmis.web.api.posting_schemas import ChangeOut, ChangesOut, PostingOut, PostingPageOut, ProblemItemOut, PushOut
from lmis.web.auth import requires_scope
from lmis.web.deps import ServicesDep, UowDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["postings"])
CURSOR_HEADER = "LMIS-Changes-Cursor"
NDJSON = "application/x-ndjson"
_SNAPSHOT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One `PostingOut` JSON object per line.",
        "content": {NDJSON: {"schema": {"type": "string"}}},
        "headers": {
            CURSOR_HEADER: {
                "schema": {"type": "string"},
                "required": True,
                "description": "The `cursor` to follow `/postings/changes` from after reading the snapshot.",
            }
        },
    }
}
_RECORDS = {"type": "array", "items": {}, "description": "Canonical postings; a record that is not one is quarantined."}
_PUSH_BODY = {"anyOf": [_RECORDS, {"type": "object", "required": ["postings"], "properties": {"postings": _RECORDS}}]}


class NdjsonResponse(StreamingResponse):
    """A stream of JSON lines (https://github.com/ndjson/ndjson-spec)."""

    media_type = NDJSON


@router.get(
    "/postings/snapshot",
    summary="Every live posting, streamed as NDJSON",
    response_class=NdjsonResponse,
    responses=_SNAPSHOT,
)
def snapshot(services_: ServicesDep) -> NdjsonResponse:
    """One JSON posting per line, every live posting (published, not expired), in id order.

    The `LMIS-Changes-Cursor` header is where to follow `/postings/changes` from afterwards:
    snapshot + changes from that cursor reproduce the platform's postings exactly.
    """
    now = services_.now()
    cursor, postings = services.snapshot(uow=services_.uow(), now=lambda: now)

    def lines() -> Iterator[bytes]:
        for posting in postings:
            yield PostingOut.of(posting, now).model_dump_json().encode() + b"\n"

    return NdjsonResponse(lines(), headers={CURSOR_HEADER: cursor})


@router.get(
    "/postings/changes",
    response_model=ChangesOut,
    summary="Changes after a cursor",
    responses=problem_responses(422),
)
def changes(
    services_: ServicesDep,
    cursor: Annotated[str | None, Query(description="From the snapshot header or the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES_PAGE), INTEGER_TEXT] = 1_000,
) -> ChangesOut:
    """Creations, updates and tombstones after `cursor`, oldest first; never a time window.

    Each posting appears at its latest change only. Without a cursor the feed starts at the beginning.
    """
    now = services_.now()
    page = services.changes(cursor, limit=limit, uow=services_.uow())
    return ChangesOut(
        changes=[ChangeOut.of(c, now) for c in page.changes], next_cursor=page.next_cursor, head=page.head
    )


@router.get("/postings", response_model=PostingPageOut, summary="List postings", responses=problem_responses(422))
def list_postings(
    services_: ServicesDep,
    source: str | None = None,
    status: PostingStatus | None = None,
    employer: Annotated[str | None, Query(description="Normalised employer name.")] = None,
    country: str | None = None,
    posted_since: Annotated[Moment | None, Query(description="Posted at or after this date or time.")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE), INTEGER_TEXT] = 20,
) -> PostingPageOut:
    """Postings newest first, with exact filters (full-text search is `/search`, from the search issue)."""
    where = PostingFilter(source, status, employer, country, posted_since)
    page = services.list_postings(where, cursor=cursor, limit=limit, uow=services_.uow())
    now = services_.now()
    return PostingPageOut(
        items=[PostingOut.of(p, now) for p in page.items], total=page.total, next_cursor=page.next_cursor
    )


@router.get(
    "/postings/{posting_id}", response_model=PostingOut, summary="One posting", responses=problem_responses(404, 422)
)
def get_posting(posting_id: str, services_: ServicesDep) -> PostingOut:
    """One posting with its provenance; a removed posting answers as a tombstone with status removed."""
    return PostingOut.of(services.get_posting(posting_id, uow=services_.uow()), services_.now())


@router.post(
    "/partners/{source}/postings",
    response_model=PushOut,
    summary="Push postings (partners)",
    responses=problem_responses(401, 403, 422),
)
def push_postings(
    source: str,
    services_: ServicesDep,
    uow: UowDep,
    body: Annotated[
        Any,
        Body(
            description='A JSON array of canonical postings (docs/ingest.md), or {"postings": [...]}.',
            json_schema_extra=_PUSH_BODY,
        ),
    ],
    pusher: Annotated[Principal, Depends(requires_scope(Scope.POSTINGS_PUSH))],
) -> PushOut:
    """Ingest a batch from partner `source`; idempotent by external id (send `status: removed` to withdraw).

    Authenticate with `Authorization: Bearer <API key or access token>` of an API client holding the
    scope `postings:push` for `source` (registered by the partner's administrator).
    Bad records are quarantined and listed in `problems`; the rest are stored.
    """
    pusher.require_push(source)
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
