"""The audit log: sign-ins, permission changes and every access to someone else's personal data."""

from __future__ import annotations

from datetime import datetime

from lmis.identity.model import AuditEntry, Permission, Principal
from lmis.identity.ports import IdentityRepository, IdentityUnitOfWork
from lmis.shared.errors import Forbidden


def record(
    identity: IdentityRepository,
    now: datetime,
    actor: Principal,
    action: str,
    *,
    target: str | None = None,
    purpose: str | None = None,
    ip: str | None = None,
    **detail: object,
) -> None:
    """Append one entry in the caller's transaction (so it lands exactly when the action does)."""
    identity.add_audit(AuditEntry(now, actor.audit_name, action, target, purpose, ip, dict(detail)))


def audit_log(
    *,
    uow: IdentityUnitOfWork,
    actor: Principal,
    who: str | None = None,
    target: str | None = None,
    action: str | None = None,
    limit: int = 100,
    before: int | None = None,
) -> list[AuditEntry]:
    """The newest entries (older than entry `before`, to page back), filtered; national administrators only.

    Entries carry no region, so an administrator scoped to a region reads them account by account.
    """
    actor.require(Permission.READ_AUDIT)
    if actor.region is not None:
        raise Forbidden("the whole audit log is for national administrators; open an account to see its entries")
    with uow:
        return uow.identity.audit(
            actor=who, target=target, action=action, limit=max(1, min(limit, 1000)), before=before
        )


def my_activity(*, uow: IdentityUnitOfWork, actor: Principal, limit: int = 100) -> list[AuditEntry]:
    """What happened to the actor's own account and data (sign-ins, who read their record)."""
    if actor.id is None:
        return []
    with uow:
        mine = uow.identity.audit(target=f"account:{actor.id}", limit=limit)
        return sorted(mine, key=lambda entry: entry.at, reverse=True)
