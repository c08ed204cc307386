"""The Work's use cases: job recommendations with reasons, behaviour events and feedback, the daily e-mail.

Who may ask: the person for themselves, and a counsellor of their region (the caseload rule of
`people.services`). A caller who may not see a seeker gets `NotFound`, so ids cannot be probed.
Every served list is stored (with its impressions) so that later clicks, applications and hires
can be attributed to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lmis.identity.model import Permission, Principal, PrincipalKind
from lmis.people.ports import StoredSeeker
from lmis.people.profile import ProfileDetails, check_details
from lmis.recommend.attribution import Attribution, attribute
from lmis.recommend.jobs import JobRecommender
from lmis.recommend.model import (
    PERSON_EVENTS,
    BehaviourEvent,
    DismissReason,
    EventKind,
    JobRecommendation,
    RecommendationList,
)
from lmis.recommend.ports import RecommendUnitOfWork
from lmis.recommend.scoring import Scored, SeekerContext, explain
from lmis.search.model import SearchDocument
from lmis.shared.errors import Invalid, NotFound
from lmis.shared.ids import stable_id

Locate = Callable[[str], tuple[float, float] | None]  # place id -> (latitude, longitude)
MAX_K = 50
# A dismissal with one of these reasons moves the person's steering weight by this much (capped at 3).
STEER_ON_DISMISS = {
    DismissReason.TOO_FAR: "closeness",
    DismissReason.PAY_TOO_LOW: "pay",
    DismissReason.WRONG_OCCUPATION: "occupation",
}
STEER_STEP = 0.25
ATTRIBUTION_DAYS = 90
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # no behaviour is older than the system


def visible_seeker(uow: RecommendUnitOfWork, actor: Principal, seeker_id: str) -> StoredSeeker:
    """The seeker when the actor is that person or a counsellor of their region; else `NotFound`.

    `me` names the signed-in person's own record.
    """
    if seeker_id == "me":
        own = uow.people.seeker_of_account(actor.id or "") if actor.kind is PrincipalKind.ACCOUNT else None
        if own is None:
            raise NotFound("you have no jobseeker profile yet; make one first")
        return own
    stored = uow.people.seeker(seeker_id)
    if stored is not None:
        if actor.kind is PrincipalKind.ACCOUNT and stored.account_id == actor.id:
            return stored
        if actor.can(Permission.READ_CASELOAD) and actor.sees_region(stored.region):
            return stored
    raise NotFound(f"no seeker {seeker_id!r}")


def seeker_context(uow: RecommendUnitOfWork, stored: StoredSeeker, locate: Locate, now: datetime) -> SeekerContext:
    """Profile, history and behaviour of a seeker, resolved for scoring."""
    details = ProfileDetails.from_json(stored.details)
    past = details.past_occupations()
    occupations = [*stored.occupations, *past]
    records = uow.taxonomy.records(occupations)
    isco = {r.concept.id: str(r.concept.attributes.get("isco_group", "")) for r in records}
    events = uow.behaviour.events_of(stored.id, since=now - timedelta(days=180), limit=500)
    excluded = {e.item_id for e in events if e.kind in (EventKind.DISMISS, EventKind.APPLY) and e.item_id}
    skills = frozenset(stored.skills) | frozenset(details.skill_ids())
    point = locate(stored.region) if stored.region else None
    labels = {ref.id: ref.label for ref in uow.taxonomy.refs([*occupations, *skills]).values()}
    return SeekerContext(
        seeker_id=stored.id,
        desired_occupations=tuple(stored.occupations),
        past_occupations=tuple(o for o in past if o not in stored.occupations),
        isco_codes=isco,
        skills=skills,
        region=stored.region,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        wishes=details.wishes,
        steering=details.steering,
        excluded_postings=frozenset(excluded),
        labels=labels,
    )


def profile_text(uow: RecommendUnitOfWork, stored: StoredSeeker) -> str:
    """The words the embedding retriever reads: headline, desired and past occupations, job titles."""
    details = ProfileDetails.from_json(stored.details)
    refs = uow.taxonomy.refs(stored.occupations)
    parts = [stored.headline, *(r.label for r in refs.values()), *(j.title for j in details.work_history[:3])]
    return " ".join(p for p in parts if p)


def ranked_jobs(
    uow: RecommendUnitOfWork, recommender: JobRecommender, locate: Locate, stored: StoredSeeker, now: datetime, k: int
) -> tuple[SeekerContext, list[Scored]]:
    """The seeker's context and top `k` scored postings, inside the caller's unit of work."""
    seeker = seeker_context(uow, stored, locate, now)
    engaged = uow.behaviour.events_of(stored.id, kinds=(EventKind.SAVE, EventKind.APPLY), limit=50)
    seeds = [e.item_id for e in engaged if e.item_id]
    found = recommender.candidates(seeker, uow.behaviour, seeds, profile_text(uow, stored), now)
    ranked = recommender.rank(seeker, found, now, k)
    return with_labels(uow, seeker, [s.document for s in ranked]), ranked


def seeker_and_posting(
    uow: RecommendUnitOfWork,
    recommender: JobRecommender,
    locate: Locate,
    actor: Principal,
    seeker_id: str,
    posting_id: str,
    now: datetime,
) -> tuple[StoredSeeker, SeekerContext, SearchDocument]:
    """Inside the caller's unit of work: the seeker the actor may see, their context (with the posting's
    skills named) and the live posting; `NotFound` when either is not there."""
    stored = visible_seeker(uow, actor, seeker_id)
    documents = recommender.documents([posting_id], now)
    if posting_id not in documents:
        raise NotFound(f"no live posting {posting_id!r}")
    document = documents[posting_id]
    return stored, with_labels(uow, seeker_context(uow, stored, locate, now), [document]), document


def with_labels(uow: RecommendUnitOfWork, seeker: SeekerContext, documents: list[SearchDocument]) -> SeekerContext:
    """The context with the labels of the documents' skills and occupations too (the reasons show them)."""
    wanted = {c for d in documents for c in (*d.skills, *d.occupations) if c not in seeker.labels}
    found = {ref.id: ref.label for ref in uow.taxonomy.refs(wanted).values()} if wanted else {}
    return replace(seeker, labels={**seeker.labels, **found})


