"""Portal pages: home, the occupation explorer (search, occupation, skill) and the crosswalk tool."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lmis import __version__
from lmis.bootstrap import Services
from lmis.shared.errors import Conflict, Forbidden, Invalid, LmisError, NotFound, RateLimited, Unauthorised
from lmis.taxonomy import services
from lmis.taxonomy.services import ConceptQuery
from lmis.web.csrf import CSRF_COOKIE, SESSION_COOKIE, new_browser_secret, token_for
from lmis.web.deps import UowDep
from lmis.web.portal.i18n import LANGUAGES, Catalogs, load_catalogs

router = APIRouter(include_in_schema=False)
_TEMPLATES = Path(__file__).parent / "templates"
_LANG_COOKIE = "lmis_lang"
_SCHEME_CHOICES = ("", "esco-occupation", "isco-08", "onet-soc-2019", "soc-2018", "soc-2010", "all")
_CROSSWALK_SCHEMES = ("onet-soc-2019", "isco-08", "esco-occupation", "soc-2018", "soc-2010", "onet-soc-2010")


def install(app: FastAPI) -> None:
    """Load templates and translations once, when the application is built."""
    app.state.templates = Environment(
        loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(), auto_reload=False
    )
    app.state.catalogs = load_catalogs(app.state.services.settings.default_language)


def render(request: Request, template: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    """Render `template` with HTTP status `code` in the request's language (`?lang=`, cookie, Accept-Language)."""
    catalogs: Catalogs = request.app.state.catalogs
    language = catalogs.choose(
        request.query_params.get("lang"), request.cookies.get(_LANG_COOKIE), request.headers.get("accept-language")
    )
    translations = catalogs.get(language)
    browser_secret = request.cookies.get(CSRF_COOKIE) or new_browser_secret()
    services: Services = request.app.state.services
    identity = getattr(request.state, "identity", None)
    page = request.app.state.templates.get_template(template).render(
        request=request,
        csrf_token=token_for(services.secrets.signing_key, browser_secret, request.cookies.get(SESSION_COOKIE)),
        me=identity.account if identity is not None and identity.principal.id else None,
        _=translations.gettext,
        ngettext=translations.ngettext,
        lang=language,
        languages=LANGUAGES,
        version=__version__,
        **context,
    )
    response = HTMLResponse(page, status_code=code)
    response.headers["Cache-Control"] = "no-store"  # pages may show personal data and carry form tokens
    if CSRF_COOKIE not in request.cookies:
        secure = services.settings.secure_cookies()
        response.set_cookie(CSRF_COOKIE, browser_secret, httponly=True, samesite="lax", secure=secure)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(_LANG_COOKIE, language, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def error_page(request: Request, error: LmisError) -> HTMLResponse:
    """The error page for a service error, with the matching status code."""
    statuses = {NotFound: 404, Invalid: 422, Unauthorised: 403, Forbidden: 403, Conflict: 409, RateLimited: 429}
    status = next((code for kind, code in statuses.items() if isinstance(error, kind)), 400)
    suggestions = getattr(error, "suggestions", [])
    return render(request, "error.html", status, error=error.detail, suggestions=suggestions)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The start page: what LMIS is and a search box."""
    return render(request, "home.html")


def local_path(value: str | None) -> str | None:
    """`value` when it is a path of this site, else None: no open redirect to another host.

    Browsers read `//host` and `/\\host` as other hosts, and control characters can split headers.
    """
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if "\\" in value or any(ord(char) < 0x20 for char in value):
        return None
    return value


@router.get("/language")
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    """Set the portal language (works without JavaScript) and go back to `next`."""
    target = local_path(next) or "/"
    response = RedirectResponse(target, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(_LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@router.get("/occupations", response_class=HTMLResponse)
def occupations(
    request: Request, uow: UowDep, q: str = "", scheme: str = "", cursor: str | None = None
) -> HTMLResponse:
    """Search occupations; without `q`, the search form alone."""
    found = None
    if q.strip():
        try:
            query = ConceptQuery(q, "", (scheme,) if scheme else ())
            found = services.find_occupations(query, cursor=cursor, limit=20, uow=uow)
        except LmisError as error:
            return error_page(request, error)
    return render(request, "occupations.html", q=q, scheme=scheme, schemes=_SCHEME_CHOICES, found=found)


@router.get("/occupations/{concept_id}", response_class=HTMLResponse)
def occupation(request: Request, concept_id: str, uow: UowDep) -> HTMLResponse:
    """One occupation: description, ISCO path, skills and codes in other schemes."""
    try:
        view = services.get_occupation(concept_id, uow=uow, crosswalk_to=_CROSSWALK_SCHEMES)
    except LmisError as error:
        return error_page(request, error)
    return render(request, "occupation.html", view=view)


@router.get("/skills", response_class=HTMLResponse)
def skills(request: Request, uow: UowDep, q: str = "", cursor: str | None = None) -> HTMLResponse:
    """Search skills."""
    found = None
    if q.strip():
        try:
            found = services.find_skills(ConceptQuery(q), cursor=cursor, limit=20, uow=uow)
        except LmisError as error:
            return error_page(request, error)
    return render(request, "skills.html", q=q, found=found)


@router.get("/skills/{concept_id}", response_class=HTMLResponse)
def skill(request: Request, concept_id: str, uow: UowDep, cursor: str | None = None) -> HTMLResponse:
    """One skill: description, hierarchy, related skills and the occupations that need it."""
    try:
        view = services.get_skill(concept_id, uow=uow)
        needed_by = services.occupations_for_skill(concept_id, cursor=cursor, limit=50, uow=uow)
    except LmisError as error:
        return error_page(request, error)
    return render(request, "skill.html", view=view, needed_by=needed_by)


@router.get("/crosswalk", response_class=HTMLResponse)
def crosswalk(
    request: Request,
    uow: UowDep,
    code: str = "",
    from_: Annotated[str, Query(alias="from")] = "onet-soc-2019",
    to: str = "isco-08",
) -> HTMLResponse:
    """Translate a code between schemes and show the path taken."""
    answer = None
    if code.strip():
        try:
            answer = services.crosswalk(code.strip(), from_, to, uow=uow)
        except LmisError as error:
            return error_page(request, error)
    return render(
        request, "crosswalk.html", code=code, from_scheme=from_, to_scheme=to, schemes=_CROSSWALK_SCHEMES, answer=answer
    )


@router.get("/about", response_class=HTMLResponse)
def about(request: Request, uow: UowDep) -> HTMLResponse:
    """What LMIS holds: the stored releases with their publishers and licences."""
    return render(request, "about.html", releases=services.list_releases(uow=uow))
