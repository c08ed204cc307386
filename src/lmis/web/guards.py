"""Requests no part of LMIS can store: text with NUL characters is refused at the edge with a 422.

PostgreSQL text cannot hold U+0000 and SQLite truncates at it in places, so a NUL in a path,
a query parameter, a JSON or a form body is answered as a bad value before any service sees it
(file uploads, which are binary, are left alone).
"""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from lmis.web.asgi import ASGIApp, Message, Receive, Scope, Send, answer, read_body, replay

_NUL_MARKS = (b"\x00", b"\\u0000", b"%00")
_TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded", b"application/problem+json")


class NulGuard:
    """ASGI middleware: 422 problem+json for NUL characters in the path, query string or a text body."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        if b"\x00" in unquote_to_bytes(raw) or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            await _refuse(send)
            return
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        if not content_type.startswith(_TEXT_BODIES):
            await self._app(scope, receive, send)
            return
        body = await read_body(receive) or b""
        if any(mark in body for mark in _NUL_MARKS):
            await _refuse(send)
            return
        await self._app(scope, replay(body, receive), send)


async def _refuse(send: Send) -> None:
    body = json.dumps(
        {
            "type": "https://lmis.dev/problems/invalid-value",
            "title": "Invalid value",
            "status": 422,
            "detail": "the request contains a NUL character (U+0000), which no text field may hold",
        }
    ).encode()
    await answer(send, 422, b"application/problem+json", body)


# Portal pages load scripts, styles and images from this site only (no inline script exists to
# allow); nothing may frame them. The API's own documentation page (/api/v1/docs) is left out:
# Swagger UI runs inline scripts.
PORTAL_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_EVERY_RESPONSE = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # links with tokens in them (mail links) never leave in a Referer
]


class SecurityHeaders:
    """ASGI middleware: nosniff and a referrer policy on every response; a CSP and no framing on HTML pages."""

    def __init__(self, app: ASGIApp, *, unprotected: tuple[str, ...] = ("/api/v1/docs",)) -> None:
        self._app = app
        self._unprotected = unprotected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        protect = not scope["path"].startswith(self._unprotected)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _EVERY_RESPONSE if name not in names]
                html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
                if protect and html and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PORTAL_POLICY.encode()))
                    headers.append((b"x-frame-options", b"DENY"))
                message["headers"] = headers
            await send(message)

        await self._app(scope, receive, with_headers)
