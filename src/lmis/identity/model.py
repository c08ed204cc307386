"""Accounts, roles, permissions, regional scopes and the principal a request acts as (pure rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from lmis.shared.errors import Forbidden


class Role(StrEnum):
    """What an account is for; each role grants a fixed set of permissions (`ROLE_PERMISSIONS`)."""

    JOBSEEKER = "jobseeker"
    EMPLOYER = "employer"  # an employer's user: posts and manages that employer's vacancies
    COUNSELLOR = "counsellor"  # employment office staff: a region's caseload, review and moderation
    ANALYST = "analyst"  # labour market analysis: aggregates, never a person's record
    PARTNER_ADMIN = "partner_admin"  # a partner institution's administrator: its API clients
    ADMIN = "admin"  # system administrator: accounts, roles, audit log


STAFF_ROLES = frozenset({Role.COUNSELLOR, Role.ANALYST, Role.PARTNER_ADMIN, Role.ADMIN})
"""Roles that must sign in with a second factor."""

SELF_SERVICE_ROLES = frozenset({Role.JOBSEEKER, Role.EMPLOYER})
"""Roles a person may choose when signing up; staff roles are granted by an administrator."""


class Permission(StrEnum):
    """A kind of action; services check them, handlers only pass the principal on."""

    MANAGE_OWN_PROFILE = "manage_own_profile"
    POST_VACANCIES = "post_vacancies"
    READ_CASELOAD = "read_caseload"
    REVIEW_CODES = "review_codes"
    MODERATE_POSTINGS = "moderate_postings"
    READ_ANALYTICS = "read_analytics"
    MANAGE_API_CLIENTS = "manage_api_clients"
    MANAGE_ACCOUNTS = "manage_accounts"
    READ_AUDIT = "read_audit"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.JOBSEEKER: frozenset({Permission.MANAGE_OWN_PROFILE}),
    Role.EMPLOYER: frozenset({Permission.POST_VACANCIES}),
    Role.COUNSELLOR: frozenset(
        {Permission.READ_CASELOAD, Permission.REVIEW_CODES, Permission.MODERATE_POSTINGS, Permission.READ_ANALYTICS}
    ),
    Role.ANALYST: frozenset({Permission.READ_ANALYTICS, Permission.REVIEW_CODES}),
    Role.PARTNER_ADMIN: frozenset({Permission.MANAGE_API_CLIENTS}),
    Role.ADMIN: frozenset(Permission) - {Permission.MANAGE_OWN_PROFILE, Permission.POST_VACANCIES},
}


class Scope(StrEnum):
    """What an API client may do; a client holds the scopes its registration granted."""

    OPEN_DATA = "open_data:read"  # taxonomy, postings, search, aggregates: what anyone may read, at a higher quota
    POSTINGS_PUSH = "postings:push"  # push postings into the partner's own sources
    PERSONAL_DATA = "personal_data:read"  # read people who consented to this client and purpose


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # by an administrator; signs in nowhere
    ERASED = "erased"  # the person asked for erasure; only the id remains


@dataclass(frozen=True, slots=True)
class Account:
    """A person's one account for every LMIS service (and partner services through single sign-on)."""

    id: str
    email: str
    name: str
    role: Role
    status: AccountStatus
    created_at: datetime
    email_verified: bool = False
    mfa_enabled: bool = False
    region: str | None = None  # gazetteer id ("KR", "KR-11"): staff see this region and below; None = national
    employer_id: str | None = None  # employer users: the employer they act for
    partner: str | None = None  # partner administrators: the partner institution they administer

    @property
    def needs_mfa(self) -> bool:
        """Staff sign in with a second factor; everyone who turned it on does too."""
        return self.role in STAFF_ROLES or self.mfa_enabled


def region_covers(scope: str | None, region: str | None) -> bool:
    """True when a staff member scoped to `scope` may see something in `region`.

    Gazetteer ids nest by prefix ("KR" > "KR-11" > "KR-11-dobong-gu"), so an office scoped to
    Seoul sees its districts; national staff (`scope` None) see every region. Something with no
    region is visible to national staff only: a local office cannot tell it is theirs.
    """
    if scope is None:
        return True
    if region is None:
        return False
    return region == scope or region.startswith(scope + "-")


