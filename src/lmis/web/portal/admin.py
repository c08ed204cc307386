"""Portal pages of administration: accounts (find, create, change access, disable) and the audit log.

The identity services decide who may do what (administrators; a regional administrator only in
their region); these pages read forms, call them, and answer with a redirect (303) and a message,
or with the form again and the problem at its field. The router also carries the API client pages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lmis.bootstrap import Services
from lmis.identity import admin, audit
from lmis.identity import services as accounts
from lmis.identity.model import Account, AccountStatus, AuditEntry, Permission, Principal, Role
from lmis.identity.ports import AccountFilter
from lmis.shared.errors import Invalid, LmisError
from lmis.web.auth import PrincipalDep
from lmis.web.deps import ServicesDep
from lmis.web.portal import api_clients
from lmis.web.portal.api_clients import SubmittedDep, form_failure, one, refusal, single_values
from lmis.web.portal.views import render

router = APIRouter(include_in_schema=False)
router.include_router(api_clients.router)
ACCOUNTS_PAGE = 50
AUDIT_PAGE = 100
AUDIT_MAX = 1000  # the audit service returns at most this many entries: ten pages
HISTORY = 20  # audit entries shown on an account's page
ROLES = tuple(Role)


@router.get("/admin/accounts", response_class=HTMLResponse)
def account_list(
    request: Request,
    services_: ServicesDep,
    principal: PrincipalDep,
    q: str = "",
    role: str = "",
    region: str = "",
    offset: int = 0,
    done: str = "",
) -> HTMLResponse:
    """Find accounts by name or e-mail, role and region, fifty a page."""
    try:
        principal.require(Permission.MANAGE_ACCOUNTS)
    except LmisError as error:
        return refusal(request, error)
    filters = {"q": q.strip(), "role": role, "region": region.strip()}
    start = max(offset, 0)
    context: dict[str, Any] = {"values": filters, "roles": ROLES, "errors": {}, "suggestions": [], "done": done}
    try:
        query = AccountFilter(
            filters["q"], _role(role) if role else None, filters["region"] or None, ACCOUNTS_PAGE, start
        )
        found, total = admin.list_accounts(uow=services_.uow(), actor=principal, query=query)
    except LmisError as error:
        return form_failure(request, error, "admin_accounts.html", **context, accounts=[], total=0, pages={})
    pages = _pages("/admin/accounts", filters, start, ACCOUNTS_PAGE, start + ACCOUNTS_PAGE < total)
    return render(request, "admin_accounts.html", **context, accounts=found, total=total, pages=pages)


def _role(value: str) -> Role:
    if not value:
        raise Invalid("choose a role", field="role", suggestions=[r.value for r in Role])
    try:
        return Role(value)
    except ValueError:
        raise Invalid(f"unknown role {value!r}", field="role", suggestions=[r.value for r in Role]) from None


def _pages(path: str, filters: dict[str, str], start: int, size: int, more: bool) -> dict[str, str]:
    """Links to the previous and next page that keep the filters."""
    kept = {name: value for name, value in filters.items() if value}
    links = {}
    if start > 0:
        links["previous"] = f"{path}?{urlencode(kept | {'offset': max(0, start - size)})}"
    if more:
        links["next"] = f"{path}?{urlencode(kept | {'offset': start + size})}"
    return links


@router.get("/admin/accounts/new", response_class=HTMLResponse)
def new_account(request: Request, principal: PrincipalDep) -> HTMLResponse:
    """The form to create an account of any role."""
    try:
        principal.require(Permission.MANAGE_ACCOUNTS)
    except LmisError as error:
        return refusal(request, error)
    values = {"region": principal.region or ""}
    return render(request, "admin_account_form.html", values=values, errors={}, suggestions=[], roles=ROLES)


@router.post("/admin/accounts/new", response_class=HTMLResponse)
def create_account(request: Request, services_: ServicesDep, principal: PrincipalDep, form: SubmittedDep) -> Response:
    """Create the account and mail the person a link to set their password."""
    context = {"values": single_values(form), "roles": ROLES}
    try:
        principal.require(Permission.MANAGE_ACCOUNTS)
        role = _role(one(form, "role"))
        region = _region_of(principal, one(form, "region"))
        account = accounts.create_account(
            uow=services_.uow(),
            actor=principal,
            email=one(form, "email"),
            name=one(form, "name"),
            role=role,
            now=services_.now(),
            base_url=services_.settings.public_url,
            region=region,
            employer_id=one(form, "employer_id") or None,
            partner=one(form, "partner") or None,
        )
    except LmisError as error:
        return form_failure(request, error, "admin_account_form.html", **context)
    services_.deliver_mail()
    return RedirectResponse(f"/admin/accounts/{account.id}?done=created", status_code=303)


def _region_of(principal: Principal, value: str) -> str | None:
    """The region an account is given; a regional administrator gives accounts in their region only."""
    region = value.strip() or None
    if principal.region is not None and not principal.sees_region(region):
        raise Invalid(f"you administer {principal.region!r} only", field="region", suggestions=[principal.region])
    return region


@router.get("/admin/accounts/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request, account_id: str, services_: ServicesDep, principal: PrincipalDep, done: str = ""
) -> HTMLResponse:
    """One account: who it is, the forms to change its access or status, and its recent audit entries."""
    try:
        account = admin.get_account(uow=services_.uow(), actor=principal, account_id=account_id)
    except LmisError as error:
        return refusal(request, error)
    return render(request, "admin_account.html", **_account_context(services_, principal, account), done=done)


def _account_context(services: Services, principal: Principal, account: Account) -> dict[str, Any]:
    values = {
        "role": account.role.value,
        "region": account.region or "",
        "employer_id": account.employer_id or "",
        "partner": account.partner or "",
    }
    return {
        "account": account,
        "values": values,
        "roles": ROLES,
        "history": _history(services, principal, account.id),
        "errors": {},
        "suggestions": [],
    }


def _history(services: Services, principal: Principal, account_id: str) -> list[tuple[AuditEntry, str]]:
    """The newest audit entries about the account and by it, with their details as text."""
    if not principal.can(Permission.READ_AUDIT):
        return []
    entries = admin.account_history(uow=services.uow(), actor=principal, account_id=account_id, limit=HISTORY)
    return [(entry, detail_text(entry.detail)) for entry in entries]


@router.post("/admin/accounts/{account_id}/access", response_class=HTMLResponse)
def change_access(
    request: Request, account_id: str, services_: ServicesDep, principal: PrincipalDep, form: SubmittedDep
) -> Response:
    """Give the account a role and regional scope (its sessions end, so the change takes effect at once)."""
    try:
        admin.change_access(
            uow=services_.uow(),
            actor=principal,
            account_id=account_id,
            role=_role(one(form, "role")),
            region=_region_of(principal, one(form, "region")),
            employer_id=one(form, "employer_id") or None,
            partner=one(form, "partner") or None,
            now=services_.now(),
        )
    except LmisError as error:
        return _account_failure(request, services_, principal, account_id, error, single_values(form))
    return RedirectResponse(f"/admin/accounts/{account_id}?done=access_changed", status_code=303)


@router.post("/admin/accounts/{account_id}/status", response_class=HTMLResponse)
def change_status(
    request: Request, account_id: str, services_: ServicesDep, principal: PrincipalDep, form: SubmittedDep
) -> Response:
    """Disable the account (its sessions end) or enable it again."""
    try:
        status = AccountStatus(one(form, "status")) if one(form, "status") in ("active", "disabled") else None
        if status is None:
            raise Invalid("choose to disable or enable the account", field="status", suggestions=["disabled", "active"])
        admin.set_status(
            uow=services_.uow(), actor=principal, account_id=account_id, status=status, now=services_.now()
        )
    except LmisError as error:
        return _account_failure(request, services_, principal, account_id, error, {})
    return RedirectResponse(f"/admin/accounts/{account_id}?done={status.value}", status_code=303)


def _account_failure(
    request: Request,
    services: Services,
    principal: Principal,
    account_id: str,
    error: LmisError,
    values: dict[str, str],
) -> HTMLResponse:
    """The account page again with the problem (or the refusal when the account cannot be shown)."""
    try:
        account = admin.get_account(uow=services.uow(), actor=principal, account_id=account_id)
    except LmisError as missing:
        return refusal(request, missing)
    context = _account_context(services, principal, account)
    context["values"] |= values
    return form_failure(request, error, "admin_account.html", **context, done="")


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    services_: ServicesDep,
    principal: PrincipalDep,
    actor: str = "",
    target: str = "",
    action: str = "",
    offset: int = 0,
) -> HTMLResponse:
    """The audit log, newest first, a hundred entries a page, filtered by actor, target and action."""
    filters = {"actor": actor.strip(), "target": target.strip(), "action": action.strip()}
    start = min(max(offset, 0), AUDIT_MAX - AUDIT_PAGE)
    try:
        entries = audit.audit_log(
            uow=services_.uow(),
            actor=principal,
            who=audit_name(filters["actor"]),
            target=audit_name(filters["target"]),
            action=filters["action"] or None,
            limit=start + AUDIT_PAGE + 1,
        )
    except LmisError as error:
        return refusal(request, error)
    shown = [(entry, detail_text(entry.detail)) for entry in entries[start : start + AUDIT_PAGE]]
    more = len(entries) > start + AUDIT_PAGE and start + AUDIT_PAGE < AUDIT_MAX
    pages = _pages("/admin/audit", filters, start, AUDIT_PAGE, more)
    context = {"entries": shown, "values": filters, "pages": pages, "offset": start, "errors": {}}
    return render(request, "admin_audit.html", **context)


def audit_name(value: str) -> str | None:
    """How the audit log names what a filter was given: `account:<id>` for a bare id, `email:` for an address."""
    if not value:
        return None
    if ":" in value or value == "anonymous":
        return value
    return f"email:{value}" if "@" in value else f"account:{value}"


def detail_text(detail: dict[str, object]) -> str:
    """An audit entry's details as one line of text ("role: counsellor → analyst" style values kept plain)."""
    return "; ".join(f"{name}: {_plain(value)}" for name, value in sorted(detail.items()))


def _plain(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    return "—" if value is None else str(value)
