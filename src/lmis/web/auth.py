"""Who a request acts as, and how much it may ask: credentials to a principal, quotas and rate limits.

Credentials, in order: `Authorization: Bearer lmis_…` (an API key), `Authorization: Bearer <token>`
(an OAuth2 access token from client credentials), the `lmis_session` cookie (a signed-in
browser); otherwise anonymous. Wrong credentials are a 401, never a silent downgrade.

Every API response carries `RateLimit-Policy` and `RateLimit` headers: clients are limited by
their own rate (a minute, in each server process) and daily quota (in the database, shared by
every process); accounts and anonymous addresses by the configured rates a minute.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from lmis.bootstrap import Services
from lmis.identity import clients
from lmis.identity import services as accounts
from lmis.identity.clients import KEY_PREFIX
from lmis.identity.model import (
    ANONYMOUS,
    Account,
    ApiClient,
    Permission,
    Principal,
    PrincipalKind,
    Scope,
    Session,
    SessionStage,
    principal_of,
)
from lmis.identity.ratelimit import Decision, Limit, header_values
from lmis.shared.errors import Forbidden, LmisError, RateLimited, Unauthorised
from lmis.web.csrf import SESSION_COOKIE
from lmis.web.problems import lmis_error_response

RATE_LIMITED_PREFIXES = ("/api/", "/oauth/token", "/oauth/userinfo")
MFA_SETUP_PAGE = "/account/security/setup"
MFA_SETUP_ALLOWED = (MFA_SETUP_PAGE, "/api/", "/oauth/", "/static/", "/language", "/sign-in", "/sign-out")


@dataclass(frozen=True, slots=True)
class RequestIdentity:
    """What the credentials of a request resolved to."""

    principal: Principal
    account: Account | None = None
    session: Session | None = None  # also a session that still owes a second factor
    client: ApiClient | None = None
    cookie: str | None = None


def client_ip(request: Request) -> str:
    """The caller's address as the server saw it (behind a proxy, run uvicorn with --forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"


def resolve(request: Request, services: Services) -> RequestIdentity:
    """The identity of `request`'s credentials; raises `Unauthorised` for wrong ones."""
    now = services.now()
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential:
        if credential.startswith(KEY_PREFIX):
            client = clients.authenticate_key(uow=services.uow(), api_key=credential, now=now)
            return RequestIdentity(client.principal(), client=client)
        client, principal = clients.authenticate_token(uow=services.uow(), token=credential, now=now)
        if principal.kind.value == "account" and not request.url.path.startswith("/oauth/userinfo"):
            raise Unauthorised("a single sign-on access token is good for /oauth/userinfo only")
        return RequestIdentity(principal, client=client)
    if scheme.lower() == "basic" and request.url.path == "/oauth/token":
        return RequestIdentity(ANONYMOUS)  # client_secret_basic: the token endpoint authenticates the client
    if scheme:
        raise Unauthorised("send credentials as 'Authorization: Bearer <API key or access token>'")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = accounts.session_account(uow=services.uow(), cookie=cookie, now=now)
        if found is not None:
            session, account = found
            principal = principal_of(account) if session.stage is SessionStage.FULL else ANONYMOUS
            return RequestIdentity(principal, account, session, cookie=cookie)
    return RequestIdentity(ANONYMOUS)


def _limit(identity: RequestIdentity, ip: str, services: Services) -> Decision:
    now = services.now()
    if identity.client is not None:
        client = identity.client
        decision = services.limiter.hit(
            f"client:{client.id}", [Limit(client.rate_per_minute, 60, "minute")], time.monotonic()
        )
        if decision.allowed:
            midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            left = clients.count_request(
                uow=services.uow(), client=client, today=now.date(), seconds_to_midnight=_seconds(midnight, now)
            )
            if left < decision.remaining:
                return Decision(True, Limit(client.quota_per_day, 86_400, "day"), left, _seconds(midnight, now))
        return decision
    if identity.principal.id is not None:
        rate = services.settings.account_rate_per_minute
        key = f"account:{identity.principal.id}"
    else:
        rate = services.settings.anonymous_rate_per_minute
        key = f"ip:{ip}"
    return services.limiter.hit(key, [Limit(rate, 60, "minute")], time.monotonic())


