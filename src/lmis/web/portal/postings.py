"""Portal pages of job postings: browse, read one, and post or manage a vacancy through a form.

A vacancy is managed with the link given when it was posted, or by a signed-in employer account
acting for the posting's employer.
"""

from __future__ import annotations

import html
import secrets
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lmis.bootstrap import Services
from lmis.enrich.services import vacancy
from lmis.identity.model import Permission, Principal
from lmis.ingest.services import accept_push
from lmis.ingest.validation import posting_id
from lmis.jobs import services
from lmis.jobs.employers import employer_id_of
from lmis.jobs.model import EmploymentType, JobPosting, SalaryUnit, effective_status
from lmis.jobs.ports import PostingFilter
from lmis.shared.errors import LmisError, Unauthorised
from lmis.shared.progress import SilentProgress
from lmis.web.auth import PrincipalDep
from lmis.web.deps import ServicesDep
from lmis.web.portal.derived import insights
from lmis.web.portal.recommendations import note_opened
from lmis.web.portal.views import error_page, render

router = APIRouter(include_in_schema=False)
PORTAL_SOURCE = "portal"
MAX_VACANCY_POSTINGS = 200  # a vacancy page lists at most this many postings (reposts can run long)
_CHOICES = {
    "employment_types": [e.value for e in EmploymentType],
    "salary_units": [u.value for u in SalaryUnit],
    "form_languages": ["en", "ko", "id"],
}


@router.get("/postings", response_class=HTMLResponse)
def list_postings(request: Request, services_: ServicesDep, cursor: str | None = None) -> HTMLResponse:
    """The newest postings."""
    try:
        page = services.list_postings(PostingFilter(), cursor=cursor, limit=20, uow=services_.uow())
    except LmisError as error:
        return error_page(request, error)
    return render(request, "postings.html", page=page, now=services_.now())


@router.get("/postings/{posting_id}", response_class=HTMLResponse)
def show_posting(
    request: Request,
    posting_id: str,
    services_: ServicesDep,
    principal: PrincipalDep,
    key: str | None = None,
    list_id: Annotated[str | None, Query(alias="list")] = None,
) -> HTMLResponse:
    """One posting; right after it was posted, the page shows its manage link once.

    A signed-in jobseeker's opening is recorded: a click when it came from a recommendation list, a view otherwise.
    """
    try:
        posting = services.get_posting(posting_id, uow=services_.uow())
    except LmisError as error:
        return error_page(request, error)
    note_opened(services_, principal, posting.id, list_id)
    status = effective_status(posting.status, posting.valid_through, services_.now())
    manage = f"/employers/postings/{posting.id}/edit?key={key}" if key else None
    shown = insights(posting, services_)
    return render(request, "posting.html", posting=posting, status=status.value, manage_link=manage, insights=shown)


@router.get("/vacancies/{cluster_id}", response_class=HTMLResponse)
def show_vacancy(request: Request, cluster_id: str, services_: ServicesDep) -> HTMLResponse:
    """One vacancy: every posting that advertises it, on which site, and how duplicate detection linked them."""
    try:
        view = vacancy(cluster_id, uow=services_.uow())
    except LmisError as error:
        return error_page(request, error)
    postings = {}
    for member in view.members[:MAX_VACANCY_POSTINGS]:
        try:
            postings[member.posting_id] = services.get_posting(member.posting_id, uow=services_.uow())
        except LmisError:  # signed but since purged: the row still shows the id
            continue
    return render(request, "vacancy.html", vacancy=view, postings=postings, shown=MAX_VACANCY_POSTINGS)


@router.get("/employers/postings/new", response_class=HTMLResponse)
def new_posting(request: Request) -> HTMLResponse:
    """The form to post a vacancy."""
    return render(request, "posting_form.html", values={}, errors={}, action="/employers/postings", **_CHOICES)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(value).strip() for name, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(_form)]


@router.post("/employers/postings", response_class=HTMLResponse)
def create_posting(request: Request, services_: ServicesDep, values: FormDep) -> Response:
    """Validate the form through the ingestion pipeline; errors come back next to their fields."""
    external_id = f"web-{secrets.token_hex(6)}"
    errors = _submit(values, external_id, services_.now(), services_)
    if errors:
        context = {"values": values, "errors": errors, "action": "/employers/postings", **_CHOICES}
        return render(request, "posting_form.html", 422, **context)
    new_id = posting_id(PORTAL_SOURCE, external_id)
    key = services.issue_manage_key(new_id, uow=services_.uow(), now=services_.now)
    return RedirectResponse(f"/postings/{new_id}?key={key}", status_code=303)


