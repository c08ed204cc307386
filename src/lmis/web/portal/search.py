"""Portal job search page: a GET form over the search service, with facets, paging and how the query was read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import QueryParams

from lmis.search.interpret import SearchRequest
from lmis.search.model import SortOrder
from lmis.search.services import MAX_WINDOW, SearchResponse
from lmis.shared.errors import Invalid
from lmis.web.deps import ServicesDep
from lmis.web.portal.views import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
POSTED_SINCE_DAYS = ("1", "7", "30")
SORTS = tuple(order.value for order in SortOrder)
EMPLOYMENT_TYPES = ("full_time", "part_time", "temporary", "contractor", "intern")
WORKING_TIMES = ("full_time", "part_time")
MULTI = ("occupation", "skill", "region", "employment_type", "working_time")
# Which form parameters a service filter name (FilterEffect.filter) comes from, to offer a link without it.
FILTER_PARAMS: dict[str, tuple[str, ...]] = {
    "occupation": ("occupation",),
    "skill": ("skill",),
    "place": ("region",),
    "employment_type": ("employment_type",),
    "working_time": ("working_time",),
    "salary": ("salary_min", "salary_max"),
    "posted_since": ("posted_since",),
    "remote": ("remote",),
    "geo": ("near", "radius_km", "sort"),
    "text": ("q",),
}
# The form control an `Invalid.field` of the service points at (the error summary links to it).
FIELD_CONTROLS = {
    "text": "q",
    "occupation": "occupation",
    "skill": "skill",
    "region": "region",
    "near": "near",
    "radius_km": "radius_km",
    "employment_type": "employment_type-0",
    "working_time": "working_time",
    "salary_min": "salary_min",
    "salary_max": "salary_max",
    "posted_since": "posted_since",
    "sort": "sort",
    "offset": "q",
    "after": "q",
}


@dataclass(frozen=True, slots=True)
class Links:
    """Links to this search with one thing changed: a filter added or removed, another page."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, params: QueryParams) -> Links:
        """The request's parameters, without paging ones (a changed search starts on its first page)."""
        return cls(tuple((k, v) for k, v in params.multi_items() if k not in ("offset", "after", "lang") and v != ""))

    def href(self, pairs: list[tuple[str, str]]) -> str:
        """The search page with these parameters."""
        return "/jobs?" + urlencode(pairs) if pairs else "/jobs"

    def adding(self, name: str, value: str) -> str:
        """This search with `name=value` added (a single-valued parameter is replaced)."""
        kept = [(k, v) for k, v in self.pairs if k != name or (name in MULTI and v != value)]
        return self.href([*kept, (name, value)])

    def has(self, name: str, value: str) -> bool:
        """Whether `name=value` is already part of the search."""
        return (name, value) in self.pairs

    def without(self, filter_name: str) -> str:
        """This search without a filter the service named (see `FILTER_PARAMS`)."""
        names = FILTER_PARAMS.get(filter_name, (filter_name,))
        return self.href([(k, v) for k, v in self.pairs if k not in names])

    def replacing(self, name: str, bad: str, value: str) -> str:
        """This search with the value of `name` the error was about (`bad` names it) replaced by `value`."""
        mentioned = [v for k, v in self.pairs if k == name and repr(v) in bad]
        kept = [(k, v) for k, v in self.pairs if k != name or (mentioned and v not in mentioned)]
        return self.href([*kept, (name, value)])

    def page(self, offset: int) -> str:
        """Another page of this search."""
        return self.href([*self.pairs, ("offset", str(offset))] if offset else list(self.pairs))


def _last(params: QueryParams, name: str) -> str:
    values = params.getlist(name)
    return values[-1].strip() if values else ""


def _many(params: QueryParams, name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in params.getlist(name) if v.strip())


def _number(params: QueryParams, name: str) -> float | None:
    raw = _last(params, name).replace(",", "")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Invalid(f"{name} must be a number, got {raw!r}", field=name) from None


def _switch(params: QueryParams, name: str, default: bool) -> bool:
    """A checkbox after a hidden `0` of the same name: the last value wins; absent means the default."""
    values = params.getlist(name)
    return values[-1] == "1" if values else default


