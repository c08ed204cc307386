"""Duplicate vacancy clusters: blocking, pair verification and union-find clustering of postings.

The same vacancy reaches the platform several times: posted on several partners, or reposted.
Three blocking passes propose candidate pairs, each cheap and exact about what it proposes:

1. the hash of the normalised title + description (exact copies);
2. (normalised employer, locality or region, normalised title) (copies with edited text);
3. datasketch MinHash-LSH (128 permutations) over word 3-shingles of the normalised title +
   description (near copies and rewrites; Broder 1997, Leskovec et al., *Mining of Massive
   Datasets*, ch. 3).

Each candidate pair is verified by `score_pair` (documented there); pairs whose confidence
reaches `DUPLICATE_THRESHOLD` are joined by union-find. A cluster's id is the smallest posting
id in it, so it does not depend on the order in which postings arrived.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]
from rapidfuzz import fuzz

from lmis.jobs.model import JobPosting
from lmis.shared.errors import Invalid
from lmis.shared.text import normalise

METHOD_VERSION = "dedup-minhash-1"
NUM_PERM = 128
SHINGLE_WORDS = 3
LSH_THRESHOLD = 0.4  # MinHash-LSH proposes pairs whose shingle Jaccard is likely above this
BLOCK_LIMIT = 25  # a new posting is compared with at most this many earlier members of a hash/key block
DUPLICATE_THRESHOLD = 0.85  # tuned on perturbation seed 1 (bench/dedup_perturbations.py)
NEAR_TEXT = 0.6  # text Jaccard at or above which (with a near-equal title) a duplicate is "near"
TEXT_SATURATION = 0.8  # a description Jaccard at or above this counts as the same text
WEIGHTS = {"text": 0.40, "title": 0.20, "employer": 0.15, "place": 0.10, "date": 0.15, "skills": 0.10}
_LEGAL_FORMS = frozenset({"ltd", "limited", "plc", "inc", "llc", "llp", "gmbh", "co", "company", "the", "and"})
_MINHASH_SEED = 1
SCHEME = "affine32"  # datasketch hashing scheme; stored MinHashes are rebuilt with it


class MatchMethod(StrEnum):
    """How a posting was found to repeat another: same normalised text, small edits, or a rewrite."""

    EXACT = "exact"
    NEAR = "near"
    REWRITTEN = "rewritten"


@dataclass(frozen=True, slots=True)
class DedupInput:
    """What duplicate detection reads of a posting; `skills` may be empty (then it is not scored)."""

    id: str
    source: str
    title: str
    description_text: str
    employer: str = ""
    locality: str = ""
    region: str = ""
    date_posted: date | None = None
    skills: frozenset[str] = frozenset()

    @classmethod
    def from_posting(cls, posting: JobPosting, skills: Iterable[str] = ()) -> DedupInput:
        """The fields of a stored posting; `skills` are the caller's (e.g. extracted ESCO URIs)."""
        return cls(
            id=posting.id,
            source=posting.source,
            title=posting.title,
            description_text=posting.description_text,
            employer=posting.employer.name if posting.employer else "",
            locality=posting.address.locality,
            region=posting.address.region,
            date_posted=posting.date_posted.date() if posting.date_posted else None,
            skills=frozenset(skills),
        )


@dataclass(frozen=True, slots=True)
class PairScore:
    """The verdict on one candidate pair: confidence in [0, 1], method and the components scored."""

    confidence: float
    is_duplicate: bool
    method: MatchMethod
    components: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class ClusterAssignment:
    """A posting's vacancy cluster; `matched_id`, `method` and `confidence` describe its best link.

    A posting alone in its cluster has no method, no match and confidence 0.
    """

    posting_id: str
    cluster_id: str
    method: MatchMethod | None = None
    confidence: float = 0.0
    matched_id: str | None = None
    method_version: str = METHOD_VERSION


@dataclass(frozen=True, slots=True)
class VacancyCluster:
    """One vacancy: its postings, their sources, first/last `date_posted` and reposts.

    `repost_count` counts postings of one source beyond the first of that source.
    """

    cluster_id: str
    members: tuple[str, ...]
    sources: tuple[str, ...]
    first_seen: date | None
    last_seen: date | None
    repost_count: int


@dataclass(frozen=True, slots=True)
class Signature:
    """The normalised fields and MinHash kept per indexed posting (no description text: memory)."""

    id: str
    source: str
    title: str
    employer: str
    locality: str
    region: str
    date_posted: date | None
    skills: frozenset[str]
    text_hash: bytes
    minhash: Any
    has_shingles: bool


@functools.cache
def permutations() -> Any:
    """The MinHash permutations, drawn once (drawing them per posting costs more than hashing)."""
    return MinHash(num_perm=NUM_PERM, seed=_MINHASH_SEED).permutations


def employer_key(name: str) -> str:
    """The employer name folded for matching: normalised, legal forms and articles removed."""
    return " ".join(word for word in normalise(name).split() if word not in _LEGAL_FORMS)


