"""`lmis demo load`'s jobseekers and activity on the sample taxonomy: seeker rows, events with their own
times on the ingested postings, attribution, skipped events and a second load that adds nothing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from lmis.bootstrap import Services
from lmis.cli.demo_people import LEFT_KEY, LOADED_BEFORE, NOT_STORED, REMOVED, demo_seeker_id, load_people
from lmis.demo.model import DemoRequest
from lmis.demo.services import generate_demo, shipped_data_dir
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream
from lmis.recommend.attribution import attribute
from lmis.shared.progress import SilentProgress
from lmis.sources.registry import create
from lmis.storage import recommend_tables as rt
from lmis.storage import tables as t
from lmis.storage.identity_tables import seeker as seeker_table
from lmis.taxonomy.importing import import_shipped
from tests.conftest import SAMPLE_TAXONOMY, database_for, make_services

POSTINGS, SEEKERS, AS_OF, DAYS = 400, 120, date(2026, 11, 1), 90
START = datetime(2026, 8, 3, tzinfo=UTC)  # AS_OF - DAYS
LEFT_OUT = "demo-news"  # a feed not ingested: its events are skipped


@dataclass(frozen=True, slots=True)
class Loaded:
    services: Services
    folder: Path
    manifest: dict[str, Any]
    results: dict[str, dict[str, int]]
    removed: tuple[str, str]  # the posting removed before the load


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """A demo of 400 ads and 120 seekers; every feed but the news one ingested, one applied-to posting
    removed, then the people loaded (once per database: later tests only read, or load again)."""
    folder = tmp_path_factory.mktemp("demo-people")
    services = make_services(folder, database_for(request, folder), enrich_steps=["place"])
    import_shipped(SAMPLE_TAXONOMY, uow=services.uow(), now=services.now, progress=SilentProgress())
    out = folder / "demo"
    asked = DemoRequest(POSTINGS, SEEKERS, 3, "kr", AS_OF, DAYS)
    manifest = generate_demo(
        asked, uow=services.uow(), data_dir=shipped_data_dir(), out_dir=out, progress=SilentProgress()
    )
    for entry in manifest["files"]:  # type: ignore[attr-defined]
        if entry.get("source") not in (None, LEFT_OUT):
            options = RunOptions(entry["source"], entry["path"], licence="synthetic", enrich=services.enrich)
            mapping = out / entry["mapping"] if entry.get("mapping") else None
            with (out / entry["path"]).open("rb") as data:
                fmt = create(entry["format"], mapping)
                ingest_stream(data, fmt, options, uow=services.uow(), now=services.now, progress=SilentProgress())
    removed = next(
        (a["source"], a["external_id"]) for a in acts(out) if a["kind"] == "apply" and a["source"] != LEFT_OUT
    )
    with services.uow() as uow:
        uow.jobs.remove(removed[0], [removed[1]], services.now())
        uow.commit()
    results = dict(load_people(services, out, manifest, SilentProgress()))
    yield Loaded(services, out, manifest, results, removed)
    services.engine.dispose()


def acts(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "activity.ndjson").read_text(encoding="utf-8").splitlines()]


def rows(services: Services, query: sa.Select[Any]) -> list[Any]:
    with services.engine.connect() as connection:
        return list(connection.execute(query))


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_every_seeker_is_a_synthetic_row_without_an_account_registered_in_the_window(loaded: Loaded) -> None:
    s = seeker_table.c
    stored = rows(loaded.services, sa.select(seeker_table))
    assert loaded.results["jobseekers"] == {"new": SEEKERS, "updated": 0, "unchanged": 0}
    assert len(stored) == SEEKERS
    records = [json.loads(line) for line in (loaded.folder / "seekers.ndjson").read_text(encoding="utf-8").splitlines()]
    by_id = {demo_seeker_id(r["id"]): r for r in records}
    for row in stored:
        record = by_id[row.id]
        assert row.account_id is None
        assert not row.findable
        assert f"synthetic demo jobseeker {record['id']}" in row.headline
        assert row.region.startswith("KR-")
        assert len(row.occupations) == 1
        assert len(row.skills) >= 3
        assert START <= aware(row.created_at) < START + timedelta(days=DAYS)
        assert aware(row.created_at).date().isoformat() == record["registered_on"]
        assert aware(row.updated_at) >= aware(row.created_at)
        assert (row.details or {}).get(LEFT_KEY) == record["left_on"]
    occupations = {o for row in stored for o in row.occupations}
    with loaded.services.uow() as uow:
        assert {r.concept.id for r in uow.taxonomy.records(occupations)} == occupations
    assert rows(loaded.services, sa.select(sa.func.count()).where(s.created_at >= START))[0][0] == SEEKERS


def test_applications_and_hires_fall_in_the_window_while_the_posting_is_open_and_hires_10_to_40_days_after_it(
    loaded: Loaded,
) -> None:
    e, p = rt.behaviour_event.c, t.posting.c
    query = sa.select(e.seeker_id, e.kind, e.at, p.date_posted, p.valid_through).join(t.posting, p.id == e.item_id)
    events = rows(loaded.services, query.where(e.kind.in_(["apply", "hire"])).order_by(e.seeker_id, e.at))
    kinds = Counter(row.kind for row in events)
    assert kinds["apply"] > SEEKERS
    assert kinds["hire"] > 5
    applied: dict[str, datetime] = {}
    for row in events:
        at, posted = aware(row.at), aware(row.date_posted)
        assert START <= at < START + timedelta(days=DAYS)
        if row.kind == "apply":
            assert posted <= at < aware(row.valid_through)
            applied[row.seeker_id] = at
        else:
            assert 10 <= (at.date() - posted.date()).days <= 40
            assert applied[row.seeker_id] < at
    registered = dict(rows(loaded.services, sa.select(seeker_table.c.id, seeker_table.c.created_at)))
    first = rows(loaded.services, sa.select(e.seeker_id, sa.func.min(e.at)).group_by(e.seeker_id))
    assert all(aware(at) >= aware(registered[seeker]) for seeker, at in first)


def test_hires_are_attributed_to_recommendations_at_all_three_tiers(loaded: Loaded) -> None:
    with loaded.services.uow() as uow:
        tallies = uow.behaviour.hired_tallies(since=START, until=datetime.combine(AS_OF, datetime.min.time(), UTC))
    attribution = attribute(tallies)
    assert attribution.hires > 5
    assert all(count > 0 for count in attribution.tiers.values()), attribution
    lists = rows(loaded.services, sa.select(rt.recommendation_list.c["items"], rt.recommendation_list.c.ranker))
    assert lists
    assert all(ranker == "synthetic-demo" and items for items, ranker in lists)


def test_events_on_postings_not_ingested_or_removed_are_skipped_and_counted_by_reason(loaded: Loaded) -> None:
    activity, skipped = loaded.results["activity"], loaded.results["activity skipped"]
    news = sum(1 for a in acts(loaded.folder) for key in keys(a) if key[0] == LEFT_OUT)
    assert skipped[NOT_STORED] == news > 0
    removed = sum(1 for a in acts(loaded.folder) for key in keys(a) if key == loaded.removed)
    assert skipped[REMOVED] == removed > 0
    expected = sum(len(keys(a)) for a in acts(loaded.folder)) - news - removed
    assert activity["events written"] == expected
    assert activity["events skipped"] == news + removed
    count = rows(loaded.services, sa.select(sa.func.count()).select_from(rt.behaviour_event))[0][0]
    assert count == expected


def keys(act: dict[str, Any]) -> list[tuple[str, str]]:
    """The postings one act names: every item of a served list (an impression each), else its one posting."""
    if "items" in act:
        return [(source, external_id) for source, external_id in act["items"]]
    return [(act["source"], act["external_id"])]


def test_a_second_load_adds_nothing_and_says_every_seeker_is_unchanged(loaded: Loaded) -> None:
    def counts() -> list[int]:
        tables = (seeker_table, rt.behaviour_event, rt.recommendation_list)
        return [rows(loaded.services, sa.select(sa.func.count()).select_from(x))[0][0] for x in tables]

    before = counts()
    again = dict(load_people(loaded.services, loaded.folder, loaded.manifest, SilentProgress()))
    assert counts() == before
    assert again["jobseekers"] == {"new": 0, "updated": 0, "unchanged": SEEKERS}
    assert again["activity"]["events written"] == again["activity"]["lists written"] == 0
    assert set(again["activity skipped"]) == {LOADED_BEFORE}