def _seconds(later: datetime, now: datetime) -> int:
    return max(1, int((later - now).total_seconds()))


def install(app: FastAPI) -> None:
    """Resolve every request's identity into `request.state.identity` and limit API use."""

    @app.middleware("http")
    async def identify(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        services: Services = request.app.state.services
        limited = request.url.path.startswith(RATE_LIMITED_PREFIXES)
        try:
            identity = await run_in_threadpool(resolve, request, services)
            decision = await run_in_threadpool(_limit, identity, client_ip(request), services) if limited else None
        except LmisError as error:
            return lmis_error_response(error)
        if decision is not None and not decision.allowed:
            return lmis_error_response(
                RateLimited(
                    f"rate limit of {decision.limit.requests} requests a {decision.limit.name} reached",
                    retry_after=decision.reset_seconds,
                    limit=decision.limit.requests,
                    window_seconds=decision.limit.window_seconds,
                )
            )
        request.state.identity = identity
        if _owes_factor_setup(identity, request):
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{MFA_SETUP_PAGE}?{urlencode({'next': back})}", status_code=303)
        response = await call_next(request)
        if decision is not None:
            response.headers.update(header_values(decision))
        return response


def _owes_factor_setup(identity: RequestIdentity, request: Request) -> bool:
    """A staff member who must set up a second factor sees that page, and nothing else, until done."""
    if identity.session is None or identity.session.stage is not SessionStage.MFA_SETUP:
        return False
    path = request.url.path
    return request.method == "GET" and not path.startswith(MFA_SETUP_ALLOWED)


def _identity(request: Request) -> RequestIdentity:
    identity: RequestIdentity | None = getattr(request.state, "identity", None)
    return identity or RequestIdentity(ANONYMOUS)


def _principal(request: Request) -> Principal:
    return _identity(request).principal


def _signed_in(request: Request) -> Principal:
    """The signed-in person; 401 anonymous, 403 for an API client (these routes are for people)."""
    principal = _principal(request)
    if principal.kind is PrincipalKind.ANONYMOUS:
        raise Unauthorised("sign in first (the portal's session cookie)")
    if principal.kind is not PrincipalKind.ACCOUNT:
        raise Forbidden("this is for signed-in people; an API client cannot use it")
    return principal


# How the OpenAPI document names the credentials; the middleware above reads them.
_documented_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API client's key (`lmis_…`) or an OAuth2 client-credentials access token.",
)
_documented_session = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session",
    description="A signed-in person's portal session; unsafe requests also send `X-CSRF-Token`.",
)


def requires(permission: Permission) -> Callable[..., Principal]:
    """A dependency giving the principal when its role grants `permission` (401 anonymous, 403 otherwise)."""

    def dependency(request: Request, _session: Annotated[str | None, Depends(_documented_session)]) -> Principal:
        principal = _signed_in(request)
        principal.require(permission)
        return principal

    return dependency


def requires_scope(scope: Scope) -> Callable[..., Principal]:
    """A dependency giving the principal when it is an API client holding `scope` (401 anonymous, 403 otherwise)."""

    def dependency(
        request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_documented_bearer)]
    ) -> Principal:
        principal = _principal(request)
        if principal.kind is PrincipalKind.ANONYMOUS:
            raise Unauthorised(
                f"this needs 'Authorization: Bearer <API key>' of a client with the scope {scope.value!r}"
            )
        principal.require_scope(scope)
        return principal

    return dependency


def _signed_in_documented(request: Request, _session: Annotated[str | None, Depends(_documented_session)]) -> Principal:
    return _signed_in(request)


IdentityDep = Annotated[RequestIdentity, Depends(_identity)]
PrincipalDep = Annotated[Principal, Depends(_principal)]
SignedInDep = Annotated[Principal, Depends(_signed_in_documented)]
