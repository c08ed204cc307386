"""Synthetic jobseeker activity on the demo's own ads: views, saves, applications, recommendation lists
with clicks and dismissals, and hires, written as `activity.ndjson` beside `seekers.ndjson`.

Each seeker registers on a day of the window (more in recent weeks), comes back in sessions
(0.5-4 a week), looks at ads of their occupation's ISCO-08 unit group (its minor, sub-major or
major group when the unit group has too few ads), mostly in their own region, while the ads are
open, and sometimes saves or applies. Some use The Work: lists of ten open ads of their group are
served on most of their sessions, and they click, apply from or dismiss a few items. A share of
applicants is hired on their last application, 10-40 days after that ad was posted, and leaves the
register that day; some others leave without a placement. The numbers are plausible, not calibrated
(docs/demo.md, "Jobseekers and their activity").
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from math import sqrt
from pathlib import Path

from lmis.demo.adverts import VALIDITY_DAYS
from lmis.demo.feeds import PARTNERS, json_line
from lmis.demo.model import DemoRequest, Region, Seeker, Vacancy, WeightedOccupation
from lmis.demo.seekers import SeekerDates, registration_day, registration_weights, seeker_record
from lmis.shared.progress import Progress

SEEKERS_FILE = "seekers.ndjson"
ACTIVITY_FILE = "activity.ndjson"
RANKER = "synthetic-demo"  # the `ranker` of the served lists: no recommender made them
LIST = "recommendations"  # the line kind of a served list (the loader stores one impression per item)
DISMISS_REASONS = ("not_interested", "too_far", "pay_too_low", "wrong_occupation")

DAY = 86_400
_SESSION_START, _SESSION_SPAN = 9 * 3_600, 12 * 3_600  # sessions start between 09:00 and 21:00 UTC
_MAX_OPEN = max(VALIDITY_DAYS) + 1  # the longest an ad stays open (a repost closes a day later)
_MIN_POOL = 8  # ads an ISCO group needs before a seeker looks only there
_TRIES = 8  # draws before an ad open on a day is given up for that look
SESSIONS_A_WEEK = ((0.5, 30.0), (1.0, 35.0), (2.0, 25.0), (4.0, 10.0))
FIRST_DAY_SESSION = 0.7  # most people look at ads on the day they register
OWN_REGION, WIDER_GROUP = 0.75, 0.15  # where a look goes: own region (else anywhere), the wider ISCO group
WORK_USERS, LIST_ON_SESSION, LIST_SIZE = 0.45, 0.7, 10
CLICK, DISMISS = 0.18, 0.03  # per list item, the click chance falling as 1/sqrt(position)
VIEWS = {False: (1, 4), True: (0, 2)}  # ads looked at per session, without / with The Work's list
SAVE_AFTER_VIEW, APPLY_AFTER_VIEW = 0.12, 0.10
SAVE_AFTER_CLICK, APPLY_AFTER_CLICK = 0.25, 0.40
LEAVE_WITHOUT_JOB, MIN_STAY, MEAN_STAY = 0.10, 7, 30.0
HIRE, HIRE_AFTER = 0.25, (10, 40)  # chance the last application ends in a hire, and when (days after posting)
_PROGRESS_STEP = 1_000


@dataclass(frozen=True, slots=True)
class Pool:
    """Ads of one ISCO group (and region), ordered by posting day, to draw the ads open on a day from."""

    ads: array[int]
    posted: array[int]

    def draw(self, day: int, closes: array[int], rng: random.Random) -> int | None:
        """An ad of the pool open on `day` (posted that day or before, closing after it), or None."""
        lo, hi = bisect_left(self.posted, day - _MAX_OPEN), bisect_right(self.posted, day)
        if lo >= hi:
            return None
        for _ in range(_TRIES):
            ad = self.ads[rng.randrange(lo, hi)]
            if closes[ad] > day:
                return ad
        return None


class PostedAds:
    """What activity needs of every ad written: partner, number in its feed, ISCO group, region, open days.

    Compact arrays (19 bytes an ad), so a run of millions of ads keeps them all; pools per ISCO group
    and region are built on first use.
    """

    def __init__(
        self, occupations: Sequence[WeightedOccupation], regions: Sequence[Region], *, as_of: date, days: int
    ) -> None:
        self.start = as_of - timedelta(days=days)  # day 0 of the posting window (`DemoRequest.days` before as_of)
        self._isco = {o.occupation.uri: o.occupation.isco_group for o in occupations}
        self._regions = {r.name: i for i, r in enumerate(regions)}
        self._groups: dict[str, int] = {}
        self.partner, self.number = array("b"), array("i")
        self.group, self.region = array("i"), array("h")
        self.posted, self.closes = array("i"), array("i")
        self._pools: dict[tuple[str, int], Pool] = {}
        self._units: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self.number)

    def add(self, partner: int, number: int, vacancy: Vacancy) -> None:
        """Remember the ad `vacancy` written as record `number` of partner `partner`'s feed."""
        group = self._isco.get(vacancy.occupation_uri, "")
        self.partner.append(partner)
        self.number.append(number)
        self.group.append(self._groups.setdefault(group, len(self._groups)))
        self.region.append(self._regions.get(vacancy.region, -1))
        self.posted.append((vacancy.date_posted - self.start).days)
        self.closes.append((vacancy.valid_through - self.start).days)

    def key(self, ad: int) -> list[str]:
        """The ad's partner source and external id, as the loader finds the posting."""
        partner = PARTNERS[self.partner[ad]]
        return [partner.source, partner.external_id(self.number[ad])]

    def isco_of(self, occupation_uri: str) -> str:
        """The ISCO-08 unit group of an ESCO occupation ("" when the taxonomy gives none)."""
        return self._isco.get(occupation_uri, "")

    def group_of(self, ad: int) -> str:
        """The ISCO-08 unit group of an ad's occupation."""
        return list(self._groups)[self.group[ad]]

    def region_of(self, name: str) -> int:
        return self._regions.get(name, -1)

    def pool(self, prefix: str, region: int = -1) -> Pool:
        """The ads whose ISCO group starts with `prefix` ("" for all), in `region` (-1: any)."""
        found = self._pools.get((prefix, region))
        if found is None:
            if region >= 0:
                wider = self.pool(prefix)
                ads = [ad for ad in wider.ads if self.region[ad] == region]
            else:
                units = self._unit_groups()
                ads = sorted((ad for g, members in units.items() if g.startswith(prefix) for ad in members))
                ads.sort(key=self.posted.__getitem__)  # stable: ties stay in the order the ads were written
            found = Pool(array("i", ads), array("i", (self.posted[ad] for ad in ads)))
            self._pools[(prefix, region)] = found
        return found

    def _unit_groups(self) -> dict[str, list[int]]:
        if self._units is None:
            names = list(self._groups)
            units: dict[str, list[int]] = {name: [] for name in names}
            for ad, group in enumerate(self.group):
                units[names[group]].append(ad)
            self._units = units
        return self._units


