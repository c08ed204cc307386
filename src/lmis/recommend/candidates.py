"""Candidates for an employer's vacancy: people who consented to be found, ranked by fit, with reasons.

Only profiles are read (headline, region, occupations, skills); nobody who has not consented to
employers finding them is considered. The employer who owns the posting (a vacancy they posted
through LMIS) and counsellors of the posting's region may ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lmis.identity.model import Permission, Principal
from lmis.ingest.vacancies import EMPLOYER_SOURCE
from lmis.jobs.employers import employer_id_of
from lmis.jobs.model import JobPosting
from lmis.people.model import DataCategory, Grantee, grants
from lmis.people.ports import StoredSeeker
from lmis.people.profile import ProfileDetails
from lmis.recommend.model import Explanation
from lmis.recommend.ports import RecommendUnitOfWork
from lmis.recommend.scoring import Scored, SeekerContext, closeness_fit, explain, features_of
from lmis.search.model import SearchDocument
from lmis.search.projection import document_of
from lmis.shared.errors import Invalid, NotFound

# How many findable profiles one request scores (most recently updated first); see docs/recommend.md.
POOL = 5000
WEIGHTS = {"occupation": 0.4, "skills": 0.45, "closeness": 0.15}


@dataclass(frozen=True, slots=True)
class CandidateRecommendation:
    seeker_id: str
    headline: str
    region: str | None
    score: float
    explanation: Explanation


def candidates_for_posting(
    *, uow: RecommendUnitOfWork, actor: Principal, posting_id: str, now: datetime, k: int = 20
) -> list[CandidateRecommendation]:
    """The `k` findable people who fit the posting best (occupation, skills, region)."""
    if not 1 <= k <= 50:
        raise Invalid("ask for 1 to 50 candidates", field="limit")
    with uow:
        posting = uow.jobs.get(posting_id)
        if posting is None:
            raise NotFound(f"no posting {posting_id!r}")
        document = document_of(posting, analyse=False)
        _may_see(actor, posting, document)
        pool, _ = uow.people.seekers(region=None, findable_only=True, limit=POOL, offset=0)
        consenting = [s for s in pool if grants(uow.people.consents(s.id), Grantee.EMPLOYERS, DataCategory.PROFILE)]
        records = uow.taxonomy.records([o for s in consenting for o in _occupations(s)])
        isco = {r.concept.id: str(r.concept.attributes.get("isco_group", "")) for r in records}
        labels = {ref.id: ref.label for ref in uow.taxonomy.refs([*document.skills, *document.occupations]).values()}
    scored = [(_fit(seeker, document, isco, labels, now), seeker) for seeker in consenting]
    scored = [(item, seeker) for item, seeker in scored if item[0].score > 0]
    scored.sort(key=lambda pair: (-pair[0][0].score, pair[1].id))
    return [
        CandidateRecommendation(seeker.id, seeker.headline, seeker.region, round(item.score, 4), why)
        for (item, why), seeker in scored[:k]
    ]


def _may_see(actor: Principal, posting: JobPosting, document: SearchDocument) -> None:
    employer = posting.employer
    owner = employer_id_of(employer.name, employer.registration_id) if employer else None
    if actor.can(Permission.POST_VACANCIES) and posting.source == EMPLOYER_SOURCE and owner == actor.employer_id:
        return
    if actor.can(Permission.READ_CASELOAD) and actor.sees_region(document.region or None):
        return
    raise NotFound("no vacancy of yours with this id (candidates are shown for your own vacancies)")


def _occupations(seeker: StoredSeeker) -> tuple[str, ...]:
    return (*seeker.occupations, *ProfileDetails.from_json(seeker.details).past_occupations())


def _fit(
    stored: StoredSeeker, document: SearchDocument, isco: dict[str, str], labels: dict[str, str], now: datetime
) -> tuple[Scored, Explanation]:
    details = ProfileDetails.from_json(stored.details)
    seeker = SeekerContext(
        seeker_id=stored.id,
        desired_occupations=tuple(stored.occupations),
        past_occupations=details.past_occupations(),
        isco_codes=isco,
        skills=frozenset(stored.skills) | frozenset(details.skill_ids()),
        region=stored.region,
        latitude=None,
        longitude=None,
        wishes=details.wishes,
        steering=details.steering,
        labels=labels,
    )
    item = features_of(seeker, document, {}, now)
    item.features["closeness"] = closeness_fit(seeker, document, None) if seeker.region and document.region else 0.0
    parts = {name: round(weight * item.features[name], 4) for name, weight in WEIGHTS.items()}
    if parts["occupation"] == 0 and parts["skills"] == 0:
        parts = dict.fromkeys(parts, 0.0)
    scored = Scored(document, item.features, frozenset({"profile"}), None, sum(parts.values()), parts)
    why = explain(seeker, scored)
    return scored, Explanation(
        matched_skills=why.matched_skills,
        missing_skills=why.missing_skills,
        occupation=why.occupation if why.occupation else None,
        occupation_match=why.occupation_match,
        signals=("profile",),
        contributions=parts,
    )