def _managed(posting_id: str, key: str, principal: Principal, services_: Services) -> JobPosting:
    """The posting, for whoever holds its manage key or acts for its employer; `Unauthorised` otherwise."""
    if key:
        return services.check_manage_key(posting_id, key, uow=services_.uow())
    posting = services.get_posting(posting_id, uow=services_.uow())
    employer = posting.employer
    owner = employer_id_of(employer.normalised_name, employer.registration_id) if employer else None
    if principal.can(Permission.POST_VACANCIES) and owner is not None and principal.employer_id == owner:
        return posting
    raise Unauthorised("use the link given when the vacancy was posted, or sign in as its employer")


def _action(posting_id: str, key: str) -> str:
    return f"/employers/postings/{posting_id}/edit" + (f"?key={key}" if key else "")


@router.get("/employers/postings/{posting_id}/edit", response_class=HTMLResponse)
def edit_posting(
    request: Request, posting_id: str, services_: ServicesDep, principal: PrincipalDep, key: str = ""
) -> HTMLResponse:
    """The form filled with the posting, for whoever holds its manage key or acts for its employer."""
    try:
        posting = _managed(posting_id, key, principal, services_)
    except LmisError as error:
        return error_page(request, error)
    action = _action(posting_id, key)
    context = {"values": _values(posting), "errors": {}, "action": action, "posting": posting, **_CHOICES}
    return render(request, "posting_form.html", **context)


@router.post("/employers/postings/{posting_id}/edit", response_class=HTMLResponse)
def update_posting(
    request: Request, posting_id: str, services_: ServicesDep, values: FormDep, principal: PrincipalDep, key: str = ""
) -> Response:
    """Save changes, or close the vacancy (the `close` button)."""
    try:
        posting = _managed(posting_id, key, principal, services_)
    except LmisError as error:
        return error_page(request, error)
    closing = values.pop("close", "") == "1"
    posted = posting.date_posted or services_.now()
    errors = _submit(values, posting.external_id, posted, services_, status="closed" if closing else "published")
    if errors:
        action = _action(posting_id, key)
        context = {"values": values, "errors": errors, "action": action, "posting": posting, **_CHOICES}
        return render(request, "posting_form.html", 422, **context)
    return RedirectResponse(f"/postings/{posting_id}", status_code=303)


def _submit(
    values: dict[str, str], external_id: str, posted: datetime, services_: Services, status: str = "published"
) -> dict[str, str]:
    """Push the form as one canonical record from the portal source; problems by form field."""
    errors = {name: "is required" for name in ("title", "description", "employer_name") if not values.get(name)}
    if errors:
        return errors
    record = _record(values, external_id, status, posted)
    _run, held = accept_push(
        PORTAL_SOURCE,
        [record],
        uow=services_.uow(),
        now=services_.now,
        progress=SilentProgress(),
        enrich=services_.enrich,
    )
    return {p.field.replace(".", "_"): p.rule for entry in held for p in entry.problems}


def _record(values: dict[str, str], external_id: str, status: str, posted: datetime) -> dict[str, object]:
    text = values.get("description", "").replace("\r\n", "\n")  # browsers send a textarea's lines as CRLF
    paragraphs = [html.escape(p.strip()) for p in text.split("\n\n") if p.strip()]
    salary = {key: values.get(f"salary_{key}", "") for key in ("min", "max", "currency", "unit")}
    record: dict[str, object] = {
        "external_id": external_id,
        "title": values.get("title", ""),
        "description": "".join(f"<p>{p}</p>" for p in paragraphs),
        "employer": {"name": values.get("employer_name", "")},
        "address": {k: values.get(f"address_{k}", "") for k in ("locality", "region", "country")},
        "employment_type": values.get("employment_type", ""),
        "salary": {k: v for k, v in salary.items() if v} or None,
        "valid_through": values.get("valid_through", ""),
        "openings": values.get("openings", ""),
        "url": values.get("url", ""),
        "language": values.get("language", ""),
        "status": status,
        "date_posted": posted.isoformat(timespec="seconds"),
    }
    return {key: value for key, value in record.items() if value not in ("", None)}


def _values(posting: JobPosting) -> dict[str, str]:
    salary = posting.salary
    return {
        "title": posting.title,
        "description": posting.description_text.replace("\n", "\n\n"),
        "employer_name": posting.employer.name if posting.employer else "",
        "address_locality": posting.address.locality,
        "address_region": posting.address.region,
        "address_country": posting.address.country,
        "employment_type": posting.employment_types[0].value if posting.employment_types else "",
        "salary_min": f"{salary.minimum:g}" if salary and salary.minimum is not None else "",
        "salary_max": f"{salary.maximum:g}" if salary and salary.maximum is not None else "",
        "salary_currency": salary.currency or "" if salary else "",
        "salary_unit": salary.unit.value if salary and salary.unit else "",
        "valid_through": posting.valid_through.date().isoformat() if posting.valid_through else "",
        "openings": str(posting.openings or ""),
        "url": posting.url,
        "language": posting.language,
    }
