"""Vacancy clusters kept in storage: each new posting is signed, blocked and verified against stored ones.

The same blocking and verification as the in-memory `DuplicateIndex` (`lmis.enrich.dedup`),
over a `ClusterStore`: blocking keys are the text hash, the employer + place + title key and
the MinHash-LSH bands (the band count and width datasketch chooses for `LSH_THRESHOLD`).
A cluster's id is the smallest posting id in it; when a posting joins two clusters, the
larger id's members are relabelled.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

from lmis.enrich.dedup import (
    BLOCK_LIMIT,
    LSH_THRESHOLD,
    METHOD_VERSION,
    NUM_PERM,
    SCHEME,
    DedupInput,
    PairScore,
    Signature,
    permutations,
    score_pair,
    signature,
)
from lmis.enrich.ports import ClusterStore, SignatureRecord


@dataclass(frozen=True, slots=True)
class VacancyView:
    """One vacancy as users see it: its postings (id, source, first seen) and how they were linked."""

    cluster_id: str
    members: tuple[SignatureRecord, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """The partners that posted the vacancy."""
        return tuple(sorted({member.source for member in self.members}))

    @property
    def repost_count(self) -> int:
        """Postings of one source beyond the first of that source."""
        return len(self.members) - len(self.sources)

    @property
    def first_seen(self) -> date | None:
        """The earliest posting date of any member."""
        dates = [m.date_posted for m in self.members if m.date_posted]
        return min(dates) if dates else None

    @property
    def last_seen(self) -> date | None:
        """The latest posting date of any member."""
        dates = [m.date_posted for m in self.members if m.date_posted]
        return max(dates) if dates else None


@functools.cache
def _bands() -> tuple[int, int]:
    """(bands, rows per band) datasketch's LSH picks for `LSH_THRESHOLD` and `NUM_PERM`."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return int(lsh.b), int(lsh.r)


def blocking_keys(entry: Signature) -> list[str]:
    """The keys under which `entry` is stored and looked up."""
    keys = [f"t:{entry.text_hash.hex()}"]
    if entry.employer:
        place_title = f"{entry.employer}\x1f{entry.locality or entry.region}\x1f{entry.title}"
        keys.append(f"k:{hashlib.blake2b(place_title.encode(), digest_size=12).hexdigest()}")
    if entry.has_shingles:
        bands, rows = _bands()
        values = np.asarray(entry.minhash.hashvalues, dtype=np.uint64)
        for band in range(bands):
            digest = hashlib.blake2b(values[band * rows : (band + 1) * rows].tobytes(), digest_size=8).hexdigest()
            keys.append(f"b{band}:{digest}")
    return keys


def restore(record: SignatureRecord) -> Signature:
    """The signature of a stored record (its MinHash rebuilt from the stored hash values)."""
    values = np.frombuffer(record.minhash, dtype=np.uint64)
    if values.size:
        minhash = MinHash(num_perm=NUM_PERM, hashvalues=values, permutations=permutations(), scheme=SCHEME)
    else:
        minhash = MinHash(num_perm=NUM_PERM, permutations=permutations(), scheme=SCHEME)
    return Signature(
        id=record.posting_id,
        source=record.source,
        title=record.title,
        employer=record.employer,
        locality=record.locality,
        region=record.region,
        date_posted=record.date_posted,
        skills=frozenset(record.skills),
        text_hash=bytes.fromhex(record.text_hash),
        minhash=minhash,
        has_shingles=bool(values.size),
    )


def assign_clusters(postings: Sequence[DedupInput], store: ClusterStore) -> list[SignatureRecord]:
    """Sign each posting, link it to the duplicates it verifies against (stored ones and earlier ones of
    the batch), store the batch; records in order. A posting signed before (an update) is forgotten first.

    The stored candidates of the whole batch are read in one query and the batch is written in one.
    """
    _forget(store, [posting.id for posting in postings])
    batch = _Batch(postings, store)
    records = [batch.place(entry, keys) for entry, keys in zip(batch.entries, batch.keys, strict=True)]
    final = [replace(record, cluster_id=batch.current(record.cluster_id)) for record in records]
    store.add_many([(record, keys) for record, keys in zip(final, batch.keys, strict=True)])
    return final


