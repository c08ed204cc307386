"""Request and response models of the enrichment endpoints: describe documents, vacancies, the two queues."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lmis.enrich.model import CodingReview, ModerationCase
from lmis.enrich.vacancies import VacancyView

MAX_DOCUMENTS = 100


class EnrichIn(BaseModel):
    """Documents to describe: canonical posting records, as a partner push carries them (docs/ingest.md)."""

    documents: list[Any] = Field(
        description=(
            f"1 to {MAX_DOCUMENTS} canonical posting records (title, description, employer, address, latitude, "
            "longitude, salary, language, ...); `external_id` is optional here. A document that is not one "
            "(not an object, no title, ...) comes back with its problems."
        ),
        json_schema_extra={"minItems": 1, "maxItems": MAX_DOCUMENTS},
    )
    skill_extraction: Literal["lexical", "semantic"] | None = Field(
        None,
        description=(
            "How skills are found: `lexical` (ESCO labels word for word, milliseconds) or `semantic` (also "
            "sentence embeddings: finds more, ~1 s for a long ad). Default: the platform's LMIS_SKILL_EXTRACTION."
        ),
    )


class DocumentProblemOut(BaseModel):
    """Why a document cannot be read: the field, the value found and the rule it breaks."""

    field: str
    value: str
    rule: str


class EnrichedOut(BaseModel):
    """What enrichment derives for one document (nothing is stored)."""

    index: int = Field(description="The document's position in `documents`, from 0.")
    derived: dict[str, Any] = Field(
        description=(
            "One entry per step that ran (salary, place, occupation, skills, cluster, fraud), each with its "
            "method, version and trace: `read_from` spans, `evidence`, `matched_text`, flag offsets."
        )
    )


class RejectedOut(BaseModel):
    """A document that ingestion would quarantine, with its problems."""

    index: int = Field(description="The document's position in `documents`, from 0.")
    problems: list[DocumentProblemOut]


class EnrichOut(BaseModel):
    """One result per document, in the order of `documents`."""

    results: list[EnrichedOut | RejectedOut]


class VacancyPostingOut(BaseModel):
    """One posting of a vacancy and how duplicate detection linked it."""

    posting_id: str
    source: str
    date_posted: date | None
    matched_id: str | None = Field(description="The posting it was linked to (None for the first seen).")
    method: str | None = Field(description="How the link was verified, e.g. exact or near duplicate text.")
    confidence: float


class VacancyOut(BaseModel):
    """One vacancy: the postings that advertise it, on any site."""

    cluster_id: str
    postings: list[VacancyPostingOut]
    sources: list[str]
    first_seen: date | None
    last_seen: date | None
    repost_count: int = Field(description="Postings of one source beyond the first of that source.")

    @classmethod
    def of(cls, view: VacancyView) -> VacancyOut:
        """The API form of a vacancy."""
        postings = [
            VacancyPostingOut(
                posting_id=m.posting_id,
                source=m.source,
                date_posted=m.date_posted,
                matched_id=m.matched_id,
                method=m.method,
                confidence=m.confidence,
            )
            for m in view.members
        ]
        return cls(
            cluster_id=view.cluster_id,
            postings=postings,
            sources=list(view.sources),
            first_seen=view.first_seen,
            last_seen=view.last_seen,
            repost_count=view.repost_count,
        )


class CandidateOut(BaseModel):
    """A candidate occupation with its confidence and the evidence behind it."""

    model_config = ConfigDict(extra="allow")

    concept_id: str = Field(description="The ESCO occupation's id (as in `/occupations/{id}`).")
    isco_code: str = ""
    confidence: float | None = None
    score: float | None = None
    matched_label: str = Field("", description="The label or coded title that matched best.")
    evidence: str = Field("", description="The strongest kind of evidence.")


class ReviewOut(BaseModel):
    """An uncertain occupation code waiting for (or decided by) a reviewer."""

    id: str
    posting_id: str
    title: str
    confidence: float = Field(description="The top candidate's confidence.")
    candidates: list[CandidateOut] = Field(description="The top candidates, best first.")
    status: str = Field(description="open or decided")
    created_at: datetime
    chosen_concept_id: str | None
    reviewer: str
    decided_at: datetime | None

    @classmethod
    def of(cls, review: CodingReview) -> ReviewOut:
        """The API form of a review."""
        return cls(
            id=review.id,
            posting_id=review.posting_id,
            title=review.title,
            confidence=review.confidence,
            candidates=[CandidateOut.model_validate(dict(c)) for c in review.candidates],
            status=review.status.value,
            created_at=review.created_at,
            chosen_concept_id=review.chosen_concept_id,
            reviewer=review.reviewer,
            decided_at=review.decided_at,
        )


class ReviewPageOut(BaseModel):
    """A page of the review queue (least confident first while open, newest decision first after)."""

    items: list[ReviewOut]
    total: int
    offset: int
    limit: int


class ReviewDecisionIn(BaseModel):
    """The occupation a reviewer chose."""

    concept_id: str = Field(
        min_length=1,
        description="A candidate's `concept_id`, or any current ESCO occupation by id, ESCO code or URI.",
    )


class FlagOut(BaseModel):
    """A fraud flag that fired, with its weight and the text that fired it."""

    model_config = ConfigDict(extra="allow")

    flag: str
    weight: float | None = None
    evidence: str = ""
    start: int | None = Field(None, description="Where the evidence starts in `field`'s text.")
    end: int | None = None
    field: str = ""


class CaseOut(BaseModel):
    """A risky ad waiting for (or judged by) a moderator."""

    id: str
    posting_id: str
    title: str
    score: float = Field(description="Fraud risk in [0, 1].")
    flags: list[FlagOut]
    status: str = Field(description="open, fraud or legitimate")
    created_at: datetime
    moderator: str
    note: str
    decided_at: datetime | None

    @classmethod
    def of(cls, case: ModerationCase) -> CaseOut:
        """The API form of a moderation case."""
        return cls(
            id=case.id,
            posting_id=case.posting_id,
            title=case.title,
            score=case.score,
            flags=[FlagOut.model_validate(dict(flag)) for flag in case.flags],
            status=case.status.value,
            created_at=case.created_at,
            moderator=case.moderator,
            note=case.note,
            decided_at=case.decided_at,
        )


class CasePageOut(BaseModel):
    """A page of the moderation queue (riskiest first while open, newest decision first after)."""

    items: list[CaseOut]
    total: int
    offset: int
    limit: int


class CaseDecisionIn(BaseModel):
    """A moderator's judgement."""

    decision: str = Field(
        description="fraud (the ad is closed) or legitimate.", json_schema_extra={"enum": ["fraud", "legitimate"]}
    )
    note: str = Field("", max_length=2_000, description="Why, for the record and for other moderators.")