def recommend_jobs(
    *,
    uow: RecommendUnitOfWork,
    recommender: JobRecommender,
    locate: Locate,
    actor: Principal,
    seeker_id: str,
    now: datetime,
    k: int = 20,
) -> RecommendationList:
    """The top `k` live postings for the seeker, each with its explanation; the list and impressions are stored."""
    if not 1 <= k <= MAX_K:
        raise Invalid(f"ask for 1 to {MAX_K} recommendations", field="limit")
    with uow:
        stored = visible_seeker(uow, actor, seeker_id)
        seeker, ranked = ranked_jobs(uow, recommender, locate, stored, now, k)
        items = tuple(recommendation_of(seeker, s) for s in ranked)
        served = RecommendationList(
            id=stable_id("reclist", uuid.uuid4().hex),  # a fresh id: two lists may be served at the same instant
            seeker_id=stored.id,
            kind="jobs",
            ranker=recommender.method,
            at=now,
            items=items,
        )
        uow.behaviour.save_list(served)
        uow.behaviour.add_events(
            [
                BehaviourEvent(
                    stored.id, EventKind.IMPRESSION, "posting", item.posting_id, now, item.employer_id, served.id, rank
                )
                for rank, item in enumerate(items, start=1)
            ]
        )
        uow.commit()
    return served


def recommendation_of(seeker: SeekerContext, scored: Scored) -> JobRecommendation:
    """A scored posting as the person sees it: what it is, its score and why."""
    document = scored.document
    return JobRecommendation(
        posting_id=document.posting_id,
        cluster_id=document.cluster_id,
        title=document.title,
        employer_id=document.employer,
        employer_name=document.employer_name,
        region=document.region,
        score=round(scored.score, 4),
        explanation=explain(seeker, scored),
    )


