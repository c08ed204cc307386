"""/api/v1 training: courses and programmes linked to ESCO skills (open data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lmis.shared.paging import MAX_PAGE_SIZE
from lmis.training import services
from lmis.training.model import Mode
from lmis.training.ports import CourseFilter
from lmis.web.api.params import INTEGER_TEXT, NUMBER_TEXT
from lmis.web.api.training_schemas import CourseOut, CoursePageOut
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["training"])


@router.get(
    "/training/courses",
    response_model=CoursePageOut,
    summary="List courses",
    responses=problem_responses(422),
)
def list_courses(
    services_: ServicesDep,
    skill: Annotated[
        str | None,
        Query(
            max_length=300,
            description="An ESCO skill the course teaches: concept id, URI or label.",
            examples=["Haskell"],
        ),
    ] = None,
    region: Annotated[
        str | None,
        Query(max_length=200, description="A place id or name: courses held there or inside it.", examples=["KR-11"]),
    ] = None,
    mode: Annotated[Mode | None, Query(description="How the course is taught.")] = None,
    max_cost: Annotated[
        float | None,
        Query(ge=0, description="Most the learner pays after subsidy, in `currency` (0: free, any currency)."),
        NUMBER_TEXT,
    ] = None,
    currency: Annotated[
        str | None, Query(max_length=3, description="ISO 4217 currency of `max_cost`.", examples=["KRW"])
    ] = None,
    text: Annotated[
        str | None, Query(max_length=200, description="Words in the title, provider or description.")
    ] = None,
    source: Annotated[str | None, Query(max_length=64, description="Only courses of this source.")] = None,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size."), INTEGER_TEXT] = 20,
) -> CoursePageOut:
    """Courses by title, each with the ESCO skills it teaches, its place, cost and subsidy.

    Unknown skills, places, currencies and sources are a 422 with `suggestions`, never an empty page.
    """
    where = CourseFilter(skill, region, mode, max_cost, currency, text, source)
    page = services.list_courses(
        where, cursor=cursor, limit=limit, uow=services_.uow(), regions=services_.course_regions
    )
    return CoursePageOut(items=[CourseOut.of(v) for v in page.items], total=page.total, next_cursor=page.next_cursor)


@router.get(
    "/training/courses/{course_id}",
    response_model=CourseOut,
    summary="One course",
    responses=problem_responses(404),
)
def get_course(course_id: str, services_: ServicesDep) -> CourseOut:
    """One course with the ESCO skills it teaches."""
    return CourseOut.of(services.get_course(course_id, uow=services_.uow(), regions=services_.course_regions))
