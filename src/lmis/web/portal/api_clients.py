"""Portal pages of API clients (register, keys shown once, revoke, usage) and how admin forms answer errors.

Pages work without JavaScript: each action is an ordinary form POST. A new key or client secret
is rendered once, in the answer to the POST that made it (`Cache-Control: no-store`), and is
never stored or shown again; only its hash is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lmis.identity import clients
from lmis.identity.model import Permission, Principal, Scope
from lmis.identity.ports import UsageDay
from lmis.shared.errors import Conflict, Forbidden, Invalid, LmisError, NotFound, Unauthorised
from lmis.web.auth import PrincipalDep
from lmis.web.deps import ServicesDep
from lmis.web.portal.views import render

router = APIRouter(include_in_schema=False)
USAGE_DAYS = 30
CHART_HEIGHT = 100  # SVG units of the tallest bar
BAR_STEP = 10  # SVG units from one day's bar to the next
SCOPES = (Scope.OPEN_DATA, Scope.POSTINGS_PUSH, Scope.PERSONAL_DATA)
WHOLE_NUMBER = "enter a whole number"  # the template translates this web-layer message
_FORM_FIELDS = {"employer": "employer_id"}  # a service's field name -> the form field that holds it


async def _submitted(request: Request) -> dict[str, list[str]]:
    """Every submitted text value by field name (check boxes send one value each)."""
    form = await request.form()
    values: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str) and name != "csrf_token":
            values.setdefault(name, []).append(value.strip())
    return values


SubmittedDep = Annotated[dict[str, list[str]], Depends(_submitted)]


def one(form: dict[str, list[str]], name: str) -> str:
    """The last value submitted for `name` ("" when none was)."""
    return form.get(name, [""])[-1]


def single_values(form: dict[str, list[str]]) -> dict[str, str]:
    """The submitted values to fill a form again."""
    return {name: values[-1] for name, values in form.items()}


def refusal(request: Request, error: LmisError) -> HTMLResponse:
    """The page for an error that leaves nothing to correct: 403 (refused), 404, 409 or 422."""
    if isinstance(error, Forbidden | Unauthorised):
        return render(request, "admin_forbidden.html", 403, error=error.detail)
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
    return render(request, "error.html", status, error=error.detail, suggestions=getattr(error, "suggestions", []))


def form_failure(request: Request, error: LmisError, template: str, **context: Any) -> HTMLResponse:
    """The form again with the problem at its field (`form` when it concerns no one field)."""
    if isinstance(error, Forbidden | Unauthorised | NotFound):
        return refusal(request, error)
    field = error.field if isinstance(error, Invalid) else None
    name = _FORM_FIELDS.get(field or "", field) or "form"
    status = 409 if isinstance(error, Conflict) else 422
    suggestions = getattr(error, "suggestions", [])
    return render(request, template, status, **(context | {"errors": {name: error.detail}, "suggestions": suggestions}))


def whole_number(form: dict[str, list[str]], name: str, default: int) -> int:
    """The whole number in field `name`, or `default` when it was left empty."""
    text = one(form, name).replace(",", "").replace("_", "")
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise Invalid(WHOLE_NUMBER, field=name) from None


@router.get("/account/clients", response_class=HTMLResponse)
def client_list(request: Request, services_: ServicesDep, principal: PrincipalDep, done: str = "") -> HTMLResponse:
    """The API clients the signed-in partner administrator (or administrator) manages."""
    try:
        found = clients.my_clients(uow=services_.uow(), actor=principal)
    except LmisError as error:
        return refusal(request, error)
    return render(request, "clients_list.html", clients=found, done=done, scopes=SCOPES)


@router.get("/account/clients/new", response_class=HTMLResponse)
def new_client(request: Request, principal: PrincipalDep) -> HTMLResponse:
    """The form to register a client."""
    try:
        principal.require(Permission.MANAGE_API_CLIENTS)
    except LmisError as error:
        return refusal(request, error)
    return render(request, "clients_form.html", **_form_context({}, {}))


@router.post("/account/clients/new", response_class=HTMLResponse)
def register_client(
    request: Request, services_: ServicesDep, principal: PrincipalDep, form: SubmittedDep
) -> HTMLResponse:
    """Register a client and show its API key (and client secret) this once."""
    try:
        principal.require(Permission.MANAGE_API_CLIENTS)
        asked = _client_request(form)
        registered = clients.register_client(uow=services_.uow(), actor=principal, request=asked, now=services_.now())
    except LmisError as error:
        return form_failure(request, error, "clients_form.html", **_form_context(form, {}))
    return render(
        request,
        "clients_secret.html",
        client=registered.client,
        api_key=registered.api_key,
        client_secret=registered.client_secret,
        first=True,
    )


def _form_context(form: dict[str, list[str]], errors: dict[str, str]) -> dict[str, Any]:
    chosen = form.get("scopes", [])
    values = single_values(form) or {"confidential": "yes"}
    values.setdefault("quota_per_day", str(clients.DEFAULT_QUOTA_PER_DAY))
    values.setdefault("rate_per_minute", str(clients.DEFAULT_RATE_PER_MINUTE))
    return {"values": values, "chosen": chosen, "errors": errors, "scopes": SCOPES, "suggestions": []}


def _client_request(form: dict[str, list[str]]) -> clients.ClientRequest:
    """What the registration form asks for, read into the service's request."""
    sources = frozenset(part.strip() for part in one(form, "sources").split(",") if part.strip())
    uris = tuple(line.strip() for line in one(form, "redirect_uris").splitlines() if line.strip())
    return clients.ClientRequest(
        name=one(form, "name"),
        scopes=clients.parse_scopes(form.get("scopes", [])),
        purpose=one(form, "purpose"),
        sources=sources,
        quota_per_day=whole_number(form, "quota_per_day", clients.DEFAULT_QUOTA_PER_DAY),
        rate_per_minute=whole_number(form, "rate_per_minute", clients.DEFAULT_RATE_PER_MINUTE),
        redirect_uris=uris,
        confidential=one(form, "confidential") != "no",
    )


