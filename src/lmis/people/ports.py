"""What the people context needs from storage: seekers with their encrypted fields, and consents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from lmis.identity.ports import IdentityRepository
from lmis.people.model import Consent
from lmis.taxonomy.ports import TaxonomyRepository

ENCRYPTED_FIELDS = ("phone", "address", "birth_date", "national_id", "target_groups")


@dataclass(frozen=True, slots=True)
class StoredSeeker:
    """A seeker row as stored: profile in the clear, personal data as `FieldCipher` tokens by field name."""

    id: str
    account_id: str | None
    region: str | None
    headline: str
    occupations: list[str]
    skills: list[str]
    findable: bool
    created_at: datetime
    updated_at: datetime
    encrypted: dict[str, str | None]
    national_id_index: str | None
    details: dict[str, Any] = field(default_factory=dict)  # `ProfileDetails.as_json()`


class PeopleRepository(Protocol):
    def save_seeker(self, seeker: StoredSeeker) -> None: ...
    def seeker(self, seeker_id: str) -> StoredSeeker | None: ...
    def seeker_of_account(self, account_id: str) -> StoredSeeker | None: ...
    def seeker_by_national_id(self, index: str) -> StoredSeeker | None: ...
    def seekers(
        self, *, region: str | None, findable_only: bool, limit: int, offset: int
    ) -> tuple[list[StoredSeeker], int]: ...
    def every_seeker(self) -> Iterator[StoredSeeker]: ...
    def delete_seeker(self, seeker_id: str) -> None: ...
    def consents(self, seeker_id: str) -> list[Consent]: ...
    def add_consent(self, consent: Consent) -> None: ...
    def withdraw_consent(self, consent_id: str, now: datetime) -> None: ...
    def tally_erasure(self, month: str, region: str | None, role: str) -> None: ...
    def behaviour_records(self, seeker_id: str) -> list[dict[str, Any]]:
        """The person's behaviour events and the recommendation lists shown to them, for an export."""


class PeopleUnitOfWork(Protocol):
    @property
    def people(self) -> PeopleRepository: ...
    @property
    def identity(self) -> IdentityRepository: ...
    @property
    def taxonomy(self) -> TaxonomyRepository: ...

    def __enter__(self) -> PeopleUnitOfWork: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...
