"""Second factors: TOTP set-up with recovery codes (required for staff, offered to everyone)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from lmis.identity import credentials as creds
from lmis.identity.audit import record
from lmis.identity.crypto import FieldCipher
from lmis.identity.model import Principal, SessionStage
from lmis.identity.ports import IdentityUnitOfWork
from lmis.shared.errors import Conflict, Forbidden, Invalid, Unauthorised


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """What the person copies into an authenticator app; the secret is shown only during set-up."""

    secret: str
    uri: str


def begin_totp(*, uow: IdentityUnitOfWork, cipher: FieldCipher, actor: Principal, now: datetime) -> TotpEnrolment:
    """Start (or restart) TOTP set-up: a new secret, stored encrypted and unconfirmed."""
    account_id = _account_id(actor)
    with uow:
        account = uow.identity.account(account_id)
        state = uow.identity.totp(account_id)
        if account is None:
            raise Unauthorised("sign in first")
        if state.confirmed_at is not None:
            raise Conflict("a second factor is already set up; turn it off first to set up a new one")
        secret = creds.new_totp_secret()
        uow.identity.set_totp(account_id, cipher.encrypt(secret, context=creds.totp_context(account_id)), None)
        uow.commit()
    return TotpEnrolment(secret, creds.totp_uri(secret, account.email))


def pending_totp(*, uow: IdentityUnitOfWork, cipher: FieldCipher, actor: Principal) -> TotpEnrolment | None:
    """The set-up in progress (to show its secret again after a mistyped code), or None."""
    account_id = _account_id(actor)
    with uow:
        account = uow.identity.account(account_id)
        state = uow.identity.totp(account_id)
    if account is None or state.secret_enc is None or state.confirmed_at is not None:
        return None
    secret = cipher.decrypt(state.secret_enc, context=creds.totp_context(account_id))
    return TotpEnrolment(secret, creds.totp_uri(secret, account.email))


def confirm_totp(
    *,
    uow: IdentityUnitOfWork,
    cipher: FieldCipher,
    actor: Principal,
    code: str,
    now: datetime,
    session_id: str | None = None,
) -> list[str]:
    """Confirm set-up with a first code; returns ten recovery codes (shown once, stored hashed).

    The session that set it up becomes a full session (a staff member's first sign-in ends here).
    """
    account_id = _account_id(actor)
    with uow:
        state = uow.identity.totp(account_id)
        if state.secret_enc is None or state.confirmed_at is not None:
            raise Conflict("start the set-up first")
        secret = cipher.decrypt(state.secret_enc, context=creds.totp_context(account_id))
        step = creds.totp_step(secret, code, now.timestamp(), after=None)
        if step is None:
            raise Invalid("that code is not right; type the six digits your app shows now", field="code")
        uow.identity.set_totp(account_id, state.secret_enc, now)
        uow.identity.set_totp_step(account_id, step)
        codes = creds.new_recovery_codes()
        uow.identity.set_recovery_codes(account_id, [creds.recovery_digest(code) for code in codes])
        if session_id is not None:
            uow.identity.set_session_stage(session_id, SessionStage.FULL)
        record(uow.identity, now, actor, "mfa_enabled", target=f"account:{account_id}")
        uow.commit()
    return codes


def new_recovery_codes(*, uow: IdentityUnitOfWork, actor: Principal, now: datetime) -> list[str]:
    """Replace the recovery codes (the old ones stop working)."""
    account_id = _account_id(actor)
    with uow:
        if uow.identity.totp(account_id).confirmed_at is None:
            raise Conflict("set up a second factor first")
        codes = creds.new_recovery_codes()
        uow.identity.set_recovery_codes(account_id, [creds.recovery_digest(code) for code in codes])
        record(uow.identity, now, actor, "recovery_codes_replaced", target=f"account:{account_id}")
        uow.commit()
    return codes


def remaining_recovery_codes(*, uow: IdentityUnitOfWork, actor: Principal) -> int:
    with uow:
        return len(uow.identity.totp(_account_id(actor)).recovery_codes)


def turn_off_totp(*, uow: IdentityUnitOfWork, actor: Principal, now: datetime) -> None:
    """Remove the second factor; staff cannot (their role requires one)."""
    account_id = _account_id(actor)
    with uow:
        account = uow.identity.account(account_id)
        if account is None:
            raise Unauthorised("sign in first")
        if replace(account, mfa_enabled=False).needs_mfa:
            raise Forbidden("staff accounts must keep a second factor")
        uow.identity.set_totp(account_id, None, None)
        uow.identity.set_recovery_codes(account_id, [])
        record(uow.identity, now, actor, "mfa_disabled", target=f"account:{account_id}")
        uow.commit()


def _account_id(actor: Principal) -> str:
    if actor.id is None or actor.role is None:
        raise Unauthorised("sign in first")
    return actor.id
