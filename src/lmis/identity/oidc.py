"""Single sign-on rules: LMIS as an OpenID Connect provider (code flow + PKCE) and sign-in through an external one.

Sources: OpenID Connect Core 1.0 (OIDC), RFC 6749 (OAuth 2.0), RFC 7636 (PKCE), RFC 9207 (the `iss`
response parameter), RFC 9700 (OAuth security best current practice). JOSE stays outside: the
caller passes a `Signer` that turns claims into a signed JWT.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from lmis.identity import credentials as creds
from lmis.identity.audit import record
from lmis.identity.clients import ACCESS_TOKEN_LIFETIME, client_credentials
from lmis.identity.model import Account, AccountStatus, ApiClient, Role, principal_of
from lmis.identity.ports import IdentityRepository, IdentityUnitOfWork, StoredCode
from lmis.identity.services import normalise_email
from lmis.shared.errors import Conflict, Forbidden, Invalid, LmisError, Unauthorised
from lmis.shared.ids import stable_id

Signer = Callable[[Mapping[str, Any]], str]
"""Signs ID token claims as a compact JWT (RS256) under the install's key."""


@dataclass(frozen=True, slots=True)
class Issuer:
    """This provider as ID tokens name it (`url`, the `iss` claim) and sign them (`sign`)."""

    url: str
    sign: Signer


