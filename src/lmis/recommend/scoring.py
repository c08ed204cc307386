"""How well a live posting fits a jobseeker: features, the transparent score and its reasons (pure).

Every feature is in [0, 1]. The transparent score is a weighted sum; the person's steering
weights (`people.profile.Steering`) multiply the parts they name. The same features feed the
learned ranker when behaviour exists (`recommend.ranking.LearnedRanker`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lmis.people.profile import JobWishes, Steering, WorkingTime
from lmis.recommend.model import Explanation, Ref
from lmis.search.model import SearchDocument

FEATURES = ("occupation", "skills", "text", "embedding", "collaborative", "closeness", "pay", "recency")

# The transparent scorer's weights (sum 1): what a counsellor would look at first — the occupation
# and the skills — then how the person found it, then practical fit.
BASE_WEIGHTS: Mapping[str, float] = {
    "occupation": 0.25,
    "skills": 0.25,
    "text": 0.10,
    "embedding": 0.10,
    "collaborative": 0.10,
    "closeness": 0.10,
    "pay": 0.05,
    "recency": 0.05,
}
# Which steering weight multiplies which feature.
STEERED = {"occupation": "occupation", "skills": "skills", "closeness": "closeness", "pay": "pay", "recency": "recency"}
DEFAULT_COMMUTE_KM = 30.0
FRESH_DAYS = 30.0


@dataclass(frozen=True, slots=True)
class SeekerContext:
    """What the recommender knows of the person: profile, history and behaviour, resolved to ids."""

    seeker_id: str
    desired_occupations: tuple[str, ...]
    past_occupations: tuple[str, ...]
    isco_codes: Mapping[str, str]  # occupation id -> ISCO-08 code, for group matches
    skills: frozenset[str]
    region: str | None
    latitude: float | None
    longitude: float | None
    wishes: JobWishes
    steering: Steering
    excluded_postings: frozenset[str] = frozenset()  # dismissed, applied
    labels: Mapping[str, str] = field(default_factory=dict)  # concept id -> label, for explanations


@dataclass(frozen=True, slots=True)
class Scored:
    document: SearchDocument
    features: dict[str, float]
    signals: frozenset[str]
    distance_km: float | None
    score: float = 0.0
    contributions: dict[str, float] = field(default_factory=dict)


def occupation_fit(seeker: SeekerContext, document: SearchDocument) -> tuple[float, str | None, str | None]:
    """(feature, matched occupation id, how): exact desired 1.0, exact past 0.8, same ISCO unit 0.6, minor group 0.3."""
    posting = set(document.occupations)
    for occupation in seeker.desired_occupations:
        if occupation in posting:
            return 1.0, occupation, "exact"
    for occupation in seeker.past_occupations:
        if occupation in posting:
            return 0.8, occupation, "exact"
    for digits, value in ((4, 0.6), (3, 0.3)):
        for occupation in (*seeker.desired_occupations, *seeker.past_occupations):
            code = seeker.isco_codes.get(occupation, "")
            if len(code) >= digits and f"isco:{code[:digits]}" in posting:
                return value, occupation, "group"
    return 0.0, None, None


def skill_fit(seeker: SeekerContext, document: SearchDocument) -> float:
    """The share of the posting's skills the person has (0 when the posting names none)."""
    wanted = set(document.skills)
    return len(wanted & seeker.skills) / len(wanted) if wanted else 0.0


def distance_km(seeker: SeekerContext, document: SearchDocument) -> float | None:
    if None in (seeker.latitude, seeker.longitude, document.latitude, document.longitude):
        return None
    lat1, lon1 = math.radians(seeker.latitude or 0.0), math.radians(seeker.longitude or 0.0)
    lat2, lon2 = math.radians(document.latitude or 0.0), math.radians(document.longitude or 0.0)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def closeness_fit(seeker: SeekerContext, document: SearchDocument, km: float | None) -> float:
    """1 within the longest commute (default 30 km) or for remote work, decaying beyond; 0.5 unknown."""
    if document.remote:
        return 1.0
    if km is None:
        if seeker.region and document.region:
            same = document.region == seeker.region or seeker.region.startswith(document.region + "-")
            return 0.8 if same else 0.3
        return 0.5
    limit = seeker.wishes.max_commute_km or DEFAULT_COMMUTE_KM
    return 1.0 if km <= limit else math.exp(-(km - limit) / max(limit, 1.0))


