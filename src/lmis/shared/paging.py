"""Cursor paging: opaque cursors, page size caps and the page of results."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from lmis.shared.errors import Invalid

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Where a page starts (`offset`) and how many items it holds (`size`)."""

    offset: int = 0
    size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results; `next_cursor` is None on the last page."""

    items: list[T]
    total: int
    next_cursor: str | None


def page_request(cursor: str | None, size: int | None, *, context: str) -> PageRequest:
    """Validate a client's cursor and page size.

    `context` binds a cursor to the query that made it (a cursor from another query is
    rejected rather than silently giving a wrong page). Raises `Invalid` on a bad value.
    """
    wanted = DEFAULT_PAGE_SIZE if size is None else size
    if not 1 <= wanted <= MAX_PAGE_SIZE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE_SIZE}, got {wanted}", field="limit")
    if not cursor:
        return PageRequest(0, wanted)
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii") + b"=="))
        offset, bound_to = int(state["o"]), str(state["c"])
    except (ValueError, KeyError, TypeError) as error:
        raise Invalid("cursor is not one this API issued", field="cursor") from error
    if bound_to != _digest(context) or offset < 0:
        raise Invalid("cursor belongs to a different query; start again without it", field="cursor")
    return PageRequest(offset, wanted)


def make_page(items: list[T], total: int, request: PageRequest, *, context: str) -> Page[T]:
    """Wrap `items` (already sliced) into a page with the cursor to the next one."""
    following = request.offset + request.size
    if following >= total:
        return Page(items, total, None)
    state = json.dumps({"o": following, "c": _digest(context)}, separators=(",", ":"))
    token = base64.urlsafe_b64encode(state.encode()).decode("ascii").rstrip("=")
    return Page(items, total, token)


def _digest(context: str) -> str:
    return hashlib.blake2b(context.encode(), digest_size=6).hexdigest()
