"""/api/v1 vacancies employers post themselves: post, replace and withdraw (their own only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response, status
from pydantic import BaseModel, Field

from lmis.identity.model import Permission, Principal
from lmis.ingest.vacancies import EMPLOYER_SOURCE, post_vacancy, withdraw_vacancy
from lmis.web.api.posting_schemas import ProblemItemOut
from lmis.web.auth import requires
from lmis.web.deps import ServicesDep, UowDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["postings"])
EmployerDep = Annotated[Principal, Depends(requires(Permission.POST_VACANCIES))]
_BODY = Body(
    description=f"One canonical posting (docs/ingest.md) of your employer, stored under source {EMPLOYER_SOURCE!r}.",
    examples=[
        {
            "title": "Staff nurse",
            "description": "<p>Ward nurse, nights.</p>",
            "employer": {"name": "Demo Hospital"},
            "address": {"locality": "Seoul", "country": "KR"},
        }
    ],
)


class VacancyPostedOut(BaseModel):
    posting_id: str
    stored: bool = Field(description="False when the posting was quarantined (see problems).")
    problems: list[ProblemItemOut]


def _answer(posting: str, held: list[Any]) -> VacancyPostedOut:
    problems = [
        ProblemItemOut(position=e.position, field=p.field, value=p.value, rule=p.rule) for e in held for p in e.problems
    ]
    return VacancyPostedOut(posting_id=posting, stored=not held, problems=problems)


@router.post(
    "/employer/postings",
    response_model=VacancyPostedOut,
    status_code=status.HTTP_201_CREATED,
    summary="Post a vacancy (employers)",
    responses=problem_responses(403, 422),
)
def post(
    body: Annotated[dict[str, Any], _BODY], services_: ServicesDep, uow: UowDep, employer: EmployerDep
) -> VacancyPostedOut:
    """Post a vacancy of the signed-in employer account's employer; it is enriched and searchable at once."""
    posting, _run, held = post_vacancy(body, principal=employer, uow=uow, now=services_.now, enrich=services_.enrich)
    services_.search.sync(services_.now)
    return _answer(posting, held)


@router.put(
    "/employer/postings/{posting_id}",
    response_model=VacancyPostedOut,
    summary="Replace one of my vacancies",
    responses=problem_responses(403, 404, 422),
)
def replace(
    posting_id: str,
    body: Annotated[dict[str, Any], _BODY],
    services_: ServicesDep,
    uow: UowDep,
    employer: EmployerDep,
) -> VacancyPostedOut:
    """Replace a vacancy this employer posted (another employer's, or a partner's ad, is a 403)."""
    posting, _run, held = post_vacancy(
        body, principal=employer, uow=uow, now=services_.now, enrich=services_.enrich, posting=posting_id
    )
    services_.search.sync(services_.now)
    return _answer(posting, held)


@router.delete(
    "/employer/postings/{posting_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Withdraw one of my vacancies",
    responses=problem_responses(403, 404),
)
def withdraw(posting_id: str, services_: ServicesDep, uow: UowDep, employer: EmployerDep) -> Response:
    """Withdraw a vacancy this employer posted; it leaves search and becomes a tombstone in the change feed."""
    withdraw_vacancy(posting_id, principal=employer, uow=uow, now=services_.now())
    services_.search.sync(services_.now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
