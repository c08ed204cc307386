"""The Work's vocabulary: behaviour events, recommendations and the reasons each one carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    """What a person did (or was shown); stored append-only."""

    SEARCH = "search"
    VIEW = "view"
    SAVE = "save"
    APPLY = "apply"
    DISMISS = "dismiss"
    IMPRESSION = "impression"  # a recommended item was shown
    CLICK = "click"  # a recommended item was opened from the list
    HIRE = "hire"


# Events a person records about a posting themselves (impressions and clicks come from lists shown).
PERSON_EVENTS = frozenset({EventKind.VIEW, EventKind.SAVE, EventKind.APPLY, EventKind.DISMISS, EventKind.HIRE})
# How much each event says the person likes the item (the collaborative and learned signals use it).
EVENT_STRENGTH: dict[EventKind, float] = {
    EventKind.VIEW: 1.0,
    EventKind.CLICK: 1.0,
    EventKind.SAVE: 3.0,
    EventKind.APPLY: 5.0,
    EventKind.HIRE: 8.0,
}


class DismissReason(StrEnum):
    """Why a person dismissed a recommendation; some reasons steer the next results."""

    NOT_INTERESTED = "not_interested"
    TOO_FAR = "too_far"  # closeness weighs more
    PAY_TOO_LOW = "pay_too_low"  # pay weighs more
    WRONG_OCCUPATION = "wrong_occupation"  # occupation match weighs more
    EMPLOYER = "employer"  # hide this employer
    ALREADY_APPLIED = "already_applied"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class BehaviourEvent:
    seeker_id: str
    kind: EventKind
    item_kind: str  # posting | course | occupation | search
    item_id: str | None
    at: datetime
    employer_id: str | None = None
    list_id: str | None = None
    position: int | None = None
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ref:
    """A taxonomy concept (or other item) by id with its label, as results show it."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an item was recommended.

    `matched_skills`/`missing_skills`: the item's skills the person has / lacks (taxonomy ids);
    `occupation`: the person's occupation the item matches, and how (`exact`, `group`);
    `signals`: which sources found it (profile, history, behaviour, text, embedding, popularity);
    `contributions`: each part of the score, so the person can see what weighed most.
    """

    matched_skills: tuple[Ref, ...] = ()
    missing_skills: tuple[Ref, ...] = ()
    occupation: Ref | None = None
    occupation_match: str | None = None
    signals: tuple[str, ...] = ()
    distance_km: float | None = None
    pay_fit: str = "unknown"  # above | within | below | unknown (against the person's desired pay)
    contributions: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class JobRecommendation:
    posting_id: str
    cluster_id: str
    title: str
    employer_id: str
    employer_name: str
    region: str
    score: float
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class RecommendationList:
    """A list as served: its id ties later clicks and applications back to it (attribution)."""

    id: str
    seeker_id: str
    kind: str  # jobs | training | occupations | candidates
    ranker: str
    at: datetime
    items: tuple[JobRecommendation, ...] = ()
