"""Pulling a feed over HTTP from a real local server: conditional requests, retries, rate limit, errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from lmis.shared.errors import Invalid
from lmis.sources.http import FetchResult, PullPolicy, fetch

FEED = b'{"external_id": "H-1", "title": "Pulled posting"}\n'
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 04 Nov 2026 09:00:00 GMT"
NOW = datetime(2026, 11, 5, 12, tzinfo=UTC)
QUICK = PullPolicy(attempts=3, backoff_seconds=0.01, min_interval_seconds=0.0, timeout_seconds=5.0)


class FeedServer(ThreadingHTTPServer):
    """A partner's server; remembers each request and how many failures are left per path."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.failures_left = {"/flaky": 2, "/busy": 1}
        self.lock = threading.Lock()


class FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            failing = self.server.failures_left.get(self.path, 0) > 0
            if failing:
                self.server.failures_left[self.path] -= 1
        if self.path == "/feed.ndjson":
            if self.headers.get("If-None-Match") == ETAG:
                self._answer(304, b"", {"ETag": ETAG})
            else:
                headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED, "Content-Type": "application/x-ndjson"}
                self._answer(200, FEED, headers)
        elif self.path == "/flaky":
            self._answer(503, b"try later", {}) if failing else self._answer(200, FEED, {})
        elif self.path == "/busy":
            self._answer(429, b"slow down", {"Retry-After": "7"}) if failing else self._answer(200, FEED, {})
        elif self.path == "/down":
            self._answer(503, b"down", {})
        elif self.path == "/moved":
            self._answer(301, b"", {"Location": "/feed.ndjson"})
        else:
            self._answer(404, b"not here", {})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    running = FeedServer()
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()
    thread.join(timeout=5)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as opened:
        yield opened


def url(server: FeedServer, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}{path}"


def pull(
    server: FeedServer,
    client: httpx.Client,
    path: str,
    *,
    etag: str = "",
    last_modified: str = "",
    last_fetched_at: datetime | None = None,
    policy: PullPolicy = QUICK,
    sleeps: list[float] | None = None,
) -> FetchResult:
    waits = sleeps if sleeps is not None else []
    return fetch(
        url(server, path),
        etag=etag,
        last_modified=last_modified,
        last_fetched_at=last_fetched_at,
        now=lambda: NOW,
        client=client,
        policy=policy,
        sleep=waits.append,
    )


def test_a_first_fetch_gets_the_body_and_its_validators(server: FeedServer, client: httpx.Client) -> None:
    result = pull(server, client, "/feed.ndjson")
    assert result == FetchResult(200, FEED, ETAG, LAST_MODIFIED, "application/x-ndjson")
    (_path, headers), *_ = server.requests
    assert "if-none-match" not in headers
    assert headers["user-agent"].startswith("LMIS ingestion")


def test_fetching_again_with_the_etag_is_not_modified_and_has_no_body(server: FeedServer, client: httpx.Client) -> None:
    first = pull(server, client, "/feed.ndjson")
    second = pull(server, client, "/feed.ndjson", etag=first.etag, last_modified=first.last_modified)
    assert second == FetchResult(304, None, ETAG, LAST_MODIFIED, "")
    _path, headers = server.requests[-1]
    assert headers["if-none-match"] == ETAG
    assert headers["if-modified-since"] == LAST_MODIFIED


def test_a_stale_etag_gets_the_new_body(server: FeedServer, client: httpx.Client) -> None:
    result = pull(server, client, "/feed.ndjson", etag='"v0"')
    assert (result.status, result.body, result.etag) == (200, FEED, ETAG)


def test_a_server_that_fails_twice_is_retried_with_growing_backoff(server: FeedServer, client: httpx.Client) -> None:
    sleeps: list[float] = []
    result = pull(server, client, "/flaky", sleeps=sleeps)
    assert (result.status, result.body) == (200, FEED)
    assert [path for path, _ in server.requests] == ["/flaky"] * 3
    assert sleeps == [0.01, 0.02]


def test_retry_after_of_the_partner_is_honoured(server: FeedServer, client: httpx.Client) -> None:
    sleeps: list[float] = []
    result = pull(server, client, "/busy", sleeps=sleeps)
    assert result.status == 200
    assert sleeps == [7.0]


def test_a_server_that_keeps_failing_raises_after_the_last_attempt(server: FeedServer, client: httpx.Client) -> None:
    sleeps: list[float] = []
    with pytest.raises(httpx.HTTPStatusError) as caught:
        pull(server, client, "/down", sleeps=sleeps)
    assert caught.value.response.status_code == 503
    assert len(server.requests) == QUICK.attempts
    assert len(sleeps) == QUICK.attempts - 1


def test_a_missing_feed_raises_without_retrying(server: FeedServer, client: httpx.Client) -> None:
    sleeps: list[float] = []
    with pytest.raises(httpx.HTTPStatusError) as caught:
        pull(server, client, "/missing", sleeps=sleeps)
    assert caught.value.response.status_code == 404
    assert len(server.requests) == 1
    assert sleeps == []


def test_a_redirect_is_followed(server: FeedServer, client: httpx.Client) -> None:
    result = pull(server, client, "/moved")
    assert (result.status, result.body) == (200, FEED)
    assert [path for path, _ in server.requests] == ["/moved", "/feed.ndjson"]


def test_the_minimum_interval_waits_for_the_remaining_seconds(server: FeedServer, client: httpx.Client) -> None:
    sleeps: list[float] = []
    policy = PullPolicy(attempts=1, min_interval_seconds=1.0)
    pull(server, client, "/feed.ndjson", last_fetched_at=NOW - timedelta(seconds=0.25), policy=policy, sleeps=sleeps)
    assert sleeps == [0.75]


def test_no_wait_when_the_last_fetch_is_long_enough_ago(server: FeedServer, client: httpx.Client) -> None:
    sleeps: list[float] = []
    policy = PullPolicy(attempts=1, min_interval_seconds=1.0)
    pull(server, client, "/feed.ndjson", last_fetched_at=NOW - timedelta(minutes=5), policy=policy, sleeps=sleeps)
    assert sleeps == []


def test_a_feed_larger_than_the_limit_is_invalid(server: FeedServer, client: httpx.Client) -> None:
    with pytest.raises(Invalid) as caught:
        pull(server, client, "/feed.ndjson", policy=PullPolicy(attempts=1, max_bytes=10))
    assert caught.value.field == "location"
    assert "larger than 10 bytes" in caught.value.detail


@pytest.mark.parametrize("address", ["ftp://partner.example.org/feed.ndjson", "file:///etc/passwd", "feed.ndjson"])
def test_an_address_that_is_not_http_is_invalid_and_nothing_is_fetched(address: str, client: httpx.Client) -> None:
    sleeps: list[float] = []
    with pytest.raises(Invalid) as caught:
        fetch(
            address,
            etag="",
            last_modified="",
            last_fetched_at=None,
            now=lambda: NOW,
            client=client,
            sleep=sleeps.append,
        )
    assert caught.value.field == "location"
    assert sleeps == []


def test_a_refused_connection_is_retried_then_raised(client: httpx.Client) -> None:
    closed = FeedServer()
    address = url(closed, "/feed.ndjson")
    closed.server_close()  # nothing listens on that port any more
    sleeps: list[float] = []
    with pytest.raises(httpx.TransportError):
        fetch(
            address,
            etag="",
            last_modified="",
            last_fetched_at=None,
            now=lambda: NOW,
            client=client,
            policy=QUICK,
            sleep=sleeps.append,
        )
    assert sleeps == [0.01, 0.02]
