"""Opaque, stable identifiers derived from a concept's scheme and its native key."""

from __future__ import annotations

import base64
import hashlib
import re

from lmis.shared.errors import Invalid

_ID_LENGTH = 12


def stable_id(namespace: str, native_key: str) -> str:
    """Return the opaque id of `native_key` (a URI or code) in `namespace` (a scheme).

    The same inputs always give the same id, in every release and on every machine, so
    references survive re-imports; the id carries no meaning a client could parse.
    Twelve base32 characters hold 60 bits: no collision is expected below ~10^9 concepts.
    """
    digest = hashlib.blake2b(f"{namespace}\x1f{native_key}".encode(), digest_size=8).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:_ID_LENGTH]


_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_source_name(name: str) -> str:
    """`name` when it can name a partner source (1-64 letters, digits, '.', '_' or '-'); else `Invalid`."""
    if not _SOURCE_NAME.fullmatch(name):
        raise Invalid(
            f"{name[:80]!r} cannot name a source: use 1 to 64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit",
            field="source",
        )
    return name
