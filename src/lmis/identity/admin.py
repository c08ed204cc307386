"""Administration of accounts: lists, roles, regional scopes and disabling, each change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from lmis.identity.audit import record
from lmis.identity.model import Account, AccountStatus, AuditEntry, Permission, Principal, Role
from lmis.identity.ports import AccountFilter, IdentityUnitOfWork
from lmis.shared.errors import Conflict, Invalid, NotFound


def list_accounts(*, uow: IdentityUnitOfWork, actor: Principal, query: AccountFilter) -> tuple[list[Account], int]:
    """Accounts matching `query`; an administrator scoped to a region sees that region's accounts only."""
    actor.require(Permission.MANAGE_ACCOUNTS)
    if actor.region is not None:
        if query.region is not None and not actor.sees_region(query.region):
            raise Invalid(f"you administer {actor.region!r} only", field="region", suggestions=[actor.region])
        query = replace(query, region=query.region or actor.region)
    with uow:
        return uow.identity.accounts(query)


def get_account(*, uow: IdentityUnitOfWork, actor: Principal, account_id: str) -> Account:
    actor.require(Permission.MANAGE_ACCOUNTS)
    with uow:
        account = uow.identity.account(account_id)
    if account is None or (not actor.sees_region(account.region) and actor.region is not None):
        raise NotFound(f"no account {account_id!r}")
    return account


def account_history(*, uow: IdentityUnitOfWork, actor: Principal, account_id: str, limit: int = 20) -> list[AuditEntry]:
    """The newest audit entries by and about an account the actor administers (newest first)."""
    account = get_account(uow=uow, actor=actor, account_id=account_id)
    name = f"account:{account.id}"
    with uow:
        entries = {e.id: e for e in uow.identity.audit(target=name, limit=limit)}
        entries.update({e.id: e for e in uow.identity.audit(actor=name, limit=limit)})
    return sorted(entries.values(), key=lambda e: (e.at, e.id or 0), reverse=True)[:limit]


def change_access(
    *,
    uow: IdentityUnitOfWork,
    actor: Principal,
    account_id: str,
    role: Role,
    region: str | None,
    employer_id: str | None = None,
    partner: str | None = None,
    now: datetime,
) -> Account:
    """Give an account a role and scope; its sessions end so the change takes effect at once."""
    account = get_account(uow=uow, actor=actor, account_id=account_id)
    if account.id == actor.id and role is not Role.ADMIN:
        raise Conflict("you cannot take your own administrator role away; ask another administrator")
    check_grantable_region(actor, region)
    if role is Role.EMPLOYER and not employer_id:
        raise Invalid("an employer account names the employer it acts for", field="employer")
    changed = replace(
        account,
        role=role,
        region=region or None,
        employer_id=employer_id if role is Role.EMPLOYER else None,
        partner=partner if role is Role.PARTNER_ADMIN else None,
    )
    with uow:
        uow.identity.update_account(changed, now)
        uow.identity.delete_sessions(account.id)
        record(
            uow.identity,
            now,
            actor,
            "access_changed",
            target=f"account:{account.id}",
            before={"role": account.role.value, "region": account.region},
            after={"role": role.value, "region": changed.region},
        )
        uow.commit()
    return changed


def check_grantable_region(actor: Principal, region: str | None) -> None:
    """A regional administrator grants access inside their region only (never national access)."""
    if actor.region is not None and (region is None or not actor.sees_region(region)):
        raise Invalid(
            f"you administer {actor.region!r}: give a region inside it", field="region", suggestions=[actor.region]
        )


def set_status(
    *, uow: IdentityUnitOfWork, actor: Principal, account_id: str, status: AccountStatus, now: datetime
) -> Account:
    """Disable an account (its sessions end) or enable it again."""
    if status is AccountStatus.ERASED:
        raise Invalid("erasure is asked for by the person (or done by `lmis people erase`)", field="status")
    account = get_account(uow=uow, actor=actor, account_id=account_id)
    if account.status is AccountStatus.ERASED:
        raise Conflict("this account was erased")
    if account.id == actor.id:
        raise Conflict("you cannot disable your own account")
    changed = replace(account, status=status)
    with uow:
        uow.identity.update_account(changed, now)
        if status is AccountStatus.DISABLED:
            uow.identity.delete_sessions(account.id)
        record(uow.identity, now, actor, f"account_{status.value}", target=f"account:{account.id}")
        uow.commit()
    return changed
