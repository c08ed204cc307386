"""Portal analytics dashboards: /analytics and its pages, each chart downloadable as SVG (served here), PNG
(drawn from the SVG by static/charts.js) and its data as CSV.

Who sees what: indicators are aggregates under disclosure control, open to everyone as in the API
(/api/v1/indicators); today's operations and programme evaluations are for roles with
READ_ANALYTICS (analysts, counsellors, administrators).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from lmis.analytics.model import Measure
from lmis.bootstrap import Services
from lmis.identity.model import Permission
from lmis.shared.errors import Forbidden, Invalid, LmisError, NotFound, did_you_mean
from lmis.web.auth import IdentityDep, RequestIdentity
from lmis.web.deps import ServicesDep
from lmis.web.portal import analytics_evidence as evidence
from lmis.web.portal import analytics_pages as pages
from lmis.web.portal import analytics_staff as staff
from lmis.web.portal.analytics_build import Dashboard
from lmis.web.portal.analytics_filters import Filters, form_field
from lmis.web.portal.analytics_forecasts import forecasts_of
from lmis.web.portal.analytics_words import chart_words
from lmis.web.portal.charts_map import shipped_countries
from lmis.web.portal.signin import SignedIn, signed_in
from lmis.web.portal.views import error_page, render

router = APIRouter(include_in_schema=False)
PAGES = ("overview", "occupations", "regions", "skills", "pay", "official", "programmes", "operations")
STAFF_PAGES = frozenset({"programmes", "operations"})
CHOSEN = {"programmes": "programme", "official": "series"}  # the field naming the thing a page shows
PageName = Annotated[str, Path(max_length=20)]
ChartFile = Annotated[str, Path(max_length=80)]


def _build(page: str, request: Request, services_: Services, identity: RequestIdentity) -> Dashboard:
    """The content of `page` for this request's filters (raises the services' errors)."""
    words, filters, min_cell = chart_words(request), Filters.of(request), services_.indicators.min_cell
    if page == "operations":
        return staff.operations(services_.operations(), words)
    if page == "programmes":
        return evidence.programmes(services_.uow, identity.principal, filters, words, min_cell)
    if page == "official":
        return evidence.official_series(services_.uow, services_.indicators, filters, words)
    forecasts = forecasts_of(request) if page == "overview" else None
    context = pages.Context(services_.indicators, filters, words, forecasts)
    if page == "pay":
        return pages.pay(context, lambda groups: evidence.official_wages(services_.uow, groups))
    builders: dict[str, Callable[[pages.Context], Dashboard]] = {
        "overview": pages.overview, "occupations": pages.occupations, "regions": pages.regions,
        "skills": pages.skills,
    }  # fmt: skip
    return builders[page](context)


def _allowed(request: Request, identity: RequestIdentity, page: str) -> Response | None:
    """None when the request may see `page`; else the way to sign in, or the forbidden page."""
    if page not in STAFF_PAGES:
        return None
    me = signed_in(request, identity)
    if not isinstance(me, SignedIn):
        return me
    if not me.principal.can(Permission.READ_ANALYTICS):
        return error_page(request, Forbidden("only analysts, counsellors and administrators see this page"))
    return None


def _page(page: str, request: Request, services_: Services, identity: RequestIdentity) -> Response:
    refused = _allowed(request, identity, page)
    if refused is not None:
        return refused
    filters = Filters.of(request)
    words = chart_words(request)
    context: dict[str, object] = {
        "page": page, "pages": PAGES, "filters": filters, "link": filters.link(),
        "measure_options": [(m.value, words.measure(m.value)) for m in Measure], "staff": _is_staff(identity),
        "country_options": [(c, words.title(c)) for c in shipped_countries()], "now": services_.now().strftime("%H:%M"),
        "min_cell": services_.indicators.min_cell, "board": Dashboard(), "problem": None,
    }  # fmt: skip
    try:
        context["board"] = _build(page, request, services_, identity)
    except (Invalid, NotFound) as error:
        field = form_field(error.field) if isinstance(error, Invalid) else CHOSEN.get(page, "")
        problem = {"field": field, "detail": error.detail, "suggestions": error.suggestions}
        status = 422 if isinstance(error, Invalid) else 404
        return render(request, f"analytics_{page}.html", status, **{**context, "problem": problem})
    except LmisError as error:
        return error_page(request, error)
    return render(request, f"analytics_{page}.html", **context)


def _is_staff(identity: RequestIdentity) -> bool:
    return identity.principal.can(Permission.READ_ANALYTICS)


@router.get("/analytics", response_class=HTMLResponse)
def overview(request: Request, services_: ServicesDep, identity: IdentityDep) -> Response:
    """Headline totals, the vacancy trend with its forecast, the map, top occupations and the skills gap."""
    return _page("overview", request, services_, identity)


@router.get("/analytics/{page}", response_class=HTMLResponse)
def analytics_page(request: Request, page: PageName, services_: ServicesDep, identity: IdentityDep) -> Response:
    """One of the analytics pages (`PAGES`)."""
    if page not in PAGES or page == "overview":
        return error_page(request, _unknown_page(page))
    return _page(page, request, services_, identity)


@router.get("/analytics/{page}/charts/{name}")
def chart_file(
    request: Request, page: PageName, name: ChartFile, services_: ServicesDep, identity: IdentityDep
) -> Response:
    """A chart of a page as an SVG image (`<key>.svg`) or its data as CSV (`<key>.csv`), for the same filters."""
    key, _, kind = name.rpartition(".")
    if page not in PAGES or kind not in ("svg", "csv"):
        return error_page(request, _unknown_page(page))
    refused = _allowed(request, identity, page)
    if refused is not None:
        return refused
    try:
        chart = _build(page, request, services_, identity).chart(key)
    except LmisError as error:
        return error_page(request, error)
    if chart is None:
        return error_page(request, NotFound(f"the page {page} has no chart {key!r}"))
    filename = f"lmis-{page}-{key}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    if kind == "svg":
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + chart.svg
        return Response(body, media_type="image/svg+xml", headers=headers)
    return Response(chart.csv(), media_type="text/csv; charset=utf-8", headers=headers)


def _unknown_page(page: str) -> LmisError:
    return NotFound(f"no analytics page {page!r}", suggestions=did_you_mean(page, PAGES))
