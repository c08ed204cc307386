"""Why one job suits a person (the portal's "Why this job" page).

`explain_posting` scores one live posting for the person as the list would, so the page can show the
score's parts even for a posting the current list does not hold.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from lmis.identity.model import Principal
from lmis.recommend.jobs import JobRecommender
from lmis.recommend.model import JobRecommendation
from lmis.recommend.ports import RecommendUnitOfWork
from lmis.recommend.scoring import features_of, transparent, weights_for
from lmis.recommend.services import Locate, recommendation_of, seeker_and_posting


def explain_posting(
    *,
    uow: RecommendUnitOfWork,
    recommender: JobRecommender,
    locate: Locate,
    actor: Principal,
    seeker_id: str,
    posting_id: str,
    now: datetime,
) -> JobRecommendation:
    """One live posting scored and explained for the seeker (the ranker's parts, or the transparent ones)."""
    with uow:
        _stored, seeker, document = seeker_and_posting(uow, recommender, locate, actor, seeker_id, posting_id, now)
    ranked = recommender.rank(replace(seeker, excluded_postings=frozenset()), {posting_id: {}}, now, 1)
    scored = ranked[0] if ranked else transparent(features_of(seeker, document, {}, now), weights_for(seeker.steering))
    return recommendation_of(seeker, scored)
