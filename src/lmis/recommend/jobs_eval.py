"""The offline ladder of job recommendations on the Kaggle job-views data: popularity, BM25, embeddings, full.

Data (a folder in the layout of `../shared/data/career_paths_kaggle_jobreco`, read by
`jobs_data`): postings are the distinct Job.IDs of Job_Views (text: Title, Position, Company,
City, State.Name, Industry); an applicant's profile is their Experience rows (Position.Name,
Job.Description, City, State.Name) and Positions_Of_Interest, plus the titles of the postings
they viewed before the cut-off. The profile counts as known whenever the person asks (it is
what they told the service, not behaviour); views are behaviour and are split by time.

Split: one global cut-off at 75 % of the span of View.Start; views before it are the
training period, views at or after it the test period. Test users are applicants with a test
view; their relevant postings are the postings they viewed in the test period. Every method
ranks ALL postings and nothing is excluded: a posting viewed again in the test period was
wanted again, and the history signal may find it (on this data that is under 1 % of test views).

Rungs: `popularity` (views in the training period), `bm25` (profile text against posting
text), `embeddings` (multilingual-e5-small; job and place embedded as two fields, see
`jobs_vectors`) and `full` (the union of every retriever's candidates — popularity, BM25,
embeddings, item-item collaborative filtering over training views, the newest postings in the
applicant's state — re-ranked by LightGBM LambdaRank). A content rung fills a list shorter than 10 (an empty
profile gives an empty one) from popularity. The ranker learns inside the training period
only: its own cut-off at 75 % of the training span, features from the views before it, labels
from the views after it, and the postings seen in training as its catalogue. Test views are
never used to learn or to compute a feature.

`recency` is a posting's place in the catalogue by Job.ID (1 = newest): the data has no
publication dates, and Job.IDs are given in publication order (the median first-view date
rises with every decile of Job.ID). The catalogue holds only postings someone viewed, so a
posting new after the cut-off was viewed by a test user by construction: freshness signals are
stronger here than in a live catalogue (docs/recommend.md gives the ablation).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from lmis.recommend.fairness import employer_gini, metric_by_group
from lmis.recommend.jobs_data import JobData, Profile, View, make_profile
from lmis.recommend.jobs_vectors import TextEmbedder, place_vectors, posting_vectors, profile_vectors
from lmis.recommend.ranking import CandidateFeatures, LearnedRanker, RankerParameters, TransparentScorer
from lmis.recommend.retrieval import (
    BM25Retriever,
    CandidateUnion,
    CollaborativeRetriever,
    EmbeddingRetriever,
    PopularityRetriever,
    RetrievalQuery,
    Retriever,
    Tokenizer,
)
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress, SilentProgress
from lmis.shared.text import tokens as plain_tokens

K = 10
TEST_FRACTION = 0.25
DEPTH = 100
RUNGS = ("popularity", "bm25", "embeddings", "full")
FEATURES = (
    "popularity", "popularity_rr", "text", "text_rr", "embedding", "embedding_rr",
    "collaborative", "collaborative_rr", "local_rr", "recency", "distance_fit", "history",
)  # fmt: skip
FALLBACK_WEIGHTS = {"text_rr": 1.0, "embedding_rr": 1.0, "collaborative_rr": 1.0, "history": 1.0, "distance_fit": 0.5}


def time_cut(views: Sequence[View], fraction: float) -> datetime:
    """The time at `1 - fraction` of the span of `views`: later views are held out."""
    first, last = min(v.time for v in views), max(v.time for v in views)
    return first + (last - first) * (1.0 - fraction)


@dataclass(slots=True)
class Period:
    """One learning problem: behaviour before a cut-off, labels after it, over a catalogue."""

    catalogue: list[str]
    before: list[View]
    labels: dict[str, set[str]]
    profiles: dict[str, Profile] = field(default_factory=dict)


def make_period(data: JobData, catalogue: Sequence[str], before: Sequence[View], after: Sequence[View]) -> Period:
    """Users with a view after the cut-off, profiled from the views before it."""
    known = set(catalogue)
    labels: dict[str, set[str]] = defaultdict(set)
    for view in after:
        if view.item in known:
            labels[view.user].add(view.item)
    history: dict[str, list[View]] = defaultdict(list)
    for view in before:
        history[view.user].append(view)
    profiles = {
        user: make_profile(data.backgrounds.get(user), history.get(user, []), data.postings) for user in sorted(labels)
    }
    return Period(list(catalogue), list(before), dict(labels), profiles)


class Signals:
    """Every retriever of a period and the dense per-posting signals the ranker reads."""

    def __init__(
        self, data: JobData, period: Period, vectors: Mapping[str, npt.NDArray[np.float32]], tokenize: Tokenizer
    ) -> None:
        ids = period.catalogue
        self.ids, self.position = ids, {item: index for index, item in enumerate(ids)}
        counts = Counter(view.item for view in period.before if view.item in self.position)
        self.popularity = np.array([math.log1p(counts[item]) for item in ids])
        order = np.argsort([int(item) if item.isdigit() else 0 for item in ids], kind="stable")
        self.recency = np.empty(len(ids))
        self.recency[order] = (np.arange(len(ids)) + 1) / max(len(ids), 1)
        postings = [data.postings[item] for item in ids]
        self.states = np.array([p.state.lower() for p in postings])
        self.cities = np.array([p.city.lower() for p in postings])
        self.bm25 = BM25Retriever({p.id: p.text for p in postings}, tokenize=tokenize)
        self.embedding = EmbeddingRetriever(ids, np.vstack([vectors[item] for item in ids]))
        self.collaborative = CollaborativeRetriever((v.user, v.item) for v in period.before if v.item in self.position)
        self.popular = PopularityRetriever({item: float(counts[item]) for item in ids})
        self.local = PopularityRetriever(
            dict(zip(ids, self.recency, strict=True)), dict(zip(ids, self.states, strict=True)), name="local"
        )
        retrievers: list[Retriever] = [self.popular, self.bm25, self.embedding, self.collaborative, self.local]
        self.union = CandidateUnion(retrievers, depth=DEPTH)

    def candidates(self, profile: Profile, vector: npt.NDArray[np.float32] | None) -> list[CandidateFeatures]:
        """The union's candidates with dense values for every feature of `FEATURES`."""
        regions: list[str | None] = [*profile.states] or [None]  # experience first, then viewed postings
        query = RetrievalQuery(profile.text, vector if profile.short else None, profile.history, regions[0])
        found = {candidate.item_id: candidate for candidate in self.union.candidates(query)}
        if len(regions) > 1:  # the second state adds its newest postings (the other retrievers ignore regions)
            nearby = self.local.retrieve(RetrievalQuery(region=regions[1]), DEPTH)
            for rank, (item, score) in enumerate(nearby, start=1):
                found.setdefault(
                    item, CandidateFeatures(item, {"local": score, "local_rr": 1 / rank}, frozenset({"local"}))
                )
        text = self.bm25.scores(profile.text) if profile.text else np.zeros(len(self.ids))
        cosine = self.embedding.scores(vector) if vector is not None and profile.short else np.zeros(len(self.ids))
        shared_by_item = dict(zip(self.collaborative.ids, self.collaborative.scores(profile.history), strict=True))
        seen = Counter(profile.history)
        result = []
        for item, candidate in found.items():
            index = self.position[item]
            place = 1.0 if self.cities[index] in profile.cities and self.states[index] in profile.states else 0.0
            values = {
                **candidate.values,
                "popularity": float(self.popularity[index]),
                "text": float(text[index]),
                "embedding": float(cosine[index]),
                "collaborative": float(shared_by_item.get(item, 0.0)),
                "recency": float(self.recency[index]),
                "distance_fit": max(place, 0.5 if self.states[index] in profile.states else 0.0),
                "history": float(seen[item]),
            }
            result.append(CandidateFeatures(item, values, candidate.signals))
        return result

    def ranked(self, scores: npt.NDArray[np.float64], fallback: Sequence[str]) -> list[str]:
        """The top `K` postings by `scores` (positive only), then the fallback list."""
        chosen = [self.ids[i] for i in np.lexsort((np.arange(len(scores)), -scores))[:K] if scores[i] > 0]
        return list(dict.fromkeys([*chosen, *fallback]))[:K]


