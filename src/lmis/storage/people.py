"""The people repository in SQL: seekers (personal fields as ciphertext), consents and the erasure tally."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lmis.people.model import Consent, DataCategory, Grantee
from lmis.people.ports import ENCRYPTED_FIELDS, StoredSeeker
from lmis.storage import identity_tables as t
from lmis.storage import recommend_tables as rt
from lmis.storage.engine import upsert
from lmis.storage.time import aware, aware_or_none

_s, _c = t.seeker.c, t.consent.c


class SqlPeopleRepository:
    """The people repository on one open connection (the unit of work owns the transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def save_seeker(self, seeker: StoredSeeker) -> None:
        row = {
            "id": seeker.id,
            "account_id": seeker.account_id,
            "region": seeker.region,
            "headline": seeker.headline,
            "occupations": seeker.occupations,
            "skills": seeker.skills,
            "findable": seeker.findable,
            "details": seeker.details,
            "national_id_index": seeker.national_id_index,
            "created_at": seeker.created_at,
            "updated_at": seeker.updated_at,
            **{f"{name}_enc": seeker.encrypted.get(name) for name in ENCRYPTED_FIELDS},
        }
        insert = upsert(self._db, t.seeker).values(**row)
        changes = {key: value for key, value in row.items() if key not in {"id", "created_at"}}
        self._db.execute(insert.on_conflict_do_update(index_elements=[_s.id], set_=changes))

    def seeker(self, seeker_id: str) -> StoredSeeker | None:
        row = self._db.execute(sa.select(t.seeker).where(_s.id == seeker_id)).first()
        return _seeker(row) if row else None

    def seeker_of_account(self, account_id: str) -> StoredSeeker | None:
        row = self._db.execute(sa.select(t.seeker).where(_s.account_id == account_id)).first()
        return _seeker(row) if row else None

    def seeker_by_national_id(self, index: str) -> StoredSeeker | None:
        row = self._db.execute(sa.select(t.seeker).where(_s.national_id_index == index)).first()
        return _seeker(row) if row else None

    def seekers(
        self, *, region: str | None, findable_only: bool, limit: int, offset: int
    ) -> tuple[list[StoredSeeker], int]:
        conditions: list[sa.ColumnElement[bool]] = []
        if region is not None:
            conditions.append(sa.or_(_s.region == region, _s.region.like(f"{region}-%")))
        if findable_only:
            conditions.append(_s.findable.is_(True))
        total = self._db.execute(sa.select(sa.func.count()).select_from(t.seeker).where(*conditions)).scalar_one()
        rows = self._db.execute(
            sa.select(t.seeker).where(*conditions).order_by(_s.updated_at.desc(), _s.id).limit(limit).offset(offset)
        )
        return [_seeker(row) for row in rows], int(total)

    def every_seeker(self) -> Iterator[StoredSeeker]:
        for row in self._db.execute(sa.select(t.seeker).order_by(_s.id)).all():
            yield _seeker(row)

    def delete_seeker(self, seeker_id: str) -> None:
        self._db.execute(t.consent.delete().where(_c.seeker_id == seeker_id))
        # behaviour goes with the person (the foreign keys cascade too, where the database enforces them)
        self._db.execute(rt.behaviour_event.delete().where(rt.behaviour_event.c.seeker_id == seeker_id))
        self._db.execute(rt.recommendation_list.delete().where(rt.recommendation_list.c.seeker_id == seeker_id))
        self._db.execute(t.seeker.delete().where(_s.id == seeker_id))

    def consents(self, seeker_id: str) -> list[Consent]:
        rows = self._db.execute(sa.select(t.consent).where(_c.seeker_id == seeker_id).order_by(_c.granted_at, _c.id))
        return [_consent(row) for row in rows]

    def add_consent(self, consent: Consent) -> None:
        self._db.execute(
            t.consent.insert().values(
                id=consent.id,
                seeker_id=consent.seeker_id,
                grantee=consent.grantee_key,
                purpose=consent.purpose,
                data=sorted(consent.data),
                granted_at=consent.granted_at,
            )
        )

    def withdraw_consent(self, consent_id: str, now: datetime) -> None:
        self._db.execute(
            t.consent.update().where(_c.id == consent_id, _c.withdrawn_at.is_(None)).values(withdrawn_at=now)
        )

    def behaviour_records(self, seeker_id: str) -> list[dict[str, Any]]:
        e, lists = rt.behaviour_event.c, rt.recommendation_list.c
        events = self._db.execute(sa.select(rt.behaviour_event).where(e.seeker_id == seeker_id).order_by(e.at, e.id))
        shown = self._db.execute(
            sa.select(rt.recommendation_list).where(lists.seeker_id == seeker_id).order_by(lists.at, lists.id)
        )
        return [
            *(
                {"event": row.kind, **{k: v for k, v in row._mapping.items() if k not in ("seeker_id", "kind")}}
                for row in events
            ),
            *({"list_shown": row.id, **{k: v for k, v in row._mapping.items() if k != "id"}} for row in shown),
        ]

    def tally_erasure(self, month: str, region: str | None, role: str) -> None:
        e = t.erasure_tally.c
        insert = upsert(self._db, t.erasure_tally).values(month=month, region=region or "", role=role, erased=1)
        self._db.execute(
            insert.on_conflict_do_update(index_elements=[e.month, e.region, e.role], set_={"erased": e.erased + 1})
        )


def _seeker(row: Any) -> StoredSeeker:
    return StoredSeeker(
        id=row.id,
        account_id=row.account_id,
        region=row.region,
        headline=row.headline,
        occupations=list(row.occupations),
        skills=list(row.skills),
        findable=bool(row.findable),
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        encrypted={name: getattr(row, f"{name}_enc") for name in ENCRYPTED_FIELDS},
        national_id_index=row.national_id_index,
        details=dict(row.details or {}),
    )


def _consent(row: Any) -> Consent:
    grantee, _, client_id = row.grantee.partition(":")
    return Consent(
        id=row.id,
        seeker_id=row.seeker_id,
        grantee=Grantee(grantee),
        client_id=client_id or None,
        purpose=row.purpose,
        data=frozenset(DataCategory(d) for d in row.data),
        granted_at=aware(row.granted_at),
        withdrawn_at=aware_or_none(row.withdrawn_at),
    )
