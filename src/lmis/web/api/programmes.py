"""/api/v1 programme evaluation: active labour market programmes and their effects, under disclosure control.

Counsellors, analysts and administrators (the `read_analytics` permission) may read them: they are
aggregates of personal records, with figures from fewer persons than the minimum cell size withheld,
the same rule as recommendation attribution.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lmis.analytics import programmes as evaluation
from lmis.web.api.programme_schemas import EvaluationOut, ProgrammeListOut
from lmis.web.auth import SignedInDep
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["programme evaluation"])
_OUTCOMES = "employed_12m, employed_6m, employed_3m, earnings_after or days_to_job"


@router.get(
    "/indicators/programmes",
    response_model=ProgrammeListOut,
    summary="Active labour market programmes with their participants",
    responses=problem_responses(401, 403),
)
def list_programmes(services_: ServicesDep, principal: SignedInDep) -> ProgrammeListOut:
    """Every programme with its participants and the comparison pool's size; counts of fewer persons than
    the minimum cell size are null and marked `suppressed`."""
    found = evaluation.list_programmes(
        uow=services_.uow(), actor=principal, min_cell=services_.settings.analytics_min_cell
    )
    return ProgrammeListOut.of(found)


@router.get(
    "/indicators/programmes/{programme_id}/effects",
    response_model=EvaluationOut,
    summary="A programme's effects on employment, earnings and time to job, with 95% intervals",
    responses=problem_responses(401, 403, 404),
)
def programme_effects(
    programme_id: str,
    services_: ServicesDep,
    principal: SignedInDep,
    outcome: Annotated[
        str | None,
        Query(max_length=32, description=f"One outcome: {_OUTCOMES} (default: all).", examples=["employed_12m"]),
    ] = None,
) -> EvaluationOut:
    """Propensity score matching (nearest neighbours on the logit of the score, caliper 0.2 SD) against the
    comparison pool, with Abadie-Imbens standard errors, the balance table, the naive difference beside
    each estimate, and matched difference-in-differences for earnings. An unknown programme is a 404 with
    suggestions, an unknown outcome a 422 with a did-you-mean. Takes about a second: it is computed on call.
    """
    found = evaluation.evaluate_programme(
        programme_id,
        outcome=outcome,
        uow=services_.uow(),
        actor=principal,
        min_cell=services_.settings.analytics_min_cell,
    )
    return EvaluationOut.of(found)
