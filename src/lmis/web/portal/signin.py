"""Portal pages of signing up and in: sign-up, e-mail confirmation, password and second factor, sign-out, reset.

Every page works without JavaScript. A session cookie is HttpOnly, SameSite=Lax and Secure
behind https; each sign-in opens a new session and ends the browser's old one (no fixation).
Problems come back next to their fields as `Problem`s, which the templates say in the reader's
language (`_forms.html`), falling back to the service's English for rare ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lmis.bootstrap import Services
from lmis.identity import services as accounts
from lmis.identity.model import Account, Principal, Role, Session, SessionStage, principal_of
from lmis.identity.services import SESSION_LIFETIME
from lmis.jobs.employers import employer_id_of
from lmis.shared.errors import Conflict, Forbidden, Invalid, LmisError, NotFound, RateLimited, Unauthorised
from lmis.web.auth import IdentityDep, RequestIdentity, client_ip
from lmis.web.csrf import SESSION_COOKIE
from lmis.web.deps import ServicesDep
from lmis.web.portal.views import local_path, render

router = APIRouter(include_in_schema=False)
DEFAULT_NEXT = "/account"
# What a service's `Invalid.field` means in the reader's words (`say` in _forms.html).
_FIELD_PROBLEMS = {
    "email": "email_invalid",
    "name": "name_invalid",
    "employer": "organisation_missing",
    "role": "role_missing",
    "purpose": "purpose_short",
    "data": "data_missing",
    "client_id": "client_unknown",
    "national_id": "national_id_length",
    "headline": "headline_long",
    "birth_date": "bad_date",
}
_PASSWORD_PROBLEMS = {
    "a password needs at least": "password_short",
    "a password may have at most": "password_long",
    "a password may not be your e-mail": "password_is_email",
    "a password needs more than three": "password_simple",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with a form or a field: `key` for the templates, the service's `detail` as a fallback."""

    key: str
    detail: str = ""
    minutes: int = 0


@dataclass(frozen=True, slots=True)
class Form:
    """A submitted form: every value of every field, as sent (passwords keep their spaces)."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> str:
        """The first value of `name` without surrounding white space ("" when absent)."""
        return self.raw(name).strip()

    def raw(self, name: str) -> str:
        return (self.values.get(name) or [""])[0]

    def all(self, name: str) -> list[str]:
        return [value.strip() for value in self.values.get(name, []) if value.strip()]


async def _form(request: Request) -> Form:
    values: dict[str, list[str]] = {}
    for name, value in (await request.form()).multi_items():
        if isinstance(value, str) and name != "csrf_token":
            values.setdefault(name, []).append(value)
    return Form(values)


FormDep = Annotated[Form, Depends(_form)]


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A fully signed-in browser: its account, the principal it acts as and its session cookie."""

    account: Account
    principal: Principal
    session: Session
    cookie: str


def safe_next(value: str | None, default: str = DEFAULT_NEXT) -> str:
    """`value` when it is a path of this site, else `default` (no open redirect to another host)."""
    return local_path(value) or default


