"""Loading a generated demo's jobseekers and their activity (`lmis demo load`, `lmis init`): seeker rows
without accounts, and behaviour events and served lists with their original times, postings found by
partner source and external id.

A demo seeker's row id is `stable_id("seeker", "demo" + US + <file id>)`, so the file id finds its row
again without a column of its own, and the headline shows the file id ("... (synthetic demo jobseeker
DEMO-SEEKER-0000001)"). A seeker's events are written in the transaction that creates the row, so a
seeker found already stored has had its events written once: a second load writes none.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lmis.demo.activity import LIST, RANKER

if TYPE_CHECKING:
    from lmis.bootstrap import Services
    from lmis.people.model import Seeker
    from lmis.people.ports import StoredSeeker
    from lmis.people.profile import ProfileDetails
    from lmis.people.protection import Protection
    from lmis.recommend.model import BehaviourEvent, RecommendationList
    from lmis.recommend.ports import RecommendUnitOfWork
    from lmis.shared.progress import Progress

BATCH = 500  # seekers per transaction
# Why events were skipped, as they read after a count ("12 on postings their partner removed").
NOT_STORED = "on postings not stored (quarantined at ingest, or their feed not loaded)"
REMOVED = "on postings their partner removed"
LOADED_BEFORE = "of seekers loaded before (their events are written once)"
UNKNOWN_SEEKER = "of seekers not in the jobseekers file"
LEFT_KEY = "left_register_on"  # in the seeker's details: the day they left the register (analytics reads it)
TARGET_GROUPS = frozenset({"youth", "older_worker", "disability"})  # the file's flags `people.TargetGroup` knows
PostingKey = tuple[str, str]  # (partner source, external id)


@dataclass(frozen=True, slots=True)
class Posting:
    """What an event needs of a stored posting: its id and its employer's normalised name."""

    id: str
    employer: str | None


@dataclass(slots=True)
class PeopleReport:
    """What a load did: seekers new, updated and unchanged; events and lists written; events skipped, by reason."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    lists: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def results(self) -> list[tuple[str, dict[str, int]]]:
        """The counts as `lmis demo load` prints them: seekers, activity, and why events were skipped."""
        activity = {"events written": self.events, "lists written": self.lists}
        reasons = dict(sorted(self.skipped.items(), key=lambda item: (-item[1], item[0])))
        return [
            ("jobseekers", {"new": self.new, "updated": self.updated, "unchanged": self.unchanged}),
            ("activity", {**activity, "events skipped": sum(self.skipped.values())}),
            *([("activity skipped", reasons)] if reasons else []),
        ]


@dataclass(frozen=True, slots=True)
class DemoSeeker:
    """A file's seeker as a `people` seeker, with the day they left the register (None: still on it)."""

    seeker: Seeker
    left_on: str | None

    def stored(self, protection: Protection) -> StoredSeeker:
        """The row to save: the sealed seeker, its details noting the day the person left the register."""
        from dataclasses import replace

        sealed = protection.seal(self.seeker)
        return replace(sealed, details={**sealed.details, LEFT_KEY: self.left_on}) if self.left_on else sealed

    def same_as(self, stored: StoredSeeker, protection: Protection) -> bool:
        return protection.open(stored) == self.seeker and stored.details.get(LEFT_KEY) == self.left_on


@dataclass(frozen=True, slots=True)
class Person:
    """One line of `seekers.ndjson` and that seeker's lines of `activity.ndjson`."""

    record: dict[str, Any]
    acts: list[dict[str, Any]]


def demo_seeker_id(file_id: str) -> str:
    """The row id of the demo seeker `file_id` (DEMO-SEEKER-0000001)."""
    from lmis.shared.ids import stable_id

    return stable_id("seeker", f"demo\x1f{file_id}")


