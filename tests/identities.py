"""Accounts, sessions and API keys for tests, made through the identity services (no shortcuts in storage
except creating staff, which an administrator would do)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyotp
from fastapi.testclient import TestClient

from lmis.bootstrap import Services
from lmis.identity import clients, mfa
from lmis.identity import services as accounts
from lmis.identity.credentials import hash_password
from lmis.identity.model import Account, AccountStatus, Principal, Role, Scope, SessionStage, principal_of
from lmis.shared.ids import stable_id
from lmis.web.csrf import CSRF_COOKIE, SESSION_COOKIE, token_for

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Person:
    """A test account with what it signs in with."""

    account: Account
    totp_secret: str | None = None

    @property
    def principal(self) -> Principal:
        return principal_of(self.account)

    def code(self, services: Services) -> str:
        """The current TOTP code of this person's authenticator."""
        assert self.totp_secret is not None
        return pyotp.TOTP(self.totp_secret).at(services.now())


def make_account(
    services: Services,
    role: Role,
    name: str | None = None,
    *,
    region: str | None = None,
    employer_id: str | None = None,
    partner: str | None = None,
    with_mfa: bool | None = None,
) -> Person:
    """A verified, active account with `PASSWORD`; staff (and `with_mfa=True`) get a confirmed TOTP factor."""
    now = services.now()
    label = name or f"{role.value} {region or ''}".strip()
    email = f"{label.lower().replace(' ', '.')}.{stable_id('t', now.isoformat() + label)}@example.org"
    if role is Role.EMPLOYER and employer_id is None:
        employer_id = stable_id("employer", label)
    account = Account(
        id=stable_id("account", email),
        email=email,
        name=label,
        role=role,
        status=AccountStatus.ACTIVE,
        created_at=now,
        email_verified=True,
        region=region,
        employer_id=employer_id,
        partner=partner,
    )
    with services.uow() as uow:
        uow.identity.add_account(account, hash_password(PASSWORD), now)
        uow.commit()
    if with_mfa if with_mfa is not None else account.needs_mfa:
        enrolment = mfa.begin_totp(uow=services.uow(), cipher=services.cipher, actor=principal_of(account), now=now)
        code = pyotp.TOTP(enrolment.secret).at(now)
        mfa.confirm_totp(uow=services.uow(), cipher=services.cipher, actor=principal_of(account), code=code, now=now)
        return Person(replace(account, mfa_enabled=True), enrolment.secret)
    return Person(account)


def session_cookie(services: Services, person: Person) -> str:
    """The cookie of a fully signed-in session of `person` (as after password and second factor)."""
    signed_in = accounts.open_session(
        uow=services.uow(), account_id=person.account.id, ip="127.0.0.1", user_agent="tests", now=services.now()
    )
    with services.uow() as uow:
        uow.identity.set_session_stage(signed_in.session.id, SessionStage.FULL)
        uow.commit()
    return signed_in.cookie


def sign_in_browser(client: TestClient, services: Services, person: Person | None) -> str:
    """Give `client` the cookies of `person`'s session (none for anonymous); returns the CSRF token forms need."""
    client.cookies.clear()
    browser_secret = "test-browser-secret"
    client.cookies.set(CSRF_COOKIE, browser_secret)
    cookie = session_cookie(services, person) if person else None
    if cookie:
        client.cookies.set(SESSION_COOKIE, cookie)
    return token_for(services.secrets.signing_key, browser_secret, cookie)


def api_key(
    services: Services,
    owner: Person,
    scopes: set[Scope],
    *,
    sources: frozenset[str] = frozenset(),
    quota_per_day: int = 10_000,
    rate_per_minute: int = 10_000,
    purpose: str = "testing the API with a registered client",
) -> clients.Registered:
    """A registered client of `owner` (a partner administrator or administrator) with its first key."""
    request = clients.ClientRequest(
        name=f"client {len(scopes)} {sorted(sources)}",
        scopes=frozenset(scopes),
        purpose=purpose,
        sources=sources,
        quota_per_day=quota_per_day,
        rate_per_minute=rate_per_minute,
    )
    return clients.register_client(uow=services.uow(), actor=owner.principal, request=request, now=services.now())


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def session_credentials(services: Services, person: Person) -> tuple[str, str]:
    """A signed-in session of `person` for API scripts: the session cookie and the `X-CSRF-Token` it needs."""
    cookie = session_cookie(services, person)
    return cookie, token_for(services.secrets.signing_key, "", cookie)


_STAFF: dict[tuple[int, str], dict[str, str]] = {}


def staff_headers(services: Services, name: str = "Ana", role: Role = Role.COUNSELLOR) -> dict[str, str]:
    """Headers of a signed-in staff member `name` (one account per services): session cookie and CSRF token."""
    key = (id(services), name)
    if key not in _STAFF:
        cookie = session_cookie(services, make_account(services, role, name))
        token = token_for(services.secrets.signing_key, "staff-browser", cookie)
        _STAFF[key] = {
            "Cookie": f"{SESSION_COOKIE}={cookie}; {CSRF_COOKIE}=staff-browser",
            "X-CSRF-Token": token,
        }
    return _STAFF[key]
