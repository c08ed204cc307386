"""The behaviour repository in SQL: append-only events, served lists, co-engagement and attribution tallies."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lmis.recommend.model import EVENT_STRENGTH, BehaviourEvent, EventKind, RecommendationList
from lmis.recommend.ports import ApplicationTally
from lmis.storage import recommend_tables as t
from lmis.storage.time import aware

_e, _l = t.behaviour_event.c, t.recommendation_list.c
SEEDS, PEERS_PER_SEED = 10, 30  # a collaborative look-up reads the latest 30 people of each of 10 postings


def _strength() -> sa.Case[Any]:
    return sa.case({kind.value: weight for kind, weight in EVENT_STRENGTH.items()}, value=_e.kind, else_=0.0)


class SqlBehaviourRepository:
    """Behaviour events and served lists on one open connection (the unit of work owns the transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add_events(self, events: Sequence[BehaviourEvent]) -> None:
        if events:
            self._db.execute(
                t.behaviour_event.insert(),
                [
                    {
                        "seeker_id": e.seeker_id,
                        "kind": e.kind.value,
                        "item_kind": e.item_kind,
                        "item_id": e.item_id,
                        "employer_id": e.employer_id,
                        "list_id": e.list_id,
                        "position": e.position,
                        "detail": e.detail or None,
                        "at": e.at,
                    }
                    for e in events
                ],
            )

    def events_of(
        self,
        seeker_id: str,
        *,
        kinds: Collection[EventKind] | None = None,
        since: datetime | None = None,
        limit: int = 1000,
    ) -> list[BehaviourEvent]:
        query = sa.select(t.behaviour_event).where(_e.seeker_id == seeker_id)
        if kinds is not None:
            query = query.where(_e.kind.in_([k.value for k in kinds]))
        if since is not None:
            query = query.where(_e.at >= since)
        rows = self._db.execute(query.order_by(_e.at.desc(), _e.id.desc()).limit(limit))
        return [_event(row) for row in rows]

    def co_engaged(
        self, item_ids: Collection[str], *, seeker_id: str, kinds: Collection[EventKind], limit: int
    ) -> list[tuple[str, float]]:
        if not item_ids:
            return []
        kind_values = [k.value for k in kinds]
        # the latest few people per posting only: a popular posting must not make a request read everyone
        peers: set[str] = set()
        for item in list(item_ids)[:SEEDS]:
            peers.update(
                self._db.execute(
                    sa.select(_e.seeker_id)
                    .where(_e.item_id == item, _e.kind.in_(kind_values), _e.seeker_id != seeker_id)
                    .order_by(_e.at.desc())
                    .limit(PEERS_PER_SEED)
                ).scalars()
            )
        if not peers:
            return []
        weight = sa.func.sum(_strength())
        rows = self._db.execute(
            sa.select(_e.item_id, weight)
            # `kind || ''`: the kind index must not be chosen over the seeker one (SQLite did, and read every save)
            .where(_e.seeker_id.in_(sorted(peers)), _e.kind.concat("").in_(kind_values), _e.item_kind == "posting")
            .where(_e.item_id.not_in(list(item_ids)))
            .group_by(_e.item_id)
            .order_by(weight.desc(), _e.item_id)
            .limit(limit)
        )
        return [(str(item), float(w)) for item, w in rows]

    def popular(self, *, since: datetime, kinds: Collection[EventKind], limit: int) -> list[tuple[str, float]]:
        weight = sa.func.sum(_strength())
        rows = self._db.execute(
            sa.select(_e.item_id, weight)
            .where(_e.at >= since, _e.kind.in_([k.value for k in kinds]), _e.item_kind == "posting")
            .group_by(_e.item_id)
            .order_by(weight.desc(), _e.item_id)
            .limit(limit)
        )
        return [(str(item), float(w)) for item, w in rows]

    def save_list(self, served: RecommendationList) -> None:
        self._db.execute(
            t.recommendation_list.insert().values(
                id=served.id,
                seeker_id=served.seeker_id,
                kind=served.kind,
                items=[item.posting_id for item in served.items],
                ranker=served.ranker,
                at=served.at,
            )
        )

    def served_lists(self, *, since: datetime) -> list[tuple[str, str, list[str], datetime]]:
        rows = self._db.execute(
            sa.select(_l.id, _l.seeker_id, _l["items"], _l.at)
            .where(_l.kind == "jobs", _l.at >= since)
            .order_by(_l.at, _l.id)
        )
        return [(row[0], row[1], list(row[2]), aware(row[3])) for row in rows]

    def served_list(self, list_id: str) -> tuple[str, list[str]] | None:
        row = self._db.execute(sa.select(_l.seeker_id, _l["items"]).where(_l.id == list_id)).first()
        return (row.seeker_id, list(row[1])) if row else None

    def hired_tallies(self, *, since: datetime, until: datetime) -> list[ApplicationTally]:
        hired = (
            sa.select(_e.seeker_id)
            .where(_e.kind == EventKind.HIRE.value, _e.at >= since, _e.at < until)
            .distinct()
            .subquery()
        )
        applications = self._db.execute(
            sa.select(_e.seeker_id, _e.item_id, _e.at).where(
                _e.kind == EventKind.APPLY.value, _e.seeker_id.in_(sa.select(hired.c.seeker_id)), _e.at < until
            )
        ).all()
        shown = self._db.execute(
            sa.select(_l.seeker_id, _l["items"], _l.at).where(
                _l.kind == "jobs", _l.seeker_id.in_(sa.select(hired.c.seeker_id)), _l.at < until
            )
        ).all()
        first_shown: dict[tuple[str, str], datetime] = {}
        for seeker, items, at in shown:
            for item in items:
                key = (seeker, item)
                first_shown[key] = min(first_shown.get(key, aware(at)), aware(at))
        tallies: dict[str, list[int]] = {}
        for seeker, item, at in applications:
            counts = tallies.setdefault(seeker, [0, 0])
            counts[0] += 1
            recommended_at = first_shown.get((seeker, item))
            counts[1] += recommended_at is not None and recommended_at <= aware(at)
        return [ApplicationTally(seeker, apps, recommended) for seeker, (apps, recommended) in sorted(tallies.items())]

    def purge_events(self, before: datetime) -> int:
        gone = self._db.execute(t.behaviour_event.delete().where(_e.at < before)).rowcount
        self._db.execute(t.recommendation_list.delete().where(_l.at < before))
        return int(gone)


def _event(row: Any) -> BehaviourEvent:
    return BehaviourEvent(
        seeker_id=row.seeker_id,
        kind=EventKind(row.kind),
        item_kind=row.item_kind,
        item_id=row.item_id,
        at=aware(row.at),
        employer_id=row.employer_id,
        list_id=row.list_id,
        position=row.position,
        detail=dict(row.detail or {}),
    )
