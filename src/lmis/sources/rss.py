"""RSS 2.0 and Atom feeds of job ads (parsed with feedparser)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import BinaryIO

import feedparser

from lmis.ingest.model import Draft, ParseError, Payload, Problem
from lmis.sources.ndjson import load_object

_KEPT = ("id", "guid", "link", "title", "summary", "description", "author", "published", "updated", "tags")


class RssFormat:
    """Each item or entry is one posting: guid (or link) is its external id, summary its description.

    The raw payload of an item is its fields as feedparser read them, as JSON.
    """

    name = "rss"

    def options(self) -> dict[str, object]:
        """Nothing to rebuild this format with."""
        return {}

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        """One payload per item; a feed that cannot be read at all is one bad payload."""
        feed = feedparser.parse(data.read())
        if feed.bozo and not feed.entries:
            problem = str(getattr(feed, "bozo_exception", "unreadable feed"))
            yield Payload("feed", json.dumps({"error": problem}), "")
            return
        for number, entry in enumerate(feed.entries, start=1):
            # dict.get: feedparser's own get() falls back from `updated` to `published` (deprecated)
            kept = {key: _plain(dict.get(entry, key)) for key in _KEPT if dict.get(entry, key) is not None}
            for key in ("published_parsed", "updated_parsed"):
                stamp = dict.get(entry, key)
                if stamp:
                    kept[key.removesuffix("_parsed")] = time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp)
            yield Payload(f"item {number}", json.dumps(kept, ensure_ascii=False))

    def parse(self, payload: str) -> list[Draft]:
        """The item as a canonical draft."""
        item = load_object(payload)
        if "error" in item and len(item) == 1:
            raise ParseError(Problem("feed", str(item["error"])[:80], "is not a readable RSS or Atom feed"))
        draft = {
            "external_id": item.get("id") or item.get("guid") or item.get("link"),
            "title": item.get("title"),
            "description": item.get("summary") or item.get("description"),
            "url": item.get("link"),
            "date_posted": item.get("published"),
            "updated_at": item.get("updated"),
            "employer": _author_name(item.get("author")),
        }
        return [{key: value for key, value in draft.items() if value not in (None, "")}]


def _author_name(author: object) -> object:
    """RSS authors are often "jobs@example.org (Demo Electric)": the name is in the brackets."""
    if isinstance(author, str) and author.endswith(")") and "(" in author:
        return author[author.rindex("(") + 1 : -1].strip() or author
    return author


def _plain(value: object) -> object:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)
