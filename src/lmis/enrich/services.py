"""Enrichment use cases: coded examples, the review and moderation queues, vacancies, re-enriching."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from lmis.enrich.coding import CodedExample, clean_title
from lmis.enrich.enricher import Enricher
from lmis.enrich.model import CodingReview, ModerationCase, ModerationStatus, ReviewStatus
from lmis.enrich.ports import EnrichUnitOfWork
from lmis.enrich.vacancies import VacancyView
from lmis.jobs.model import ChangeKind, PostingStatus
from lmis.shared.errors import Invalid, NotFound, did_you_mean
from lmis.shared.progress import Progress
from lmis.taxonomy.ports import TaxonomyUnitOfWork
from lmis.taxonomy.schemes import ESCO_OCCUPATION


def import_examples(
    examples: Sequence[CodedExample], *, origin: str, uow: EnrichUnitOfWork, now: Callable[[], datetime]
) -> int:
    """Store coded titles (e.g. a gold file) as examples the coder learns from; how many were new."""
    with uow:
        added = uow.enrichment.add_examples(examples, origin, now())
        uow.commit()
    return added


def list_reviews(
    *, status: ReviewStatus, offset: int, limit: int, uow: EnrichUnitOfWork
) -> tuple[list[CodingReview], int]:
    """A page of the review queue (least confident first while open) and its total."""
    with uow:
        return uow.enrichment.reviews(status, offset, limit)


def get_review(review_id: str, *, uow: EnrichUnitOfWork) -> CodingReview:
    """One review; NotFound names the id."""
    with uow:
        review = uow.enrichment.review(review_id)
    if review is None:
        raise NotFound(f"no occupation review {review_id!r}")
    return review


def decide_review(
    review_id: str,
    concept_id: str,
    *,
    reviewer: str,
    uow: EnrichUnitOfWork,
    taxonomy_uow: TaxonomyUnitOfWork,
    now: Callable[[], datetime],
    learn: Callable[[CodedExample], None] | None = None,
) -> CodingReview:
    """Record a reviewer's occupation for a posting: the review closes, the title becomes a coded
    example (training signal, also handed to `learn` once stored), and the posting's occupation is
    replaced (a change-feed update).

    `concept_id` may be any current ESCO occupation, not only one of the candidates.
    """
    with taxonomy_uow:
        chosen = {r.concept.id: r.concept for r in taxonomy_uow.taxonomy.records({concept_id})}.get(concept_id)
    if chosen is None or chosen.scheme != ESCO_OCCUPATION.code:
        raise Invalid(f"{concept_id!r} is not a stored ESCO occupation", field="concept_id")
    at = now()
    isco = str(chosen.attributes.get("isco_group", ""))
    with uow:
        review = uow.enrichment.review(review_id)
        if review is None:
            raise NotFound(f"no occupation review {review_id!r}")
        decided = review.decide(concept_id, reviewer, at)
        uow.enrichment.save_reviews([decided])
        example = CodedExample(clean_title(review.title), concept_id, isco)
        uow.enrichment.add_examples([example], "review", at)
        posting = uow.jobs.get(review.posting_id)
        if posting is not None:
            occupation = {
                "concept_id": concept_id,
                "isco_code": isco,
                "confidence": 1.0,
                "method": "review",
                "decided_at": at.isoformat(),
                "candidates": list(review.candidates),
            }
            uow.jobs.save(
                [(replace(posting, derived={**posting.derived, "occupation": occupation}), ChangeKind.UPDATED)], at
            )
        uow.commit()
    if learn is not None:
        learn(example)
    return decided


def list_cases(
    *, status: ModerationStatus, offset: int, limit: int, uow: EnrichUnitOfWork
) -> tuple[list[ModerationCase], int]:
    """A page of the moderation queue (riskiest first while open) and its total."""
    with uow:
        return uow.enrichment.cases(status, offset, limit)


def get_case(case_id: str, *, uow: EnrichUnitOfWork) -> ModerationCase:
    """One moderation case; NotFound names the id."""
    with uow:
        case = uow.enrichment.case(case_id)
    if case is None:
        raise NotFound(f"no moderation case {case_id!r}")
    return case


def decide_case(
    case_id: str,
    decision: str,
    *,
    moderator: str,
    note: str = "",
    uow: EnrichUnitOfWork,
    now: Callable[[], datetime],
) -> ModerationCase:
    """Record a moderator's judgement (a label for the fraud model); an ad judged fraud is closed."""
    try:
        status = ModerationStatus(decision)
    except ValueError:
        raise Invalid(
            f"unknown decision {decision!r}",
            field="decision",
            suggestions=did_you_mean(decision, ["fraud", "legitimate"]),
        ) from None
    at = now()
    with uow:
        case = uow.enrichment.case(case_id)
        if case is None:
            raise NotFound(f"no moderation case {case_id!r}")
        decided = case.decide(status, moderator, note, at)
        uow.enrichment.save_cases([decided])
        posting = uow.jobs.get(case.posting_id)
        if posting is not None:
            known = posting.derived.get("fraud")
            fraud = {
                **(known if isinstance(known, dict) else {}),
                "moderation": status.value,
            }
            closed = status is ModerationStatus.FRAUD
            changed = replace(
                posting,
                derived={**posting.derived, "fraud": fraud},
                status=PostingStatus.CLOSED if closed else posting.status,
            )
            uow.jobs.save([(changed, ChangeKind.UPDATED)], at)
        uow.commit()
    return decided


