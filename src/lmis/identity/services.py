"""Account use cases: sign up, verify e-mail, reset a password, sign in with throttling and a second factor.

Every function takes its unit of work and the time; mail goes to the outbox in the same
transaction (`identity.mail` delivers it), so a rolled-back sign-up sends nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lmis.identity import credentials as creds
from lmis.identity.admin import check_grantable_region
from lmis.identity.audit import record
from lmis.identity.crypto import FieldCipher
from lmis.identity.model import (
    ANONYMOUS,
    SELF_SERVICE_ROLES,
    Account,
    AccountStatus,
    Permission,
    Principal,
    Role,
    Session,
    SessionStage,
    principal_of,
)
from lmis.identity.ports import IdentityRepository, IdentityUnitOfWork
from lmis.shared.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthorised
from lmis.shared.ids import stable_id

SESSION_LIFETIME = timedelta(hours=12)
VERIFY_LIFETIME = timedelta(hours=48)
RESET_LIFETIME = timedelta(hours=1)
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FAILURES = 5  # per account within the window (OWASP: lock briefly, tell the person)
IP_FAILURES = 30  # per address within the window, across accounts (password spraying)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the cookie value to hand the browser, and what it still owes."""

    cookie: str
    session: Session
    account: Account


def normalise_email(email: str) -> str:
    """The stored form of an address; raises `Invalid` for something that is not one."""
    address = email.strip().lower()
    if not _EMAIL.match(address) or len(address) > 254:
        raise Invalid(f"{email!r} is not an e-mail address", field="email")
    return address


def sign_up(
    *,
    uow: IdentityUnitOfWork,
    email: str,
    password: str,
    name: str,
    role: Role,
    now: datetime,
    base_url: str,
    employer_id: str | None = None,
) -> Account:
    """Create an unverified self-service account and mail it a verification link.

    Staff roles are granted by administrators (`create_account`), never chosen at sign-up.
    """
    if role not in SELF_SERVICE_ROLES:
        raise Invalid(
            f"{role.value!r} accounts are created by an administrator",
            field="role",
            suggestions=sorted(r.value for r in SELF_SERVICE_ROLES),
        )
    with uow:
        account = _new_account(uow.identity, email, password, name, role, now, employer_id=employer_id)
        _mail_verification(uow.identity, account, now, base_url)
        record(uow.identity, now, principal_of(account), "account_created", target=f"account:{account.id}")
        uow.commit()
    return account


def create_account(
    *,
    uow: IdentityUnitOfWork,
    actor: Principal,
    email: str,
    name: str,
    role: Role,
    now: datetime,
    base_url: str,
    region: str | None = None,
    employer_id: str | None = None,
    partner: str | None = None,
) -> Account:
    """An administrator creates an account of any role; the person sets a password through the mailed link."""
    actor.require(Permission.MANAGE_ACCOUNTS)
    check_grantable_region(actor, region)
    with uow:
        account = _new_account(
            uow.identity, email, None, name, role, now, region=region, employer_id=employer_id, partner=partner
        )
        account = replace(account, email_verified=True)
        uow.identity.update_account(account, now)
        _mail_reset(uow.identity, account, now, base_url, welcome=True)
        record(uow.identity, now, actor, "account_created", target=f"account:{account.id}", role=role.value)
        uow.commit()
    return account


def _new_account(
    identity: IdentityRepository,
    email: str,
    password: str | None,
    name: str,
    role: Role,
    now: datetime,
    **scope: str | None,
) -> Account:
    address = normalise_email(email)
    name = name.strip()
    if not name or len(name) > 200:
        raise Invalid("a name needs 1 to 200 characters", field="name")
    if password is not None and (problem := creds.password_problem(password, address)):
        raise Invalid(problem, field="password")
    if identity.account_by_email(address) is not None:
        raise Conflict(f"an account with {address} exists; sign in or reset its password")
    if role is Role.EMPLOYER and not scope.get("employer_id"):
        raise Invalid("an employer account names the employer it acts for", field="employer")
    account = Account(
        id=stable_id("account", f"{address}\x1f{now.isoformat()}"),
        email=address,
        name=name,
        role=role,
        status=AccountStatus.ACTIVE,
        created_at=now,
        **scope,  # type: ignore[arg-type]
    )
    identity.add_account(account, creds.hash_password(password) if password else None, now)
    return account


def _mail_verification(identity: IdentityRepository, account: Account, now: datetime, base_url: str) -> None:
    token = creds.new_token()
    identity.add_account_token(creds.digest(token), account.id, "verify_email", now + VERIFY_LIFETIME)
    identity.add_mail(
        account.email,
        "Confirm your e-mail address for LMIS",
        f"Hello {account.name},\n\nconfirm your address by opening this link within 48 hours:\n"
        f"{base_url}/account/verify?token={token}\n\nIf you did not sign up, ignore this message.\n",
        now,
    )