@dataclass(frozen=True, slots=True)
class Act:
    """One line of `activity.ndjson` while it is made: seconds since the window's start, kind, ad(s)."""

    at: int
    kind: str
    ad: int = -1
    list_id: str | None = None
    position: int | None = None
    items: tuple[int, ...] = ()
    reason: str | None = None


@dataclass(slots=True)
class Life:
    """A seeker's acts and register dates while they are made."""

    registered: int
    acts: list[Act] = field(default_factory=list)
    applied: set[int] = field(default_factory=set)
    saved: set[int] = field(default_factory=set)
    left: int | None = None
    left_reason: str | None = None

    def dates(self, start: date) -> SeekerDates:
        last = max((act.at // DAY for act in self.acts), default=self.registered)
        left = start + timedelta(days=self.left) if self.left is not None else None
        registered = start + timedelta(days=self.registered)
        return SeekerDates(registered, start + timedelta(days=last), left, self.left_reason)


@dataclass(frozen=True, slots=True)
class Looks:
    """Where one seeker looks: their group's ads in their region, anywhere, and the wider group's."""

    own_region: Pool
    own: Pool
    wider: Pool

    def draw(self, day: int, closes: array[int], rng: random.Random) -> int | None:
        roll = rng.random()
        if roll < WIDER_GROUP:
            return self.wider.draw(day, closes, rng)
        if roll < WIDER_GROUP + (1 - WIDER_GROUP) * OWN_REGION:
            found = self.own_region.draw(day, closes, rng)
            if found is not None:
                return found
        return self.own.draw(day, closes, rng)


def looks_of(seeker: Seeker, ads: PostedAds) -> Looks:
    """The pools a seeker looks in: the narrowest ISCO group level with enough ads, and two levels wider."""
    group = ads.isco_of(seeker.desired_occupation)
    level = next((n for n in range(len(group), 0, -1) if len(ads.pool(group[:n]).ads) >= _MIN_POOL), 0)
    prefix = group[:level]
    wider = ads.pool(prefix[: max(level - 2, 0)])
    return Looks(ads.pool(prefix, ads.region_of(seeker.region)), ads.pool(prefix), wider)


class Simulation:
    """Lives of seekers one after another from one random stream; an ad is filled at most once."""

    def __init__(self, ads: PostedAds, days: int, rng: random.Random) -> None:
        self.ads, self.days, self.rng = ads, days, rng
        self.filled: set[int] = set()
        self.lists = 0
        self._rates = tuple(accumulate(weight for _, weight in SESSIONS_A_WEEK))

    def live(self, seeker: Seeker, registered: int) -> Life:
        """The seeker's acts from `registered` (a day of the window) until they leave or the window ends."""
        rng, life = self.rng, Life(registered)
        end = self.days - 1
        if rng.random() < LEAVE_WITHOUT_JOB:
            leave = registered + MIN_STAY + int(rng.expovariate(1 / MEAN_STAY))
            if leave <= end:
                end, life.left, life.left_reason = leave, leave, "left"
        rate = rng.choices(SESSIONS_A_WEEK, cum_weights=self._rates, k=1)[0][0] / 7
        uses_work = rng.random() < WORK_USERS
        looks = looks_of(seeker, self.ads)
        for day in range(registered, end + 1):
            if rng.random() < (FIRST_DAY_SESSION if day == registered else rate):
                before = len(life.acts)
                self._session(life, looks, day, uses_work)
                last = (day + 1) * DAY - 1  # a long session ends at midnight, so every act stays on its day
                life.acts[before:] = [act if act.at <= last else replace(act, at=last) for act in life.acts[before:]]
        self._hire(life)
        return life

    def _session(self, life: Life, looks: Looks, day: int, uses_work: bool) -> None:
        rng = self.rng
        clock = day * DAY + _SESSION_START + rng.randrange(_SESSION_SPAN)
        served = uses_work and rng.random() < LIST_ON_SESSION
        if served:
            clock = self._list(life, looks, day, clock)
        low, high = VIEWS[served]
        for _ in range(rng.randint(low, high)):
            ad = looks.draw(day, self.ads.closes, rng)
            if ad is None or ad in life.applied:
                continue
            clock += rng.randint(30, 600)
            life.acts.append(Act(clock, "view", ad))
            clock = self._follow(life, ad, clock, SAVE_AFTER_VIEW, APPLY_AFTER_VIEW, None, None)

    def _list(self, life: Life, looks: Looks, day: int, clock: int) -> int:
        """Serve a list of open ads of the seeker's group; they click, apply from or dismiss a few."""
        rng, items = self.rng, dict[int, None]()
        for _ in range(LIST_SIZE * 2):
            ad = looks.draw(day, self.ads.closes, rng)
            if ad is not None and ad not in life.applied:
                items[ad] = None
            if len(items) == LIST_SIZE:
                break
        if len(items) < 3:
            return clock
        self.lists += 1
        list_id = f"DEMO-LIST-{self.lists:07d}"
        life.acts.append(Act(clock, LIST, list_id=list_id, items=tuple(items)))
        for position, ad in enumerate(items, start=1):
            roll = rng.random()
            if roll < CLICK / sqrt(position):
                clock += rng.randint(20, 300)
                life.acts.append(Act(clock, "click", ad, list_id, position))
                clock = self._follow(life, ad, clock, SAVE_AFTER_CLICK, APPLY_AFTER_CLICK, list_id, position)
            elif roll < CLICK / sqrt(position) + DISMISS:
                clock += rng.randint(5, 60)
                reason = rng.choice(DISMISS_REASONS)
                life.acts.append(Act(clock, "dismiss", ad, list_id, position, reason=reason))
        return clock

    def _follow(
        self, life: Life, ad: int, clock: int, save: float, apply: float, list_id: str | None, position: int | None
    ) -> int:
        """After opening an ad: perhaps save it, perhaps apply (once per ad)."""
        rng = self.rng
        if ad not in life.saved and rng.random() < save:
            clock += rng.randint(5, 120)
            life.saved.add(ad)
            life.acts.append(Act(clock, "save", ad, list_id, position))
        if ad not in life.applied and rng.random() < apply:
            clock += rng.randint(120, 1_800)
            life.applied.add(ad)
            life.acts.append(Act(clock, "apply", ad, list_id, position))
        return clock

    def _hire(self, life: Life) -> None:
        """Perhaps a hire on the last application, 10-40 days after its ad was posted and before the
        reference date; later acts go (the person has left the register)."""
        rng = self.rng
        applications = [act for act in life.acts if act.kind == "apply"]
        if not applications or rng.random() >= HIRE:
            return
        last = max(applications, key=lambda act: act.at)
        posted = self.ads.posted[last.ad]
        low, high = max(posted + HIRE_AFTER[0], last.at // DAY + 1), min(posted + HIRE_AFTER[1], self.days - 1)
        if low > high or last.ad in self.filled:
            return
        self.filled.add(last.ad)
        day = rng.randint(low, high)
        at = day * DAY + _SESSION_START + rng.randrange(_SESSION_SPAN)
        life.acts = [act for act in life.acts if act.at < at]
        life.acts.append(Act(at, "hire", last.ad))
        life.left, life.left_reason = day, "hired"


def write_people(
    request: DemoRequest,
    people: Iterable[Seeker],
    *,
    ads: PostedAds,
    registrations: random.Random,
    activity: random.Random,
    out_dir: Path,
    progress: Progress,
) -> dict[str, object]:
    """Write `seekers.ndjson` (with register dates) and `activity.ndjson`; returns the activity's manifest entry."""
    progress.begin("Writing jobseekers and their activity", request.seekers)
    simulation = Simulation(ads, request.days, activity)
    weights = registration_weights(request.days)
    kinds: Counter[str] = Counter()
    with (
        (out_dir / SEEKERS_FILE).open("w", encoding="utf-8", newline="") as seekers_out,
        (out_dir / ACTIVITY_FILE).open("w", encoding="utf-8", newline="", buffering=1 << 20) as out,
    ):
        for count, seeker in enumerate(people, start=1):
            life = simulation.live(seeker, registration_day(registrations, weights))
            seekers_out.write(json_line(seeker_record(seeker, life.dates(ads.start))))
            for act in sorted(life.acts, key=lambda a: a.at):
                out.write(json_line(act_record(seeker.id, act, ads)))
                kinds[act.kind] += 1
            if count % _PROGRESS_STEP == 0:
                progress.advance(_PROGRESS_STEP)
        progress.advance(request.seekers % _PROGRESS_STEP)
    return {
        "path": ACTIVITY_FILE,
        "format": "ndjson",
        "kind": "activity",
        "seekers_file": SEEKERS_FILE,
        "records": sum(kinds.values()),
        "events": dict(sorted(kinds.items())),
    }


def act_record(seeker_id: str, act: Act, ads: PostedAds) -> dict[str, object]:
    """One line of `activity.ndjson`: who, when (UTC), what, on which partner's ad or which list."""
    at = datetime.combine(ads.start, datetime.min.time(), UTC) + timedelta(seconds=act.at)
    record: dict[str, object] = {"seeker": seeker_id, "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "kind": act.kind}
    if act.kind == LIST:
        record["list"] = act.list_id
        record["ranker"] = RANKER
        record["items"] = [ads.key(ad) for ad in act.items]
        return record
    record["source"], record["external_id"] = ads.key(act.ad)
    if act.list_id is not None:
        record["list"] = act.list_id
        record["position"] = act.position
    if act.reason is not None:
        record["reason"] = act.reason
    return record
