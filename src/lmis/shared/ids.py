"""Opaque, stable identifiers derived from a concept's scheme and its native key."""

from __future__ import annotations

import base64
import hashlib

_ID_LENGTH = 12


def stable_id(namespace: str, native_key: str) -> str:
    """Return the opaque id of `native_key` (a URI or code) in `namespace` (a scheme).

    The same inputs always give the same id, in every release and on every machine, so
    references survive re-imports; the id carries no meaning a client could parse.
    Twelve base32 characters hold 60 bits: no collision is expected below ~10^9 concepts.
    """
    digest = hashlib.blake2b(f"{namespace}\x1f{native_key}".encode(), digest_size=8).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:_ID_LENGTH]