SUPPORTED_SCOPES = ("openid", "profile", "email")
CODE_LIFETIME = timedelta(seconds=60)  # short and single use (RFC 6749 §4.1.2 recommends at most 10 minutes)
ID_TOKEN_LIFETIME = timedelta(minutes=10)  # a one-off statement that the person signed in
ACCESS_SECONDS = int(ACCESS_TOKEN_LIFETIME.total_seconds())
_PKCE = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1: the verifier's characters and length
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # base64url of 32 bytes, no padding (RFC 7636 §4.2)
_MAX_PARAMETER = 512  # state and nonce: long enough for any client, short enough to keep in a row
CLAIMS = ("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "email", "email_verified", "name")
PROVIDER_FEATURES: dict[str, Any] = {
    "scopes_supported": list(SUPPORTED_SCOPES),
    "response_types_supported": ["code"],
    "response_modes_supported": ["query"],
    "grant_types_supported": ["authorization_code", "client_credentials"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],  # the one every client must support (OIDC §15.1)
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
    "code_challenge_methods_supported": ["S256"],
    "prompt_values_supported": ["none", "consent"],
    "claims_supported": list(CLAIMS),
    "authorization_response_iss_parameter_supported": True,  # RFC 9207
    "request_parameter_supported": False,
    "request_uri_parameter_supported": False,
    "claims_parameter_supported": False,
}


class OidcError(LmisError):
    """A protocol error with its registered code (RFC 6749 §4.1.2.1, §5.2; OIDC §3.1.2.6).

    `redirect_uri` is set once the client and its redirect address are trusted: the error then
    goes back to the client; before that it is shown to the person (RFC 6749 §4.1.2.1).
    """

    def __init__(
        self, error: str, detail: str, *, status: int = 400, redirect_uri: str | None = None, state: str | None = None
    ) -> None:
        super().__init__(detail)
        self.error = error
        self.status = status
        self.redirect_uri = redirect_uri
        self.state = state


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """A checked authentication request of a relying party (OIDC §3.1.2.1)."""

    client_id: str
    client_name: str
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str
    state: str | None = None
    nonce: str | None = None
    prompt: frozenset[str] = frozenset()
    max_age: int | None = None

    def error(self, code: str, detail: str) -> OidcError:
        """An error that goes back to the client's redirect address."""
        return OidcError(code, detail, redirect_uri=self.redirect_uri, state=self.state)


@dataclass(frozen=True, slots=True)
class ClientAuth:
    """Who a client says it is at the token endpoint (OIDC §9: a secret, or none for a public client)."""

    client_id: str
    secret: str | None


def s256(verifier: str, *, octets: int = 32) -> str:
    """The S256 code challenge of a PKCE verifier: BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2).

    With `octets=16`, the left half: an ID token's `at_hash` of an access token (OIDC §3.1.3.6, RS256).
    """
    digest = hashlib.sha256(verifier.encode("ascii")).digest()[:octets]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_pkce() -> tuple[str, str]:
    """A fresh PKCE verifier (256 random bits, 43 characters) and its S256 challenge."""
    verifier = creds.new_token()
    return verifier, s256(verifier)


def discovery(issuer: str) -> dict[str, Any]:
    """The provider metadata (OpenID Connect Discovery 1.0 §3) of the issuer."""
    paths = {"authorization_endpoint": "authorize", "token_endpoint": "token", "userinfo_endpoint": "userinfo"}
    urls = {name: f"{issuer}/oauth/{path}" for name, path in {**paths, "jwks_uri": "jwks"}.items()}
    return {"issuer": issuer, **urls, **PROVIDER_FEATURES}


def _single(parameters: Sequence[tuple[str, str]]) -> tuple[dict[str, str], set[str]]:
    """The parameters by name, and the names given more than once (RFC 6749 §3.1 forbids repeats)."""
    counts = Counter(name for name, _value in parameters)
    return dict(parameters), {name for name, count in counts.items() if count > 1}


def authorization_request(*, uow: IdentityUnitOfWork, parameters: Sequence[tuple[str, str]]) -> AuthorizationRequest:
    """Check an authentication request; `OidcError` says why not (with `redirect_uri` once that is trusted)."""
    values, repeated = _single(parameters)
    client_id, redirect_uri = values.get("client_id", ""), values.get("redirect_uri", "")
    if repeated & {"client_id", "redirect_uri"} or not client_id or len(client_id) > 64:
        raise OidcError("invalid_request", "the request names no client (or names it twice)")
    with uow:
        client = uow.identity.client(client_id)
        registered = list(client.redirect_uris) if client else []
    if client is None or client.revoked_at is not None:
        raise OidcError("invalid_request", f"no live client {client_id!r} is registered for single sign-on")
    if not registered:
        raise OidcError("unauthorized_client", f"client {client.name!r} has no registered redirect address")
    if redirect_uri not in registered:  # exact string comparison (RFC 9700 §2.1)
        raise OidcError("invalid_request", f"{redirect_uri!r} is not a redirect address registered for {client.name!r}")
    state = values.get("state")
    trusted = AuthorizationRequest(client.id, client.name, redirect_uri, (), "", state=state)
    if repeated:
        raise trusted.error("invalid_request", f"parameters given more than once: {', '.join(sorted(repeated))}")
    return _checked(trusted, values)


def _checked(request: AuthorizationRequest, values: Mapping[str, str]) -> AuthorizationRequest:
    if values.get("response_type") != "code":
        raise request.error("unsupported_response_type", "only the authorization code flow (response_type=code)")
    if "request" in values or "request_uri" in values:
        code = "request_not_supported" if "request" in values else "request_uri_not_supported"
        raise request.error(code, "request objects are not supported")
    if values.get("response_mode", "query") != "query":
        raise request.error("invalid_request", "only response_mode=query is supported")
    scopes = tuple(dict.fromkeys(values.get("scope", "").split()))
    if "openid" not in scopes:
        raise request.error("invalid_scope", "an OpenID Connect request asks for the scope 'openid'")
    if unknown := [scope for scope in scopes if scope not in SUPPORTED_SCOPES]:
        raise request.error("invalid_scope", f"unknown scopes {' '.join(unknown)}; known: {' '.join(SUPPORTED_SCOPES)}")
    challenge = values.get("code_challenge", "")
    if not challenge:
        raise request.error("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256")
    if values.get("code_challenge_method") != "S256":  # a missing method means plain (RFC 7636 §4.3)
        raise request.error("invalid_request", "only the PKCE method S256 is supported (plain is refused)")
    if not _S256_CHALLENGE.fullmatch(challenge):
        raise request.error("invalid_request", "code_challenge is not the base64url of a SHA-256 digest")
    state, nonce = values.get("state"), values.get("nonce")
    if any(len(value) > _MAX_PARAMETER for value in (state or "", nonce or "")):
        raise request.error("invalid_request", f"state and nonce may have at most {_MAX_PARAMETER} characters")
    return replace(request, scopes=scopes, code_challenge=challenge, nonce=nonce, **_prompt(request, values))


def _prompt(request: AuthorizationRequest, values: Mapping[str, str]) -> dict[str, Any]:
    prompt = frozenset(values.get("prompt", "").split())
    if "none" in prompt and len(prompt) > 1:
        raise request.error("invalid_request", "prompt=none goes alone (OIDC §3.1.2.1)")
    if prompt & {"login", "select_account"}:  # re-authentication on demand is not offered (OIDC §3.1.2.6)
        raise request.error("login_required", "this provider cannot ask a signed-in person to sign in again")
    max_age = values.get("max_age")
    if max_age is not None and not max_age.isdigit():
        raise request.error("invalid_request", "max_age is a number of seconds")
    return {"prompt": prompt, "max_age": int(max_age) if max_age is not None else None}


def too_old(request: AuthorizationRequest, auth_time: datetime, now: datetime) -> bool:
    """True when the person signed in longer ago than the client's `max_age` allows (OIDC §3.1.2.1)."""
    return request.max_age is not None and now - auth_time > timedelta(seconds=request.max_age)


def decide(
    *,
    uow: IdentityUnitOfWork,
    request: AuthorizationRequest,
    account: Account,
    allow: bool,
    auth_time: datetime,
    ip: str,
    now: datetime,
) -> str | None:
    """The person's answer on the consent page, recorded; when allowed, a single-use code valid `CODE_LIFETIME`.

    Only the code's SHA-256 is stored, with what the token request must match later.
    """
    code = creds.new_token()
    scope = " ".join(request.scopes)
    stored = StoredCode(
        request.client_id, account.id, request.redirect_uri, scope, request.nonce, request.code_challenge, auth_time,
        now + CODE_LIFETIME,
    )  # fmt: skip
    with uow:
        if allow:
            uow.identity.add_code(creds.digest(code), stored)
        action, target = ("sso_authorized" if allow else "sso_denied"), f"account:{account.id}"
        record(uow.identity, now, principal_of(account), action, target=target, ip=ip, client=request.client_id)
        uow.commit()
    return code if allow else None


def token_request(
    *, uow: IdentityUnitOfWork, auth: ClientAuth | None, form: Mapping[str, str], issuer: Issuer, now: datetime
) -> dict[str, Any]:
    """The token endpoint (RFC 6749 §3.2): an authorization code or client credentials grant."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OidcError("invalid_request", "grant_type is missing")
    if grant_type not in {"authorization_code", "client_credentials"}:
        raise OidcError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    if auth is None:
        raise OidcError("invalid_client", "the client did not say who it is", status=401)
    if grant_type == "client_credentials":
        return _client_credentials(uow, auth, form.get("scope"), now)
    return _exchange(uow, auth, form, issuer, now)


def _client_credentials(uow: IdentityUnitOfWork, auth: ClientAuth, scope: str | None, now: datetime) -> dict[str, Any]:
    if auth.secret is None:
        raise OidcError("invalid_client", "client credentials need the client secret", status=401)
    try:
        token, _client, scopes = client_credentials(
            uow=uow, client_id=auth.client_id, client_secret=auth.secret, scope=scope, now=now
        )
    except Unauthorised as error:
        raise OidcError("invalid_client", error.detail, status=401) from None
    except (Forbidden, Invalid) as error:
        raise OidcError("invalid_scope", error.detail) from None
    return _bearer(token, " ".join(sorted(scopes)))


def _bearer(token: str, scope: str) -> dict[str, Any]:
    return {"access_token": token, "token_type": "Bearer", "expires_in": ACCESS_SECONDS, "scope": scope}


def _authenticated(identity: IdentityRepository, auth: ClientAuth) -> ApiClient:
    """The client, when its credentials are right: a secret for confidential clients, none for public ones."""
    client = identity.client(auth.client_id)
    stored = identity.client_secret_hash(auth.client_id) if client else None
    if client is None or client.revoked_at is not None:
        raise OidcError("invalid_client", "unknown or revoked client", status=401)
    if stored is None and auth.secret is not None:
        raise OidcError("invalid_client", "this is a public client; it has no secret", status=401)
    if stored is not None and (auth.secret is None or not creds.same(stored, creds.digest(auth.secret))):
        raise OidcError("invalid_client", "this client authenticates with its client secret", status=401)
    return client


def _exchange(
    uow: IdentityUnitOfWork, auth: ClientAuth, form: Mapping[str, str], issuer: Issuer, now: datetime
) -> dict[str, Any]:
    code, redirect_uri, verifier = form.get("code", ""), form.get("redirect_uri", ""), form.get("code_verifier", "")
    with uow:
        client = _authenticated(uow.identity, auth)
        if not code or not redirect_uri:
            raise OidcError("invalid_request", "code and redirect_uri are required")
        if not _PKCE.fullmatch(verifier):  # checked before the code is spent (RFC 7636 §4.1)
            raise OidcError("invalid_request", "code_verifier is required: 43 to 128 unreserved characters")
        stored = uow.identity.take_code(creds.digest(code), now)
        uow.commit()  # the code is spent whatever follows (RFC 6749 §4.1.2: single use)
        if stored is None or stored.client_id != client.id:
            raise OidcError("invalid_grant", "the code is unknown, used, expired or another client's")
        if stored.redirect_uri != redirect_uri:
            raise OidcError("invalid_grant", "redirect_uri differs from the authorization request's")
        if not creds.same(s256(verifier), stored.code_challenge):
            raise OidcError("invalid_grant", "code_verifier does not match the code_challenge")
        account = uow.identity.account(stored.account_id)
        if account is None or account.status is not AccountStatus.ACTIVE:
            raise OidcError("invalid_grant", "the account is no longer active")
        tokens = _issue(uow.identity, client, account, stored, issuer, now)
        record(uow.identity, now, client.principal(), "sso_sign_in", target=f"account:{account.id}", client=client.id)
        uow.commit()
    return tokens


def _issue(
    identity: IdentityRepository, client: ApiClient, account: Account, code: StoredCode, issuer: Issuer, now: datetime
) -> dict[str, Any]:
    scopes = [scope for scope in code.scope.split() if scope in SUPPORTED_SCOPES]
    token = creds.new_token()
    identity.add_access_token(creds.digest(token), client.id, account.id, scopes, now + ACCESS_TOKEN_LIFETIME)
    claims: dict[str, Any] = {
        "iss": issuer.url,
        "sub": account.id,
        "aud": client.id,
        "iat": int(now.timestamp()),
        "exp": int((now + ID_TOKEN_LIFETIME).timestamp()),
        "auth_time": int(code.auth_time.timestamp()),
        "at_hash": s256(token, octets=16),
        **({"nonce": code.nonce} if code.nonce else {}),
        **person_claims(account, scopes),
    }
    return {**_bearer(token, " ".join(scopes)), "id_token": issuer.sign(claims)}


def person_claims(account: Account, scopes: Sequence[str]) -> dict[str, Any]:
    """The claims about the person that the granted scopes release (OIDC §5.4)."""
    claims: dict[str, Any] = {}
    if "email" in scopes:
        claims.update(email=account.email, email_verified=account.email_verified)
    if "profile" in scopes:
        claims["name"] = account.name
    return claims


def userinfo(*, uow: IdentityUnitOfWork, token: str, now: datetime) -> dict[str, Any]:
    """The UserInfo response (OIDC §5.3) for an access token issued to a person with the scope openid."""
    with uow:
        stored = uow.identity.access_token(creds.digest(token))
        if stored is None or stored.expires_at <= now or stored.account_id is None or "openid" not in stored.scopes:
            raise OidcError("invalid_token", "the access token is unknown, expired or not a sign-in token", status=401)
        client, account = uow.identity.client(stored.client_id), uow.identity.account(stored.account_id)
    if client is None or client.revoked_at is not None or account is None or account.status is not AccountStatus.ACTIVE:
        raise OidcError("invalid_token", "the token's client is revoked or its account no longer active", status=401)
    return {"sub": account.id, **person_claims(account, stored.scopes)}


def external_account(
    *, uow: IdentityUnitOfWork, issuer: str, claims: Mapping[str, Any], ip: str, now: datetime
) -> Account:
    """The account an external provider's verified ID token claims stand for, linked or made on first sign-in.

    Found by `external_subject` ("<issuer> <sub>"); else an account whose address the provider says
    is verified gets linked; else a jobseeker account is made (verified address, no password).
    """
    subject = f"{issuer} {claims['sub']}"
    with uow:
        account = uow.identity.account_by_subject(subject) or _link_or_create(uow.identity, subject, claims, now)
        if account.status is not AccountStatus.ACTIVE:
            raise Forbidden("this account is disabled")
        target = f"account:{account.id}"
        record(uow.identity, now, principal_of(account), "external_sign_in", target=target, ip=ip, issuer=issuer)
        uow.commit()
    return account


def _link_or_create(identity: IdentityRepository, subject: str, claims: Mapping[str, Any], now: datetime) -> Account:
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise Invalid("the e-ID provider did not give an e-mail address; allow LMIS to read it", field="email")
    address = normalise_email(email)
    verified = claims.get("email_verified") is True
    existing = identity.account_by_email(address)
    if existing is not None:
        if not verified:  # linking on an unverified address would hand the account to whoever typed it
            raise Conflict(f"an account with {address} exists; sign in with its password to use it")
        identity.link_subject(existing.id, subject)
        record(identity, now, principal_of(existing), "external_subject_linked", target=f"account:{existing.id}")
        return existing
    name = claims.get("name")
    account = Account(
        id=stable_id("account", f"{address}\x1f{now.isoformat()}"),
        email=address,
        name=name.strip()[:200] if isinstance(name, str) and name.strip() else address.split("@")[0],
        role=Role.JOBSEEKER,
        status=AccountStatus.ACTIVE,
        created_at=now,
        email_verified=verified,
    )
    identity.add_account(account, None, now)
    identity.link_subject(account.id, subject)
    record(
        identity, now, principal_of(account), "account_created", target=f"account:{account.id}", via="external_sign_in"
    )
    return account
