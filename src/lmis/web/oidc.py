"""Single sign-on over HTTP: LMIS as an OpenID Connect provider, and sign-in through an external e-ID provider.

The protocol rules are `lmis.identity.oidc`; here requests become parameters and answers become
redirects, pages and JSON. OAuth clients learn these endpoints from the discovery document
(OpenID Connect Discovery 1.0), so they stay out of the /api/v1 OpenAPI document; docs/security.md
describes them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote_plus, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lmis.bootstrap import Services
from lmis.identity import oidc
from lmis.identity import services as accounts
from lmis.identity.credentials import new_token
from lmis.identity.model import Account, PrincipalKind, Session, SessionStage
from lmis.identity.oidc import ClientAuth, OidcError
from lmis.shared.errors import Conflict, Invalid, LmisError, NotFound, Unauthorised
from lmis.sources.oidc_provider import ExternalProvider, ProviderUnavailable
from lmis.web.auth import client_ip
from lmis.web.csrf import SESSION_COOKIE
from lmis.web.deps import ServicesDep
from lmis.web.portal.signin import safe_next, see_other, set_session_cookie, with_next
from lmis.web.portal.views import error_page, render

router = APIRouter(include_in_schema=False)
EXTERNAL_PATH = "/sign-in/external"
EXTERNAL_COOKIE = "lmis_external_sign_in"
EXTERNAL_SECONDS = 600  # how long a person may take at the e-ID provider
_SEALED_CONTEXT = "external-sign-in"  # AES-GCM associated data: the sealed cookie is good for this only
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1
_PUBLIC = {"Cache-Control": "public, max-age=3600"}
# Where a new session that still owes a step goes first (the sign-in page's rule).
_OWED = {SessionStage.MFA_PENDING: "/sign-in/second-factor", SessionStage.MFA_SETUP: "/account/security/setup"}
# What the consent form carries back; other parameters are ignored (RFC 6749 §3.1).
_CARRIED = frozenset(
    {"response_type", "client_id", "redirect_uri", "scope", "state", "nonce"}
    | {"code_challenge", "code_challenge_method", "prompt", "max_age", "response_mode"}
)


def _issuer(services: Services) -> str:
    return services.settings.public_url.rstrip("/")


@router.get("/.well-known/openid-configuration")
def configuration(services: ServicesDep) -> JSONResponse:
    """The provider metadata relying parties configure themselves from."""
    return JSONResponse(oidc.discovery(_issuer(services)), headers=_PUBLIC)


@router.get("/oauth/jwks")
def jwks(services: ServicesDep) -> JSONResponse:
    """The public key ID tokens are signed with."""
    return JSONResponse(services.oidc_key.jwks(), headers=_PUBLIC)


def _signed_in(request: Request) -> tuple[Session, Account] | None:
    """The fully signed-in browser session of the request (not one still owing a second factor)."""
    identity = getattr(request.state, "identity", None)
    if identity is None or identity.principal.kind is not PrincipalKind.ACCOUNT:
        return None
    if identity.session is None or identity.account is None or identity.session.stage is not SessionStage.FULL:
        return None
    return identity.session, identity.account


def _to_client(redirect_uri: str, services: Services, **answer: str | None) -> RedirectResponse:
    """Back to the client with `answer` in the query, `iss` added (RFC 9207); 303 so a POST is not repeated."""
    query = urlencode({name: value for name, value in {**answer, "iss": _issuer(services)}.items() if value})
    return RedirectResponse(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}", status_code=303)


def _refused(request: Request, services: Services, error: OidcError) -> Response:
    """An authorization error: to the client once its redirect address is trusted, else a page (RFC 6749 §4.1.2.1)."""
    if error.redirect_uri is None:
        return render(request, "error.html", 400, error=f"{error.detail} ({error.error})", suggestions=[])
    return _to_client(
        error.redirect_uri, services, error=error.error, error_description=_ascii(error.detail), state=error.state
    )


def _ascii(text: str) -> str:
    """`error_description` takes printable ASCII without quote and backslash (RFC 6749 §5.2)."""
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in text)


def _sign_in_first(parameters: Sequence[tuple[str, str]]) -> RedirectResponse:
    """To the sign-in page, which comes back to this request when done."""
    return RedirectResponse(f"/sign-in?{urlencode({'next': '/oauth/authorize?' + urlencode(parameters)})}", 303)


@router.get("/oauth/authorize")
def authorize(request: Request, services: ServicesDep) -> Response:
    """An authentication request: sign in first, then the consent page (OIDC §3.1.2)."""
    parameters = request.query_params.multi_items()
    try:
        asked = oidc.authorization_request(uow=services.uow(), parameters=parameters)
    except OidcError as error:
        return _refused(request, services, error)
    found = _signed_in(request)
    if found is None and "none" in asked.prompt:
        return _refused(request, services, asked.error("login_required", "nobody is signed in"))
    if found is None:
        return _sign_in_first(parameters)
    session, account = found
    if oidc.too_old(asked, session.created_at, services.now()):
        return _refused(request, services, asked.error("login_required", "the sign-in is older than max_age"))
    if "none" in asked.prompt:
        return _refused(request, services, asked.error("consent_required", "the person has not allowed this client"))
    carried = [(name, value) for name, value in parameters if name in _CARRIED]
    # Like every portal page, it cannot be framed (lmis.web.guards.SecurityHeaders; RFC 9700 §4.16).
    return render(
        request, "oidc_consent.html", client_name=asked.client_name, scopes=asked.scopes, person=account, fields=carried
    )


@router.post("/oauth/authorize")
async def decide(request: Request) -> Response:
    """The person's Allow or Deny on the consent page (a CSRF-checked form)."""
    form = await request.form()
    items = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    parameters = [(name, value) for name, value in items if name in _CARRIED]
    allow = dict(items).get("decision") == "allow"
    return await run_in_threadpool(_decide, request, request.app.state.services, parameters, allow)