def _mail_reset(identity: IdentityRepository, account: Account, now: datetime, base_url: str, *, welcome: bool) -> None:
    token = creds.new_token()
    lifetime = VERIFY_LIFETIME if welcome else RESET_LIFETIME
    identity.add_account_token(creds.digest(token), account.id, "reset_password", now + lifetime)
    opening = "an LMIS account was made for you" if welcome else "someone asked to reset your LMIS password"
    identity.add_mail(
        account.email,
        "Set your LMIS password" if welcome else "Reset your LMIS password",
        f"Hello {account.name},\n\n{opening}. Choose a password here (the link works once):\n"
        f"{base_url}/account/reset?token={token}\n\nIf this was not you, ignore this message.\n",
        now,
    )


def resend_verification(*, uow: IdentityUnitOfWork, account_id: str, now: datetime, base_url: str) -> None:
    """Mail a new verification link (the old ones keep working until they expire)."""
    with uow:
        account = _account(uow.identity, account_id)
        if not account.email_verified:
            _mail_verification(uow.identity, account, now, base_url)
            uow.commit()


def verify_email(*, uow: IdentityUnitOfWork, token: str, now: datetime) -> Account:
    """Mark the address of the link's account as verified; a used or expired link is `Invalid`."""
    with uow:
        account_id = uow.identity.use_account_token(creds.digest(token), "verify_email", now)
        if account_id is None:
            raise Invalid("this confirmation link is used or expired; sign in to have a new one sent", field="token")
        account = replace(_account(uow.identity, account_id), email_verified=True)
        uow.identity.update_account(account, now)
        record(uow.identity, now, principal_of(account), "email_verified", target=f"account:{account.id}")
        uow.commit()
    return account


def request_password_reset(*, uow: IdentityUnitOfWork, email: str, now: datetime, base_url: str) -> None:
    """Mail a reset link when the address has an account; says nothing either way (no account probing)."""
    with uow:
        account = uow.identity.account_by_email(email.strip().lower())
        if account is not None and account.status is AccountStatus.ACTIVE:
            _mail_reset(uow.identity, account, now, base_url, welcome=False)
            uow.commit()


def reset_password(*, uow: IdentityUnitOfWork, token: str, password: str, now: datetime) -> Account:
    """Set a new password from a mailed link; every session of the account ends."""
    with uow:
        account_id = uow.identity.use_account_token(creds.digest(token), "reset_password", now)
        if account_id is None:
            raise Invalid("this reset link is used or expired; ask for a new one", field="token")
        account = _account(uow.identity, account_id)
        if problem := creds.password_problem(password, account.email):
            raise Invalid(problem, field="password")
        uow.identity.set_password(account.id, creds.hash_password(password), now)
        uow.identity.delete_sessions(account.id)
        account = replace(account, email_verified=True)  # the link reached the address
        uow.identity.update_account(account, now)
        record(uow.identity, now, principal_of(account), "password_reset", target=f"account:{account.id}")
        uow.commit()
    return account


def sign_in(
    *, uow: IdentityUnitOfWork, email: str, password: str, ip: str, user_agent: str | None, now: datetime
) -> SignedIn:
    """Check a password with throttling; the session owes a second factor when the account needs one.

    After `LOCKOUT_FAILURES` failures in `LOCKOUT_WINDOW` the account refuses passwords until the
    window passes (`RateLimited` says when); an address with `IP_FAILURES` failures is refused too.
    """
    address = email.strip().lower()
    with uow:
        _throttle(uow.identity, address, ip, now)
        account = uow.identity.account_by_email(address)
        stored = uow.identity.password_hash(account.id) if account else None
        if (
            account is None
            or not creds.password_matches(stored, password)
            or account.status is not AccountStatus.ACTIVE
        ):
            uow.identity.add_attempt(address, ip, now, False)
            record(uow.identity, now, _actor(account), "sign_in_failed", target=f"email:{address}", ip=ip)
            uow.commit()
            raise Unauthorised("the e-mail address or password is wrong")
        if stored and creds.password_needs_rehash(stored):
            uow.identity.set_password(account.id, creds.hash_password(password), now)
        uow.identity.add_attempt(address, ip, now, True)
        stage = _stage_after_password(account)
        signed_in = _open_session(uow.identity, account, stage, ip, user_agent, now)
        record(uow.identity, now, principal_of(account), "sign_in", target=f"account:{account.id}", ip=ip, stage=stage)
        uow.commit()
    return signed_in


def _actor(account: Account | None) -> Principal:
    return principal_of(account) if account else ANONYMOUS


def _throttle(identity: IdentityRepository, email: str, ip: str, now: datetime) -> None:
    since = now - LOCKOUT_WINDOW
    if identity.failures_since(email=email, since=since) >= LOCKOUT_FAILURES:
        oldest = identity.oldest_failure_since(email, since) or now
        wait = int((oldest + LOCKOUT_WINDOW - now).total_seconds()) + 1
        raise RateLimited(
            f"too many failed sign-ins for this account; try again in {math.ceil(wait / 60)} minutes "
            "or reset your password",
            retry_after=wait,
            limit=LOCKOUT_FAILURES,
            window_seconds=int(LOCKOUT_WINDOW.total_seconds()),
        )
    if identity.failures_since(ip=ip, since=since) >= IP_FAILURES:
        raise RateLimited(
            "too many failed sign-ins from this address; try again in 15 minutes",
            retry_after=int(LOCKOUT_WINDOW.total_seconds()),
            limit=IP_FAILURES,
            window_seconds=int(LOCKOUT_WINDOW.total_seconds()),
        )


