"""Ingestion records: raw payloads, problems, quarantine entries and runs (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

Draft = Mapping[str, object]
"""A posting as a source parsed it, in the canonical field names (docs/ingest.md)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record exactly as received, stored before anything else happens to it."""

    id: str
    run_id: str
    source: str
    position: str
    payload: str
    received_at: datetime
    decode_error: str = ""
    ordinal: int = 0


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a record cannot be accepted: the field, the value found and the rule it breaks."""

    field: str
    value: str
    rule: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
        return f"{self.field}: {self.rule} (got {shown!r})" if self.value else f"{self.field}: {self.rule}"


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """A record held back with its problems; `resolved_by` is the run that later accepted it."""

    id: str
    raw_id: str
    run_id: str
    source: str
    position: str
    problems: tuple[Problem, ...]
    created_at: datetime
    resolved_by: str | None = None

    @property
    def reason(self) -> str:
        """All problems in one line."""
        return "; ".join(str(p) for p in self.problems)


class RunStatus(StrEnum):
    """Whether a run is going on, finished, or stopped by an error."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RunCounts:
    """What a run did with the records it received.

    received = new + updated + unchanged + quarantined + the removals the feed itself asked
    for; a full-snapshot run also counts, under `removed`, the postings it found missing.
    """

    received: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    quarantined: int = 0

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int, int, int]:
        """The counts in field order."""
        return (self.received, self.new, self.updated, self.unchanged, self.removed, self.quarantined)

    def as_dict(self) -> dict[str, int]:
        """The counts by name."""
        names = ("received", "new", "updated", "unchanged", "removed", "quarantined")
        return dict(zip(names, self.as_tuple(), strict=True))


@dataclass(frozen=True, slots=True)
class IngestRun:
    """One pass of a source through the pipeline."""

    id: str
    source: str
    format: str
    location: str
    started_at: datetime
    format_options: Mapping[str, object] = field(default_factory=dict)
    status: RunStatus = RunStatus.RUNNING
    finished_at: datetime | None = None
    counts: RunCounts = field(default_factory=RunCounts)
    replay_of: str | None = None
    error: str = ""

    def finish(self, at: datetime, counts: RunCounts) -> IngestRun:
        """This run, finished at `at` with `counts`."""
        return replace(self, status=RunStatus.FINISHED, finished_at=at, counts=counts)

    def fail(self, at: datetime, counts: RunCounts, error: str) -> IngestRun:
        """This run, stopped at `at` by `error`."""
        return replace(self, status=RunStatus.FAILED, finished_at=at, counts=counts, error=error)

    @property
    def seconds(self) -> float | None:
        """How long the run took."""
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None


@dataclass(frozen=True, slots=True)
class Payload:
    """One record as a feed format cut it out of its input, before it is stored.

    `decode_error` is set when the bytes were not text in the expected encoding; `text` then
    holds them decoded with replacement characters, so nothing is lost.
    """

    position: str
    text: str
    decode_error: str = ""


class ParseError(Exception):
    """A payload is not a record of its format; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
