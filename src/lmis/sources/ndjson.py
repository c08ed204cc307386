"""NDJSON feeds (one canonical posting per line) and JSON arrays of canonical postings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from lmis.ingest.model import Draft, ParseError, Payload, Problem
from lmis.sources.text import decode


def load_object(payload: str) -> dict[str, object]:
    """The JSON object of a payload; raises `ParseError` naming line and column of bad JSON."""
    try:
        value = json.loads(payload)
    except json.JSONDecodeError as error:
        rule = f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise ParseError(Problem("payload", payload[:80], rule)) from None
    if not isinstance(value, dict):
        raise ParseError(Problem("payload", payload[:80], f"must be a JSON object, not {type(value).__name__}"))
    return value


class NdjsonFormat:
    """One JSON object per line, in the canonical field names; blank lines are skipped."""

    name = "ndjson"

    def options(self) -> dict[str, object]:
        """Nothing to rebuild this format with."""
        return {}

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        """Each non-blank line, numbered from 1."""
        for number, line in enumerate(data, start=1):
            if line.strip():
                yield decode(f"line {number}", line.rstrip(b"\r\n"))

    def parse(self, payload: str) -> list[Draft]:
        """The line's object."""
        return [load_object(payload)]


class JsonArrayFormat:
    """A JSON array of canonical postings, or a single posting object (for large feeds prefer NDJSON)."""

    name = "json"

    def options(self) -> dict[str, object]:
        """Nothing to rebuild this format with."""
        return {}

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        """Each element of the array; a single object is one payload, and bad JSON one bad payload."""
        whole = decode("file", data.read())
        if whole.decode_error:
            yield whole
            return
        try:
            items = json.loads(whole.text)
        except json.JSONDecodeError:
            yield whole  # parse() reports where the JSON breaks
            return
        if not isinstance(items, list):
            yield whole
            return
        for number, item in enumerate(items, start=1):
            yield Payload(f"item {number}", json.dumps(item, ensure_ascii=False))

    def parse(self, payload: str) -> list[Draft]:
        """The element's object (a whole file that is not JSON is rejected here, naming where it breaks)."""
        return [load_object(payload)]
