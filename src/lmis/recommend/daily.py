"""The nightly run: fresh job lists for every jobseeker, and the daily e-mail to those who asked for it.

Each person is one unit of work, so the run can be split by seeker id across processes or machines
(`seeker_ids` takes any slice: see docs/recommend.md, "Nightly batch"). Mail goes through the
transactional outbox and leaves with `lmis identity send-mail` or the server's mail thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lmis.identity.model import AccountStatus, Principal
from lmis.people.profile import ProfileDetails
from lmis.recommend.jobs import JobRecommender
from lmis.recommend.model import BehaviourEvent, EventKind, RecommendationList
from lmis.recommend.ports import RecommendUnitOfWork
from lmis.recommend.services import Locate, profile_text, recommend_jobs
from lmis.shared.progress import Progress

MAIL_ITEMS = 5
REMEMBER_DAYS = 7  # a job mailed once is not mailed again within this many days
CHUNK = 128  # seekers whose profile texts are embedded together


@dataclass(frozen=True, slots=True)
class BatchReport:
    seekers: int
    lists: int
    mailed: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.seekers / self.seconds if self.seconds else 0.0


def every_seeker_id(uow: RecommendUnitOfWork) -> list[str]:
    with uow:
        return [s.id for s in uow.people.every_seeker()]


def nightly(
    *,
    uow: Callable[[], RecommendUnitOfWork],
    recommender: JobRecommender,
    locate: Locate,
    actor: Principal,
    seeker_ids: Iterable[str],
    now: datetime,
    base_url: str,
    clock: Callable[[], float],
    progress: Progress,
    mail: bool = True,
    k: int = 20,
) -> BatchReport:
    """A list for each seeker; with `mail`, the new top jobs to those who chose the daily e-mail."""
    started, seekers, lists, mailed = clock(), 0, 0, 0
    ids = list(seeker_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        recommender.remember_profiles(_profile_texts(uow(), chunk))
        for seeker_id in chunk:
            seekers += 1
            mailed_before = _recently_mailed(uow(), seeker_id, now)
            served = recommend_jobs(
                uow=uow(), recommender=recommender, locate=locate, actor=actor, seeker_id=seeker_id, now=now, k=k
            )
            lists += 1
            if mail and _mail(uow(), served, mailed_before, now, base_url):
                mailed += 1
            progress.advance()
    return BatchReport(seekers, lists, mailed, clock() - started)


def _profile_texts(uow: RecommendUnitOfWork, seeker_ids: list[str]) -> list[str]:
    with uow:
        stored = [s for s in (uow.people.seeker(i) for i in seeker_ids) if s is not None]
        return [profile_text(uow, s) for s in stored]


def _recently_mailed(uow: RecommendUnitOfWork, seeker_id: str, now: datetime) -> set[str]:
    with uow:
        events = uow.behaviour.events_of(
            seeker_id, kinds=(EventKind.IMPRESSION,), since=now - timedelta(days=REMEMBER_DAYS)
        )
    return {e.item_id for e in events if e.item_id and e.detail.get("channel") == "mail"}


def _mail(uow: RecommendUnitOfWork, served: RecommendationList, before: set[str], now: datetime, base_url: str) -> bool:
    """Queue the daily e-mail when the person asked for it and there is something new; True when queued."""
    with uow:
        stored = uow.people.seeker(served.seeker_id)
        account = uow.identity.account(stored.account_id) if stored and stored.account_id else None
        if (
            stored is None
            or account is None
            or account.status is not AccountStatus.ACTIVE
            or not account.email_verified
        ):
            return False
        if not ProfileDetails.from_json(stored.details).steering.daily_mail:
            return False
        fresh = [item for item in served.items if item.posting_id not in before][:MAIL_ITEMS]
        if not fresh:
            return False
        lines = [
            f"- {item.title} ({item.employer_name or 'employer not named'}): {base_url}/postings/{item.posting_id}"
            f"?list={served.id}"
            for item in fresh
        ]
        body = (
            f"Hello {account.name},\n\nnew jobs that fit your profile:\n\n" + "\n".join(lines) + "\n\n"
            f"Why each was chosen, and how to change what you get: {base_url}/me/recommendations\n"
            f"To stop these e-mails, turn off the daily e-mail on {base_url}/me/recommendations.\n"
        )
        uow.identity.add_mail(account.email, "New jobs for you on LMIS", body, now)
        uow.behaviour.add_events(
            [
                BehaviourEvent(
                    served.seeker_id,
                    EventKind.IMPRESSION,
                    "posting",
                    item.posting_id,
                    now,
                    item.employer_id,
                    served.id,
                    rank,
                    {"channel": "mail"},
                )
                for rank, item in enumerate(fresh, start=1)
            ]
        )
        uow.commit()
    return True