def _decide(request: Request, services: Services, parameters: Sequence[tuple[str, str]], allow: bool) -> Response:
    try:
        asked = oidc.authorization_request(uow=services.uow(), parameters=parameters)
    except OidcError as error:
        return _refused(request, services, error)
    found = _signed_in(request)
    if found is None:
        return _sign_in_first(parameters)
    session, account = found
    code = oidc.decide(
        uow=services.uow(),
        request=asked,
        account=account,
        allow=allow,
        auth_time=session.created_at,
        ip=client_ip(request),
        now=services.now(),
    )
    if code is None:
        return _to_client(asked.redirect_uri, services, error="access_denied", state=asked.state)
    return _to_client(asked.redirect_uri, services, code=code, state=asked.state)


@router.post("/oauth/token")
async def token(request: Request) -> JSONResponse:
    """The token endpoint: authorization code (ID token + access token) or client credentials (RFC 6749 §3.2)."""
    services: Services = request.app.state.services
    form = await request.form()
    try:
        fields = _once(form.multi_items())
        auth = _client_auth(request.headers.get("authorization", ""), fields)
        answer = await run_in_threadpool(_token_answer, services, auth, fields)
    except OidcError as error:
        headers = {**_NO_STORE, **({"WWW-Authenticate": 'Basic realm="lmis"'} if error.status == 401 else {})}
        body = {"error": error.error, "error_description": _ascii(error.detail)}
        return JSONResponse(body, status_code=error.status, headers=headers)
    return JSONResponse(answer, headers=_NO_STORE)


def _token_answer(services: Services, auth: ClientAuth | None, fields: Mapping[str, str]) -> dict[str, Any]:
    issuer = oidc.Issuer(_issuer(services), services.oidc_key.sign)  # the key may be made now: not on the event loop
    return oidc.token_request(uow=services.uow(), auth=auth, form=fields, issuer=issuer, now=services.now())


def _once(items: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """The form's text fields; a repeated one is `invalid_request` (RFC 6749 §3.2)."""
    fields: dict[str, str] = {}
    for name, value in items:
        if name in fields:
            raise OidcError("invalid_request", f"{name} is given more than once")
        if isinstance(value, str):
            fields[name] = value
    return fields


def _client_auth(header: str, fields: Mapping[str, str]) -> ClientAuth | None:
    """Who the client says it is: HTTP Basic, or client_id (+ client_secret) in the body (RFC 6749 §2.3.1)."""
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "basic":
        client_id = fields.get("client_id")
        return ClientAuth(client_id, fields.get("client_secret")) if client_id else None
    if "client_secret" in fields:
        raise OidcError("invalid_request", "use one client authentication method, not two")
    try:
        client_id, _, secret = base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise OidcError("invalid_client", "malformed Basic credentials", status=401) from None
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)  # form-encoded first (RFC 6749 §2.3.1)
    if fields.get("client_id", client_id) != client_id:
        raise OidcError("invalid_request", "client_id differs from the authenticated client")
    return ClientAuth(client_id, secret)