def train_ranker(
    data: JobData,
    period: Period,
    signals: Signals,
    vectors: Mapping[str, npt.NDArray[np.float32]],
    parameters: RankerParameters,
) -> LearnedRanker | TransparentScorer:
    """LambdaRank on the period's users: one group per user with a relevant posting among the candidates.

    With no such user (a tiny folder) the transparent scorer of `FALLBACK_WEIGHTS` ranks instead.
    """
    groups, relevance = [], []
    for user, profile in period.profiles.items():
        candidates = signals.candidates(profile, vectors.get(user))
        grades = [int(c.item_id in period.labels[user]) for c in candidates]
        if any(grades):
            groups.append(candidates)
            relevance.append(grades)
    if not groups:
        return TransparentScorer(FALLBACK_WEIGHTS)
    return LearnedRanker(parameters).fit(groups, relevance, FEATURES)


def recall_at(ranked: Sequence[str], relevant: set[str], k: int = K) -> float:
    """Share of the relevant items in the top `k`."""
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int = K) -> float:
    """nDCG@k with binary relevance."""
    gain = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], start=1) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gain / ideal if ideal else 0.0


def bootstrap_ci(values: Sequence[float], *, seed: int, rounds: int = 1000) -> tuple[float, float]:
    """The 95 % percentile interval of the mean, resampling users with replacement."""
    if not values:
        return (0.0, 0.0)
    array = np.asarray(values, dtype=np.float64)
    draws = np.random.default_rng(seed).integers(0, len(array), size=(rounds, len(array)))
    means = array[draws].mean(axis=1)
    return (float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)))


