"""The API's shapes for accounts, seekers, consents, API clients and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lmis.identity.model import Account, AccountStatus, ApiClient, AuditEntry, Role, Scope
from lmis.identity.ports import StoredKey, UsageDay
from lmis.people.model import Consent, DataCategory, Grantee, PersonalData, Seeker, TargetGroup
from lmis.web.api.profile_schemas import DetailsIO


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignUpIn(_In):
    email: str = Field(max_length=254, examples=["ana@example.org"])
    password: str = Field(min_length=1, max_length=256, description="At least 12 characters.")
    name: str = Field(min_length=1, max_length=200)
    role: Role = Field(Role.JOBSEEKER, description="jobseeker or employer; staff accounts are made by administrators.")
    employer: str | None = Field(None, max_length=200, description="The organisation an employer account acts for.")


class TokenIn(_In):
    token: str = Field(min_length=1, max_length=200)


class EmailIn(_In):
    email: str = Field(max_length=254)


class NewPasswordIn(_In):
    token: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=256)


class AccountOut(BaseModel):
    id: str
    email: str
    name: str
    role: Role
    status: AccountStatus
    email_verified: bool
    mfa_enabled: bool
    region: str | None
    employer_id: str | None
    partner: str | None
    created_at: datetime

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            email=account.email,
            name=account.name,
            role=account.role,
            status=account.status,
            email_verified=account.email_verified,
            mfa_enabled=account.mfa_enabled,
            region=account.region,
            employer_id=account.employer_id,
            partner=account.partner,
            created_at=account.created_at,
        )


class AccountPageOut(BaseModel):
    items: list[AccountOut]
    total: int


class NewAccountIn(_In):
    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    region: str | None = Field(None, max_length=64, description="Gazetteer id of the regional scope; none = national.")
    employer_id: str | None = Field(None, max_length=16)
    partner: str | None = Field(None, max_length=100)


class AccessIn(_In):
    role: Role
    region: str | None = Field(None, max_length=64)
    employer_id: str | None = Field(None, max_length=16)
    partner: str | None = Field(None, max_length=100)
    status: AccountStatus | None = Field(None, description="active or disabled.")


class PersonalDataIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(None, max_length=300)
    address: str | None = Field(None, max_length=300)
    birth_date: date | None = None
    national_id: str | None = Field(None, max_length=32)
    target_groups: list[TargetGroup] = Field(
        default_factory=list, description="Self-declared; they widen help and never filter anyone out."
    )

    @classmethod
    def of(cls, personal: PersonalData) -> PersonalDataIO:
        return cls(
            phone=personal.phone,
            address=personal.address,
            birth_date=personal.birth_date,
            national_id=personal.national_id,
            target_groups=sorted(personal.target_groups),
        )

    def value(self) -> PersonalData:
        return PersonalData(self.phone, self.address, self.birth_date, self.national_id, frozenset(self.target_groups))


class ProfileIn(_In):
    headline: str = Field("", max_length=200)
    region: str | None = Field(None, max_length=64)
    occupations: list[str] = Field(default_factory=list, max_length=20)
    skills: list[str] = Field(default_factory=list, max_length=100)
    findable: bool = Field(False, description="Consent to be found by employers (profile only).")
    personal: PersonalDataIO = Field(default_factory=PersonalDataIO)
    details: DetailsIO = Field(
        default_factory=DetailsIO, description="Skills with level, work history, education, wishes and steering."
    )


class SeekerOut(BaseModel):
    id: str
    region: str | None
    headline: str
    occupations: list[str]
    skills: list[str]
    findable: bool
    updated_at: datetime
    personal: PersonalDataIO | None = Field(None, description="Only the fields the caller may read.")
    details: DetailsIO

    @classmethod
    def of(cls, seeker: Seeker, *, personal: bool = True) -> SeekerOut:
        return cls(
            id=seeker.id,
            region=seeker.region,
            headline=seeker.headline,
            occupations=list(seeker.occupations),
            skills=list(seeker.skills),
            findable=seeker.findable,
            updated_at=seeker.updated_at,
            personal=PersonalDataIO.of(seeker.personal) if personal else None,
            details=DetailsIO.of(seeker.details),
        )


class SeekerPageOut(BaseModel):
    items: list[SeekerOut]
    total: int


class ConsentIn(_In):
    grantee: Grantee
    client_id: str | None = Field(None, max_length=16, description="The API client, when the grantee is client.")
    purpose: str = Field(min_length=3, max_length=300)
    data: list[DataCategory] = Field(min_length=1)


class ConsentOut(BaseModel):
    id: str
    grantee: Grantee
    client_id: str | None
    purpose: str
    data: list[DataCategory]
    granted_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        return cls(
            id=consent.id,
            grantee=consent.grantee,
            client_id=consent.client_id,
            purpose=consent.purpose,
            data=sorted(consent.data),
            granted_at=consent.granted_at,
            withdrawn_at=consent.withdrawn_at,
        )


class ClientIn(_In):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1)
    purpose: str = Field("", max_length=500, description="Required for personal_data:read.")
    sources: list[str] = Field(default_factory=list, max_length=50, description="Sources a push client writes to.")
    quota_per_day: int = Field(10_000, ge=1, le=10_000_000)
    rate_per_minute: int = Field(120, ge=1, le=100_000)
    redirect_uris: list[str] = Field(default_factory=list, max_length=10, description="Single sign-on callbacks.")
    confidential: bool = Field(True, description="Issue a client secret (client credentials, confidential SSO).")


class ClientOut(BaseModel):
    id: str
    name: str
    partner: str | None
    scopes: list[Scope]
    sources: list[str]
    purpose: str
    quota_per_day: int
    rate_per_minute: int
    redirect_uris: list[str]
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, client: ApiClient) -> ClientOut:
        return cls(
            id=client.id,
            name=client.name,
            partner=client.partner,
            scopes=sorted(client.scopes),
            sources=sorted(client.sources),
            purpose=client.purpose,
            quota_per_day=client.quota_per_day,
            rate_per_minute=client.rate_per_minute,
            redirect_uris=list(client.redirect_uris),
            created_at=client.created_at,
            revoked_at=client.revoked_at,
        )


class RegisteredOut(BaseModel):
    client: ClientOut
    api_key: str = Field(description="Shown once; store it now. Send it as 'Authorization: Bearer <key>'.")
    client_secret: str | None = Field(description="Shown once; for OAuth2 client credentials and SSO.")


class KeyOut(BaseModel):
    id: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: StoredKey) -> KeyOut:
        return cls(id=key.id, created_at=key.created_at, last_used_at=key.last_used_at, revoked_at=key.revoked_at)


class NewKeyOut(BaseModel):
    api_key: str = Field(description="Shown once.")


class UsageDayOut(BaseModel):
    day: date
    requests: int
    refused: int

    @classmethod
    def of(cls, usage: UsageDay) -> UsageDayOut:
        return cls(day=usage.day, requests=usage.requests, refused=usage.refused)


class ClientDetailOut(BaseModel):
    client: ClientOut
    keys: list[KeyOut]
    usage: list[UsageDayOut]


class AuditEntryOut(BaseModel):
    id: int | None
    at: datetime
    actor: str
    action: str
    target: str | None
    purpose: str | None
    ip: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            purpose=entry.purpose,
            ip=entry.ip,
            detail=entry.detail,
        )
