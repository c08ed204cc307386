"""Rate limits and quotas: an in-memory sliding-window-counter limiter and the RateLimit headers it reports."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from lmis.shared.errors import Invalid

# Floating-point slack when comparing weighted counts, so 0.1 * 30 counts as 3 and not 3.0000000000000004.
_SLACK = 1e-9
# A limit's name goes inside a structured-field string (RFC 8941 sect. 3.3.3): printable ASCII, no quote or backslash.
_NAME = re.compile(r"[A-Za-z0-9_.:/-]{1,64}")


@dataclass(frozen=True)
class Limit:
    """At most `requests` in any `window_seconds`; `name` labels it in the RateLimit headers ("minute", "day")."""

    requests: int
    window_seconds: int
    name: str

    def __post_init__(self) -> None:
        if self.requests < 1:
            raise Invalid(f"limit {self.name!r} must allow at least 1 request, not {self.requests}", field="requests")
        if self.window_seconds < 1:
            raise Invalid(f"limit {self.name!r} needs a window of at least 1 second", field="window_seconds")
        if not _NAME.fullmatch(self.name):
            raise Invalid(f"limit name {self.name!r} must be 1-64 letters, digits or _ . : / -", field="name")


@dataclass(frozen=True)
class Decision:
    """The outcome of a request against one limit: allowed, what is left, and when one more request frees up.

    `reset_seconds` is the time until one more request than `remaining` is available: when
    denied, until the request would be allowed (always >= 1); 0 when nothing has been used.
    """

    allowed: bool
    limit: Limit
    remaining: int
    reset_seconds: int


@dataclass(frozen=True)
class _Window:
    """Counts of one key under one limit: this fixed window (by index) and the one before it."""

    index: int
    current: int
    previous: int


class SlidingWindowLimiter:
    """Thread-safe in-memory sliding-window-counter limiter (previous window weighted by overlap), keyed by string.

    The estimate of requests in the last `window_seconds` is the current fixed window's count
    plus the previous window's count times the share of the previous window still inside the
    sliding one (the approach Cloudflare describes in "How we built rate limiting capable of
    scaling to millions of domains", 2017). It needs two counters per key and limit, and
    `now` must come from one clock that does not go back (e.g. `time.monotonic()`).
    """

    def __init__(self, *, max_keys: int = 100_000) -> None:
        if max_keys < 1:
            raise Invalid("max_keys must be at least 1", field="max_keys")
        self.max_keys = max_keys
        self._keys: OrderedDict[str, dict[Limit, _Window]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Return how many keys are tracked (bounded by `max_keys`)."""
        return len(self._keys)

    def hit(self, key: str, limits: Sequence[Limit], now: float) -> Decision:
        """Count one request for `key` against every limit, unless one denies it; return the tightest decision."""
        _require(limits)
        with self._lock:
            windows = self._keys.get(key, {})
            moved = {limit: _advance(windows.get(limit), limit, now) for limit in limits}
            decisions = [_decide(moved[limit], limit, now, adding=1) for limit in limits]
            if all(decision.allowed for decision in decisions):
                counted = {limit: _count(window) for limit, window in moved.items()}
                self._keys[key] = {**windows, **counted}
                self._keys.move_to_end(key)
                while len(self._keys) > self.max_keys:
                    self._keys.popitem(last=False)  # least recently counted first
            return tightest(decisions)

    def peek(self, key: str, limits: Sequence[Limit], now: float) -> Decision:
        """Say what `hit` would decide for `key` now, without counting anything."""
        _require(limits)
        with self._lock:
            windows = self._keys.get(key, {})
            decisions = [_decide(_advance(windows.get(limit), limit, now), limit, now, adding=0) for limit in limits]
        return tightest(decisions)


def _require(limits: Sequence[Limit]) -> None:
    if not limits:
        raise Invalid("at least one limit is needed", field="limits")


def _advance(window: _Window | None, limit: Limit, now: float) -> _Window:
    """Move `window` to the fixed window holding `now`: the current count becomes the previous one, or both expire."""
    index = math.floor(now / limit.window_seconds)
    if window is None or index > window.index + 1:
        return _Window(index=index, current=0, previous=0)
    if index == window.index + 1:
        return _Window(index=index, current=0, previous=window.current)
    return window  # the same window, or a clock that went back: never undo counts


def _count(window: _Window) -> _Window:
    return _Window(index=window.index, current=window.current + 1, previous=window.previous)


def _elapsed(window: _Window, limit: Limit, now: float) -> float:
    """Seconds since `window` began, within [0, window_seconds]."""
    return min(max(now - window.index * limit.window_seconds, 0.0), float(limit.window_seconds))


def _used(window: _Window, limit: Limit, now: float) -> float:
    """Estimated requests in the sliding window ending at `now`."""
    overlap = 1.0 - _elapsed(window, limit, now) / limit.window_seconds
    return window.current + window.previous * overlap


def _decide(window: _Window, limit: Limit, now: float, *, adding: int) -> Decision:
    """Decide a request that would add `adding` to the count (1 for a hit, 0 for a peek)."""
    used = _used(window, limit, now)
    allowed = used + adding <= limit.requests + _SLACK
    remaining = max(0, math.floor(limit.requests - used - adding + _SLACK)) if allowed else 0
    if allowed and adding:
        window = _count(window)
    # One more request frees up once the estimate falls to requests - remaining - 1.
    wait = _seconds_until(window, limit, now, target=limit.requests - remaining - 1)
    reset = max(1, math.ceil(wait - _SLACK)) if not allowed else max(0, math.ceil(wait - _SLACK))
    return Decision(allowed=allowed, limit=limit, remaining=remaining, reset_seconds=reset)


def _seconds_until(window: _Window, limit: Limit, now: float, *, target: float) -> float:
    """Seconds from `now` until the estimated count of `window` falls to `target` or below, with no new requests."""
    if target < 0 or _used(window, limit, now) <= target + _SLACK:
        return 0.0
    size = limit.window_seconds
    start = window.index * size
    if window.current <= target:
        # Within this window, as the previous window's weight shrinks.
        return start + size * (1.0 - (target - window.current) / window.previous) - now
    # After the next boundary this window's count becomes the previous one and starts shrinking.
    return start + size + size * (1.0 - target / window.current) - now


def tightest(decisions: Sequence[Decision]) -> Decision:
    """Return the decision that binds: the denial that frees last, else the limit with the fewest requests left."""
    denied = [decision for decision in decisions if not decision.allowed]
    if denied:
        return max(denied, key=lambda decision: decision.reset_seconds)
    return min(decisions, key=lambda decision: (decision.remaining, -decision.reset_seconds))


def header_values(decision: Decision) -> dict[str, str]:
    """Return RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers), plus Retry-After when denied."""
    limit = decision.limit
    headers = {
        "RateLimit-Policy": f'"{limit.name}";q={limit.requests};w={limit.window_seconds}',
        "RateLimit": f'"{limit.name}";r={decision.remaining};t={decision.reset_seconds}',
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.reset_seconds)
    return headers


def fixed_window_start(now: float, window_seconds: int) -> int:
    """Return the start (whole seconds since the epoch) of the fixed window holding `now`, for per-window quota rows."""
    if window_seconds < 1:
        raise Invalid("a window must be at least 1 second", field="window_seconds")
    return math.floor(now / window_seconds) * window_seconds
