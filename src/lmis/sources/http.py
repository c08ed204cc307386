"""Pulling a partner's feed over HTTP: conditional requests, retries with backoff, a rate limit per partner."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from lmis.shared.errors import Invalid

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a pull got: the body (None when the partner said 304 Not Modified) and new validators."""

    status: int
    body: bytes | None
    etag: str
    last_modified: str
    content_type: str


@dataclass(frozen=True, slots=True)
class PullPolicy:
    """How politely to pull: attempts, first backoff delay, least seconds between requests to one partner."""

    attempts: int = 4
    backoff_seconds: float = 0.5
    min_interval_seconds: float = 1.0
    timeout_seconds: float = 30.0
    max_bytes: int = 512 << 20


def fetch(
    url: str,
    *,
    etag: str,
    last_modified: str,
    last_fetched_at: datetime | None,
    now: Callable[[], datetime],
    client: httpx.Client,
    policy: PullPolicy = PullPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    """GET `url` with If-None-Match / If-Modified-Since, honouring the partner's rate limit.

    Retries connection errors, 429 and 5xx with exponential backoff (or the Retry-After the
    partner sends). Raises `Invalid` for a non-HTTP URL and `httpx.HTTPError` when every
    attempt failed or the partner answers 4xx.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise Invalid(f"{url!r} is not an http(s) address", field="location")
    if last_fetched_at is not None:
        waited = (now() - last_fetched_at).total_seconds()
        if waited < policy.min_interval_seconds:
            sleep(policy.min_interval_seconds - waited)
    headers = {"User-Agent": "LMIS ingestion (+https://github.com/lmis)"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for attempt in range(policy.attempts):
        try:
            response = client.get(url, headers=headers, timeout=policy.timeout_seconds, follow_redirects=True)
        except httpx.TransportError:
            if attempt == policy.attempts - 1:
                raise
            sleep(policy.backoff_seconds * 2**attempt)
            continue
        if response.status_code in RETRY_STATUSES and attempt < policy.attempts - 1:
            sleep(_retry_after(response) or policy.backoff_seconds * 2**attempt)
            continue
        return _result(response, etag, last_modified, policy)
    raise httpx.HTTPError(f"{url}: no answer after {policy.attempts} attempts")  # pragma: no cover


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _result(response: httpx.Response, etag: str, last_modified: str, policy: PullPolicy) -> FetchResult:
    if response.status_code == 304:
        return FetchResult(304, None, etag, last_modified, "")
    response.raise_for_status()
    if len(response.content) > policy.max_bytes:
        raise Invalid(f"the feed is larger than {policy.max_bytes} bytes", field="location")
    return FetchResult(
        response.status_code,
        response.content,
        response.headers.get("ETag", ""),
        response.headers.get("Last-Modified", ""),
        response.headers.get("Content-Type", ""),
    )