class PrincipalKind(StrEnum):
    ANONYMOUS = "anonymous"
    ACCOUNT = "account"
    CLIENT = "client"
    SYSTEM = "system"  # the operator at the command line, acting as an administrator


def operator(name: str) -> Principal:
    """The principal of someone running `lmis` on the server (they hold the database already)."""
    return Principal(PrincipalKind.SYSTEM, id=name, role=Role.ADMIN, name=name)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as: an anonymous caller, a signed-in account, or an API client.

    Services take a principal and decide; the web edge only resolves it from credentials.
    `on_behalf_of` is the account an OIDC access token was issued to (the client then acts as it).
    """

    kind: PrincipalKind
    id: str | None = None
    role: Role | None = None
    region: str | None = None
    employer_id: str | None = None
    partner: str | None = None
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    sources: frozenset[str] = field(default_factory=frozenset)  # sources a client may push to
    name: str = ""

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS.get(self.role, frozenset()) if self.role else frozenset()

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise `Forbidden` unless this principal's role grants `permission`."""
        if self.kind is PrincipalKind.ANONYMOUS:
            raise Forbidden(f"sign in first: this needs the permission {permission.value!r}")
        if not self.can(permission):
            role = self.role.value if self.role else self.kind.value
            raise Forbidden(f"a {role} may not do this (it needs the permission {permission.value!r})")

    def require_scope(self, scope: Scope) -> None:
        """Raise `Forbidden` unless this is an API client holding `scope`."""
        if scope not in self.scopes:
            raise Forbidden(f"this needs an API client with the scope {scope.value!r}")

    def require_push(self, source: str) -> None:
        """Raise unless this client may push postings into `source` (its registration names it)."""
        self.require_scope(Scope.POSTINGS_PUSH)
        if source not in self.sources:
            raise Forbidden(f"this client pushes to {', '.join(sorted(self.sources)) or 'no source'}, not {source!r}")

    def sees_region(self, region: str | None) -> bool:
        return region_covers(self.region, region)

    @property
    def audit_name(self) -> str:
        """How the audit log names this actor: `account:<id>`, `client:<id>` or `anonymous`."""
        return f"{self.kind.value}:{self.id}" if self.id else self.kind.value


ANONYMOUS = Principal(PrincipalKind.ANONYMOUS)


def principal_of(account: Account) -> Principal:
    """The principal a signed-in account acts as."""
    return Principal(
        PrincipalKind.ACCOUNT,
        id=account.id,
        role=account.role,
        region=account.region,
        employer_id=account.employer_id,
        partner=account.partner,
        name=account.name,
    )


@dataclass(frozen=True, slots=True)
class ApiClient:
    """A registered institution's API client: scopes, the sources it pushes to, its quota and rate."""

    id: str
    name: str
    owner_id: str  # the account that registered it
    partner: str | None
    scopes: frozenset[Scope]
    sources: frozenset[str]
    purpose: str
    quota_per_day: int
    rate_per_minute: int
    created_at: datetime
    revoked_at: datetime | None = None
    redirect_uris: tuple[str, ...] = ()  # single sign-on callbacks of a relying party

    def principal(self) -> Principal:
        return Principal(
            PrincipalKind.CLIENT,
            id=self.id,
            partner=self.partner,
            scopes=self.scopes,
            sources=self.sources,
            name=self.name,
        )


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser session; `stage` says whether the second factor is still owed."""

    id: str  # the hash of the cookie's secret, never the secret itself
    account_id: str
    stage: SessionStage
    created_at: datetime
    expires_at: datetime


class SessionStage(StrEnum):
    MFA_PENDING = "mfa_pending"  # password accepted; the second factor is owed
    MFA_SETUP = "mfa_setup"  # a staff member who must set up a second factor before anything else
    FULL = "full"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what to whom, for which purpose."""

    at: datetime
    actor: str
    action: str
    target: str | None = None
    purpose: str | None = None
    ip: str | None = None
    detail: dict[str, object] = field(default_factory=dict)
    id: int | None = None