def signature(posting: DedupInput) -> Signature:
    """Normalise a posting and compute its MinHash over word 3-shingles of title + description."""
    title = normalise(posting.title)
    words = f"{title} {normalise(posting.description_text)}".split()
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(max(1, len(words) - 2))}
    shingles.discard(b"")
    minhash = MinHash(num_perm=NUM_PERM, seed=_MINHASH_SEED, permutations=permutations(), scheme=SCHEME)
    if shingles:
        minhash.update_batch(list(shingles))
    return Signature(
        id=posting.id,
        source=posting.source,
        title=title,
        employer=employer_key(posting.employer),
        locality=normalise(posting.locality),
        region=normalise(posting.region),
        date_posted=posting.date_posted,
        skills=frozenset(posting.skills),
        text_hash=hashlib.blake2b(" ".join(words).encode(), digest_size=16).digest(),
        minhash=minhash,
        has_shingles=bool(shingles),
    )


def _employer_match(a: str, b: str) -> float:
    """1 for the same folded name, fuzzy token-set similarity otherwise, 0.5 when one is unknown."""
    if not a or not b:
        return 0.5
    return 1.0 if a == b else fuzz.token_set_ratio(a, b) / 100


def _place_match(a: Signature, b: Signature) -> float:
    """1 for the same locality, 0.8 for a spelling variant, 0 for another; regions decide when a locality is missing.

    Two known localities that differ are two places even inside one region (Leeds, Bradford).
    """
    if a.locality and b.locality:
        if a.locality == b.locality:
            return 1.0
        return 0.8 if fuzz.ratio(a.locality, b.locality) >= 90 else 0.0
    if a.region and b.region:
        return 0.7 if a.region == b.region else 0.0
    return 0.5


def _date_closeness(a: date | None, b: date | None) -> float:
    """1 within 14 days, falling linearly to 0 at 120 days apart; 0.5 when a date is unknown."""
    if a is None or b is None:
        return 0.5
    gap = abs((a - b).days)
    return 1.0 if gap <= 14 else max(0.0, 1.0 - (gap - 14) / 106)


def score_pair(a: Signature, b: Signature) -> PairScore:
    """Verify a candidate pair; the confidence is the weighted mean of its components.

    Components (each in [0, 1]): `text` = description shingle Jaccard estimated from the
    MinHashes (1 for the same normalised text), divided by `TEXT_SATURATION` and capped at 1;
    `title` = rapidfuzz token_set_ratio of the normalised titles; `employer`, `place` and `date`
    as their helpers say; `skills` = Jaccard of the skill sets, scored only when both have
    skills. Vetoes: two known employers that do not match (< 0.6) or two known places that
    differ are different vacancies, whatever the text. The pair is a duplicate when the
    confidence reaches `DUPLICATE_THRESHOLD`.
    """
    same_text = a.text_hash == b.text_hash
    jaccard = 1.0 if same_text else float(a.minhash.jaccard(b.minhash))
    components = {
        "text": min(1.0, jaccard / TEXT_SATURATION),
        "title": fuzz.token_set_ratio(a.title, b.title) / 100,
        "employer": _employer_match(a.employer, b.employer),
        "place": _place_match(a, b),
        "date": _date_closeness(a.date_posted, b.date_posted),
    }
    if a.skills and b.skills:
        components["skills"] = len(a.skills & b.skills) / len(a.skills | b.skills)
    total = sum(WEIGHTS[name] for name in components)
    confidence = round(sum(WEIGHTS[name] * value for name, value in components.items()) / total, 4)
    known_employers = bool(a.employer and b.employer)
    vetoed = (known_employers and components["employer"] < 0.6) or components["place"] == 0.0
    if same_text:
        method = MatchMethod.EXACT
    elif jaccard >= NEAR_TEXT and components["title"] >= 0.9:
        method = MatchMethod.NEAR
    else:
        method = MatchMethod.REWRITTEN
    is_duplicate = not vetoed and confidence >= DUPLICATE_THRESHOLD
    return PairScore(confidence, is_duplicate, method, tuple(sorted(components.items())))


