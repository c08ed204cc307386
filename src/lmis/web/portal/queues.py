"""Portal pages of the staff queues: uncertain occupation codes to review and risky adverts to moderate.

Pages work without JavaScript: a decision is an ordinary form POST answered with a redirect
(303) to the queue and a message, or with the form again (and the problem) when it failed.
Deciding needs a signed-in staff account whose role grants the permission; the services check it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lmis.bootstrap import Services
from lmis.enrich import services as enrichment
from lmis.enrich.model import CodingReview, ModerationCase, ModerationStatus, ReviewStatus
from lmis.identity.model import Permission, Principal
from lmis.jobs import services as jobs
from lmis.shared.errors import Conflict, Forbidden, Invalid, LmisError, NotFound, Unauthorised
from lmis.web import decisions
from lmis.web.auth import IdentityDep, PrincipalDep
from lmis.web.deps import ServicesDep
from lmis.web.portal.derived import occupation_labels
from lmis.web.portal.postings import FormDep
from lmis.web.portal.signin import owed_step
from lmis.web.portal.views import error_page, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
T = TypeVar("T")
CONTEXT_CHARS = 60  # characters of the advert shown either side of a flag's evidence


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request, services_: ServicesDep, identity: IdentityDep, offset: int = 0, decided: str = ""
) -> Response:
    """Open occupation reviews, least confident first, each with its top candidates and their evidence."""
    if owed := owed_step(request, identity):
        return owed
    start = max(offset, 0)
    reviews, total = enrichment.list_reviews(
        status=ReviewStatus.OPEN, offset=start, limit=PAGE_SIZE, uow=services_.uow()
    )
    done = _found(lambda: enrichment.get_review(decided, uow=services_.uow())) if decided else None
    labels = occupation_labels([done.chosen_concept_id or ""], services_) if done else {}
    context = {"reviews": reviews, "done": done, "labels": labels, **_paging(start, total)}
    return render(request, "review_queue.html", **context)


@router.get("/review/{review_id}", response_class=HTMLResponse)
def review_page(request: Request, review_id: str, services_: ServicesDep, identity: IdentityDep) -> Response:
    """One review: the advert's title, the candidates with their evidence, and the decision form."""
    if owed := owed_step(request, identity):
        return owed
    try:
        review = enrichment.get_review(review_id, uow=services_.uow())
    except LmisError as error:
        return error_page(request, error)
    return render(request, "review.html", **_review_context(review, services_, {}, identity.principal))


@router.post("/review/{review_id}", response_class=HTMLResponse)
def decide_review(
    request: Request, review_id: str, services_: ServicesDep, values: FormDep, principal: PrincipalDep
) -> Response:
    """Save a reviewer's occupation (a candidate, or another ESCO occupation typed in)."""
    chosen = values.get("other") or values.get("concept_id", "")
    try:
        decisions.decide_review(services_, review_id, chosen, principal=principal)
    except LmisError as error:
        try:
            review = enrichment.get_review(review_id, uow=services_.uow())
        except LmisError as missing:
            return error_page(request, missing)
        context = _review_context(review, services_, values, principal) | _failure(error)
        return render(request, "review.html", _status(error), **context)
    return RedirectResponse(f"/review?decided={review_id}", status_code=303)


@router.get("/moderation", response_class=HTMLResponse)
def moderation_queue(
    request: Request, services_: ServicesDep, identity: IdentityDep, offset: int = 0, decided: str = ""
) -> Response:
    """Open moderation cases, riskiest first, each with the flags that fired and their evidence."""
    if owed := owed_step(request, identity):
        return owed
    start = max(offset, 0)
    cases, total = enrichment.list_cases(
        status=ModerationStatus.OPEN, offset=start, limit=PAGE_SIZE, uow=services_.uow()
    )
    done = _found(lambda: enrichment.get_case(decided, uow=services_.uow())) if decided else None
    return render(request, "moderation_queue.html", cases=cases, done=done, **_paging(start, total))


