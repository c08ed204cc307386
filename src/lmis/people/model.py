"""Jobseekers: the profile others may match on, the personal data only some may read, and consent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from lmis.people.profile import ProfileDetails


class TargetGroup(StrEnum):
    """Self-declared groups that widen help (programmes, subsidies); never used to filter anyone out."""

    YOUTH = "youth"
    WOMEN_RETURNING = "women_returning"
    OLDER_WORKER = "older_worker"
    DISABILITY = "disability"
    VETERAN = "veteran"
    MIGRANT = "migrant"


class Grantee(StrEnum):
    """Who a consent is given to: employers searching candidates, counsellors, or one API client."""

    EMPLOYERS = "employers"
    COUNSELLORS = "counsellors"
    CLIENT = "client"


class DataCategory(StrEnum):
    """What a consent covers."""

    PROFILE = "profile"  # headline, occupations, skills, region
    CONTACT = "contact"  # phone, address
    IDENTITY = "identity"  # national id number, birth date
    TARGET_GROUPS = "target_groups"


@dataclass(frozen=True, slots=True)
class PersonalData:
    """The protected part of a seeker's record: encrypted at rest, read only with a reason, every read audited."""

    phone: str | None = None
    address: str | None = None
    birth_date: date | None = None
    national_id: str | None = None
    target_groups: frozenset[TargetGroup] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Seeker:
    """A jobseeker's record; `account_id` links it to the person's account (None after erasure of the account)."""

    id: str
    account_id: str | None
    region: str | None
    headline: str
    occupations: tuple[str, ...]
    skills: tuple[str, ...]
    findable: bool
    created_at: datetime
    updated_at: datetime
    personal: PersonalData = field(default_factory=PersonalData)
    details: ProfileDetails = field(default_factory=ProfileDetails)


@dataclass(frozen=True, slots=True)
class Consent:
    """Permission the person gave: `grantee` may see `data` for `purpose` from `granted_at` until withdrawn."""

    id: str
    seeker_id: str
    grantee: Grantee
    client_id: str | None
    purpose: str
    data: frozenset[DataCategory]
    granted_at: datetime
    withdrawn_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def grantee_key(self) -> str:
        """How storage names the grantee: "employers", "counsellors" or "client:<id>"."""
        return f"client:{self.client_id}" if self.grantee is Grantee.CLIENT else self.grantee.value


def grants(consents: list[Consent], grantee: Grantee, category: DataCategory, client_id: str | None = None) -> bool:
    """True when an active consent lets `grantee` (this client) see `category`."""
    return any(
        c.active
        and c.grantee is grantee
        and category in c.data
        and (grantee is not Grantee.CLIENT or c.client_id == client_id)
        for c in consents
    )