def load_people(
    built: Services, folder: Path, manifest: dict[str, Any], progress: Progress
) -> list[tuple[str, dict[str, int]]]:
    """Load the jobseekers and activity a manifest lists (`kind: activity`), BATCH seekers a transaction, after
    the feeds (events name their postings); counts as `PeopleReport.results`."""
    entry = next((e for e in manifest["files"] if e.get("kind") == "activity"), None)
    if entry is None:
        return []  # a folder written before the generator wrote activity
    report = PeopleReport()
    regions = region_ids(built, str(manifest["country"]))
    total = int(next((e["records"] for e in manifest["files"] if e.get("kind") == "jobseekers"), 0))
    progress.begin("Loading jobseekers and their activity", total)
    with (
        (folder / entry["seekers_file"]).open(encoding="utf-8") as seekers,
        (folder / entry["path"]).open(encoding="utf-8") as activity,
    ):
        people, known = paired(seekers, activity, report), dict[PostingKey, Posting | str]()
        while batch := list(islice(people, BATCH)):
            with built.uow() as uow:
                load_batch(uow, batch, protection=built.protection, regions=regions, report=report, known=known)
                uow.commit()
            progress.advance(len(batch))
    return report.results()


def paired(seekers: TextIO, activity: TextIO, report: PeopleReport) -> Iterator[Person]:
    """Each seeker with their acts; both files are in seeker order (the generator writes them together)."""
    groups = groupby((json.loads(line) for line in activity if line.strip()), key=lambda act: str(act["seeker"]))
    pending = next(groups, None)
    for line in seekers:
        if not line.strip():
            continue
        record = json.loads(line)
        while pending is not None and pending[0] < record["id"]:
            report.skipped[UNKNOWN_SEEKER] += _event_count(list(pending[1]))
            pending = next(groups, None)
        acts: list[dict[str, Any]] = []
        if pending is not None and pending[0] == record["id"]:
            acts = list(pending[1])
            pending = next(groups, None)
        yield Person(record, acts)
    while pending is not None:
        report.skipped[UNKNOWN_SEEKER] += _event_count(list(pending[1]))
        pending = next(groups, None)


def region_ids(built: Services, country: str) -> Callable[[str], str | None]:
    """Region name of a demo profile -> gazetteer id, resolved as the ads' places are (capital, region, point)."""
    from lmis.demo.profiles import profile
    from lmis.enrich.gazetteer_file import load_gazetteer

    # The feeds' ingestion (and `lmis init`) loaded the enrichment models, the gazetteer among them when the
    # place step runs; reading the file again costs ~2 s.
    gazetteer = built.enricher.models.gazetteer or load_gazetteer(built.settings.gazetteer_path)
    demo = profile(country)
    found: dict[str, str | None] = {}
    for region in demo.regions:
        place = gazetteer.resolve_address(
            locality=region.capital,
            region=region.local_name,
            country=demo.country,
            latitude=region.latitude,
            longitude=region.longitude,
        )
        found[region.name] = place.region.id if place and place.region else None
    return found.get


def load_batch(
    uow: RecommendUnitOfWork,
    batch: Sequence[Person],
    *,
    protection: Protection,
    regions: Callable[[str], str | None],
    report: PeopleReport,
    known: dict[PostingKey, Posting | str],
) -> None:
    """Save the batch's seekers; for those new, their served lists and events on the postings found
    (`known` keeps the postings looked up by earlier batches of the load)."""
    concepts = _concepts(uow, batch)
    fresh: list[tuple[str, Person]] = []
    for person in batch:
        demo = seeker_of(person, concepts=concepts, region=regions(str(person.record["region"])))
        stored = uow.people.seeker(demo.seeker.id)
        if stored is None:
            report.new += 1
            fresh.append((demo.seeker.id, person))
        elif demo.same_as(stored, protection):
            report.unchanged += 1
            report.skipped[LOADED_BEFORE] += _event_count(person.acts)
            continue
        else:
            report.updated += 1
            report.skipped[LOADED_BEFORE] += _event_count(person.acts)
        uow.people.save_seeker(demo.stored(protection))
    postings = _postings(uow, [person for _id, person in fresh], known)
    events: list[BehaviourEvent] = []
    for seeker_id, person in fresh:
        lists, acts = behaviour_of(seeker_id, person.acts, postings, report)
        for served in lists:
            uow.behaviour.save_list(served)
        events += acts
        report.lists += len(lists)
    uow.behaviour.add_events(events)  # one statement for the batch
    report.events += len(events)


