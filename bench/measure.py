"""What every benchmark shares: timing runs and summarising them."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed(run: Callable[[], object], repeat: int, *, scale: float = 1.0) -> list[float]:
    """Wall-clock durations of `repeat` calls of `run`, in seconds times `scale`."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * scale)
    return timings


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