def rung_lists(
    data: JobData,
    period: Period,
    signals: Signals,
    vectors: Mapping[str, npt.NDArray[np.float32]],
    ranker: LearnedRanker | TransparentScorer,
    progress: Progress,
) -> dict[str, dict[str, list[str]]]:
    """Each rung's top `K` for each test user."""
    lists: dict[str, dict[str, list[str]]] = {rung: {} for rung in RUNGS}
    popular = [item for item, _ in signals.popular.retrieve(RetrievalQuery(), K)]
    progress.begin("ranking test users", len(period.profiles))
    for user, profile in period.profiles.items():
        vector = vectors.get(user)
        lists["popularity"][user] = popular
        text = signals.bm25.scores(profile.text) if profile.text else np.zeros(len(signals.ids))
        lists["bm25"][user] = signals.ranked(text, popular)
        cosine = signals.embedding.scores(vector) + 2.0 if vector is not None else np.zeros(len(signals.ids))
        lists["embeddings"][user] = signals.ranked(cosine, popular)
        candidates = signals.candidates(profile, vector)
        scores = (
            ranker.score(candidates) if isinstance(ranker, LearnedRanker) else [ranker.score(c) for c in candidates]
        )
        order = sorted(range(len(candidates)), key=lambda i: (-scores[i], candidates[i].item_id))
        lists["full"][user] = [candidates[i].item_id for i in order[:K]]
        progress.advance()
    return lists