def find_duplicates(postings: Sequence[DedupInput], store: ClusterStore) -> list[SignatureRecord]:
    """What `assign_clusters` would give each posting, without storing anything (postings are linked to
    stored ones only, not to each other)."""
    batch = _Batch(postings, store)
    records = []
    for entry, keys in zip(batch.entries, batch.keys, strict=True):
        best, clusters = batch.verify(entry, keys)
        records.append(_record(entry, min({entry.id, *clusters}), best))
    return records


def _forget(store: ClusterStore, posting_ids: list[str]) -> None:
    """Forget postings; a cluster named after one of them is renamed after its smallest remaining member."""
    named = store.members_of(posting_ids)
    store.forget(posting_ids)
    leaving = set(posting_ids)
    for cluster_id, members in named.items():
        rest = [member for member in members if member not in leaving]
        if rest:
            store.relabel(cluster_id, rest[0])


class _Batch:
    """A batch being clustered: its signatures and keys, the stored candidates of all its keys, the
    entries placed so far and the clusters renamed on the way."""

    def __init__(self, postings: Sequence[DedupInput], store: ClusterStore) -> None:
        self.store = store
        self.entries = [signature(posting) for posting in postings]
        self.keys = [blocking_keys(entry) for entry in self.entries]
        wanted = sorted({key for keys in self.keys for key in keys})
        self.by_key: dict[str, list[SignatureRecord]] = store.candidates(wanted, BLOCK_LIMIT) if wanted else {}
        self.restored: dict[str, Signature] = {}
        self.renamed: dict[str, str] = {}

    def current(self, cluster_id: str) -> str:
        """A cluster's id after the renames of this batch."""
        while cluster_id in self.renamed:
            cluster_id = self.renamed[cluster_id]
        return cluster_id

    def place(self, entry: Signature, keys: Sequence[str]) -> SignatureRecord:
        """Link `entry`, merge the clusters it joins (relabelling stored members), remember it for the batch."""
        best, clusters = self.verify(entry, keys)
        cluster_id = min({entry.id, *clusters})
        for other in clusters - {cluster_id}:
            self.store.relabel(other, cluster_id)
            self.renamed[other] = cluster_id
        record = _record(entry, cluster_id, best)
        self.restored[entry.id] = entry
        for key in keys:
            self.by_key.setdefault(key, []).append(record)
        return record

    def verify(self, entry: Signature, keys: Sequence[str]) -> tuple[tuple[PairScore, str] | None, set[str]]:
        """The best verified duplicate (verdict, posting id) among the candidates, and their current clusters."""
        best: tuple[PairScore, str] | None = None
        clusters: set[str] = set()
        candidates = {record.posting_id: record for key in keys for record in self.by_key.get(key, [])[-BLOCK_LIMIT:]}
        for posting_id, candidate in sorted(candidates.items()):
            if posting_id == entry.id:
                continue
            known = self.restored.get(posting_id)
            if known is None:
                known = self.restored[posting_id] = restore(candidate)
            verdict = score_pair(entry, known)
            if not verdict.is_duplicate:
                continue
            clusters.add(self.current(candidate.cluster_id))
            if best is None or (verdict.confidence, posting_id) > (best[0].confidence, best[1]):
                best = (verdict, posting_id)
        return best, clusters


def _record(entry: Signature, cluster_id: str, best: tuple[PairScore, str] | None) -> SignatureRecord:
    return SignatureRecord(
        posting_id=entry.id,
        cluster_id=cluster_id,
        source=entry.source,
        title=entry.title,
        employer=entry.employer,
        locality=entry.locality,
        region=entry.region,
        date_posted=entry.date_posted,
        skills=tuple(sorted(entry.skills)),
        text_hash=entry.text_hash.hex(),
        minhash=np.asarray(entry.minhash.hashvalues, dtype=np.uint64).tobytes() if entry.has_shingles else b"",
        matched_id=best[1] if best else None,
        method=best[0].method.value if best else None,
        confidence=best[0].confidence if best else 0.0,
        method_version=METHOD_VERSION,
    )
