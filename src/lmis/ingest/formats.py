"""The one feed format ingestion defines itself: canonical records pushed through the partner API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from lmis.ingest.model import Draft, ParseError, Payload, Problem


class PushFormat:
    """Records a partner pushed as JSON values; each is stored as its JSON text."""

    name = "push"

    def options(self) -> dict[str, object]:
        """Nothing to rebuild this format with."""
        return {}

    def payloads_of(self, records: list[object]) -> Iterator[Payload]:
        """One payload per pushed element, positioned by its index in the batch (from 1)."""
        for number, record in enumerate(records, start=1):
            yield Payload(f"item {number}", json.dumps(record, ensure_ascii=False))

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        """A stored JSON array (used when a push run is replayed from a file)."""
        value = json.loads(data.read() or b"[]")
        yield from self.payloads_of(value if isinstance(value, list) else [value])

    def parse(self, payload: str) -> list[Draft]:
        """The element, which must be a JSON object."""
        value = json.loads(payload)
        if not isinstance(value, dict):
            raise ParseError(Problem("item", payload[:80], f"must be a JSON object, not {type(value).__name__}"))
        return [value]
