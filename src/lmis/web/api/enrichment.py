"""/api/v1 enrichment: describe documents, vacancies, and the occupation review and moderation queues (staff)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query

from lmis.enrich import services
from lmis.enrich.model import ModerationStatus, ReviewStatus
from lmis.identity.model import Permission, Principal
from lmis.ingest.services import read_documents
from lmis.shared.errors import Invalid, did_you_mean
from lmis.shared.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from lmis.web import decisions
from lmis.web.api.enrichment_schemas import (
    MAX_DOCUMENTS,
    CaseDecisionIn,
    CaseOut,
    CasePageOut,
    DocumentProblemOut,
    EnrichedOut,
    EnrichIn,
    EnrichOut,
    RejectedOut,
    ReviewDecisionIn,
    ReviewOut,
    ReviewPageOut,
    VacancyOut,
)
from lmis.web.api.params import INTEGER_TEXT
from lmis.web.auth import requires
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["enrichment"])
DOCUMENT_SOURCE = "enrich"  # the source the described documents are read as (nothing is stored under it)
E = TypeVar("E", bound=StrEnum)
ReviewerDep = Annotated[Principal, Depends(requires(Permission.REVIEW_CODES))]
ModeratorDep = Annotated[Principal, Depends(requires(Permission.MODERATE_POSTINGS))]
# No queue is a million items deep; the bound keeps an offset inside the databases' 64-bit integers.
MAX_OFFSET = 1_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many items to skip."), INTEGER_TEXT]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size."), INTEGER_TEXT]


@router.post(
    "/enrich",
    response_model=EnrichOut,
    summary="Describe documents (nothing is stored)",
    responses=problem_responses(422),
)
def enrich(body: EnrichIn, services_: ServicesDep) -> EnrichOut:
    """Run every configured enrichment step over 1 to 100 canonical posting records and return what
    each derives: normalised salary, place, occupation (with its top candidates), skills, duplicate
    cluster (naming the stored posting a document repeats) and fraud risk, each with its method,
    version and trace. A document ingestion would quarantine comes back with its problems instead.

    Nothing is stored: no posting, review, moderation case or cluster. Public; at most 100
    documents a request.
    """
    count = len(body.documents)
    if count == 0:
        raise Invalid("give at least one document in 'documents'", field="documents")
    if count > MAX_DOCUMENTS:
        raise Invalid(
            f"a request describes at most {MAX_DOCUMENTS} documents, got {count}; split the batch", field="documents"
        )
    read = read_documents(body.documents, source=DOCUMENT_SOURCE, now=services_.now)
    postings = [item for item in read if not isinstance(item, list)]
    semantic = None if body.skill_extraction is None else body.skill_extraction == "semantic"
    derived = iter(services_.describe(postings, semantic_skills=semantic))
    results: list[EnrichedOut | RejectedOut] = []
    for index, item in enumerate(read):
        if isinstance(item, list):
            problems = [DocumentProblemOut(field=p.field, value=p.value, rule=p.rule) for p in item]
            results.append(RejectedOut(index=index, problems=problems))
        else:
            results.append(EnrichedOut(index=index, derived=next(derived)))
    return EnrichOut(results=results)


@router.get(
    "/vacancies/{cluster_id}",
    response_model=VacancyOut,
    summary="One vacancy and its postings",
    responses=problem_responses(404, 422),
)
def vacancy(cluster_id: str, services_: ServicesDep) -> VacancyOut:
    """The postings duplicate detection grouped as one vacancy (`derived.cluster.cluster_id` of a posting),
    with the sources that advertise it, when it was first and last seen and how often it was reposted.
    """
    return VacancyOut.of(services.vacancy(cluster_id, uow=services_.uow()))


@router.get(
    "/reviews",
    response_model=ReviewPageOut,
    summary="The occupation review queue (staff)",
    dependencies=[Depends(requires(Permission.REVIEW_CODES))],
    responses=problem_responses(401, 403, 422),
)
def list_reviews(
    services_: ServicesDep,
    status: Annotated[
        str, Query(description="open or decided.", json_schema_extra={"enum": ["open", "decided"]})
    ] = "open",
    offset: Offset = 0,
    limit: Limit = DEFAULT_PAGE_SIZE,
) -> ReviewPageOut:
    """Postings whose occupation code was less confident than the review threshold, least confident
    first, each with its top candidates and their evidence; `status=decided` lists decisions, newest first.

    Staff only: a signed-in reviewer (counsellor, analyst or administrator).
    """
    items, total = services.list_reviews(
        status=_choice(status, ReviewStatus), offset=offset, limit=limit, uow=services_.uow()
    )
    return ReviewPageOut(items=[ReviewOut.of(r) for r in items], total=total, offset=offset, limit=limit)


@router.get(
    "/reviews/{review_id}",
    response_model=ReviewOut,
    summary="One occupation review (staff)",
    dependencies=[Depends(requires(Permission.REVIEW_CODES))],
    responses=problem_responses(401, 403, 404, 422),
)
def get_review(review_id: str, services_: ServicesDep) -> ReviewOut:
    """One review with its candidates, and the decision once made. Staff only."""
    return ReviewOut.of(services.get_review(review_id, uow=services_.uow()))


@router.post(
    "/reviews/{review_id}/decision",
    response_model=ReviewOut,
    summary="Decide a review (staff)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def decide_review(review_id: str, body: ReviewDecisionIn, services_: ServicesDep, reviewer: ReviewerDep) -> ReviewOut:
    """Choose the posting's occupation: a candidate or any current ESCO occupation (id, ESCO code or URI).

    The posting's `derived.occupation` becomes the choice with method `review` (a change-feed
    update), and the title becomes a coded example the coder learns from. Deciding twice is a
    409. Staff only; the account is recorded as the reviewer.
    """
    return ReviewOut.of(decisions.decide_review(services_, review_id, body.concept_id, principal=reviewer))


@router.get(
    "/moderation",
    response_model=CasePageOut,
    summary="The moderation queue (staff)",
    dependencies=[Depends(requires(Permission.MODERATE_POSTINGS))],
    responses=problem_responses(401, 403, 422),
)
def list_cases(
    services_: ServicesDep,
    status: Annotated[
        str,
        Query(description="open, fraud or legitimate.", json_schema_extra={"enum": ["open", "fraud", "legitimate"]}),
    ] = "open",
    offset: Offset = 0,
    limit: Limit = DEFAULT_PAGE_SIZE,
) -> CasePageOut:
    """Ads whose fraud risk reached the moderation threshold, riskiest first, each with the flags that
    fired and the text that fired them; `status=fraud|legitimate` lists decisions, newest first.

    Staff only: a signed-in moderator (counsellor or administrator).
    """
    items, total = services.list_cases(
        status=_choice(status, ModerationStatus), offset=offset, limit=limit, uow=services_.uow()
    )
    return CasePageOut(items=[CaseOut.of(c) for c in items], total=total, offset=offset, limit=limit)


@router.get(
    "/moderation/{case_id}",
    response_model=CaseOut,
    summary="One moderation case (staff)",
    dependencies=[Depends(requires(Permission.MODERATE_POSTINGS))],
    responses=problem_responses(401, 403, 404, 422),
)
def get_case(case_id: str, services_: ServicesDep) -> CaseOut:
    """One case with its flags and evidence, and the judgement once made. Staff only."""
    return CaseOut.of(services.get_case(case_id, uow=services_.uow()))


@router.post(
    "/moderation/{case_id}/decision",
    response_model=CaseOut,
    summary="Judge a moderation case (staff)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def decide_case(case_id: str, body: CaseDecisionIn, services_: ServicesDep, moderator: ModeratorDep) -> CaseOut:
    """Judge the ad `fraud` (the posting is closed) or `legitimate`, with an optional note; the
    judgement becomes a training label of the fraud weights. Deciding twice is a 409. Staff only;
    the account is recorded as the moderator.
    """
    return CaseOut.of(decisions.decide_case(services_, case_id, body.decision, body.note, principal=moderator))


def _choice(value: str, kind: type[E]) -> E:
    """`value` as a member of `kind`; an unknown value is a 422 with did-you-mean."""
    try:
        return kind(value)
    except ValueError:
        choices = [member.value for member in kind]
        raise Invalid(
            f"unknown status {value!r}; one of {', '.join(choices)}",
            field="status",
            suggestions=did_you_mean(value, choices),
        ) from None
