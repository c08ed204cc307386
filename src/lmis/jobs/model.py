"""Job postings, their employers and the posting lifecycle (pure rules, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from lmis.shared.errors import Invalid


class PostingStatus(StrEnum):
    """Where a posting is in its life. Only `published` postings are searchable, and only until
    they expire; a `removed` posting keeps a tombstone (id, source, external id, time)."""

    PUBLISHED = "published"
    CLOSED = "closed"
    EXPIRED = "expired"
    REMOVED = "removed"


class EmploymentType(StrEnum):
    """schema.org `employmentType` values, in lower case."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    TEMPORARY = "temporary"
    CONTRACTOR = "contractor"
    INTERN = "intern"
    VOLUNTEER = "volunteer"
    PER_DIEM = "per_diem"
    OTHER = "other"


class SalaryUnit(StrEnum):
    """The period a stated salary is paid for (schema.org `unitText`)."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class ChangeKind(StrEnum):
    """What happened to a posting, as the change feed tells partners."""

    CREATED = "created"
    UPDATED = "updated"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Salary:
    """Pay as the ad states it; `text` keeps what was written when it is not numbers."""

    currency: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: SalaryUnit | None = None
    text: str = ""

    def __post_init__(self) -> None:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise Invalid(f"salary minimum {self.minimum} is above its maximum {self.maximum}", field="salary")


@dataclass(frozen=True, slots=True)
class Address:
    """Where the work is done, as stated."""

    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class Employer:
    """The hiring organisation; `normalised_name` groups spellings of one name."""

    name: str
    normalised_name: str
    registration_id: str = ""
    industry: str = ""
    size: str = ""
    region: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a posting came from: source, when it was fetched, licence, original url and raw record."""

    source: str
    retrieved_at: datetime
    licence: str = ""
    original_url: str = ""
    raw_id: str = ""
    run_id: str = ""


@dataclass(frozen=True, slots=True)
class JobPosting:
    """A job ad as the platform holds it, identified by (source, external_id).

    `id` is stable: derived from source and external id. `content_hash` covers every field a
    partner sends, so an unchanged record is recognised without comparing fields.
    """

    id: str
    source: str
    external_id: str
    title: str
    description_html: str
    description_text: str
    employer: Employer | None
    address: Address
    latitude: float | None
    longitude: float | None
    employment_types: tuple[EmploymentType, ...]
    working_hours: str
    salary: Salary | None
    education: str
    experience_months: int | None
    openings: int | None
    valid_through: datetime | None
    date_posted: datetime | None
    updated_at: datetime | None
    status: PostingStatus
    language: str
    url: str
    provenance: Provenance
    content_hash: str
    derived: dict[str, object] = field(default_factory=dict)

    def is_searchable(self, now: datetime) -> bool:
        """Published and not past its deadline."""
        return self.status is PostingStatus.PUBLISHED and not self.has_expired(now)

    def has_expired(self, now: datetime) -> bool:
        """Its application deadline has passed."""
        return self.valid_through is not None and self.valid_through < now


def effective_status(status: PostingStatus, valid_through: datetime | None, now: datetime) -> PostingStatus:
    """The status a reader sees: a published posting past its deadline is expired."""
    if status is PostingStatus.PUBLISHED and valid_through is not None and valid_through < now:
        return PostingStatus.EXPIRED
    return status


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change feed: `sequence` orders all changes of the platform."""

    sequence: int
    posting_id: str
    kind: ChangeKind
    at: datetime
