"""/api/v1 job search (`/postings/search`) and typeahead (`/complete`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lmis.search.interpret import SearchRequest
from lmis.search.model import SortOrder
from lmis.search.services import COMPLETION_KINDS, MAX_LIMIT, MAX_WINDOW, complete
from lmis.web.api.params import INTEGER_TEXT, NUMBER_TEXT, Moment
from lmis.web.api.search_schemas import CompletionOut, SearchOut
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["search"])
MAX_EXPERIENCE_MONTHS = 1_200  # a hundred years; keeps the bound inside a 32-bit database integer
Many = Annotated[list[str], Query()]


@router.get(
    "/postings/search", response_model=SearchOut, summary="Search live postings", responses=problem_responses(422)
)
def search_postings(
    services_: ServicesDep,
    q: Annotated[
        str, Query(description='Free text: words, "phrases", -excluded, prefix*. Korean, English, Indonesian.')
    ] = "",
    occupation: Annotated[
        list[str], Query(description="ESCO occupation id or name, or ISCO-08 code at any level.")
    ] = [],
    skill: Annotated[list[str], Query(description="ESCO skill id or name.")] = [],
    region: Annotated[
        list[str], Query(description="Place id or name at any level (country, region, district, city).")
    ] = [],
    near: Annotated[
        str | None, Query(description="'lat,lon' or a place name; with radius_km, a radius filter.")
    ] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=2000), NUMBER_TEXT] = None,
    employment_type: Annotated[
        list[str], Query(description="full_time, part_time, temporary, contractor, intern...")
    ] = [],
    working_time: Annotated[list[str], Query(description="full_time or part_time.")] = [],
    salary_min: Annotated[
        float | None, Query(ge=0, description="Annual; postings whose range reaches it."), NUMBER_TEXT
    ] = None,
    salary_max: Annotated[
        float | None, Query(ge=0, description="Annual; postings whose range starts below it."), NUMBER_TEXT
    ] = None,
    education: Many = [],
    experience_max_months: Annotated[int | None, Query(ge=0, le=MAX_EXPERIENCE_MONTHS), INTEGER_TEXT] = None,
    posted_since: Annotated[Moment | None, Query(description="Posted at or after this date or time.")] = None,
    employer: Annotated[list[str], Query(description="Employer name (legal forms ignored).")] = [],
    source: Many = [],
    language: Many = [],
    remote: bool | None = None,
    sort: Annotated[SortOrder | None, Query(description="Default: relevance with text, else date.")] = None,
    facets: bool = True,
    semantic: Annotated[bool, Query(description="Hybrid: also match titles by meaning, across languages.")] = True,
    fold: Annotated[bool, Query(description="One result per vacancy (duplicates across sites folded).")] = True,
    offset: Annotated[
        int, Query(ge=0, description=f"offset + limit <= {MAX_WINDOW}; deeper, use `after`."), INTEGER_TEXT
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT), INTEGER_TEXT] = 20,
    after: Annotated[str | None, Query(description="`next_cursor` of the previous page (keyword order).")] = None,
) -> SearchOut:
    """Full-text, faceted, geographic search over live postings, saying how the query was read.

    Filters take names as well as ids; an unknown or ambiguous value is a 422 problem with
    `suggestions`. When filters leave nothing, `removed_by` says what each one took away.
    `total` counts vacancies when `fold` is on (`relation` `gte` when it is a lower bound).
    """
    request = SearchRequest(
        q, tuple(occupation), tuple(skill), tuple(region), near, radius_km, tuple(employment_type),
        tuple(working_time), salary_min, salary_max, tuple(education), experience_max_months, posted_since,
        tuple(employer), tuple(source), tuple(language), remote, sort, facets, semantic, fold, offset, limit, after,
    )  # fmt: skip
    now = services_.now()
    response = services_.search.service().search(request, now)
    with services_.uow() as uow:
        postings = uow.jobs.get_many([hit.posting_id for hit in response.hits])
    return SearchOut.of(response, postings)


@router.get("/complete", response_model=list[CompletionOut], summary="Typeahead", responses=problem_responses(422))
def complete_text(
    services_: ServicesDep,
    q: Annotated[str, Query(description="What has been typed so far.")],
    kinds: Annotated[
        list[str],
        Query(
            description=f"Any of {', '.join(COMPLETION_KINDS)}.",
            json_schema_extra={"items": {"type": "string", "enum": list(COMPLETION_KINDS)}},
        ),
    ] = list(COMPLETION_KINDS),
    limit: Annotated[int, Query(ge=1, le=50), INTEGER_TEXT] = 10,
) -> list[CompletionOut]:
    """Titles of live postings (with counts), ESCO occupations and skills, and places that start as typed."""
    search = services_.search
    found = complete(q, tuple(kinds), limit, index=search.index, vocabulary=search.vocabulary())
    return [CompletionOut(text=c.text, kind=c.kind, id=c.id, count=c.count) for c in found]