def _event_count(acts: Sequence[dict[str, Any]]) -> int:
    """Events a file's acts make: one per act, one impression per item of a served list."""
    return sum(len(act["items"]) if "items" in act else 1 for act in acts)


def _concepts(uow: RecommendUnitOfWork, batch: Sequence[Person]) -> dict[str, tuple[str, str]]:
    """ESCO URI -> (concept id, label) of the batch's occupations and skills in the current releases."""
    from lmis.taxonomy.schemes import ESCO_OCCUPATION, ESCO_SKILL

    occupations = {str(p.record["desired_occupation"]) for p in batch}
    skills = {str(uri) for p in batch for uri in p.record["skills"]}
    found: dict[str, tuple[str, str]] = {}
    for scheme, uris in ((ESCO_OCCUPATION.code, occupations), (ESCO_SKILL.code, skills)):
        found.update((uri, (ref.id, ref.label)) for uri, ref in uow.taxonomy.refs_by_code(scheme, uris).items())
    return found


def _postings(
    uow: RecommendUnitOfWork, people: Sequence[Person], found: dict[PostingKey, Posting | str]
) -> dict[PostingKey, Posting | str]:
    """Every posting the acts name, by (source, external id): the posting, or why it is not there; looks up
    only the keys `found` lacks and adds them to it (a posting is read once a load, not once a batch)."""
    from lmis.jobs.model import PostingStatus

    keys = {
        (str(s), str(e)) for p in people for a in p.acts for s, e in a.get("items") or [(a["source"], a["external_id"])]
    }
    by_source: dict[str, list[str]] = {}
    for source, external_id in sorted(keys - found.keys()):
        by_source.setdefault(source, []).append(external_id)
        found[(source, external_id)] = NOT_STORED
    live: list[tuple[PostingKey, str]] = []
    for source, external_ids in by_source.items():
        for external_id, state in uow.jobs.states(source, external_ids).items():
            if state.status is PostingStatus.REMOVED:
                found[(source, external_id)] = REMOVED
            else:
                live.append(((source, external_id), state.posting_id))
    for start in range(0, len(live), BATCH):
        chunk = live[start : start + BATCH]
        stored = uow.jobs.get_many([posting_id for _key, posting_id in chunk])
        for key, posting_id in chunk:
            employer = stored[posting_id].employer if posting_id in stored else None
            found[key] = Posting(posting_id, employer.normalised_name if employer else None)
    return found


def seeker_of(person: Person, *, concepts: Mapping[str, tuple[str, str]], region: str | None) -> DemoSeeker:
    """The seeker row of a file's seeker: no account, not findable, profile from the file, dates from the acts."""
    from lmis.people.model import PersonalData, Seeker, TargetGroup

    record = person.record
    occupation = concepts.get(str(record["desired_occupation"]))
    registered = datetime.combine(date.fromisoformat(record["registered_on"]), time(0, 0), UTC)
    last = max((_moment(act["at"]) for act in person.acts), default=registered)
    label = occupation[1] if occupation else "jobseeker"
    groups = frozenset(TargetGroup(g) for g in record["target_groups"] if g in TARGET_GROUPS)
    seeker = Seeker(
        id=demo_seeker_id(str(record["id"])),
        account_id=None,
        region=region,
        headline=f"{label[:1].upper()}{label[1:]} (synthetic demo jobseeker {record['id']})",
        occupations=(occupation[0],) if occupation else (),
        skills=tuple(concepts[uri][0] for uri in record["skills"] if uri in concepts),
        findable=False,
        created_at=registered,
        updated_at=last,
        personal=PersonalData(target_groups=groups),
        details=_details(record, concepts, occupation, registered.date()),
    )
    return DemoSeeker(seeker, record.get("left_on"))