def _stage_after_password(account: Account) -> SessionStage:
    if account.mfa_enabled:
        return SessionStage.MFA_PENDING
    if account.needs_mfa:  # staff without a second factor yet
        return SessionStage.MFA_SETUP
    return SessionStage.FULL


def _open_session(
    identity: IdentityRepository,
    account: Account,
    stage: SessionStage,
    ip: str | None,
    user_agent: str | None,
    now: datetime,
) -> SignedIn:
    cookie = creds.new_token()
    session = Session(creds.digest(cookie), account.id, stage, now, now + SESSION_LIFETIME)
    identity.add_session(session, ip, (user_agent or "")[:300] or None)
    return SignedIn(cookie, session, account)


def open_session(
    *, uow: IdentityUnitOfWork, account_id: str, ip: str | None, user_agent: str | None, now: datetime
) -> SignedIn:
    """A session for an account that proved itself elsewhere (an external e-ID): no password, same MFA rules."""
    with uow:
        account = _account(uow.identity, account_id)
        stage = _stage_after_password(account)
        signed_in = _open_session(uow.identity, account, stage, ip, user_agent, now)
        record(uow.identity, now, principal_of(account), "sign_in", target=f"account:{account.id}", ip=ip, stage=stage)
        uow.commit()
    return signed_in


def session_account(*, uow: IdentityUnitOfWork, cookie: str, now: datetime) -> tuple[Session, Account] | None:
    """The session and account a cookie stands for, or None when it is unknown, expired or the account is off."""
    with uow:
        session = uow.identity.session(creds.digest(cookie))
        if session is None or session.expires_at <= now:
            return None
        account = uow.identity.account(session.account_id)
        if account is None or account.status is not AccountStatus.ACTIVE:
            return None
    return session, account


def second_factor(
    *, uow: IdentityUnitOfWork, cipher: FieldCipher, cookie: str, code: str, ip: str, now: datetime
) -> Account:
    """Complete a sign-in with a TOTP code or a recovery code (each recovery code works once)."""
    with uow:
        session = uow.identity.session(creds.digest(cookie))
        if session is None or session.stage is not SessionStage.MFA_PENDING or session.expires_at <= now:
            raise Unauthorised("sign in with your password first")
        account = _account(uow.identity, session.account_id)
        _throttle(uow.identity, account.email, ip, now)
        if not _accept_code(uow.identity, cipher, account, code, now):
            uow.identity.add_attempt(account.email, ip, now, False)
            record(uow.identity, now, principal_of(account), "mfa_failed", target=f"account:{account.id}", ip=ip)
            uow.commit()
            raise Unauthorised("that code is not right; use the current code of your app or a recovery code")
        uow.identity.set_session_stage(session.id, SessionStage.FULL)
        record(uow.identity, now, principal_of(account), "mfa_passed", target=f"account:{account.id}", ip=ip)
        uow.commit()
    return account


def _accept_code(identity: IdentityRepository, cipher: FieldCipher, account: Account, code: str, now: datetime) -> bool:
    state = identity.totp(account.id)
    if state.secret_enc is None or state.confirmed_at is None:
        return False
    secret = cipher.decrypt(state.secret_enc, context=creds.totp_context(account.id))
    step = creds.totp_step(secret, code, now.timestamp(), after=state.last_step)
    if step is not None:
        identity.set_totp_step(account.id, step)
        return True
    used = creds.recovery_digest(code)
    if used in state.recovery_codes:
        identity.set_recovery_codes(account.id, [d for d in state.recovery_codes if d != used])
        return True
    return False


def sign_out(*, uow: IdentityUnitOfWork, cookie: str) -> None:
    """End this browser's session."""
    with uow:
        uow.identity.delete_session(creds.digest(cookie))
        uow.commit()


def sign_out_everywhere(*, uow: IdentityUnitOfWork, actor: Principal, now: datetime) -> int:
    """End every session of the actor's account (other browsers too); returns how many ended."""
    if actor.id is None:
        raise Unauthorised("sign in first")
    with uow:
        ended = uow.identity.delete_sessions(actor.id)
        record(uow.identity, now, actor, "signed_out_everywhere", target=f"account:{actor.id}", sessions=ended)
        uow.commit()
    return ended


def _account(identity: IdentityRepository, account_id: str) -> Account:
    account = identity.account(account_id)
    if account is None or account.status is AccountStatus.ERASED:
        raise NotFound(f"no account {account_id!r}")
    return account


def require_active(account: Account) -> None:
    """Raise `Forbidden` for a disabled or erased account."""
    if account.status is not AccountStatus.ACTIVE:
        raise Forbidden("this account is disabled")