def here(request: Request) -> str:
    """The path and query of `request`, to come back to after signing in."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def with_next(path: str, target: str) -> str:
    return f"{path}?{urlencode({'next': target})}"


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def owed_step(request: Request, identity: RequestIdentity) -> RedirectResponse | None:
    """Where a session that still owes a second factor (or, for staff, its set-up) must go first."""
    stage = identity.session.stage if identity.session else SessionStage.FULL
    if stage is SessionStage.MFA_SETUP:
        return see_other(with_next("/account/security/setup", here(request)))
    if stage is SessionStage.MFA_PENDING:
        return see_other(with_next("/sign-in/second-factor", here(request)))
    return None


def signed_in(request: Request, identity: RequestIdentity) -> SignedIn | RedirectResponse:
    """The signed-in browser, or the redirect to the step it owes (the sign-in form, the second factor)."""
    owed = owed_step(request, identity)
    if owed is not None:
        return owed
    if identity.account is None or identity.session is None or identity.cookie is None or not identity.principal.id:
        return see_other(with_next("/sign-in", here(request)))
    return SignedIn(identity.account, identity.principal, identity.session, identity.cookie)


def setting_up(identity: RequestIdentity) -> SignedIn | None:
    """A browser that may set up a second factor: fully signed in, or staff whose sign-in waits for the set-up."""
    stage = identity.session.stage if identity.session else None
    if identity.account is None or identity.session is None or identity.cookie is None:
        return None
    if stage not in (SessionStage.FULL, SessionStage.MFA_SETUP):
        return None
    return SignedIn(identity.account, principal_of(identity.account), identity.session, identity.cookie)


def set_session_cookie(response: Response, cookie: str, services: Services) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=services.settings.secure_cookies(),
    )


def end_session_cookie(response: Response, services: Services) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=services.settings.secure_cookies()
    )


def problems_of(error: LmisError, *, unauthorised: str = "wrong_password") -> dict[str, Problem]:
    """A service error as form problems by field ("" for the form as a whole)."""
    if isinstance(error, RateLimited):
        key = "locked" if error.limit == accounts.LOCKOUT_FAILURES else "locked_address"
        return {"": Problem(key, error.detail, max(1, math.ceil(error.retry_after / 60)))}
    if isinstance(error, Unauthorised):
        return {"": Problem(unauthorised, error.detail)}
    if isinstance(error, Invalid) and error.field == "password":
        key = next((k for start, k in _PASSWORD_PROBLEMS.items() if error.detail.startswith(start)), "service")
        return {"password": Problem(key, error.detail)}
    if isinstance(error, Invalid) and error.field:
        return {error.field: Problem(_FIELD_PROBLEMS.get(error.field, "service"), error.detail)}
    return {"": Problem("service", error.detail)}


def status_of(error: LmisError) -> int:
    """The status of a form answered with its problems (a form cannot answer a 401 challenge)."""
    if isinstance(error, RateLimited):
        return 429
    if isinstance(error, Unauthorised | Forbidden):
        return 403
    return 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422


def _refused(request: Request, template: str, error: LmisError, **context: object) -> HTMLResponse:
    response = render(request, template, status_of(error), errors=problems_of(error), **context)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@router.get("/sign-up", response_class=HTMLResponse)
def sign_up_page(request: Request) -> HTMLResponse:
    """The sign-up form: a jobseeker, or an employer's user naming the organisation."""
    return render(request, "sign_up.html", values={"role": "jobseeker"}, errors={})


@router.post("/sign-up", response_class=HTMLResponse)
def sign_up(request: Request, services_: ServicesDep, form: FormDep, background: BackgroundTasks) -> Response:
    """Create the account and mail the confirmation link; problems come back next to their fields."""
    values = {name: form.get(name) for name in ("role", "name", "email", "employer", "registration_id")}
    missing = {name: Problem(f"{name}_required") for name in ("name", "email", "password") if not form.get(name)}
    if missing:  # all of them at once; the service names one problem at a time
        return render(request, "sign_up.html", 422, values=values, errors=missing)
    try:
        role = Role(values["role"]) if values["role"] in ("jobseeker", "employer") else None
        if role is None:
            raise Invalid("choose jobseeker or employer", field="role")
        employer = values["employer"] if role is Role.EMPLOYER else ""
        accounts.sign_up(
            uow=services_.uow(),
            email=values["email"],
            password=form.raw("password"),
            name=values["name"],
            role=role,
            now=services_.now(),
            base_url=services_.settings.public_url.rstrip("/"),
            employer_id=employer_id_of(employer, values["registration_id"] or None) if employer else None,
        )
    except Conflict:
        return render(request, "sign_up.html", 409, values=values, errors={"email": Problem("email_taken")})
    except LmisError as error:
        return _refused(request, "sign_up.html", error, values=values)
    background.add_task(services_.deliver_mail)
    return render(request, "account_notice.html", notice="sign_up_sent", email=values["email"])


