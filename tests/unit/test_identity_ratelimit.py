"""Rate limits and quotas: the sliding-window-counter limiter, its headers and fixed quota windows."""

from __future__ import annotations

import threading

import pytest

from lmis.identity.ratelimit import (
    Decision,
    Limit,
    SlidingWindowLimiter,
    fixed_window_start,
    header_values,
    tightest,
)
from lmis.shared.errors import Invalid

MINUTE = Limit(requests=5, window_seconds=60, name="minute")
DAY = Limit(requests=8, window_seconds=86_400, name="day")


def hits(limiter: SlidingWindowLimiter, limits: list[Limit], times: list[float], key: str = "client") -> list[Decision]:
    return [limiter.hit(key, limits, now) for now in times]


def test_a_limiter_allows_exactly_the_limit_in_one_window() -> None:
    decisions = hits(SlidingWindowLimiter(), [MINUTE], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0]


def test_the_request_over_the_limit_is_told_when_one_frees_up() -> None:
    limiter = SlidingWindowLimiter()
    hits(limiter, [MINUTE], [0.0] * 5)
    denied = limiter.hit("client", [MINUTE], 10.0)
    # At 72 s the 5 requests of [0, 60) weigh 5 * 48/60 = 4, leaving room for one: 62 s from 10 s.
    assert (denied.allowed, denied.remaining, denied.reset_seconds) == (False, 0, 62)
    assert not limiter.hit("client", [MINUTE], 71.9).allowed
    assert limiter.hit("client", [MINUTE], 72.0).allowed


def test_a_denial_always_waits_at_least_one_second() -> None:
    limiter = SlidingWindowLimiter()
    hits(limiter, [MINUTE], [0.0] * 5)
    assert limiter.hit("client", [MINUTE], 71.5).reset_seconds == 1


def test_the_limit_frees_completely_once_the_window_has_slid_past() -> None:
    limiter = SlidingWindowLimiter()
    hits(limiter, [MINUTE], [0.0] * 5)
    assert limiter.peek("client", [MINUTE], 120.0) == Decision(True, MINUTE, 5, 0)
    assert all(d.allowed for d in hits(limiter, [MINUTE], [120.0] * 5))


def test_the_previous_window_counts_by_how_much_it_still_overlaps() -> None:
    limiter = SlidingWindowLimiter()
    limit = Limit(requests=10, window_seconds=100, name="burst")
    hits(limiter, [limit], [50.0] * 10)  # all of window [0, 100)
    # 30 s into the next window, 70 % of the previous one is still inside the sliding window.
    assert limiter.peek("client", [limit], 130.0).remaining == 3
    assert [d.allowed for d in hits(limiter, [limit], [130.0] * 4)] == [True, True, True, False]
    # 90 s in, the old requests weigh 1 and the 3 new ones 3: 6 are left.
    assert limiter.peek("client", [limit], 190.0).remaining == 6


def test_requests_in_the_current_window_count_fully() -> None:
    limiter = SlidingWindowLimiter()
    limit = Limit(requests=10, window_seconds=100, name="burst")
    hits(limiter, [limit], [99.0] * 4)
    assert limiter.peek("client", [limit], 99.5).remaining == 6


def test_several_limits_report_the_tightest_one() -> None:
    limiter = SlidingWindowLimiter()
    first = limiter.hit("client", [MINUTE, DAY], 0.0)
    assert (first.limit, first.remaining) == (MINUTE, 4)
    hits(limiter, [MINUTE, DAY], [1.0, 2.0, 3.0, 4.0])
    assert limiter.hit("client", [MINUTE, DAY], 5.0).limit == MINUTE  # the minute is used up
    later = hits(limiter, [MINUTE, DAY], [200.0, 201.0, 202.0])
    assert [(d.allowed, d.limit.name, d.remaining) for d in later] == [
        (True, "day", 2),
        (True, "day", 1),
        (True, "day", 0),
    ]
    denied = limiter.hit("client", [MINUTE, DAY], 203.0)
    assert (denied.allowed, denied.limit) == (False, DAY)
    assert denied.reset_seconds > 80_000


def test_a_denied_request_is_not_counted_against_any_limit() -> None:
    limiter = SlidingWindowLimiter()
    hits(limiter, [MINUTE, DAY], [0.0] * 5)
    for _ in range(100):
        assert not limiter.hit("client", [MINUTE, DAY], 1.0).allowed
    assert limiter.peek("client", [DAY], 1.0).remaining == 3
    assert limiter.hit("client", [MINUTE, DAY], 120.0).remaining == 2