def record_event(
    *,
    uow: RecommendUnitOfWork,
    actor: Principal,
    seeker_id: str,
    kind: EventKind,
    posting_id: str,
    now: datetime,
    list_id: str | None = None,
    reason: DismissReason | None = None,
    note: str = "",
) -> BehaviourEvent:
    """Record what the person did with a posting; a dismissal with a reason steers the next results.

    `list_id` ties a click or application to the recommendation list it came from (attribution);
    a dismissal for `employer` hides that employer from later lists.
    """
    if kind not in PERSON_EVENTS and kind is not EventKind.CLICK:
        raise Invalid(f"{kind.value!r} is not recorded this way", field="kind", suggestions=sorted(PERSON_EVENTS))
    if len(note) > 500:
        raise Invalid("a note has at most 500 characters", field="note")
    with uow:
        stored = visible_seeker(uow, actor, seeker_id)
        posting = uow.jobs.get(posting_id)
        if posting is None:
            raise NotFound(f"no posting {posting_id!r}")
        employer = posting.employer.normalised_name if posting.employer else None
        position = _position(uow, stored.id, list_id, posting_id)
        detail = {k: v for k, v in (("reason", reason.value if reason else ""), ("note", note.strip())) if v}
        event = BehaviourEvent(stored.id, kind, "posting", posting_id, now, employer, list_id, position, detail)
        uow.behaviour.add_events([event])
        if kind is EventKind.DISMISS and reason is not None:
            _steer(uow, stored, reason, employer, now)
        uow.commit()
    return event


def _position(uow: RecommendUnitOfWork, seeker_id: str, list_id: str | None, posting_id: str) -> int | None:
    if list_id is None:
        return None
    served = uow.behaviour.served_list(list_id)
    if served is None or served[0] != seeker_id:
        raise Invalid(f"no recommendation list {list_id!r} was shown to this person", field="list_id")
    return served[1].index(posting_id) + 1 if posting_id in served[1] else None


def _steer(
    uow: RecommendUnitOfWork, stored: StoredSeeker, reason: DismissReason, employer: str | None, now: datetime
) -> None:
    details = ProfileDetails.from_json(stored.details)
    steering = details.steering
    if reason is DismissReason.EMPLOYER and employer and employer not in steering.hidden_employers:
        steering = replace(steering, hidden_employers=(*steering.hidden_employers, employer))
    if (name := STEER_ON_DISMISS.get(reason)) is not None:
        steering = replace(steering, weights={**steering.weights, name: min(3.0, steering.weight(name) + STEER_STEP)})
    if steering != details.steering:
        updated = replace(details, steering=steering).as_json()
        uow.people.save_seeker(replace(stored, details=updated, updated_at=now))


def steer(
    *,
    uow: RecommendUnitOfWork,
    actor: Principal,
    seeker_id: str,
    now: datetime,
    weights: dict[str, float] | None = None,
    hide_employer: str | None = None,
    show_employer: str | None = None,
    daily_mail: bool | None = None,
) -> ProfileDetails:
    """Change how the seeker's recommendations are weighed, hide or show an employer again, or turn the
    daily e-mail on or off (None: unchanged)."""
    with uow:
        stored = visible_seeker(uow, actor, seeker_id)
        details = ProfileDetails.from_json(stored.details)
        hidden = [e for e in details.steering.hidden_employers if e != show_employer]
        if hide_employer and hide_employer not in hidden:
            hidden.append(hide_employer)
        steering = replace(
            details.steering,
            weights={**details.steering.weights, **(weights or {})},
            hidden_employers=tuple(hidden),
            daily_mail=details.steering.daily_mail if daily_mail is None else daily_mail,
        )
        details = replace(details, steering=steering)
        check_details(details)
        uow.people.save_seeker(replace(stored, details=details.as_json(), updated_at=now))
        uow.commit()
    return details


def purge_behaviour(*, uow: RecommendUnitOfWork, now: datetime, retention_days: int) -> int:
    """Delete events and served lists older than the retention period; returns how many events went."""
    with uow:
        gone = uow.behaviour.purge_events(now - timedelta(days=retention_days))
        uow.commit()
    return gone


def attribution(
    *, uow: RecommendUnitOfWork, actor: Principal, since: datetime | None, until: datetime | None, now: datetime
) -> tuple[datetime, datetime, Attribution]:
    """Hires of the period attributed to recommendations, at Korea's three tiers (analysts and counsellors).

    The period defaults to the 90 days up to now; it returns (since, until, attribution).
    """
    actor.require(Permission.READ_ANALYTICS)
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and not EARLIEST <= moment <= now + timedelta(days=1):
            raise Invalid(f"{name} is a date from {EARLIEST.year} up to today", field=name)
    end = until or now
    start = since or max(EARLIEST, end - timedelta(days=ATTRIBUTION_DAYS))
    if end <= start:
        raise Invalid("the period ends before it starts", field="until")
    with uow:
        return start, end, attribute(uow.behaviour.hired_tallies(since=start, until=end))