@router.get("/account/clients/{client_id}", response_class=HTMLResponse)
def client_page(
    request: Request, client_id: str, services_: ServicesDep, principal: PrincipalDep, done: str = ""
) -> HTMLResponse:
    """One client: its registration, its keys (never their secrets) and its use over the last 30 days."""
    today = services_.now().date()
    try:
        client, keys = clients.client_keys(uow=services_.uow(), actor=principal, client_id=client_id)
        _client, usage = clients.client_usage(
            uow=services_.uow(), actor=principal, client_id=client_id, today=today, days=USAGE_DAYS
        )
    except LmisError as error:
        return refusal(request, error)
    chart = usage_chart(usage, today)
    return render(request, "clients_detail.html", client=client, keys=keys, chart=chart, done=done, scopes=SCOPES)


@router.post("/account/clients/{client_id}/keys", response_class=HTMLResponse)
def issue_key(request: Request, client_id: str, services_: ServicesDep, principal: PrincipalDep) -> HTMLResponse:
    """Issue another key and show it this once (to rotate: issue, deploy, then revoke the old one)."""
    try:
        key = clients.new_key(uow=services_.uow(), actor=principal, client_id=client_id, now=services_.now())
        client, _keys = clients.client_keys(uow=services_.uow(), actor=principal, client_id=client_id)
    except LmisError as error:
        return refusal(request, error)
    return render(request, "clients_secret.html", client=client, api_key=key, client_secret=None, first=False)


@router.post("/account/clients/{client_id}/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key(
    request: Request, client_id: str, key_id: str, services_: ServicesDep, principal: PrincipalDep
) -> Response:
    """Revoke one key; requests with it are refused (401) from now on."""
    return _act(
        request,
        principal,
        lambda actor: clients.revoke_key(
            uow=services_.uow(), actor=actor, client_id=client_id, key_id=key_id, now=services_.now()
        ),
        f"/account/clients/{client_id}?done=key_revoked",
    )


@router.post("/account/clients/{client_id}/revoke", response_class=HTMLResponse)
def revoke_client(request: Request, client_id: str, services_: ServicesDep, principal: PrincipalDep) -> Response:
    """Revoke the client: every key and access token of it stops working."""
    return _act(
        request,
        principal,
        lambda actor: clients.revoke_client(uow=services_.uow(), actor=actor, client_id=client_id, now=services_.now()),
        f"/account/clients/{client_id}?done=client_revoked",
    )


def _act(request: Request, principal: Principal, action: Callable[[Principal], None], then: str) -> Response:
    """Do `action` as `principal` and go to `then` (303), or show why it was refused."""
    try:
        action(principal)
    except LmisError as error:
        return refusal(request, error)
    return RedirectResponse(then, status_code=303)


@dataclass(frozen=True, slots=True)
class UsageBar:
    """One day of a client's use and where its bars stand in the chart."""

    day: date
    requests: int
    refused: int
    x: int
    requests_height: float
    refused_height: float


@dataclass(frozen=True, slots=True)
class UsageChart:
    """The days of the usage chart (oldest first) with the totals its text alternative states."""

    bars: list[UsageBar]
    total_requests: int
    total_refused: int
    busiest: UsageBar | None
    width: int
    height: int


def usage_chart(usage: list[UsageDay], today: date, days: int = USAGE_DAYS) -> UsageChart:
    """Every one of the last `days` days (days without requests as zero), scaled to the busiest day."""
    by_day = {entry.day: entry for entry in usage}
    peak = max((entry.requests + entry.refused for entry in usage), default=0) or 1
    bars = []
    for index in range(days):
        day = today - timedelta(days=days - 1 - index)
        entry = by_day.get(day, UsageDay(day, 0, 0))
        bars.append(
            UsageBar(
                day,
                entry.requests,
                entry.refused,
                index * BAR_STEP,
                round(CHART_HEIGHT * entry.requests / peak, 2),
                round(CHART_HEIGHT * entry.refused / peak, 2),
            )
        )
    busiest = max(bars, key=lambda bar: (bar.requests, bar.day)) if any(bar.requests for bar in bars) else None
    return UsageChart(
        bars,
        sum(bar.requests for bar in bars),
        sum(bar.refused for bar in bars),
        busiest,
        days * BAR_STEP,
        CHART_HEIGHT,
    )