def moderation_labels(*, uow: EnrichUnitOfWork) -> list[tuple[frozenset[str], bool]]:
    """(flags fired, judged fraud) of every decided case: the training labels of the fraud weights."""
    labels: list[tuple[frozenset[str], bool]] = []
    with uow:
        for status in (ModerationStatus.FRAUD, ModerationStatus.LEGITIMATE):
            offset = 0
            while page := uow.enrichment.cases(status, offset, 1000)[0]:
                labels.extend((case.flag_names(), status is ModerationStatus.FRAUD) for case in page)
                offset += len(page)
    return labels


def vacancy(cluster_id: str, *, uow: EnrichUnitOfWork) -> VacancyView:
    """One vacancy: its postings, sources, first/last seen and reposts; NotFound names the id.

    A cluster id is the smallest posting id of its cluster; after clusters merge, an older id
    (as kept in a posting's derived fields) still leads to the vacancy its posting is now in.
    """
    with uow:
        members = uow.enrichment.cluster(cluster_id)
        if not members:
            record = uow.enrichment.cluster_of(cluster_id)
            members = uow.enrichment.cluster(record.cluster_id) if record else []
            cluster_id = record.cluster_id if record else cluster_id
    if not members:
        raise NotFound(f"no vacancy cluster {cluster_id!r}")
    return VacancyView(cluster_id, tuple(members))


def reenrich(
    *,
    uow: Callable[[], EnrichUnitOfWork],
    enricher: Enricher,
    now: Callable[[], datetime],
    progress: Progress,
    batch_size: int = 200,
) -> int:
    """Run every live posting through the enricher again (after new coded examples, a new model or
    gazetteer); changed postings are saved as updates and reach partners through the change feed.
    Returns how many postings were enriched.
    """
    with uow() as reading:
        ids = [posting.id for posting in reading.jobs.snapshot(now())]
    progress.begin("Enriching stored postings", len(ids))
    for start in range(0, len(ids), batch_size):
        with uow() as work:
            postings = [p for p in (work.jobs.get(i) for i in ids[start : start + batch_size]) if p is not None]
            enriched = enricher.enrich(postings, work.enrichment)
            changed = [(new, ChangeKind.UPDATED) for new, old in zip(enriched, postings, strict=True) if new != old]
            work.jobs.save(changed, now())
            work.commit()
        progress.advance(len(postings))
    return len(ids)
