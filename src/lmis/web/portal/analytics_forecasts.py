"""Forecasts for the dashboards: `lmis.analytics.forecast.predict` run off the request thread and kept an hour.

The first forecast of a process loads statsforecast (about 10 s of numba compilation on this machine);
a page waits a few seconds for it and otherwise says the forecast is being computed, so no page
hangs. The same series (values and horizon) is not forecast twice within `KEEP_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import numpy as np
from fastapi import Request

from lmis.analytics.forecast import Prediction, predict

KEEP_SECONDS = 3600.0
WAIT_SECONDS = 3.0
Key = tuple[tuple[float, ...], int, int]


class DashboardForecasts:
    """Predictions by (values, horizon, season), computed by one background worker."""

    def __init__(self, wait_seconds: float = WAIT_SECONDS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard-forecast")
        self._lock = threading.Lock()
        self._futures: dict[Key, tuple[float, Future[Prediction]]] = {}
        self.wait_seconds = wait_seconds

    def get(self, values: list[float], horizon: int, season: int) -> Prediction | None:
        """The forecast of `values`, or None when it is not ready within the wait (it goes on in the background)."""
        key: Key = (tuple(values), horizon, season)
        now = time.monotonic()
        with self._lock:
            self._futures = {k: v for k, v in self._futures.items() if now - v[0] < KEEP_SECONDS}
            if key not in self._futures:
                array = np.asarray(values, dtype=np.float64)
                self._futures[key] = (now, self._pool.submit(predict, array, horizon=horizon, season=season))
            future = self._futures[key][1]
        try:
            return future.result(timeout=self.wait_seconds)
        except FutureTimeout:
            return None
        except Exception:  # a failed forecast leaves the chart without a band, never the page broken
            return None


def forecasts_of(request: Request) -> DashboardForecasts:
    """The application's dashboard forecasts (made on first use)."""
    state = request.app.state
    with _MAKING:
        if not hasattr(state, "dashboard_forecasts"):
            state.dashboard_forecasts = DashboardForecasts()
    found: DashboardForecasts = state.dashboard_forecasts
    return found


_MAKING = threading.Lock()
