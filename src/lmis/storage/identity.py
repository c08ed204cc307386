"""The identity repository in SQL: accounts, sessions, tokens, mail outbox, API clients, usage and audit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lmis.identity.model import Account, AccountStatus, AuditEntry, Role, Session, SessionStage
from lmis.identity.ports import (
    AccountFilter,
    Mail,
    TotpState,
)
from lmis.storage import identity_tables as t
from lmis.storage.identity_clients import SqlClientRecords
from lmis.storage.time import aware, aware_or_none

_a = t.account.c


class SqlIdentityRepository(SqlClientRecords):
    """The identity repository on one open connection (the unit of work owns the transaction)."""

    # accounts

    def add_account(self, account: Account, password_hash: str | None, now: datetime) -> None:
        self._db.execute(
            t.account.insert().values(
                **_account_row(account), password_hash=password_hash, recovery_codes=[], updated_at=now
            )
        )

    def account(self, account_id: str) -> Account | None:
        row = self._db.execute(sa.select(t.account).where(_a.id == account_id)).first()
        return _account(row) if row else None

    def account_by_email(self, email: str) -> Account | None:
        row = self._db.execute(sa.select(t.account).where(_a.email == email)).first()
        return _account(row) if row else None

    def account_by_subject(self, subject: str) -> Account | None:
        row = self._db.execute(sa.select(t.account).where(_a.external_subject == subject)).first()
        return _account(row) if row else None

    def link_subject(self, account_id: str, subject: str) -> None:
        self._db.execute(t.account.update().where(_a.id == account_id).values(external_subject=subject))

    def update_account(self, account: Account, now: datetime) -> None:
        values = _account_row(account)
        del values["id"], values["created_at"]
        self._db.execute(t.account.update().where(_a.id == account.id).values(**values, updated_at=now))

    def accounts(self, query: AccountFilter) -> tuple[list[Account], int]:
        conditions: list[sa.ColumnElement[bool]] = []
        if query.text:
            pattern = f"%{query.text.lower()}%"
            conditions.append(sa.or_(_a.email.like(pattern), sa.func.lower(_a.name).like(pattern)))
        if query.role is not None:
            conditions.append(_a.role == query.role.value)
        if query.region is not None:
            conditions.append(sa.or_(_a.region == query.region, _a.region.like(f"{query.region}-%")))
        total = self._db.execute(sa.select(sa.func.count()).select_from(t.account).where(*conditions)).scalar_one()
        rows = self._db.execute(
            sa.select(t.account)
            .where(*conditions)
            .order_by(_a.created_at, _a.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return [_account(row) for row in rows], int(total)

    def password_hash(self, account_id: str) -> str | None:
        return self._db.execute(sa.select(_a.password_hash).where(_a.id == account_id)).scalar_one_or_none()

    def set_password(self, account_id: str, password_hash: str | None, now: datetime) -> None:
        self._db.execute(
            t.account.update().where(_a.id == account_id).values(password_hash=password_hash, updated_at=now)
        )

    def totp(self, account_id: str) -> TotpState:
        row = self._db.execute(
            sa.select(_a.totp_secret_enc, _a.totp_confirmed_at, _a.totp_last_step, _a.recovery_codes).where(
                _a.id == account_id
            )
        ).first()
        if row is None:
            return TotpState(None, None, None, [])
        return TotpState(row[0], aware_or_none(row[1]), row[2], list(row[3] or []))

    def set_totp(self, account_id: str, secret_enc: str | None, confirmed_at: datetime | None) -> None:
        self._db.execute(
            t.account.update()
            .where(_a.id == account_id)
            .values(totp_secret_enc=secret_enc, totp_confirmed_at=confirmed_at, totp_last_step=None)
        )

    def encrypted_totp_secrets(self) -> list[tuple[str, str]]:
        rows = self._db.execute(sa.select(_a.id, _a.totp_secret_enc).where(_a.totp_secret_enc.is_not(None)))
        return [(row[0], row[1]) for row in rows]

    def set_totp_secret(self, account_id: str, secret_enc: str) -> None:
        self._db.execute(t.account.update().where(_a.id == account_id).values(totp_secret_enc=secret_enc))

    def set_totp_step(self, account_id: str, step: int) -> None:
        self._db.execute(t.account.update().where(_a.id == account_id).values(totp_last_step=step))

    def set_recovery_codes(self, account_id: str, digests: Sequence[str]) -> None:
        self._db.execute(t.account.update().where(_a.id == account_id).values(recovery_codes=list(digests)))

    # sessions, attempts, one-time tokens, mail

    def add_session(self, session: Session, ip: str | None, user_agent: str | None) -> None:
        self._db.execute(
            t.browser_session.insert().values(
                id=session.id,
                account_id=session.account_id,
                stage=session.stage.value,
                created_at=session.created_at,
                expires_at=session.expires_at,
                ip=ip,
                user_agent=user_agent,
            )
        )

    def session(self, session_id: str) -> Session | None:
        s = t.browser_session.c
        row = self._db.execute(sa.select(t.browser_session).where(s.id == session_id)).first()
        if row is None:
            return None
        return Session(row.id, row.account_id, SessionStage(row.stage), aware(row.created_at), aware(row.expires_at))

    def set_session_stage(self, session_id: str, stage: SessionStage) -> None:
        s = t.browser_session.c
        self._db.execute(t.browser_session.update().where(s.id == session_id).values(stage=stage.value))

    def delete_session(self, session_id: str) -> None:
        self._db.execute(t.browser_session.delete().where(t.browser_session.c.id == session_id))

    def delete_sessions(self, account_id: str) -> int:
        result = self._db.execute(t.browser_session.delete().where(t.browser_session.c.account_id == account_id))
        return int(result.rowcount)

    def add_attempt(self, email: str, ip: str, at: datetime, succeeded: bool) -> None:
        self._db.execute(t.sign_in_attempt.insert().values(email=email, ip=ip, at=at, succeeded=succeeded))

    def failures_since(self, *, email: str | None = None, ip: str | None = None, since: datetime) -> int:
        c = t.sign_in_attempt.c
        conditions = [c.at >= since, c.succeeded.is_(False)]
        conditions.append(c.email == email if email is not None else c.ip == ip)
        if email is not None:  # a success resets the account's count
            last_ok = sa.select(sa.func.max(c.at)).where(c.email == email, c.succeeded.is_(True)).scalar_subquery()
            conditions.append(sa.or_(last_ok.is_(None), c.at > last_ok))
        return int(self._db.execute(sa.select(sa.func.count()).where(*conditions)).scalar_one())

    def oldest_failure_since(self, email: str, since: datetime) -> datetime | None:
        c = t.sign_in_attempt.c
        value = self._db.execute(
            sa.select(sa.func.min(c.at)).where(c.email == email, c.at >= since, c.succeeded.is_(False))
        ).scalar_one_or_none()
        return aware_or_none(value)

    def add_account_token(self, token_hash: str, account_id: str, purpose: str, expires_at: datetime) -> None:
        self._db.execute(
            t.account_token.insert().values(
                id=token_hash, account_id=account_id, purpose=purpose, expires_at=expires_at
            )
        )

    def use_account_token(self, token_hash: str, purpose: str, now: datetime) -> str | None:
        c = t.account_token.c
        row = self._db.execute(
            sa.update(t.account_token)
            .where(c.id == token_hash, c.purpose == purpose, c.used_at.is_(None), c.expires_at > now)
            .values(used_at=now)
            .returning(c.account_id)
        ).first()
        return str(row[0]) if row else None

    def add_mail(self, recipient: str, subject: str, body: str, now: datetime) -> None:
        self._db.execute(t.outbox.insert().values(recipient=recipient, subject=subject, body=body, created_at=now))

    def unsent_mail(self) -> list[Mail]:
        c = t.outbox.c
        rows = self._db.execute(sa.select(t.outbox).where(c.sent_at.is_(None)).order_by(c.id).limit(500))
        return [Mail(r.id, r.recipient, r.subject, r.body, aware(r.created_at)) for r in rows]

    def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        if ids:
            self._db.execute(t.outbox.update().where(t.outbox.c.id.in_(list(ids))).values(sent_at=now))

    # audit, erasure, retention

    def add_audit(self, entry: AuditEntry) -> None:
        self._db.execute(
            t.audit_log.insert().values(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                target=entry.target,
                purpose=entry.purpose,
                ip=entry.ip,
                detail=entry.detail,
            )
        )

    def audit(
        self,
        *,
        actor: str | None = None,
        target: str | None = None,
        action: str | None = None,
        limit: int = 100,
        before: int | None = None,
    ) -> list[AuditEntry]:
        c = t.audit_log.c
        query = sa.select(t.audit_log).order_by(c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(c.id < before)
        for column, value in ((c.actor, actor), (c.target, target), (c.action, action)):
            if value is not None:
                query = query.where(column == value)
        return [
            AuditEntry(aware(r.at), r.actor, r.action, r.target, r.purpose, r.ip, dict(r.detail or {}), r.id)
            for r in self._db.execute(query)
        ]

    def erase_account(self, account_id: str, now: datetime) -> None:
        email = self._db.execute(sa.select(_a.email).where(_a.id == account_id)).scalar_one()
        c = t.audit_log.c
        self._db.execute(
            t.audit_log.update().where(c.target == f"email:{email}").values(target=f"account:{account_id}")
        )
        self._db.execute(t.audit_log.update().where(c.target == f"account:{account_id}").values(ip=None))
        self._db.execute(t.sign_in_attempt.delete().where(t.sign_in_attempt.c.email == email))
        self._db.execute(t.browser_session.delete().where(t.browser_session.c.account_id == account_id))
        self._db.execute(t.account_token.delete().where(t.account_token.c.account_id == account_id))
        self._db.execute(t.outbox.delete().where(t.outbox.c.recipient == email))
        self._db.execute(
            t.account.update()
            .where(_a.id == account_id)
            .values(
                email=f"erased-{account_id}@invalid",
                name="",
                status=AccountStatus.ERASED.value,
                password_hash=None,
                totp_secret_enc=None,
                totp_confirmed_at=None,
                recovery_codes=[],
                external_subject=None,
                region=None,
                updated_at=now,
            )
        )

    def purge(
        self, *, attempts_before: datetime, audit_before: datetime, unverified_before: datetime
    ) -> dict[str, int]:
        counts = {
            "sign_in_attempts": self._db.execute(
                t.sign_in_attempt.delete().where(t.sign_in_attempt.c.at < attempts_before)
            ).rowcount,
            "sessions": self._db.execute(
                t.browser_session.delete().where(t.browser_session.c.expires_at < attempts_before)
            ).rowcount,
            "tokens": self._db.execute(
                t.account_token.delete().where(t.account_token.c.expires_at < attempts_before)
            ).rowcount,
            "access_tokens": self._db.execute(
                t.access_token.delete().where(t.access_token.c.expires_at < attempts_before)
            ).rowcount,
            "audit_entries": self._db.execute(t.audit_log.delete().where(t.audit_log.c.at < audit_before)).rowcount,
            "sent_mail": self._db.execute(t.outbox.delete().where(t.outbox.c.sent_at < attempts_before)).rowcount,
            "unverified_accounts": self._db.execute(
                t.account.delete().where(
                    _a.email_verified_at.is_(None),
                    _a.created_at < unverified_before,
                    _a.role.in_(["jobseeker", "employer"]),
                    _a.id.not_in(sa.select(t.api_client.c.owner_id)),
                )
            ).rowcount,
        }
        return {name: int(count) for name, count in counts.items()}


def _account_row(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "email": account.email,
        "name": account.name,
        "role": account.role.value,
        "status": account.status.value,
        "email_verified_at": account.created_at if account.email_verified else None,
        "region": account.region,
        "employer_id": account.employer_id,
        "partner": account.partner,
        "created_at": account.created_at,
    }


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        status=AccountStatus(row.status),
        created_at=aware(row.created_at),
        email_verified=row.email_verified_at is not None,
        mfa_enabled=row.totp_confirmed_at is not None,
        region=row.region,
        employer_id=row.employer_id,
        partner=row.partner,
    )
