"""API clients of institutions: registration, keys shown once, OAuth2 client credentials, quotas and usage.

A key reads `lmis_<key id>_<secret>`: the id finds the row, the secret is compared with its
SHA-256 (keys carry 256 random bits, so a slow password hash would add cost and no safety).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lmis.identity import credentials as creds
from lmis.identity.audit import record
from lmis.identity.model import ApiClient, Permission, Principal, PrincipalKind, Role, Scope
from lmis.identity.ports import IdentityRepository, IdentityUnitOfWork, StoredKey, UsageDay
from lmis.shared.errors import Forbidden, Invalid, NotFound, RateLimited, Unauthorised
from lmis.shared.ids import check_source_name, stable_id

KEY_PREFIX = "lmis_"
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
DEFAULT_QUOTA_PER_DAY = 10_000
DEFAULT_RATE_PER_MINUTE = 120
MAX_QUOTA_PER_DAY = 10_000_000


@dataclass(frozen=True, slots=True)
class ClientRequest:
    """What an institution asks for when it registers a client."""

    name: str
    scopes: frozenset[Scope]
    purpose: str
    sources: frozenset[str] = frozenset()
    quota_per_day: int = DEFAULT_QUOTA_PER_DAY
    rate_per_minute: int = DEFAULT_RATE_PER_MINUTE
    redirect_uris: tuple[str, ...] = ()  # a single sign-on relying party's callback addresses
    confidential: bool = True  # has a client secret (client credentials; confidential OIDC clients)


@dataclass(frozen=True, slots=True)
class Registered:
    """A new client with the credentials shown once: an API key and, when confidential, a client secret."""

    client: ApiClient
    api_key: str
    client_secret: str | None


def parse_scopes(values: list[str] | str) -> frozenset[Scope]:
    """Scopes from names (a list, or a space-separated string as OAuth2 sends them); unknown ones are `Invalid`."""
    names = values.split() if isinstance(values, str) else values
    known = {scope.value: scope for scope in Scope}
    for name in names:
        if name not in known:
            raise Invalid(f"unknown scope {name!r}", field="scopes", suggestions=sorted(known))
    return frozenset(known[name] for name in names)


def register_client(*, uow: IdentityUnitOfWork, actor: Principal, request: ClientRequest, now: datetime) -> Registered:
    """Register a client for the actor's institution and issue its first key.

    Partner administrators register clients for their own partner (and push only to sources named
    for it); administrators for anyone. Personal data access needs a stated purpose.
    """
    actor.require(Permission.MANAGE_API_CLIENTS)
    _check_request(request)
    if actor.id is None:
        raise Unauthorised("sign in first")
    client = ApiClient(
        id=stable_id("client", f"{actor.id}\x1f{request.name}\x1f{now.isoformat()}"),
        name=request.name.strip(),
        owner_id=actor.id,
        partner=actor.partner,
        scopes=request.scopes,
        sources=request.sources,
        purpose=request.purpose.strip(),
        quota_per_day=request.quota_per_day,
        rate_per_minute=request.rate_per_minute,
        created_at=now,
        redirect_uris=request.redirect_uris,
    )
    secret = creds.new_token() if request.confidential else None
    with uow:
        uow.identity.add_client(client, creds.digest(secret) if secret else None)
        api_key = _issue_key(uow.identity, client.id, now)
        record(
            uow.identity,
            now,
            actor,
            "api_client_registered",
            target=f"client:{client.id}",
            scopes=sorted(client.scopes),
        )
        uow.commit()
    return Registered(client, api_key, secret)


def _check_request(request: ClientRequest) -> None:
    if not request.name.strip() or len(request.name) > 200:
        raise Invalid("a client needs a name of 1 to 200 characters", field="name")
    if Scope.PERSONAL_DATA in request.scopes and len(request.purpose.strip()) < 10:
        raise Invalid("personal data access needs its purpose stated (at least 10 characters)", field="purpose")
    if Scope.POSTINGS_PUSH in request.scopes and not request.sources:
        raise Invalid("a client that pushes postings names the sources it pushes to", field="sources")
    for source in request.sources:
        check_source_name(source)
    if not 1 <= request.quota_per_day <= MAX_QUOTA_PER_DAY:
        raise Invalid(f"the daily quota is 1 to {MAX_QUOTA_PER_DAY:,}", field="quota_per_day")
    if not 1 <= request.rate_per_minute <= 100_000:
        raise Invalid("the rate is 1 to 100,000 requests a minute", field="rate_per_minute")
    for uri in request.redirect_uris:
        if not (uri.startswith("https://") or uri.startswith("http://127.0.0.1") or uri.startswith("http://localhost")):
            raise Invalid(f"{uri!r}: a redirect address uses https (http only on this machine)", field="redirect_uris")


def _issue_key(identity: IdentityRepository, client_id: str, now: datetime) -> str:
    key_id = creds.new_token()[:12].replace("-", "a").replace("_", "b")
    secret = creds.new_token()
    identity.add_key(key_id, client_id, creds.digest(secret), now)
    return f"{KEY_PREFIX}{key_id}_{secret}"


def owned_client(identity: IdentityRepository, actor: Principal, client_id: str) -> ApiClient:
    """The client if the actor may manage it (its owner, its partner's administrators, administrators)."""
    actor.require(Permission.MANAGE_API_CLIENTS)
    client = identity.client(client_id)
    if client is None or not _manages(actor, client):
        raise NotFound(f"no API client {client_id!r} of yours")
    return client


def _manages(actor: Principal, client: ApiClient) -> bool:
    if actor.role is Role.ADMIN:
        return True
    if not actor.can(Permission.MANAGE_API_CLIENTS):
        return False
    return client.owner_id == actor.id or (client.partner is not None and client.partner == actor.partner)


def my_clients(*, uow: IdentityUnitOfWork, actor: Principal) -> list[ApiClient]:
    """The clients the actor manages (administrators: every client)."""
    actor.require(Permission.MANAGE_API_CLIENTS)
    with uow:
        if actor.role is Role.ADMIN:
            return uow.identity.clients()
        mine = {c.id: c for c in uow.identity.clients(owner_id=actor.id)}
        if actor.partner:
            mine.update({c.id: c for c in uow.identity.clients(partner=actor.partner)})
        return sorted(mine.values(), key=lambda client: client.created_at)


def client_keys(*, uow: IdentityUnitOfWork, actor: Principal, client_id: str) -> tuple[ApiClient, list[StoredKey]]:
    with uow:
        client = owned_client(uow.identity, actor, client_id)
        return client, uow.identity.keys(client.id)


def new_key(*, uow: IdentityUnitOfWork, actor: Principal, client_id: str, now: datetime) -> str:
    """Issue another key (to rotate: issue, deploy, then revoke the old one)."""
    with uow:
        client = owned_client(uow.identity, actor, client_id)
        if client.revoked_at is not None:
            raise Forbidden("this client is revoked")
        key = _issue_key(uow.identity, client.id, now)
        record(uow.identity, now, actor, "api_key_issued", target=f"client:{client.id}")
        uow.commit()
    return key


def revoke_key(*, uow: IdentityUnitOfWork, actor: Principal, client_id: str, key_id: str, now: datetime) -> None:
    with uow:
        client = owned_client(uow.identity, actor, client_id)
        key = uow.identity.key(key_id)
        if key is None or key.client_id != client.id:
            raise NotFound(f"no key {key_id!r} on client {client_id!r}")
        uow.identity.revoke_key(key_id, now)
        record(uow.identity, now, actor, "api_key_revoked", target=f"client:{client.id}", key=key_id)
        uow.commit()


def revoke_client(*, uow: IdentityUnitOfWork, actor: Principal, client_id: str, now: datetime) -> None:
    with uow:
        client = owned_client(uow.identity, actor, client_id)
        uow.identity.revoke_client(client.id, now)
        record(uow.identity, now, actor, "api_client_revoked", target=f"client:{client.id}")
        uow.commit()


def client_usage(
    *, uow: IdentityUnitOfWork, actor: Principal, client_id: str, today: date, days: int = 30
) -> tuple[ApiClient, list[UsageDay]]:
    """Requests and refusals per day for the last `days` days."""
    with uow:
        client = owned_client(uow.identity, actor, client_id)
        return client, uow.identity.usage(client.id, today - timedelta(days=days - 1))


def authenticate_key(*, uow: IdentityUnitOfWork, api_key: str, now: datetime) -> ApiClient:
    """The live client an API key belongs to; `Unauthorised` for anything else."""
    try:
        key_id, secret = api_key.removeprefix(KEY_PREFIX).split("_", 1)
    except ValueError:
        raise Unauthorised("malformed API key; it reads lmis_<id>_<secret>") from None
    with uow:
        key = uow.identity.key(key_id)
        if key is None or key.revoked_at is not None or not creds.same(key.secret_hash, creds.digest(secret)):
            raise Unauthorised("unknown or revoked API key")
        client = uow.identity.client(key.client_id)
        if client is None or client.revoked_at is not None:
            raise Unauthorised("this API key's client is revoked")
        if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=5):
            uow.identity.touch_key(key_id, now)  # coarse, so a busy key does not write on every request
            uow.commit()
    return client