class DuplicateIndex:
    """Postings indexed so far, their blocks and clusters; `add` places new postings among them.

    Memory per posting: one MinHash (128 uint32), its LSH band keys and normalised short fields;
    descriptions are not kept. Postings cannot be re-added: an index is rebuilt from storage.
    """

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[str, Signature] = {}
        self._blocks: dict[object, list[str]] = {}
        self._parent: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._best: dict[str, tuple[float, MatchMethod, str]] = {}
        self._relabelled: set[str] = set()

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, batch: Iterable[DedupInput]) -> list[ClusterAssignment]:
        """Index `batch` and return the assignments of its postings, in order.

        Earlier postings whose cluster id changed (a new posting joined two clusters, or has a
        smaller id) are listed by `relabelled` until the next `add`.
        """
        self._relabelled = set()
        added: list[str] = []
        for posting in batch:
            if posting.id in self._signatures or posting.id in added:
                raise Invalid(f"posting {posting.id!r} is already indexed", field="id")
            self._place(signature(posting))
            added.append(posting.id)
        self._relabelled.difference_update(added)
        return [self.assignment(posting_id) for posting_id in added]

    @property
    def relabelled(self) -> list[ClusterAssignment]:
        """Earlier postings whose cluster id changed in the last `add`, with their new assignment."""
        return [self.assignment(posting_id) for posting_id in sorted(self._relabelled)]

    def assignment(self, posting_id: str) -> ClusterAssignment:
        """The cluster of an indexed posting and its best link."""
        cluster_id = self._find(posting_id)
        best = self._best.get(posting_id)
        if best is None:
            return ClusterAssignment(posting_id, cluster_id)
        confidence, method, matched_id = best
        return ClusterAssignment(posting_id, cluster_id, method, confidence, matched_id)

    def assignments(self) -> list[ClusterAssignment]:
        """Every indexed posting's assignment, in the order they were added."""
        return [self.assignment(posting_id) for posting_id in self._signatures]

    def clusters(self, *, min_size: int = 1) -> list[VacancyCluster]:
        """Every cluster with at least `min_size` postings, ordered by cluster id."""
        return [
            self._describe(root, members) for root, members in sorted(self._members.items()) if len(members) >= min_size
        ]

    def _describe(self, root: str, members: list[str]) -> VacancyCluster:
        signatures = [self._signatures[member] for member in sorted(members)]
        sources = [entry.source for entry in signatures]
        dates = [entry.date_posted for entry in signatures if entry.date_posted is not None]
        return VacancyCluster(
            cluster_id=root,
            members=tuple(entry.id for entry in signatures),
            sources=tuple(sorted(set(sources))),
            first_seen=min(dates) if dates else None,
            last_seen=max(dates) if dates else None,
            repost_count=len(sources) - len(set(sources)),
        )

    def _place(self, entry: Signature) -> None:
        """Verify `entry` against its candidates, join the duplicates, then index it."""
        self._parent[entry.id] = entry.id
        self._members[entry.id] = [entry.id]
        for candidate_id in self._candidates(entry):
            verdict = score_pair(entry, self._signatures[candidate_id])
            if verdict.is_duplicate:
                self._link(entry.id, candidate_id, verdict)
        self._signatures[entry.id] = entry
        for key in self._block_keys(entry):
            self._blocks.setdefault(key, []).append(entry.id)
        if entry.has_shingles:
            self._lsh.insert(entry.id, entry.minhash, check_duplication=False)

    def _block_keys(self, entry: Signature) -> list[object]:
        keys: list[object] = [entry.text_hash]
        if entry.employer:
            keys.append((entry.employer, entry.locality or entry.region, entry.title))
        return keys

    def _candidates(self, entry: Signature) -> set[str]:
        """Earlier postings sharing a block with `entry`: same text, same key, or LSH bucket."""
        found: set[str] = set()
        for key in self._block_keys(entry):
            found.update(self._blocks.get(key, [])[-BLOCK_LIMIT:])
        if entry.has_shingles:
            found.update(self._lsh.query(entry.minhash))
        found.discard(entry.id)
        return found

    def _link(self, new_id: str, old_id: str, verdict: PairScore) -> None:
        """Record the link as each side's best if it is, and join the two clusters."""
        for one, other in ((new_id, old_id), (old_id, new_id)):
            best = self._best.get(one)
            if best is None or (verdict.confidence, other) > (best[0], best[2]):
                self._best[one] = (verdict.confidence, verdict.method, other)
        self._union(new_id, old_id)

    def _find(self, posting_id: str) -> str:
        parent = self._parent
        while parent[posting_id] != posting_id:
            parent[posting_id] = parent[parent[posting_id]]  # path halving
            posting_id = parent[posting_id]
        return posting_id

    def _union(self, a: str, b: str) -> None:
        """Join two clusters under the smaller id, so a cluster id is its smallest posting id."""
        root_a, root_b = self._find(a), self._find(b)
        if root_a == root_b:
            return
        keep, drop = min(root_a, root_b), max(root_a, root_b)
        self._parent[drop] = keep
        moved = self._members.pop(drop)
        self._relabelled.update(moved)
        self._members[keep].extend(moved)


def find_clusters(postings: Sequence[DedupInput]) -> list[ClusterAssignment]:
    """The vacancy cluster of every posting, in input order (a fresh `DuplicateIndex`)."""
    return DuplicateIndex().add(postings)


def summarise_clusters(postings: Sequence[DedupInput]) -> list[VacancyCluster]:
    """The clusters of `postings` with two or more members: sources, first/last seen, reposts."""
    index = DuplicateIndex()
    index.add(postings)
    return index.clusters(min_size=2)