def _details(
    record: Mapping[str, Any], concepts: Mapping[str, tuple[str, str]], occupation: tuple[str, str] | None, day: date
) -> ProfileDetails:
    """Skills, education, languages and (with experience) the last job, in the occupation they look for."""
    from lmis.people.profile import Education, Isced, Job, Language, LanguageLevel, ProfileDetails, ProfileSkill

    years = int(record["years_experience"])
    history: tuple[Job, ...] = ()
    if occupation and years > 0:
        ended = day.replace(day=1) - timedelta(days=1)
        history = (Job(occupation[1], occupation[0], "", date(day.year - years, day.month, 1), ended),)
    return ProfileDetails(
        skills=tuple(ProfileSkill(concepts[uri][0]) for uri in record["skills"] if uri in concepts),
        work_history=history,
        education=(Education(Isced(int(record["education_isced"]))),),
        languages=tuple(
            Language(code, LanguageLevel.NATIVE if n == 0 else LanguageLevel.B2)
            for n, code in enumerate(record["languages"])
        ),
    )


def behaviour_of(
    seeker_id: str, acts: Sequence[dict[str, Any]], postings: Mapping[PostingKey, Posting | str], report: PeopleReport
) -> tuple[list[RecommendationList], list[BehaviourEvent]]:
    """The served lists (each with an impression per item found) and the events of one seeker's acts."""
    from lmis.recommend.model import BehaviourEvent, EventKind

    lists: list[RecommendationList] = []
    events: list[BehaviourEvent] = []
    served: dict[str, tuple[str, list[str]]] = {}  # the file's list id -> (stored list id, posting ids shown)
    for act in acts:
        at = _moment(act["at"])
        if act["kind"] == LIST:
            lists += _served(seeker_id, act, at, postings, report, served, events)
            continue
        posting = postings[(act["source"], act["external_id"])]
        if isinstance(posting, str):
            report.skipped[posting] += 1
            continue
        try:
            kind = EventKind(act["kind"])
        except ValueError:
            report.skipped[f"of unknown kind {act['kind']!r}"] += 1
            continue
        list_id, shown = served.get(str(act.get("list")), (None, []))
        position = shown.index(posting.id) + 1 if posting.id in shown else None
        detail = {"reason": str(act["reason"])} if act.get("reason") else {}
        events.append(
            BehaviourEvent(seeker_id, kind, "posting", posting.id, at, posting.employer, list_id, position, detail)
        )
    return lists, events


def _served(
    seeker_id: str,
    act: Mapping[str, Any],
    at: datetime,
    postings: Mapping[PostingKey, Posting | str],
    report: PeopleReport,
    served: dict[str, tuple[str, list[str]]],
    events: list[BehaviourEvent],
) -> list[RecommendationList]:
    """A list as the recommender stores one: the list, then one impression per item (items not found skipped)."""
    from lmis.recommend.model import BehaviourEvent, EventKind, Explanation, JobRecommendation, RecommendationList
    from lmis.shared.ids import stable_id

    shown: list[Posting] = []
    for source, external_id in act["items"]:
        found = postings[(source, external_id)]
        if isinstance(found, str):
            report.skipped[found] += 1
        else:
            shown.append(found)
    if not shown:
        return []
    list_id = stable_id("reclist", f"demo\x1f{act['list']}")
    served[str(act["list"])] = (list_id, [p.id for p in shown])
    # save_list stores the items' posting ids; the rest of a recommendation is what a person is shown
    items = tuple(JobRecommendation(p.id, p.id, "", p.employer or "", "", "", 0.0, Explanation()) for p in shown)
    ranker = str(act.get("ranker") or RANKER)
    events += [
        BehaviourEvent(seeker_id, EventKind.IMPRESSION, "posting", p.id, at, p.employer, list_id, rank)
        for rank, p in enumerate(shown, start=1)
    ]
    return [RecommendationList(list_id, seeker_id, "jobs", ranker, at, items)]


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