def test_keys_are_limited_separately() -> None:
    limiter = SlidingWindowLimiter()
    hits(limiter, [MINUTE], [0.0] * 5, key="a")
    assert not limiter.hit("a", [MINUTE], 0.0).allowed
    assert limiter.hit("b", [MINUTE], 0.0).allowed


def test_a_peek_counts_nothing() -> None:
    limiter = SlidingWindowLimiter()
    for _ in range(10):
        assert limiter.peek("client", [MINUTE], 0.0) == Decision(True, MINUTE, 5, 0)
    assert len(limiter) == 0
    assert limiter.hit("client", [MINUTE], 0.0).remaining == 4


def test_eviction_keeps_at_most_max_keys_dropping_the_least_recent() -> None:
    limiter = SlidingWindowLimiter(max_keys=3)
    for number in range(1000):
        limiter.hit(f"ip-{number}", [MINUTE], 0.0)
    assert len(limiter) == 3
    limiter.hit("ip-997", [MINUTE], 1.0)  # used again, so now the most recent
    limiter.hit("new", [MINUTE], 1.0)
    assert limiter.peek("ip-998", [MINUTE], 1.0).remaining == 5  # evicted: forgotten
    assert limiter.peek("ip-997", [MINUTE], 1.0).remaining == 3


def test_concurrent_hits_allow_exactly_the_limit() -> None:
    limiter = SlidingWindowLimiter()
    limit = Limit(requests=500, window_seconds=3600, name="hour")
    allowed: list[bool] = []
    start = threading.Barrier(16)

    def client() -> None:
        start.wait()
        results = [limiter.hit("shared", [limit], 10.0).allowed for _ in range(100)]
        allowed.extend(results)

    threads = [threading.Thread(target=client) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 1600
    assert sum(allowed) == 500


def test_a_clock_that_goes_back_never_undoes_counts() -> None:
    limiter = SlidingWindowLimiter()
    hits(limiter, [MINUTE], [130.0] * 5)
    assert not limiter.hit("client", [MINUTE], 10.0).allowed


def test_headers_follow_the_ratelimit_draft() -> None:
    limiter = SlidingWindowLimiter()
    allowed = limiter.hit("client", [MINUTE], 0.0)
    assert header_values(allowed) == {
        "RateLimit-Policy": '"minute";q=5;w=60',
        "RateLimit": '"minute";r=4;t=120',
    }
    hits(limiter, [MINUTE], [0.0] * 4)
    denied = limiter.hit("client", [MINUTE], 30.0)
    assert header_values(denied) == {
        "RateLimit-Policy": '"minute";q=5;w=60',
        "RateLimit": '"minute";r=0;t=42',
        "Retry-After": "42",
    }


def test_the_tightest_of_several_denials_is_the_one_that_frees_last() -> None:
    short = Decision(False, MINUTE, 0, 10)
    long = Decision(False, DAY, 0, 5000)
    assert tightest([short, long, Decision(True, MINUTE, 3, 1)]) == long


def test_a_fixed_window_starts_on_a_multiple_of_its_length() -> None:
    assert fixed_window_start(1_700_000_123.9, 3600) == 1_699_999_200
    assert fixed_window_start(86_400.0, 86_400) == 86_400
    assert fixed_window_start(86_399.99, 86_400) == 0


@pytest.mark.parametrize(
    ("requests", "window", "name", "reason"),
    [
        (0, 60, "minute", "at least 1 request"),
        (5, 0, "minute", "window of at least 1 second"),
        (5, 60, 'a"b', "must be 1-64 letters"),
        (5, 60, "", "must be 1-64 letters"),
    ],
)
def test_an_impossible_limit_is_refused(requests: int, window: int, name: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        Limit(requests=requests, window_seconds=window, name=name)


def test_a_hit_needs_at_least_one_limit() -> None:
    with pytest.raises(Invalid, match="at least one limit"):
        SlidingWindowLimiter().hit("client", [], 0.0)


def test_a_limiter_or_quota_window_that_could_hold_nothing_is_refused() -> None:
    with pytest.raises(Invalid, match="max_keys"):
        SlidingWindowLimiter(max_keys=0)
    with pytest.raises(Invalid, match="at least 1 second"):
        fixed_window_start(10.0, 0)