def client_credentials(
    *, uow: IdentityUnitOfWork, client_id: str, client_secret: str, scope: str | None, now: datetime
) -> tuple[str, ApiClient, frozenset[Scope]]:
    """OAuth2 client credentials (RFC 6749 §4.4): an access token for the client itself.

    The token carries the requested scopes, which must be among the client's (all of them when
    none are asked for); it expires after `ACCESS_TOKEN_LIFETIME`.
    """
    with uow:
        client = uow.identity.client(client_id)
        stored = uow.identity.client_secret_hash(client_id) if client else None
        if client is None or stored is None or client.revoked_at or not creds.same(stored, creds.digest(client_secret)):
            raise Unauthorised("unknown client or wrong client secret")
        asked = parse_scopes(scope) if scope else client.scopes
        if not asked <= client.scopes:
            missing = ", ".join(sorted(asked - client.scopes))
            raise Forbidden(f"this client was not granted {missing}")
        token = creds.new_token()
        uow.identity.add_access_token(creds.digest(token), client.id, None, sorted(asked), now + ACCESS_TOKEN_LIFETIME)
        uow.commit()
    return token, client, asked


def authenticate_token(*, uow: IdentityUnitOfWork, token: str, now: datetime) -> tuple[ApiClient, Principal]:
    """The principal a bearer access token acts as: its client (client credentials) or its account (single sign-on)."""
    from lmis.identity.model import principal_of

    with uow:
        stored = uow.identity.access_token(creds.digest(token))
        if stored is None or stored.expires_at <= now:
            raise Unauthorised("unknown or expired access token")
        client = uow.identity.client(stored.client_id)
        if client is None or client.revoked_at is not None:
            raise Unauthorised("this token's client is revoked")
        scopes = frozenset(Scope(s) for s in stored.scopes if s in Scope.__members__.values())
        if stored.account_id is None:
            return client, Principal(
                PrincipalKind.CLIENT, id=client.id, partner=client.partner, scopes=scopes, sources=client.sources
            )
        account = uow.identity.account(stored.account_id)
        if account is None:
            raise Unauthorised("this token's account no longer exists")
    return client, principal_of(account)


def count_request(*, uow: IdentityUnitOfWork, client: ApiClient, today: date, seconds_to_midnight: int) -> int:
    """Count one request against the client's daily quota; `RateLimited` once it is used up.

    Counted in the database, so every server worker shares one quota; a refused request is
    counted as refused and not against the quota.
    """
    with uow:
        used = uow.identity.count_request(client.id, today, quota=client.quota_per_day)
        uow.commit()
    if used is None:
        raise RateLimited(
            f"the daily quota of {client.quota_per_day:,} requests of client {client.name!r} is used up",
            retry_after=seconds_to_midnight,
            limit=client.quota_per_day,
            window_seconds=86_400,
        )
    return client.quota_per_day - used
