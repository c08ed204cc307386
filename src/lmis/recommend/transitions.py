"""Occupation transitions observed in jobseekers' work histories (job after job), counted for career paths."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import pairwise

from lmis.people.profile import Job, ProfileDetails
from lmis.recommend.pathways import Transitions
from lmis.recommend.ports import RecommendUnitOfWork

REFRESH_SECONDS = 3600.0


def count_transitions(histories: Iterable[Sequence[Job]]) -> dict[str, dict[str, float]]:
    """from occupation -> {next occupation: count}, over consecutive coded jobs (by start date) of each history."""
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for history in histories:
        coded = sorted((j for j in history if j.occupation_id), key=lambda j: j.started or date.min)
        for before, after in pairwise(coded):
            if before.occupation_id and after.occupation_id and before.occupation_id != after.occupation_id:
                counts[before.occupation_id][after.occupation_id] += 1
    return {source: dict(targets) for source, targets in counts.items()}


class TransitionCounts:
    """The counts over every seeker, recounted at most every `REFRESH_SECONDS` (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Transitions = {}
        self._at = float("-inf")

    def get(self, uow: Callable[[], RecommendUnitOfWork], now: float) -> Transitions:
        with self._lock:
            if now - self._at >= REFRESH_SECONDS:
                with uow() as work:
                    histories = [ProfileDetails.from_json(s.details).work_history for s in work.people.every_seeker()]
                self._counts, self._at = count_transitions(histories), now
            return self._counts