@router.api_route("/oauth/userinfo", methods=["GET", "POST"])
def userinfo(request: Request, services: ServicesDep) -> JSONResponse:
    """Claims about the person an access token was issued to (OIDC §5.3); errors as RFC 6750 §3."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        hint = {"error_description": "send the access token as 'Authorization: Bearer <token>'"}
        return JSONResponse(hint, 401, headers={**_NO_STORE, "WWW-Authenticate": "Bearer"})  # RFC 6750 §3.1
    try:
        claims = oidc.userinfo(uow=services.uow(), token=credential.strip(), now=services.now())
    except OidcError as error:
        challenge = f'Bearer error="{error.error}", error_description="{_ascii(error.detail)}"'
        body = {"error": error.error, "error_description": _ascii(error.detail)}
        return JSONResponse(body, error.status, headers={**_NO_STORE, "WWW-Authenticate": challenge})
    return JSONResponse(claims, headers=_NO_STORE)


# Sign-in through an external provider (a national e-ID). What the callback must check (state,
# nonce, PKCE verifier, where to go next) travels in a cookie sealed with the install's AES-GCM
# keyring: nothing to store or purge server-side, every worker can read it, and the browser can
# neither read nor alter it. Bound to this browser, it also stops login CSRF (RFC 9700 §4.7.1).


def _external_callback(services: Services) -> str:
    return f"{_issuer(services)}{EXTERNAL_PATH}/callback"


@router.get(EXTERNAL_PATH)
def external_sign_in(request: Request, services: ServicesDep, next: str = "") -> Response:
    """Send the browser to the e-ID provider with a fresh state, nonce and PKCE verifier."""
    provider = services.external_provider
    if provider is None:
        return error_page(request, NotFound("sign-in with an external e-ID is not configured here"))
    verifier, challenge = oidc.new_pkce()
    started = {"state": new_token(), "nonce": new_token(), "verifier": verifier, "next": safe_next(next)}
    try:
        url = provider.authorization_url(
            redirect_uri=_external_callback(services),
            state=started["state"],
            nonce=started["nonce"],
            code_challenge=challenge,
        )
    except LmisError as error:
        return _external_failed(request, error)
    sealed = services.cipher.encrypt(json.dumps({**started, "at": services.now().timestamp()}), context=_SEALED_CONTEXT)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        EXTERNAL_COOKIE,
        sealed,
        max_age=EXTERNAL_SECONDS,
        path=EXTERNAL_PATH,
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back
        secure=services.settings.secure_cookies(),
    )
    return response


@router.get(f"{EXTERNAL_PATH}/callback")
def external_callback(request: Request, services: ServicesDep) -> Response:
    """The provider's answer: verify it, find or make the account, open a session like the sign-in page."""
    provider = services.external_provider
    if provider is None:
        return error_page(request, NotFound("sign-in with an external e-ID is not configured here"))
    try:
        started = _unseal(request, services)
        account = _external_account(request, services, provider, started)
        signed_in = accounts.open_session(
            uow=services.uow(),
            account_id=account.id,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            now=services.now(),
        )
    except LmisError as error:
        failed = _external_failed(request, error)
        failed.delete_cookie(EXTERNAL_COOKIE, path=EXTERNAL_PATH)
        return failed
    if old := request.cookies.get(SESSION_COOKIE):
        accounts.sign_out(uow=services.uow(), cookie=old)  # a new session each sign-in, as the sign-in page does
    stage, target = signed_in.session.stage, started["next"]
    response = see_other(with_next(_OWED[stage], target) if stage in _OWED else target)
    set_session_cookie(response, signed_in.cookie, services)
    secure = services.settings.secure_cookies()
    response.delete_cookie(EXTERNAL_COOKIE, path=EXTERNAL_PATH, secure=secure, httponly=True, samesite="lax")
    return response


def _unseal(request: Request, services: Services) -> dict[str, str]:
    sealed = request.cookies.get(EXTERNAL_COOKIE)
    if not sealed:
        raise Invalid("this sign-in expired or did not start in this browser; start again", field="state")
    started = json.loads(services.cipher.decrypt(sealed, context=_SEALED_CONTEXT))
    if services.now().timestamp() - float(started.pop("at")) > EXTERNAL_SECONDS:
        raise Invalid("this sign-in took too long; start again", field="state")
    return {name: str(value) for name, value in started.items()}


def _external_account(
    request: Request, services: Services, provider: ExternalProvider, started: Mapping[str, str]
) -> Account:
    answer = request.query_params
    if not hmac.compare_digest(answer.get("state", "").encode(), started["state"].encode()):
        raise Unauthorised("this answer belongs to another sign-in (state differs); start again")
    if "error" in answer:
        raise Unauthorised(f"the e-ID provider did not sign you in ({answer['error']})")
    if "iss" in answer and answer["iss"].rstrip("/") != provider.issuer:  # mix-up defence (RFC 9207 §2.4)
        raise Unauthorised("the answer comes from another provider than the one asked")
    id_token = provider.exchange(
        code=answer.get("code", ""), redirect_uri=_external_callback(services), code_verifier=started["verifier"]
    )
    claims = provider.verified_claims(id_token, nonce=started["nonce"], now=services.now())
    return oidc.external_account(
        uow=services.uow(), issuer=provider.issuer, claims=claims, ip=client_ip(request), now=services.now()
    )


def _external_failed(request: Request, error: LmisError) -> Response:
    """The error page of a failed external sign-in (403, as the portal answers refused credentials)."""
    kinds: tuple[tuple[type[LmisError], int], ...] = ((ProviderUnavailable, 502), (Conflict, 409), (Invalid, 400))
    status = next((code for kind, code in kinds if isinstance(error, kind)), 403)
    detail = f"Signing in with {request.app.state.services.settings.external_oidc_name} failed: {error.detail}"
    return render(request, "error.html", status, error=detail, suggestions=[])