@router.get("/account/verify", response_class=HTMLResponse)
def verify(request: Request, services_: ServicesDep, token: str = "") -> HTMLResponse:
    """Confirm the address of the mailed link, then say so."""
    try:
        accounts.verify_email(uow=services_.uow(), token=token, now=services_.now())
    except LmisError:
        return render(request, "account_notice.html", 400, notice="verify_failed")
    return render(request, "account_notice.html", notice="verified")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, identity: IdentityDep, next: str = "") -> Response:
    """The sign-in form (a signed-in browser goes straight on to `next`)."""
    if identity.principal.id:
        return see_other(safe_next(next))
    flags = {name: name in request.query_params for name in ("signed_out", "reset", "ended")}
    return render(request, "sign_in.html", values={}, errors={}, next=safe_next(next), **flags)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, services_: ServicesDep, form: FormDep) -> Response:
    """Check the password (throttled); then the second factor or its set-up, or straight on to `next`."""
    target, email = safe_next(form.get("next")), form.get("email")
    try:
        started = accounts.sign_in(
            uow=services_.uow(),
            email=email,
            password=form.raw("password"),
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            now=services_.now(),
        )
    except LmisError as error:
        return _refused(request, "sign_in.html", error, values={"email": email}, next=target)
    if old := request.cookies.get(SESSION_COOKIE):
        accounts.sign_out(uow=services_.uow(), cookie=old)  # a new session each sign-in: no fixation
    owed = {SessionStage.MFA_PENDING: "/sign-in/second-factor", SessionStage.MFA_SETUP: "/account/security/setup"}
    stage = started.session.stage
    response = see_other(with_next(owed[stage], target) if stage in owed else target)
    set_session_cookie(response, started.cookie, services_)
    return response


@router.get("/sign-in/second-factor", response_class=HTMLResponse)
def second_factor_page(request: Request, identity: IdentityDep, next: str = "") -> Response:
    """The code form for a session whose password was right."""
    if identity.session is None or identity.session.stage is not SessionStage.MFA_PENDING:
        return see_other(with_next("/sign-in", safe_next(next)))
    return render(request, "second_factor.html", errors={}, next=safe_next(next))


@router.post("/sign-in/second-factor", response_class=HTMLResponse)
def second_factor(request: Request, services_: ServicesDep, identity: IdentityDep, form: FormDep) -> Response:
    """Accept a current authenticator code or an unused recovery code (throttled like passwords)."""
    target = safe_next(form.get("next"))
    if identity.session is None or identity.cookie is None or identity.session.stage is not SessionStage.MFA_PENDING:
        return see_other(with_next("/sign-in", target))
    try:
        accounts.second_factor(
            uow=services_.uow(),
            cipher=services_.cipher,
            cookie=identity.cookie,
            code=form.get("code"),
            ip=client_ip(request),
            now=services_.now(),
        )
    except LmisError as error:
        errors = problems_of(error, unauthorised="wrong_code")
        if "" in errors and errors[""].key == "wrong_code":
            errors = {"code": errors[""]}
        status = status_of(error)
        return render(request, "second_factor.html", status, errors=errors, next=target)
    return see_other(target)


@router.post("/sign-out")
def sign_out(services_: ServicesDep, identity: IdentityDep) -> Response:
    """End this browser's session."""
    if identity.cookie:
        accounts.sign_out(uow=services_.uow(), cookie=identity.cookie)
    response = see_other("/sign-in?signed_out=1")
    end_session_cookie(response, services_)
    return response


@router.get("/account/password/forgot", response_class=HTMLResponse)
def forgot_page(request: Request) -> HTMLResponse:
    """Ask for a reset link by e-mail address."""
    return render(request, "password_forgot.html", values={}, errors={})


@router.post("/account/password/forgot", response_class=HTMLResponse)
def forgot(request: Request, services_: ServicesDep, form: FormDep, background: BackgroundTasks) -> HTMLResponse:
    """Mail a reset link when the address has an account; the answer is the same either way."""
    email = form.get("email")
    if not email:
        return render(request, "password_forgot.html", 422, values={}, errors={"email": Problem("email_required")})
    accounts.request_password_reset(
        uow=services_.uow(), email=email, now=services_.now(), base_url=services_.settings.public_url.rstrip("/")
    )
    background.add_task(services_.deliver_mail)
    return render(request, "account_notice.html", notice="reset_sent", email=email)


@router.get("/account/reset", response_class=HTMLResponse)
def reset_page(request: Request, token: str = "") -> HTMLResponse:
    """The new-password form of a mailed link."""
    return render(request, "password_reset.html", token=token, errors={})


@router.post("/account/reset", response_class=HTMLResponse)
def reset(request: Request, services_: ServicesDep, form: FormDep) -> Response:
    """Set the new password; every session of the account ends, so the person signs in again."""
    token = form.get("token")
    try:
        accounts.reset_password(uow=services_.uow(), token=token, password=form.raw("password"), now=services_.now())
    except LmisError as error:
        errors = problems_of(error)
        if "token" in errors:
            errors = {"": Problem("link_used")}
        return render(request, "password_reset.html", status_of(error), token=token, errors=errors)
    response = see_other("/sign-in?reset=1")
    end_session_cookie(response, services_)
    return response
