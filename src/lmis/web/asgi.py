"""What the edge's plain ASGI middlewares share: the ASGI types, reading a body whole, and handing it on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def read_body(receive: Receive, *, limit: int | None = None) -> bytes | None:
    """The whole request body, or None once it passes `limit` bytes (the rest is left unread)."""
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if limit is not None and len(body) > limit:
            return None
    return body


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then whatever comes next (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def answer(send: Send, status: int, content_type: bytes, body: bytes) -> None:
    """Send a whole response: status, content type and length, body."""
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