@router.get("/moderation/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str, services_: ServicesDep, identity: IdentityDep) -> Response:
    """One case: the flags with the advert's words around their evidence, and the decision form."""
    if owed := owed_step(request, identity):
        return owed
    try:
        case = enrichment.get_case(case_id, uow=services_.uow())
    except LmisError as error:
        return error_page(request, error)
    return render(request, "moderation.html", **_case_context(case, services_, {}, identity.principal))


@router.post("/moderation/{case_id}", response_class=HTMLResponse)
def decide_case(
    request: Request, case_id: str, services_: ServicesDep, values: FormDep, principal: PrincipalDep
) -> Response:
    """Save a moderator's judgement: fraud (the advert closes) or legitimate."""
    try:
        decision = values.get("decision", "")
        if not decision:
            raise Invalid("choose fraud or legitimate", field="decision")
        decisions.decide_case(services_, case_id, decision, values.get("note", ""), principal=principal)
    except LmisError as error:
        try:
            case = enrichment.get_case(case_id, uow=services_.uow())
        except LmisError as missing:
            return error_page(request, missing)
        context = _case_context(case, services_, values, principal) | _failure(error)
        return render(request, "moderation.html", _status(error), **context)
    return RedirectResponse(f"/moderation?decided={case_id}", status_code=303)


def _review_context(
    review: CodingReview, services: Services, values: Mapping[str, str], principal: Principal
) -> dict[str, Any]:
    ids = [str(c.get("concept_id", "")) for c in review.candidates] + [review.chosen_concept_id or ""]
    return {
        "review": review,
        "labels": occupation_labels(ids, services),
        "values": values,
        "posting": _found(lambda: jobs.get_posting(review.posting_id, uow=services.uow())),
        "can_decide": principal.can(Permission.REVIEW_CODES),
        "error": None,
        "error_field": None,
    }


def _case_context(
    case: ModerationCase, services: Services, values: Mapping[str, str], principal: Principal
) -> dict[str, Any]:
    posting = _found(lambda: jobs.get_posting(case.posting_id, uow=services.uow()))
    texts = {"title": posting.title, "description_text": posting.description_text} if posting else {}
    contexts = [
        _around(texts.get(str(flag.get("field", "")), ""), flag.get("start"), flag.get("end")) for flag in case.flags
    ]
    return {
        "case": case,
        "flags": list(zip(case.flags, contexts, strict=True)),
        "values": values,
        "posting": posting,
        "can_decide": principal.can(Permission.MODERATE_POSTINGS),
        "error": None,
        "error_field": None,
    }


def _around(text: str, start: object, end: object) -> tuple[str, str, str] | None:
    """(before, evidence, after) of a flag's span in the advert, cut to `CONTEXT_CHARS` either side."""
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return None
    before, after = text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]
    return (
        ("…" if start > CONTEXT_CHARS else "") + before,
        text[start:end],
        after + ("…" if end + CONTEXT_CHARS < len(text) else ""),
    )


def _failure(error: LmisError) -> dict[str, Any]:
    """What the form shows of a failed decision: the problem and the field at fault."""
    if isinstance(error, Unauthorised | Forbidden):
        return {"error": None, "error_field": "account"}  # the template says it in the reader's language
    field = error.field if isinstance(error, Invalid) else None
    return {"error": error.detail, "error_field": {"concept_id": "other"}.get(field or "", field)}


def _status(error: LmisError) -> int:
    if isinstance(error, Unauthorised | Forbidden):
        return 403  # a form cannot answer a WWW-Authenticate challenge (the API's 401)
    return 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422


def _paging(offset: int, total: int) -> dict[str, Any]:
    return {
        "total": total,
        "offset": offset,
        "next_offset": offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
        "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
    }


def _found(load: Callable[[], T]) -> T | None:
    try:
        return load()
    except LmisError:
        return None