def _request(params: QueryParams, now: datetime) -> SearchRequest:
    """The search the form asks for; raises `Invalid` for values the form cannot send."""
    days = _last(params, "posted_since")
    if days and days not in POSTED_SINCE_DAYS:
        raise Invalid(f"posted_since must be one of {', '.join(POSTED_SINCE_DAYS)} days", field="posted_since")
    sort = _last(params, "sort")
    if sort and sort not in SORTS:
        raise Invalid(f"sort must be one of {', '.join(SORTS)}", field="sort", suggestions=SORTS)
    offset = _number(params, "offset") or 0
    return SearchRequest(
        text=_last(params, "q"),
        occupation=_many(params, "occupation"),
        skill=_many(params, "skill"),
        region=_many(params, "region"),
        employment_type=_many(params, "employment_type"),
        working_time=_many(params, "working_time"),
        near=_last(params, "near") or None,
        radius_km=_number(params, "radius_km") if _last(params, "near") else None,
        salary_min=_number(params, "salary_min"),
        salary_max=_number(params, "salary_max"),
        posted_since=now - timedelta(days=int(days)) if days else None,
        remote=True if _last(params, "remote") == "1" else None,
        sort=SortOrder(sort) if sort else None,
        semantic=_switch(params, "semantic", True),
        fold=_switch(params, "fold", True),
        offset=int(offset),
        limit=PAGE_SIZE,
    )


def _values(params: QueryParams) -> dict[str, object]:
    """The form as sent, to fill the controls again (also after an error)."""
    values: dict[str, object] = {name: _last(params, name) for name in params}
    values["employment_type"] = params.getlist("employment_type")
    for name in ("occupation", "skill", "region", "working_time"):
        values[name] = ", ".join(v for v in params.getlist(name) if v.strip())
    values["semantic"] = _switch(params, "semantic", True)
    values["fold"] = _switch(params, "fold", True)
    return values


def _split(params: QueryParams) -> QueryParams:
    """Comma-separated text boxes (occupation, skill, region) as repeated parameters."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.multi_items():
        if key in ("occupation", "skill", "region") and "," in value:
            pairs += [(key, part.strip()) for part in value.split(",") if part.strip()]
        else:
            pairs.append((key, value))
    return QueryParams(pairs)


def _pages(response: SearchResponse, offset: int) -> tuple[int | None, int | None]:
    previous = max(offset - PAGE_SIZE, 0) if offset > 0 else None
    following = offset + PAGE_SIZE
    more = following < response.total and following + PAGE_SIZE <= MAX_WINDOW
    return previous, following if more else None


@router.get("/jobs", response_class=HTMLResponse)
def search_jobs(request: Request, services: ServicesDep) -> HTMLResponse:
    """Search live job postings; bad filter values come back as an error summary with suggestions (422)."""
    params = _split(request.query_params)
    links = Links.of(params)
    context: dict[str, object] = {
        "values": _values(params),
        "links": links,
        "employment_types": EMPLOYMENT_TYPES,
        "working_times": WORKING_TIMES,
        "sorts": SORTS,
        "posted_since_days": POSTED_SINCE_DAYS,
        "error": None,
        "response": None,
    }
    now = services.now()
    try:
        search = _request(params, now)
        response = services.search.service().search(search, now)
    except Invalid as error:
        control = FIELD_CONTROLS.get(error.field or "", error.field or "q")
        suggestions = list(dict.fromkeys(error.suggestions))[:8]
        fixes = [(s, links.replacing(error.field or "", error.detail, s)) for s in suggestions] if error.field else []
        context["error"] = {"detail": error.detail, "field": error.field, "control": control, "fixes": fixes}
        return render(request, "search.html", 422, **context)
    with services.uow() as uow:
        postings = uow.jobs.get_many([hit.posting_id for hit in response.hits])
    previous, following = _pages(response, search.offset)
    context.update(
        response=response, postings=postings, offset=search.offset, previous_offset=previous, next_offset=following
    )
    return render(request, "search.html", **context)