def evaluate_ladder(
    data: JobData,
    embedder: TextEmbedder,
    *,
    tokenize: Tokenizer = plain_tokens,
    seed: int = 1,
    num_threads: int = 1,
    progress: Progress | None = None,
) -> dict[str, object]:
    """Every rung's recall@10 and nDCG@10 (with bootstrap 95 % CIs) and employer Gini on the test users."""
    progress = progress or SilentProgress()
    if not data.views:
        raise MalformedFile("Job_Views has no views", path="Job_Views.csv", line=0)
    cut = time_cut(data.views, TEST_FRACTION)
    train = [v for v in data.views if v.time < cut]
    inner_cut = time_cut(train, TEST_FRACTION) if train else cut
    inner = make_period(
        data,
        sorted({v.item for v in train}),
        [v for v in train if v.time < inner_cut],
        [v for v in train if v.time >= inner_cut],
    )
    outer = make_period(data, sorted(data.postings), train, [v for v in data.views if v.time >= cut])
    progress.begin("embedding postings and profiles", 3)
    places = place_vectors(data.postings, [*inner.profiles.values(), *outer.profiles.values()], embedder)
    by_posting = posting_vectors(data.postings, places, embedder)
    progress.advance()
    inner_vectors = profile_vectors(inner.profiles, places, embedder)
    progress.advance()
    outer_vectors = profile_vectors(outer.profiles, places, embedder)
    progress.advance()
    # Thousands of small matrix-vector products: a BLAS thread pool costs more than it gives (15x on 2 busy cores).
    with threadpool_limits(num_threads, "blas"):
        progress.begin("learning the ranker", 1)
        parameters = RankerParameters(seed=seed, num_threads=num_threads)
        ranker = train_ranker(data, inner, Signals(data, inner, by_posting, tokenize), inner_vectors, parameters)
        progress.advance()
        signals = Signals(data, outer, by_posting, tokenize)
        lists = rung_lists(data, outer, signals, outer_vectors, ranker, progress)
    return summarise(data, outer, lists, seed=seed) | {"split": _split(data, cut, inner_cut, train, outer)}


def summarise(
    data: JobData, period: Period, lists: Mapping[str, Mapping[str, list[str]]], *, seed: int
) -> dict[str, object]:
    """The metric object: per rung means, CIs, employer Gini; users; full vs the better of bm25, embeddings."""
    users = sorted(period.labels)
    owner = {item: posting.company or item for item, posting in data.postings.items()}
    known = {user: what_is_known(period.profiles[user]) for user in users}
    result: dict[str, object] = {"users_by_known": dict(sorted(Counter(known.values()).items()))}
    for rung in RUNGS:
        recall = [recall_at(lists[rung][u], period.labels[u]) for u in users]
        ndcg = [ndcg_at(lists[rung][u], period.labels[u]) for u in users]
        result[rung] = {
            "recall_at_10": float(np.mean(recall)) if users else 0.0,
            "ndcg_at_10": float(np.mean(ndcg)) if users else 0.0,
            "recall_at_10_ci": list(bootstrap_ci(recall, seed=seed)),
            "ndcg_at_10_ci": list(bootstrap_ci(ndcg, seed=seed)),
            "employer_gini": employer_gini([lists[rung][u] for u in users], owner),
            "recall_at_10_by_known": {
                group: mean
                for group, (mean, _n) in metric_by_group(dict(zip(users, recall, strict=True)), known).items()
            },
        }
    best = max(_recall(result, rung) for rung in ("bm25", "embeddings"))  # the single retrievers
    result["users"] = len(users)
    result["full_vs_best_single"] = _recall(result, "full") / best if best else 0.0
    return result


def what_is_known(profile: Profile) -> str:
    """The user group for per-group metrics: `history` (training views), `profile only`, or `nothing`."""
    return "history" if profile.history else "profile only" if profile.text else "nothing"


def _recall(result: Mapping[str, object], rung: str) -> float:
    metrics = result[rung]
    return float(metrics["recall_at_10"]) if isinstance(metrics, dict) else 0.0


def _split(
    data: JobData, cut: datetime, inner_cut: datetime, train: Sequence[View], outer: Period
) -> dict[str, object]:
    return {
        "cut": cut.isoformat(),
        "ranker_cut": inner_cut.isoformat(),
        "test_fraction_of_span": TEST_FRACTION,
        "first_view": data.views[0].time.isoformat(),
        "last_view": data.views[-1].time.isoformat(),
        "train_views": len(train),
        "test_views": len(data.views) - len(train),
        "postings": len(data.postings),
        "test_relevant": sum(len(items) for items in outer.labels.values()),
    }
