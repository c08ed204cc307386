"""The identity repository's API client records in SQL: clients, keys, access tokens, authorization codes, usage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from lmis.identity.model import ApiClient, Scope
from lmis.identity.ports import StoredCode, StoredKey, StoredToken, UsageDay
from lmis.storage import identity_tables as t
from lmis.storage.engine import upsert
from lmis.storage.time import aware, aware_or_none


class SqlClientRecords:
    """API client records on one open connection; `SqlIdentityRepository` adds accounts, sessions and audit."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add_client(self, client: ApiClient, secret_hash: str | None) -> None:
        self._db.execute(
            t.api_client.insert().values(
                id=client.id,
                name=client.name,
                owner_id=client.owner_id,
                partner=client.partner,
                scopes=sorted(client.scopes),
                sources=sorted(client.sources),
                purpose=client.purpose,
                quota_per_day=client.quota_per_day,
                rate_per_minute=client.rate_per_minute,
                secret_hash=secret_hash,
                redirect_uris=list(client.redirect_uris),
                created_at=client.created_at,
            )
        )

    def client(self, client_id: str) -> ApiClient | None:
        row = self._db.execute(sa.select(t.api_client).where(t.api_client.c.id == client_id)).first()
        return _client(row) if row else None

    def client_secret_hash(self, client_id: str) -> str | None:
        c = t.api_client.c
        return self._db.execute(sa.select(c.secret_hash).where(c.id == client_id)).scalar_one_or_none()

    def clients(self, *, owner_id: str | None = None, partner: str | None = None) -> list[ApiClient]:
        c = t.api_client.c
        query = sa.select(t.api_client).order_by(c.created_at, c.id)
        if owner_id is not None:
            query = query.where(c.owner_id == owner_id)
        if partner is not None:
            query = query.where(c.partner == partner)
        return [_client(row) for row in self._db.execute(query)]

    def revoke_client(self, client_id: str, now: datetime) -> None:
        c = t.api_client.c
        self._db.execute(t.api_client.update().where(c.id == client_id, c.revoked_at.is_(None)).values(revoked_at=now))

    def add_key(self, key_id: str, client_id: str, secret_hash: str, now: datetime) -> None:
        self._db.execute(
            t.api_key.insert().values(id=key_id, client_id=client_id, secret_hash=secret_hash, created_at=now)
        )

    def key(self, key_id: str) -> StoredKey | None:
        row = self._db.execute(sa.select(t.api_key).where(t.api_key.c.id == key_id)).first()
        return _key(row) if row else None

    def keys(self, client_id: str) -> list[StoredKey]:
        c = t.api_key.c
        return [
            _key(row)
            for row in self._db.execute(sa.select(t.api_key).where(c.client_id == client_id).order_by(c.created_at))
        ]

    def revoke_key(self, key_id: str, now: datetime) -> None:
        c = t.api_key.c
        self._db.execute(t.api_key.update().where(c.id == key_id, c.revoked_at.is_(None)).values(revoked_at=now))

    def touch_key(self, key_id: str, now: datetime) -> None:
        self._db.execute(t.api_key.update().where(t.api_key.c.id == key_id).values(last_used_at=now))

    def add_access_token(
        self, token_hash: str, client_id: str, account_id: str | None, scopes: Sequence[str], expires_at: datetime
    ) -> None:
        self._db.execute(
            t.access_token.insert().values(
                id=token_hash, client_id=client_id, account_id=account_id, scopes=list(scopes), expires_at=expires_at
            )
        )

    def access_token(self, token_hash: str) -> StoredToken | None:
        row = self._db.execute(sa.select(t.access_token).where(t.access_token.c.id == token_hash)).first()
        return StoredToken(row.client_id, row.account_id, list(row.scopes), aware(row.expires_at)) if row else None

    def add_code(self, code_hash: str, code: StoredCode) -> None:
        self._db.execute(
            t.authorization_code.insert().values(
                id=code_hash,
                client_id=code.client_id,
                account_id=code.account_id,
                redirect_uri=code.redirect_uri,
                scope=code.scope,
                nonce=code.nonce,
                code_challenge=code.code_challenge,
                auth_time=code.auth_time,
                expires_at=code.expires_at,
            )
        )

    def take_code(self, code_hash: str, now: datetime) -> StoredCode | None:
        c = t.authorization_code.c
        row = self._db.execute(
            sa.update(t.authorization_code)
            .where(c.id == code_hash, c.used_at.is_(None), c.expires_at > now)
            .values(used_at=now)
            .returning(*[col for col in t.authorization_code.c if col.name not in {"id", "used_at"}])
        ).first()
        if row is None:
            return None
        return StoredCode(
            row.client_id,
            row.account_id,
            row.redirect_uri,
            row.scope,
            row.nonce,
            row.code_challenge,
            aware(row.auth_time),
            aware(row.expires_at),
        )

    def count_request(self, client_id: str, day: date, *, quota: int) -> int | None:
        c = t.api_usage.c
        first = upsert(self._db, t.api_usage).values(client_id=client_id, day=day, requests=0, refused=0)
        self._db.execute(first.on_conflict_do_nothing())
        counted = self._db.execute(
            sa.update(t.api_usage)
            .where(c.client_id == client_id, c.day == day, c.requests < quota)
            .values(requests=c.requests + 1)
            .returning(c.requests)
        ).first()
        if counted is not None:
            return int(counted[0])
        self._db.execute(
            sa.update(t.api_usage).where(c.client_id == client_id, c.day == day).values(refused=c.refused + 1)
        )
        return None

    def usage(self, client_id: str, since: date) -> list[UsageDay]:
        c = t.api_usage.c
        rows = self._db.execute(
            sa.select(c.day, c.requests, c.refused).where(c.client_id == client_id, c.day >= since).order_by(c.day)
        )
        return [UsageDay(row.day, row.requests, row.refused) for row in rows]


def _client(row: Any) -> ApiClient:
    return ApiClient(
        id=row.id,
        name=row.name,
        owner_id=row.owner_id,
        partner=row.partner,
        scopes=frozenset(Scope(s) for s in row.scopes),
        sources=frozenset(row.sources),
        purpose=row.purpose,
        quota_per_day=row.quota_per_day,
        rate_per_minute=row.rate_per_minute,
        created_at=aware(row.created_at),
        revoked_at=aware_or_none(row.revoked_at),
        redirect_uris=tuple(row.redirect_uris or ()),
    )


def _key(row: Any) -> StoredKey:
    return StoredKey(
        row.id,
        row.client_id,
        row.secret_hash,
        aware(row.created_at),
        aware_or_none(row.last_used_at),
        aware_or_none(row.revoked_at),
    )
