"""SQL adapter of the enrichment repository: coded examples, review and moderation queues, clusters, wages."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from lmis.enrich.coding import CodedExample
from lmis.enrich.model import CodingReview, ModerationCase, ModerationStatus, ReviewStatus
from lmis.enrich.ports import SignatureRecord
from lmis.storage import tables as t
from lmis.storage.jobs import SqlJobRepository
from lmis.storage.time import aware, aware_or_none

_IN_CHUNK = 500
_r, _m, _s, _b, _w = t.coding_review.c, t.moderation_case.c, t.dedup_signature.c, t.dedup_block.c, t.wage_observation.c


class SqlEnrichmentRepository:
    """The enrichment repository on one open connection (the unit of work owns the transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    # Coded examples -------------------------------------------------------------------------

    def add_examples(self, examples: Sequence[CodedExample], origin: str, at: datetime) -> int:
        """See `EnrichmentRepository.add_examples`."""
        unique = {(e.text, e.concept_id): e for e in examples}
        known: set[tuple[str, str]] = set()
        texts = sorted({text for text, _concept in unique})
        c = t.coding_example.c
        for start in range(0, len(texts), _IN_CHUNK):
            query = sa.select(c.text, c.concept_id).where(c.text.in_(texts[start : start + _IN_CHUNK]))
            known.update((row.text, row.concept_id) for row in self._db.execute(query))
        fresh = [
            {"text": e.text, "concept_id": e.concept_id, "isco_code": e.isco, "origin": origin, "created_at": at}
            for key, e in unique.items()
            if key not in known
        ]
        if fresh:
            self._db.execute(t.coding_example.insert(), fresh)
        return len(fresh)

    def examples(self) -> list[CodedExample]:
        """See `EnrichmentRepository.examples`."""
        c = t.coding_example.c
        rows = self._db.execute(sa.select(c.text, c.concept_id, c.isco_code).order_by(c.id))
        return [CodedExample(row.text, row.concept_id, row.isco_code) for row in rows]

    # Review queue ---------------------------------------------------------------------------

    def save_reviews(self, reviews: Sequence[CodingReview]) -> None:
        """See `EnrichmentRepository.save_reviews`."""
        rows = [
            {
                "id": review.id,
                "posting_id": review.posting_id,
                "title": review.title,
                "confidence": review.confidence,
                "candidates": [dict(candidate) for candidate in review.candidates],
                "status": review.status.value,
                "chosen_concept_id": review.chosen_concept_id,
                "reviewer": review.reviewer,
                "created_at": review.created_at,
                "decided_at": review.decided_at,
            }
            for review in reviews
        ]
        self._replace(t.coding_review, rows)

    def review(self, review_id: str) -> CodingReview | None:
        """See `EnrichmentRepository.review`."""
        row = self._db.execute(sa.select(t.coding_review).where(_r.id == review_id)).first()
        return _review(row) if row else None

    def open_reviews_of(self, posting_ids: Collection[str]) -> dict[str, CodingReview]:
        """See `EnrichmentRepository.open_reviews_of`."""
        return {
            row.posting_id: _review(row)
            for row in self._open_rows(t.coding_review, posting_ids, ReviewStatus.OPEN.value)
        }

    def withdraw_reviews(self, posting_ids: Collection[str]) -> None:
        """See `EnrichmentRepository.withdraw_reviews`."""
        ids = sorted(set(posting_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            self._db.execute(
                t.coding_review.delete().where(_r.posting_id.in_(chunk), _r.status == ReviewStatus.OPEN.value)
            )

    def reviews(self, status: ReviewStatus, offset: int, limit: int) -> tuple[list[CodingReview], int]:
        """See `EnrichmentRepository.reviews`."""
        where = _r.status == status.value
        order = (_r.confidence, _r.id) if status is ReviewStatus.OPEN else (_r.decided_at.desc(), _r.id)
        rows = self._db.execute(sa.select(t.coding_review).where(where).order_by(*order).offset(offset).limit(limit))
        total = self._db.execute(sa.select(sa.func.count()).select_from(t.coding_review).where(where)).scalar_one()
        return [_review(row) for row in rows], int(total)

    # Moderation queue -----------------------------------------------------------------------

    def save_cases(self, cases: Sequence[ModerationCase]) -> None:
        """See `EnrichmentRepository.save_cases`."""
        rows = [
            {
                "id": case.id,
                "posting_id": case.posting_id,
                "title": case.title,
                "score": case.score,
                "flags": [dict(flag) for flag in case.flags],
                "status": case.status.value,
                "moderator": case.moderator,
                "note": case.note,
                "created_at": case.created_at,
                "decided_at": case.decided_at,
            }
            for case in cases
        ]
        self._replace(t.moderation_case, rows)

    def case(self, case_id: str) -> ModerationCase | None:
        """See `EnrichmentRepository.case`."""
        row = self._db.execute(sa.select(t.moderation_case).where(_m.id == case_id)).first()
        return _case(row) if row else None

    def open_cases_of(self, posting_ids: Collection[str]) -> dict[str, ModerationCase]:
        """See `EnrichmentRepository.open_cases_of`."""
        return {
            row.posting_id: _case(row)
            for row in self._open_rows(t.moderation_case, posting_ids, ModerationStatus.OPEN.value)
        }

    def cases(self, status: ModerationStatus, offset: int, limit: int) -> tuple[list[ModerationCase], int]:
        """See `EnrichmentRepository.cases`."""
        where = _m.status == status.value
        order = (_m.score.desc(), _m.id) if status is ModerationStatus.OPEN else (_m.decided_at.desc(), _m.id)
        rows = self._db.execute(sa.select(t.moderation_case).where(where).order_by(*order).offset(offset).limit(limit))
        total = self._db.execute(sa.select(sa.func.count()).select_from(t.moderation_case).where(where)).scalar_one()
        return [_case(row) for row in rows], int(total)

    # Vacancy clusters -----------------------------------------------------------------------

    def candidates(self, keys: Sequence[str], per_key: int) -> dict[str, list[SignatureRecord]]:
        """See `ClusterStore.candidates`: the newest `per_key` block entries of each key, by a window rank."""
        found: dict[str, list[SignatureRecord]] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), _IN_CHUNK):
            rank = sa.func.row_number().over(partition_by=_b.key, order_by=_b.id.desc()).label("rank")
            chunk = unique[start : start + _IN_CHUNK]
            blocks = sa.select(_b.key, _b.posting_id, _b.id, rank).where(_b.key.in_(chunk)).subquery()
            query = (
                sa.select(blocks.c.key, t.dedup_signature)
                .join(t.dedup_signature, _s.posting_id == blocks.c.posting_id)
                .where(blocks.c.rank <= per_key)
                .order_by(blocks.c.key, blocks.c.id)
            )
            for row in self._db.execute(query):
                found.setdefault(row.key, []).append(_signature(row))
        return found

    def add_many(self, records: Sequence[tuple[SignatureRecord, Sequence[str]]]) -> None:
        """See `ClusterStore.add_many`."""
        if not records:
            return
        rows = []
        for record, _keys in records:
            values = {name: getattr(record, name) for name in _SIGNATURE_FIELDS}
            rows.append({**values, "skills": list(record.skills)})
        self._db.execute(t.dedup_signature.insert(), rows)
        blocks = [{"key": key, "posting_id": record.posting_id} for record, keys in records for key in keys]
        self._db.execute(t.dedup_block.insert(), blocks)

    def forget(self, posting_ids: Collection[str]) -> None:
        """See `ClusterStore.forget`."""
        ids = sorted(set(posting_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            self._db.execute(t.dedup_block.delete().where(_b.posting_id.in_(chunk)))
            self._db.execute(t.dedup_signature.delete().where(_s.posting_id.in_(chunk)))

    def members_of(self, cluster_ids: Collection[str]) -> dict[str, list[str]]:
        """See `ClusterStore.members_of`."""
        members: dict[str, list[str]] = {}
        ids = sorted(set(cluster_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            query = sa.select(_s.cluster_id, _s.posting_id).where(_s.cluster_id.in_(ids[start : start + _IN_CHUNK]))
            for row in self._db.execute(query.order_by(_s.posting_id)):
                members.setdefault(row.cluster_id, []).append(row.posting_id)
        return members

    def relabel(self, old_cluster: str, new_cluster: str) -> None:
        """See `ClusterStore.relabel`; the stored postings of the old cluster move too (a change-feed update)."""
        members = list(self._db.execute(sa.select(_s.posting_id).where(_s.cluster_id == old_cluster)).scalars())
        self._db.execute(t.dedup_signature.update().where(_s.cluster_id == old_cluster).values(cluster_id=new_cluster))
        SqlJobRepository(self._db).move_to_cluster(members, new_cluster, datetime.now(UTC))

    def cluster(self, cluster_id: str) -> list[SignatureRecord]:
        """See `ClusterStore.cluster`."""
        query = sa.select(t.dedup_signature).where(_s.cluster_id == cluster_id).order_by(_s.posting_id)
        return [_signature(row) for row in self._db.execute(query)]

    def cluster_of(self, posting_id: str) -> SignatureRecord | None:
        """See `ClusterStore.cluster_of`."""
        row = self._db.execute(sa.select(t.dedup_signature).where(_s.posting_id == posting_id)).first()
        return _signature(row) if row else None

    def employers_with_texts(self, text_hashes: Collection[str]) -> dict[str, int]:
        """See `ClusterStore.employers_with_texts`."""
        counts = dict.fromkeys(text_hashes, 0)
        hashes = sorted(counts)
        for start in range(0, len(hashes), _IN_CHUNK):
            query = (
                sa.select(_s.text_hash, sa.func.count(sa.distinct(_s.employer)).label("employers"))
                .where(_s.text_hash.in_(hashes[start : start + _IN_CHUNK]), _s.employer != "")
                .group_by(_s.text_hash)
            )
            counts.update((row.text_hash, int(row.employers)) for row in self._db.execute(query))
        return counts

    # Wages ----------------------------------------------------------------------------------

    def add_wages(self, rows: Sequence[tuple[str, str, str, float]]) -> None:
        """See `EnrichmentRepository.add_wages`."""
        ids = sorted({posting_id for posting_id, *_rest in rows})
        for start in range(0, len(ids), _IN_CHUNK):
            self._db.execute(t.wage_observation.delete().where(_w.posting_id.in_(ids[start : start + _IN_CHUNK])))
        latest = {posting_id: (major, currency, annual) for posting_id, major, currency, annual in rows}
        values = [
            {"posting_id": pid, "isco_major": major, "currency": currency, "annual": annual}
            for pid, (major, currency, annual) in latest.items()
        ]
        if values:
            self._db.execute(t.wage_observation.insert(), values)

    def wage_quantile(self, isco_major: str, currency: str, quantile: float, minimum: int) -> float | None:
        """See `EnrichmentRepository.wage_quantile`: the nearest-rank quantile, read by one indexed offset."""
        where = (_w.isco_major == isco_major, _w.currency == currency)
        count = int(self._db.execute(sa.select(sa.func.count()).where(*where)).scalar_one())
        if count < minimum:
            return None
        position = min(count - 1, max(0, math.ceil(quantile * count - 1e-9) - 1))
        query = sa.select(_w.annual).where(*where).order_by(_w.annual).offset(position).limit(1)
        return float(self._db.execute(query).scalar_one())

    def _open_rows(self, table: sa.Table, posting_ids: Collection[str], open_status: str) -> list[Any]:
        """The open rows of a queue table (reviews or moderation cases) for these postings."""
        rows: list[Any] = []
        ids = sorted(set(posting_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            where = (table.c.posting_id.in_(ids[start : start + _IN_CHUNK]), table.c.status == open_status)
            rows.extend(self._db.execute(sa.select(table).where(*where)))
        return rows

    def _replace(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """Insert `rows`, replacing the stored rows of the same ids (two statements per chunk, not two per row)."""
        for start in range(0, len(rows), _IN_CHUNK):
            chunk = rows[start : start + _IN_CHUNK]
            self._db.execute(table.delete().where(table.c.id.in_([row["id"] for row in chunk])))
            self._db.execute(table.insert(), chunk)


_SIGNATURE_FIELDS = (
    "posting_id",
    "cluster_id",
    "source",
    "title",
    "employer",
    "locality",
    "region",
    "date_posted",
    "text_hash",
    "minhash",
    "matched_id",
    "method",
    "confidence",
    "method_version",
)


def _signature(row: Any) -> SignatureRecord:
    values = {name: getattr(row, name) for name in _SIGNATURE_FIELDS}
    values["minhash"] = bytes(row.minhash)
    return SignatureRecord(**values, skills=tuple(row.skills))


def _review(row: Any) -> CodingReview:
    return CodingReview(
        id=row.id,
        posting_id=row.posting_id,
        title=row.title,
        confidence=row.confidence,
        candidates=tuple(row.candidates),
        created_at=aware(row.created_at),
        status=ReviewStatus(row.status),
        chosen_concept_id=row.chosen_concept_id,
        reviewer=row.reviewer,
        decided_at=aware_or_none(row.decided_at),
    )


def _case(row: Any) -> ModerationCase:
    return ModerationCase(
        id=row.id,
        posting_id=row.posting_id,
        title=row.title,
        score=row.score,
        flags=tuple(row.flags),
        created_at=aware(row.created_at),
        status=ModerationStatus(row.status),
        moderator=row.moderator,
        note=row.note,
        decided_at=aware_or_none(row.decided_at),
    )
