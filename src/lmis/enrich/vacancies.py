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
from dataclasses import dataclass
from datetime import date

import numpy as np
from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

from lmis.enrich.dedup import (
    BLOCK_LIMIT,
    LSH_THRESHOLD,
    METHOD_VERSION,
    NUM_PERM,
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
        minhash = MinHash(num_perm=NUM_PERM, hashvalues=values, permutations=permutations())
    else:
        minhash = MinHash(num_perm=NUM_PERM, permutations=permutations())
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
    """Sign each posting, link it to the stored duplicates it verifies against, store it; records in order.

    A posting signed before (an update) is forgotten first, so its new text decides.
    """
    store.forget([posting.id for posting in postings])
    return [_place(signature(posting), store) for posting in postings]


def find_duplicates(postings: Sequence[DedupInput], store: ClusterStore) -> list[SignatureRecord]:
    """What `assign_clusters` would give each posting, without storing anything (postings are not linked
    to each other, only to stored ones)."""
    records = []
    for posting in postings:
        entry = signature(posting)
        keys = blocking_keys(entry)
        best, clusters = _verify(entry, store, keys)
        records.append(_record(entry, min({entry.id, *clusters}), best))
    return records


def _place(entry: Signature, store: ClusterStore) -> SignatureRecord:
    keys = blocking_keys(entry)
    best, clusters = _verify(entry, store, keys)
    cluster_id = min({entry.id, *clusters})
    for other in clusters - {cluster_id}:
        store.relabel(other, cluster_id)
    record = _record(entry, cluster_id, best)
    store.add(record, keys)
    return record


def _verify(
    entry: Signature, store: ClusterStore, keys: Sequence[str]
) -> tuple[tuple[PairScore, str] | None, set[str]]:
    """The best verified duplicate (verdict, posting id) among the stored candidates, and their clusters."""
    best: tuple[PairScore, str] | None = None
    clusters: set[str] = set()
    for candidate in store.candidates(keys, BLOCK_LIMIT):
        if candidate.posting_id == entry.id:
            continue
        verdict = score_pair(entry, restore(candidate))
        if not verdict.is_duplicate:
            continue
        clusters.add(candidate.cluster_id)
        if best is None or (verdict.confidence, candidate.posting_id) > (best[0].confidence, best[1]):
            best = (verdict, candidate.posting_id)
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
