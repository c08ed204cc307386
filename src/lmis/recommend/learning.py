"""Learning the job ranker from behaviour: served lists and what people then did with each item.

Each served job list is a query group; an item's grade is the strongest thing its person did with
it after the list was shown (apply or hire 3, save 2, click or view 1, else 0; a dismissal 0).
Features are those of `recommend.scoring` recomputed for the (person, posting) pairs still known.
Until enough lists got a positive reaction the transparent scorer stays (see `MIN_GROUPS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lmis.recommend.jobs import JobRecommender
from lmis.recommend.model import EventKind
from lmis.recommend.ports import RecommendUnitOfWork
from lmis.recommend.ranking import CandidateFeatures, LearnedRanker
from lmis.recommend.scoring import FEATURES, features_of
from lmis.recommend.services import Locate, seeker_context
from lmis.shared.errors import Conflict

MIN_GROUPS = 50  # lists with at least one positive reaction before a learned ranker replaces the transparent one
GRADE = {EventKind.HIRE: 3, EventKind.APPLY: 3, EventKind.SAVE: 2, EventKind.CLICK: 1, EventKind.VIEW: 1}


@dataclass(frozen=True, slots=True)
class LearnReport:
    lists: int
    groups: int  # lists with at least one positive and one other item
    items: int


def learn_ranker(
    *,
    uow: Callable[[], RecommendUnitOfWork],
    recommender: JobRecommender,
    locate: Locate,
    now: datetime,
    days: int = 90,
) -> tuple[LearnedRanker, LearnReport]:
    """A LambdaRank model over `scoring.FEATURES` from the last `days` of lists.

    Raises `Conflict` while there is too little behaviour (fewer than `MIN_GROUPS` lists with a reaction).
    """
    groups: list[list[CandidateFeatures]] = []
    grades: list[list[int]] = []
    with uow() as work:
        served = work.behaviour.served_lists(since=now - timedelta(days=days))
    for list_id, seeker_id, items, at in served:
        with uow() as work:
            stored = work.people.seeker(seeker_id)
            if stored is None:
                continue
            seeker = seeker_context(work, stored, locate, at)
            reactions = work.behaviour.events_of(seeker_id, since=at, limit=2000)
        best = {e.item_id: max(GRADE.get(e.kind, 0), 0) for e in reactions if e.list_id == list_id}
        documents = recommender.documents(items, at)
        rows = [
            CandidateFeatures(pid, features_of(seeker, documents[pid], {}, at).features)
            for pid in items
            if pid in documents
        ]
        labels = [best.get(row.item_id, 0) for row in rows]
        if any(labels) and len(set(labels)) > 1:
            groups.append(rows)
            grades.append(labels)
    report = LearnReport(len(served), len(groups), sum(len(g) for g in groups))
    if len(groups) < MIN_GROUPS:
        raise Conflict(
            f"not enough behaviour to learn from yet: {len(groups)} lists got a reaction, {MIN_GROUPS} are needed;"
            " the transparent scorer stays in use"
        )
    return LearnedRanker().fit(groups, grades, FEATURES), report
