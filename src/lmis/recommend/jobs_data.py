"""The Kaggle job-views data (`../shared/data/career_paths_kaggle_jobreco`) read: postings, views, profiles.

Three gzipped CSVs: Job_Views (one row per view; the postings are its distinct Job.IDs),
Experience (positions held, newest first as on a CV) and Positions_Of_Interest. A missing file
is `Invalid` naming it, a missing column `MalformedFile`; "NA" and similar are empty values.
`make_profile` turns what an applicant told the service and viewed before a cut-off into texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lmis.shared.delimited import find_file, read_rows
from lmis.shared.errors import Invalid

FILES = {
    "Job_Views.csv": (
        "Applicant.ID",
        "Job.ID",
        "Title",
        "Position",
        "Company",
        "City",
        "State.Name",
        "Industry",
        "View.Start",
    ),
    "Experience.csv": ("Applicant.ID", "Position.Name", "City", "State.Name", "Job.Description"),
    "Positions_Of_Interest.csv": ("Applicant.ID", "Position.Of.Interest"),
}
_MISSING = {"", "na", "n/a", "null", "none"}


@dataclass(frozen=True, slots=True)
class Posting:
    """A posting as the views show it."""

    id: str
    title: str
    text: str
    passage: str
    company: str
    city: str
    state: str
    place: str


@dataclass(frozen=True, slots=True)
class View:
    """One applicant opening one posting at a time."""

    user: str
    item: str
    time: datetime


@dataclass(slots=True)
class Background:
    """What an applicant told the service: positions held and wanted, descriptions, places."""

    titles: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class JobData:
    """The three files, read."""

    postings: dict[str, Posting]
    views: list[View]
    backgrounds: dict[str, Background]


def _value(text: str) -> str:
    return "" if text.strip().lower() in _MISSING else text.strip()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" UTC", "+00:00"))


def read_job_data(folder: Path) -> JobData:
    """Read the three gzipped CSVs; raises `Invalid` naming a missing file, `MalformedFile` a missing column."""
    paths = {}
    for stem, _columns in FILES.items():
        path = find_file(folder, stem)
        if path is None:
            expected = ", ".join(f"{name}.gz" for name in FILES)
            raise Invalid(f"{folder}: {stem}.gz (or {stem}) is missing; the folder needs {expected}", field=stem)
        paths[stem] = path
    postings: dict[str, Posting] = {}
    views: list[View] = []
    for row in read_rows(paths["Job_Views.csv"], required=FILES["Job_Views.csv"]):
        item, user = row.require("Job.ID"), row.require("Applicant.ID")
        try:
            views.append(View(user, item, _time(row.require("View.Start"))))
        except ValueError:
            raise row.error("not a time", "View.Start") from None
        if item not in postings:
            postings[item] = _posting(item, row.get)
    backgrounds: dict[str, Background] = defaultdict(Background)
    for row in read_rows(paths["Experience.csv"], required=FILES["Experience.csv"]):
        background = backgrounds[row.require("Applicant.ID")]
        background.titles.append(_value(row.get("Position.Name")))
        background.descriptions.append(_value(row.get("Job.Description")))
        background.places.append((_value(row.get("City")), _value(row.get("State.Name"))))
    for row in read_rows(paths["Positions_Of_Interest.csv"], required=FILES["Positions_Of_Interest.csv"]):
        backgrounds[row.require("Applicant.ID")].titles.insert(0, _value(row.get("Position.Of.Interest")))
    return JobData(postings, sorted(views, key=lambda v: (v.time, v.user, v.item)), dict(backgrounds))


def _posting(item: str, get: Callable[[str], str]) -> Posting:
    """BM25 reads every field; the embedding reads a sentence (position at company, place, industry)."""
    title, position, company, city, state, industry = (
        _value(get(c)) for c in ("Title", "Position", "Company", "City", "State.Name", "Industry")
    )
    text = " . ".join(dict.fromkeys(part for part in (title, position, company, city, state, industry) if part))
    place = ", ".join(part for part in (city, state) if part)
    passage = " . ".join(
        part
        for part in (f"{position or title} at {company}" if company else position or title, place, industry)
        if part
    )
    return Posting(item, position or title, text, passage, company, city, state, place)


@dataclass(frozen=True, slots=True)
class Profile:
    """A person at a cut-off: texts, places, and views before it.

    `text` (for BM25) is titles, viewed postings, descriptions and places; `short` (for the
    embedding) is the titles alone and `places` the first three places ("City, State"), since
    the embedding reads the job and the place as two fields (`jobs_vectors`).
    """

    text: str
    short: str
    places: tuple[str, ...]
    cities: tuple[str, ...]
    states: tuple[str, ...]
    history: tuple[str, ...]


def make_profile(background: Background | None, history: Sequence[View], postings: Mapping[str, Posting]) -> Profile:
    """The profile from what the person said and what they viewed before the cut-off (newest first)."""
    background = background or Background()
    seen = [postings[v.item] for v in reversed(history)]
    titles = list(dict.fromkeys([t for t in background.titles if t] + [p.title for p in seen]))[:8]
    places = [p for p in background.places if any(p)] + [(p.city, p.state) for p in seen]
    nearby = tuple(dict.fromkeys(", ".join(part for part in place if part) for place in places[:3]))
    descriptions = [d for d in background.descriptions if d][:3]
    text = " . ".join([*titles, *[p.text for p in seen[:8]], *descriptions])
    short = " . ".join(titles)
    return Profile(
        f"{text} . {' ; '.join(nearby)}" if text else "",
        short[:600],
        nearby,
        tuple(dict.fromkeys(c.lower() for c, _ in places if c)),
        tuple(dict.fromkeys(s.lower() for _, s in places if s)),
        tuple(dict.fromkeys(v.item for v in reversed(history))),
    )
