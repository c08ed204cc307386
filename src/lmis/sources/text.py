"""Decoding partner bytes: UTF-8 (with or without BOM), never losing a byte."""

from __future__ import annotations

from lmis.ingest.model import Payload


def decode(position: str, data: bytes) -> Payload:
    """A payload of `data`; bytes that are not UTF-8 are kept as replacement characters and flagged."""
    try:
        return Payload(position, data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        return Payload(position, data.decode("utf-8", errors="replace"), f"not UTF-8 at byte {error.start}")
