"""CSRF protection: every state-changing request made with cookies carries a token bound to them.

A token is an HMAC of the browser's `lmis_csrf` cookie (and its session cookie, when signed in)
under the install's signing key (OWASP's signed double-submit cookie); a client holding only a
session cookie uses the HMAC of the session alone (the session is secret, so it cannot be
forged). Portal forms send it as the hidden field `csrf_token`; scripts calling the API with a
session cookie send `X-CSRF-Token`.
Requests with an `Authorization` header carry no ambient credentials and need none.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from lmis.web.asgi import ASGIApp, Receive, Scope, Send, answer, read_body, replay

CSRF_COOKIE = "lmis_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
SESSION_COOKIE = "lmis_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_FORM_BYTES = 12 * 1024 * 1024  # the largest form (a CV upload) the portal takes
_MULTIPART_FIELD = re.compile(rb'name="csrf_token"\r\n\r\n([A-Za-z0-9_-]{10,200})\r\n')


def new_browser_secret() -> str:
    """The value of a new `lmis_csrf` cookie."""
    return secrets.token_urlsafe(24)


def token_for(key: bytes, browser_secret: str, session_cookie: str | None) -> str:
    """The CSRF token of a browser (and its session)."""
    message = f"{browser_secret}|{session_cookie or ''}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _cookies(scope: Scope) -> dict[str, str]:
    header = dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header carries no token
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _form_token(body: bytes, content_type: str) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        found = _MULTIPART_FIELD.search(body)
        return found.group(1).decode() if found else None
    return None


class CsrfMiddleware:
    """Refuses (403) a cookie-borne unsafe request whose token is missing or wrong; replays the body otherwise."""

    def __init__(self, app: ASGIApp, *, key: Callable[[], bytes], exempt: tuple[str, ...] = ()) -> None:
        self._app = app
        self._key = key
        self._exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS or scope["path"].startswith(self._exempt):
            await self._app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        cookies = _cookies(scope)
        if b"authorization" in headers or (scope["path"].startswith("/api/") and SESSION_COOKIE not in cookies):
            await self._app(scope, receive, send)  # no ambient credentials: nothing to forge
            return
        body = await read_body(receive, limit=MAX_FORM_BYTES)
        if body is None:
            await _refuse(send, 413, "The form is too large.")
            return
        given = headers.get(CSRF_HEADER, b"").decode("latin-1") or _form_token(
            body, headers.get(b"content-type", b"").decode("latin-1")
        )
        browser, session = cookies.get(CSRF_COOKIE, ""), cookies.get(SESSION_COOKIE)
        # A script with only the session cookie sends the token bound to the session alone.
        expected = token_for(self._key(), browser, session) if browser or session else None
        if not given or expected is None or not hmac.compare_digest(given, expected):
            await _refuse(
                send,
                403,
                "This form has expired or did not come from this site. Go back, reload the page and try again.",
            )
            return
        await self._app(scope, replay(body, receive), send)


async def _refuse(send: Send, status: int, text: str) -> None:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Request refused</title></head>'
        f'<body><main><h1>Request refused</h1><p role="alert">{text}</p>'
        '<p><a href="/">LMIS home</a></p></main></body></html>'
    ).encode()
    await answer(send, status, b"text/html; charset=utf-8", body)
