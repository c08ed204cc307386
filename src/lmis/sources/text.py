"""Decoding partner bytes: UTF-8 (with or without BOM), never losing a byte."""

from __future__ import annotations

from lmis.ingest.model import Payload


def decode(position: str, data: bytes) -> Payload:
    """A payload of `data`; bytes that are not UTF-8 are kept as replacement characters and flagged."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    skipped = len(data) - len(body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        text = body.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        return Payload(position, text, f"not UTF-8 at byte {error.start + skipped}")
    if "\x00" in text:  # PostgreSQL text cannot hold NUL; keep the record, flagged
        return Payload(position, text.replace("\x00", "\ufffd"), "holds NUL bytes")
    return Payload(position, text)
