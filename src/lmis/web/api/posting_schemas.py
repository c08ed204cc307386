"""Response models of the postings, partner push and sync endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from lmis.jobs.model import Address, JobPosting, PostingStatus, Salary, effective_status
from lmis.jobs.ports import PostingChange


class EmployerOut(BaseModel):
    """The hiring organisation."""

    name: str
    normalised_name: str
    registration_id: str
    industry: str
    size: str
    region: str
    url: str


class AddressOut(BaseModel):
    """Where the work is, as stated."""

    street: str
    locality: str
    region: str
    postal_code: str
    country: str

    @classmethod
    def of(cls, a: Address) -> AddressOut:
        """The API form of an address."""
        return cls(street=a.street, locality=a.locality, region=a.region, postal_code=a.postal_code, country=a.country)


class SalaryOut(BaseModel):
    """Pay as stated (not normalised: that is a derived field of the enrichment step)."""

    currency: str | None
    min: float | None
    max: float | None
    unit: str | None
    text: str

    @classmethod
    def of(cls, s: Salary | None) -> SalaryOut | None:
        """The API form of a stated salary (None without one)."""
        if s is None:
            return None
        return cls(
            currency=s.currency, min=s.minimum, max=s.maximum, unit=s.unit.value if s.unit else None, text=s.text
        )


class ProvenanceOut(BaseModel):
    """Where the record came from."""

    source: str
    retrieved_at: datetime
    licence: str
    original_url: str
    raw_id: str = Field(description="The stored raw record this posting was read from.")
    run_id: str


class PostingOut(BaseModel):
    """A job posting. `status` is as a reader sees it now (a published posting past its deadline is expired)."""

    id: str
    source: str
    external_id: str
    title: str
    description_html: str
    description_text: str
    employer: EmployerOut | None
    address: AddressOut
    latitude: float | None
    longitude: float | None
    employment_types: list[str]
    working_hours: str
    salary: SalaryOut | None
    education: str
    experience_months: int | None
    openings: int | None
    valid_through: datetime | None
    date_posted: datetime | None
    updated_at: datetime | None
    status: str
    language: str
    url: str
    provenance: ProvenanceOut
    derived: dict[str, object] = Field(description="Fields LMIS derived, each with its method and version.")

    @classmethod
    def of(cls, p: JobPosting, now: datetime) -> PostingOut:
        """The API form of a posting."""
        e, v = p.employer, p.provenance
        return cls(
            id=p.id,
            source=p.source,
            external_id=p.external_id,
            title=p.title,
            description_html=p.description_html,
            description_text=p.description_text,
            employer=EmployerOut(
                name=e.name,
                normalised_name=e.normalised_name,
                registration_id=e.registration_id,
                industry=e.industry,
                size=e.size,
                region=e.region,
                url=e.url,
            )
            if e
            else None,
            address=AddressOut.of(p.address),
            latitude=p.latitude,
            longitude=p.longitude,
            employment_types=[t.value for t in p.employment_types],
            working_hours=p.working_hours,
            salary=SalaryOut.of(p.salary),
            education=p.education,
            experience_months=p.experience_months,
            openings=p.openings,
            valid_through=p.valid_through,
            date_posted=p.date_posted,
            updated_at=p.updated_at,
            status=effective_status(p.status, p.valid_through, now).value,
            language=p.language,
            url=p.url,
            provenance=ProvenanceOut(
                source=v.source,
                retrieved_at=v.retrieved_at,
                licence=v.licence,
                original_url=v.original_url,
                raw_id=v.raw_id,
                run_id=v.run_id,
            ),
            derived=dict(p.derived),
        )


class PostingPageOut(BaseModel):
    """A page of postings."""

    items: list[PostingOut]
    total: int
    next_cursor: str | None


class TombstoneOut(BaseModel):
    """What is left of a removed posting: enough to delete a copy."""

    id: str
    source: str
    external_id: str
    removed_at: datetime


class ChangeOut(BaseModel):
    """One change: a created or updated posting, or a tombstone."""

    sequence: int
    kind: str = Field(description="created, updated or removed")
    at: datetime
    posting: PostingOut | None = Field(description="The posting as it is now (absent for a removal).")
    tombstone: TombstoneOut | None = Field(description="Present for a removal.")

    @classmethod
    def of(cls, change: PostingChange, now: datetime) -> ChangeOut:
        """The API form of a change."""
        p = change.posting
        if p.status is PostingStatus.REMOVED:
            tombstone = TombstoneOut(id=p.id, source=p.source, external_id=p.external_id, removed_at=change.at)
            return cls(
                sequence=change.sequence, kind=change.kind.value, at=change.at, posting=None, tombstone=tombstone
            )
        return cls(
            sequence=change.sequence,
            kind=change.kind.value,
            at=change.at,
            posting=PostingOut.of(p, now),
            tombstone=None,
        )


class ChangesOut(BaseModel):
    """Changes after a cursor; follow `next_cursor` to resume (it is given even when nothing changed)."""

    changes: list[ChangeOut]
    next_cursor: str
    head: int = Field(description="The sequence of the newest change; caught up when the last change reaches it.")


class ProblemItemOut(BaseModel):
    """Why one pushed record was held back."""

    position: str
    field: str
    value: str
    rule: str


class PushOut(BaseModel):
    """What a partner push did."""

    run_id: str
    received: int
    new: int
    updated: int
    unchanged: int
    removed: int
    quarantined: int
    problems: list[ProblemItemOut] = Field(description="One entry per problem of each quarantined record.")
