"""Jobs for a jobseeker: candidates from several retrievers over the search index and behaviour, a
ranker (learned when a model was trained on behaviour, transparent otherwise), then business rules.

Retrievers (each returns posting ids with a score normalised to [0, 1]):
- `occupation`: live postings coded to the person's desired or past occupations or their ISCO unit groups;
- `skills`: live postings asking for any of the person's skills;
- `embedding`: postings whose titles are nearest the profile text (multilingual-e5 title vectors);
- `collaborative`: postings engaged with by people who engaged with what this person saved or applied to;
- `region`: the newest postings of the person's region (so nobody gets an empty list).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from lmis.recommend.model import EventKind
from lmis.recommend.ports import BehaviourRepository
from lmis.recommend.ranking import BIAS, CandidateFeatures, LearnedRanker
from lmis.recommend.scoring import (
    BASE_WEIGHTS,
    FEATURES,
    Scored,
    SeekerContext,
    features_of,
    keeps,
    select,
    transparent,
    weights_for,
)
from lmis.search.model import EngineQuery, Filters, SearchDocument, SortOrder
from lmis.search.ports import SearchIndex, TitleSpace

NEAREST_TITLES = 30
PER_RETRIEVER = 40  # candidates a retriever gives; five retrievers: at most ~200 postings scored a request
ENGAGED = (EventKind.SAVE, EventKind.APPLY, EventKind.HIRE, EventKind.CLICK)


class RememberedTitles:
    """Nearest titles of recent profile texts, kept for `seconds` (a profile changes rarely; embedding
    its text is the dearest step of a request, ~30-60 ms of E5 on 2 cores). Thread-safe; the oldest
    entries go first past `size`."""

    def __init__(self, titles: TitleSpace, clock: Callable[[], float], seconds: float = 3600.0, size: int = 10_000):
        self._titles, self._clock, self._seconds, self._size = titles, clock, seconds, size
        self._kept: OrderedDict[str, tuple[float, list[tuple[str, float]]]] = OrderedDict()
        self._lock = threading.Lock()

    def nearest(self, text: str, k: int) -> list[tuple[str, float]]:
        key = f"{k}\x1f{text}"
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and self._clock() - kept[0] < self._seconds:
                self._kept.move_to_end(key)
                return kept[1]
        found = self._titles.nearest(text, k)
        self._keep({key: found})
        return found

    def remember(self, texts: Sequence[str], k: int) -> None:
        """Look up many texts at once (the nightly batch: embedding them together is far cheaper)."""
        fresh = sorted({t for t in texts if t.strip()})
        found = self._titles.nearest_many(fresh, k) if fresh else []
        self._keep({f"{k}\x1f{text}": near for text, near in zip(fresh, found, strict=True)})

    def _keep(self, found: Mapping[str, list[tuple[str, float]]]) -> None:
        with self._lock:
            for key, near in found.items():
                self._kept[key] = (self._clock(), near)
                self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)


@dataclass(frozen=True)
class JobRecommender:
    """What job recommendations read: the search index, title vectors, and postings by id."""

    index: SearchIndex
    titles: RememberedTitles | TitleSpace | None
    documents: Callable[[Sequence[str], datetime], dict[str, SearchDocument]]  # postings live at a time, by id
    ranker: LearnedRanker | None = None
    ranker_version: str = ""

    def remember_profiles(self, texts: Sequence[str]) -> None:
        """Embed many profile texts together ahead of their requests (when the title retriever remembers)."""
        if isinstance(self.titles, RememberedTitles):
            self.titles.remember(texts, NEAREST_TITLES)

    @property
    def method(self) -> str:
        return f"learned:{self.ranker_version}" if self.ranker else "transparent:v1"

    def candidates(
        self,
        seeker: SeekerContext,
        behaviour: BehaviourRepository,
        seeds: Sequence[str],
        profile_text: str,
        now: datetime,
    ) -> dict[str, dict[str, float]]:
        """Posting id -> {retriever: normalised score} from every retriever."""
        found: dict[str, dict[str, float]] = {}
        for name, hits in (
            ("occupation", self._occupations(seeker, now)),
            ("skills", self._skills(seeker, now)),
            ("embedding", self._embedding(profile_text, now)),
            (
                "collaborative",
                behaviour.co_engaged(seeds, seeker_id=seeker.seeker_id, kinds=ENGAGED, limit=PER_RETRIEVER),
            ),
            ("region", self._region(seeker, now)),
        ):
            for posting_id, value in _normalised(hits):
                found.setdefault(posting_id, {})[name] = value
        return found

    def rank(
        self, seeker: SeekerContext, found: Mapping[str, Mapping[str, float]], now: datetime, k: int
    ) -> list[Scored]:
        """Score every candidate, keep what the person's constraints allow, and pick the top `k`."""
        documents = self.documents(list(found), now)
        scored = [
            features_of(seeker, document, found[posting_id], now)
            for posting_id, document in documents.items()
            if document.valid_through is None or document.valid_through > now
        ]
        scored = [item for item in scored if keeps(seeker, item)]
        scored = self._scores(seeker, scored)
        scored.sort(key=lambda item: (-item.score, item.document.posting_id))
        return select(scored, k)

    def _scores(self, seeker: SeekerContext, scored: list[Scored]) -> list[Scored]:
        weights = weights_for(seeker.steering)
        if self.ranker is None or not scored:
            return [transparent(item, weights) for item in scored]
        rows = [CandidateFeatures(item.document.posting_id, _steered(item.features, weights)) for item in scored]
        scores, parts = self.ranker.score(rows), self.ranker.explain(rows)
        return [
            replace(item, score=score, contributions={k: round(v, 4) for k, v in part.items() if k != BIAS})
            for item, score, part in zip(scored, scores, parts, strict=True)
        ]

    def _occupations(self, seeker: SeekerContext, now: datetime) -> list[tuple[str, float]]:
        ids = [*seeker.desired_occupations, *seeker.past_occupations]
        groups = [f"isco:{seeker.isco_codes[o][:4]}" for o in ids if len(seeker.isco_codes.get(o, "")) >= 4]
        if not ids:
            return []
        exact = self._ids(Filters(terms={"occupation": tuple(dict.fromkeys(ids))}), now)
        related = self._ids(Filters(terms={"occupation": tuple(dict.fromkeys(groups))}), now) if groups else []
        return [(p, 1.0) for p in exact] + [(p, 0.6) for p in related if p not in set(exact)]

    def _skills(self, seeker: SeekerContext, now: datetime) -> list[tuple[str, float]]:
        if not seeker.skills:
            return []
        return [(p, 1.0) for p in self._ids(Filters(terms={"skill": tuple(sorted(seeker.skills))[:60]}), now)]

    def _embedding(self, text: str, now: datetime) -> list[tuple[str, float]]:
        if self.titles is None or not text.strip():
            return []
        near = dict(self.titles.nearest(text, NEAREST_TITLES))
        if not near:
            return []
        result = self.index.search(
            EngineQuery(now=now, filters=Filters(terms={"title": tuple(near)}), limit=PER_RETRIEVER, titles=True)
        )
        return [(hit.posting_id, near.get(hit.title.strip(), 0.0)) for hit in result.hits]

    def _region(self, seeker: SeekerContext, now: datetime) -> list[tuple[str, float]]:
        if not seeker.region:
            return []
        return [(p, 0.5) for p in self._ids(Filters(terms={"place": (seeker.region,)}), now, limit=PER_RETRIEVER)]

    def _ids(self, filters: Filters, now: datetime, limit: int = PER_RETRIEVER) -> list[str]:
        query = EngineQuery(now=now, filters=filters, sort=SortOrder.DATE, limit=limit)
        return [hit.posting_id for hit in self.index.search(query).hits]


def _normalised(hits: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    top = max((value for _, value in hits), default=0.0)
    return [(posting_id, value / top if top > 0 else 0.0) for posting_id, value in hits]


def _steered(features: Mapping[str, float], weights: Mapping[str, float]) -> dict[str, float]:
    """Features for the learned ranker, each scaled by how much the person's steering changed its weight."""
    return {
        name: features[name] * (weights[name] / BASE_WEIGHTS[name] if BASE_WEIGHTS[name] else 1.0) for name in FEATURES
    }
