"""The review queue of uncertain occupation codes, the moderation queue of risky ads, and their decisions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from lmis.shared.errors import Conflict, Invalid


class ReviewStatus(StrEnum):
    """An occupation review waits for a reviewer, or holds the reviewer's choice."""

    OPEN = "open"
    DECIDED = "decided"


class ModerationStatus(StrEnum):
    """A moderation case waits, or a moderator judged the ad fraudulent or legitimate."""

    OPEN = "open"
    FRAUD = "fraud"
    LEGITIMATE = "legitimate"


@dataclass(frozen=True, slots=True)
class CodingReview:
    """A posting whose occupation code fell under the review threshold, with the top candidates and evidence.

    `candidates` are JSON-ready (see `Candidate.as_dict`), best first.
    """

    id: str
    posting_id: str
    title: str
    confidence: float
    candidates: tuple[Mapping[str, object], ...]
    created_at: datetime
    status: ReviewStatus = ReviewStatus.OPEN
    chosen_concept_id: str | None = None
    reviewer: str = ""
    decided_at: datetime | None = None

    def decide(self, concept_id: str, reviewer: str, at: datetime) -> CodingReview:
        """The review closed with `concept_id` chosen by `reviewer`."""
        if self.status is not ReviewStatus.OPEN:
            raise Conflict(f"review {self.id} was already decided by {self.reviewer or 'someone'}")
        if not reviewer.strip():
            raise Invalid("say who decides", field="reviewer")
        return replace(
            self, status=ReviewStatus.DECIDED, chosen_concept_id=concept_id, reviewer=reviewer.strip(), decided_at=at
        )


@dataclass(frozen=True, slots=True)
class ModerationCase:
    """A posting whose fraud risk reached the moderation threshold, with its flags and the decision."""

    id: str
    posting_id: str
    title: str
    score: float
    flags: tuple[Mapping[str, object], ...]
    created_at: datetime
    status: ModerationStatus = ModerationStatus.OPEN
    moderator: str = ""
    note: str = ""
    decided_at: datetime | None = None

    def decide(self, status: ModerationStatus, moderator: str, note: str, at: datetime) -> ModerationCase:
        """The case closed as fraud or legitimate; the decision becomes a training label."""
        if status is ModerationStatus.OPEN:
            raise Invalid(
                "a decision is 'fraud' or 'legitimate'", field="decision", suggestions=("fraud", "legitimate")
            )
        if self.status is not ModerationStatus.OPEN:
            raise Conflict(f"case {self.id} was already decided ({self.status.value}) by {self.moderator or 'someone'}")
        if not moderator.strip():
            raise Invalid("say who decides", field="moderator")
        return replace(self, status=status, moderator=moderator.strip(), note=note.strip(), decided_at=at)

    def flag_names(self) -> frozenset[str]:
        """The names of the flags that fired."""
        return frozenset(str(flag.get("flag", "")) for flag in self.flags)