def pay_fit(wishes: JobWishes, document: SearchDocument) -> tuple[float, str]:
    """(feature, verdict) of the posting's best annual pay against the desired pay."""
    best = document.salary_max if document.salary_max is not None else document.salary_min
    if wishes.desired_pay is None or best is None:
        return 0.5, "unknown"
    if best >= wishes.desired_pay:
        return 1.0, "above" if (document.salary_min or best) >= wishes.desired_pay else "within"
    return max(0.0, 1.0 - (wishes.desired_pay - best) / wishes.desired_pay * 2), "below"


def recency_fit(document: SearchDocument, now: datetime) -> float:
    if document.posted_at is None:
        return 0.5
    age = max(0.0, (now - document.posted_at).total_seconds() / 86_400)
    return math.exp(-age / FRESH_DAYS)


def features_of(
    seeker: SeekerContext, document: SearchDocument, retrieved: Mapping[str, float], now: datetime
) -> Scored:
    """Every feature of one candidate; `retrieved` holds the retrievers' normalised scores by name."""
    occupation, _, _ = occupation_fit(seeker, document)
    km = distance_km(seeker, document)
    values = {
        "occupation": occupation,
        "skills": skill_fit(seeker, document),
        "text": retrieved.get("text", 0.0),
        "embedding": retrieved.get("embedding", 0.0),
        "collaborative": retrieved.get("collaborative", 0.0),
        "closeness": closeness_fit(seeker, document, km),
        "pay": pay_fit(seeker.wishes, document)[0],
        "recency": recency_fit(document, now),
    }
    return Scored(document, values, frozenset(name for name, v in retrieved.items() if v > 0), km)


def weights_for(steering: Steering, base: Mapping[str, float] = BASE_WEIGHTS) -> dict[str, float]:
    """The base weights with the person's steering applied."""
    return {name: w * (steering.weight(STEERED[name]) if name in STEERED else 1.0) for name, w in base.items()}


def transparent(scored: Scored, weights: Mapping[str, float]) -> Scored:
    parts = {name: round(weights.get(name, 0.0) * value, 4) for name, value in scored.features.items()}
    return Scored(scored.document, scored.features, scored.signals, scored.distance_km, sum(parts.values()), parts)


def keeps(seeker: SeekerContext, scored: Scored) -> bool:
    """The person's constraints: hidden employers, dismissed or applied postings, commute, remote, working time."""
    document, wishes = scored.document, seeker.wishes
    if document.posting_id in seeker.excluded_postings or document.employer in seeker.steering.hidden_employers:
        return False
    if wishes.remote_only and not document.remote:
        return False
    if wishes.working_time is not WorkingTime.ANY and document.working_time not in ("", wishes.working_time.value):
        return False
    too_far = (
        wishes.max_commute_km is not None
        and scored.distance_km is not None
        and scored.distance_km > wishes.max_commute_km
    )
    return not (too_far and not wishes.relocate and not document.remote)


def select(ranked: list[Scored], k: int, per_employer: int = 2) -> list[Scored]:
    """The top `k`: one posting per vacancy cluster, at most `per_employer` per employer while others remain."""
    seen_clusters: set[str] = set()
    chosen: list[Scored] = []
    held: list[Scored] = []
    employers: dict[str, int] = {}
    for item in ranked:
        if item.document.cluster_id in seen_clusters:
            continue
        seen_clusters.add(item.document.cluster_id)
        employer = item.document.employer or item.document.posting_id
        if employers.get(employer, 0) >= per_employer:
            held.append(item)
            continue
        employers[employer] = employers.get(employer, 0) + 1
        chosen.append(item)
        if len(chosen) == k:
            return chosen
    return (chosen + held)[:k]


def explain(seeker: SeekerContext, scored: Scored) -> Explanation:
    """Matched and missing skills, the occupation matched, the signals, distance and pay fit."""
    document = scored.document
    _, occupation, how = occupation_fit(seeker, document)
    signals = set(scored.signals)
    if scored.features["occupation"] > 0 or scored.features["skills"] > 0:
        signals.add("profile")
    return Explanation(
        matched_skills=tuple(_ref(seeker, s) for s in document.skills if s in seeker.skills),
        missing_skills=tuple(_ref(seeker, s) for s in document.skills if s not in seeker.skills),
        occupation=_ref(seeker, occupation) if occupation else None,
        occupation_match=how,
        signals=tuple(sorted(signals)),
        distance_km=round(scored.distance_km, 1) if scored.distance_km is not None else None,
        pay_fit=pay_fit(seeker.wishes, document)[1],
        contributions=dict(scored.contributions),
    )


def _ref(seeker: SeekerContext, concept_id: str) -> Ref:
    return Ref(concept_id, seeker.labels.get(concept_id, concept_id))
