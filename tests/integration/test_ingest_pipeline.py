"""The ingestion pipeline end to end on SQLite and PostgreSQL: raw store, quarantine, upsert, change feed, replay."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from lmis.bootstrap import Services
from lmis.ingest.model import Draft, IngestRun, Payload, QuarantineEntry, RawRecord, RunCounts, RunStatus
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.ports import FeedFormat, IngestUnitOfWork
from lmis.ingest.services import get_run, ingest_stream, list_quarantine, list_runs, replay_quarantine, replay_run
from lmis.ingest.validation import posting_id
from lmis.jobs import services as jobs
from lmis.jobs.model import ChangeKind, EmploymentType, JobPosting, PostingStatus, Salary, SalaryUnit
from lmis.jobs.ports import PostingFilter
from lmis.shared.errors import NotFound
from lmis.shared.progress import SilentProgress
from lmis.sources.ndjson import NdjsonFormat
from lmis.sources.registry import create

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
CANONICAL = (FEEDS / "canonical.ndjson").read_bytes()
CANONICAL_LINES = CANONICAL.decode("utf-8").splitlines()
FEEDPARSER_FALLBACK = "ignore:To avoid breaking existing software:DeprecationWarning"


def rebuild(name: str, options: Mapping[str, object]) -> FeedFormat:
    """How the CLI rebuilds a run's format for a replay: by name and recorded options."""
    return create(name, options=options)


def ingest(
    services: Services,
    data: bytes | BinaryIO,
    fmt: FeedFormat | str = "ndjson",
    *,
    source: str = "demo",
    **options: Any,
) -> IngestRun:
    """Run `data` through the pipeline as `source` and return the finished run."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    feed = create(fmt) if isinstance(fmt, str) else fmt
    return ingest_stream(
        stream,
        feed,
        RunOptions(source, f"test:{source}", **options),
        uow=services.uow(),
        now=services.now,
        progress=SilentProgress(),
    )


def lines(*records: dict[str, object] | str) -> bytes:
    """NDJSON of `records` (dicts are dumped, strings are taken as they are)."""
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records).encode()


def posting(services: Services, external_id: str, source: str = "demo") -> JobPosting:
    return jobs.get_posting(posting_id(source, external_id), uow=services.uow())


def raw_records(services: Services, run_id: str) -> list[RawRecord]:
    with services.uow() as uow:
        return list(uow.ingest.raw_of_run(run_id))


def quarantine(
    services: Services, *, source: str | None = None, include_resolved: bool = False
) -> list[QuarantineEntry]:
    """Every quarantine entry (all pages)."""
    found: list[QuarantineEntry] = []
    cursor: str | None = None
    while True:
        page = list_quarantine(
            source=source, include_resolved=include_resolved, cursor=cursor, limit=100, uow=services.uow()
        )
        found += page.items
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def head(services: Services) -> int:
    return jobs.changes(None, limit=1, uow=services.uow()).head


def all_changes(services: Services, after: int = 0) -> list[jobs.PostingChange]:
    return jobs.changes(jobs.encode_cursor(after), limit=1_000, uow=services.uow()).changes


def balanced(counts: RunCounts) -> bool:
    """received = new + updated + unchanged + quarantined + removals the feed asked for."""
    return counts.received == counts.new + counts.updated + counts.unchanged + counts.quarantined + counts.removed


# A clean feed


def test_a_clean_feed_creates_every_posting_and_records_a_finished_run(services: Services) -> None:
    run = ingest(services, CANONICAL)
    assert run.counts == RunCounts(received=3, new=3)
    assert run.status is RunStatus.FINISHED
    assert run.finished_at is not None
    assert run.finished_at >= run.started_at
    stored = get_run(run.id, uow=services.uow())
    assert (stored.counts, stored.status, stored.format, stored.source) == (
        run.counts,
        RunStatus.FINISHED,
        "ndjson",
        "demo",
    )
    assert [r.id for r in list_runs(limit=10, uow=services.uow())] == [run.id]


def test_a_stored_posting_is_readable_with_its_normalised_fields(services: Services) -> None:
    run = ingest(services, CANONICAL)
    nurse = posting(services, "A-1")
    assert nurse.id == posting_id("demo", "A-1")
    assert (nurse.source, nurse.external_id, nurse.title) == ("demo", "A-1", "Staff Nurse – Ward 7")
    assert nurse.employer is not None
    assert (nurse.employer.name, nurse.employer.normalised_name, nurse.employer.registration_id) == (
        "Demo General Hospital Ltd",
        "demo general hospital",
        "DEMO-001",
    )
    assert nurse.salary == Salary("GBP", 28407.0, 34581.0, SalaryUnit.YEAR, "")
    assert nurse.employment_types == (EmploymentType.FULL_TIME,)
    assert (nurse.address.locality, nurse.address.postal_code, nurse.address.country) == ("Leeds", "LS1 3EX", "GB")
    assert (nurse.latitude, nurse.longitude, nurse.openings) == (53.8, -1.55, 2)
    assert nurse.description_html == (
        "<p>Join our <b>ward</b> team.</p><ul><li>Infection control</li><li>Patient care</li></ul>"
    )
    assert nurse.description_text == "Join our ward team.\nInfection control\nPatient care"
    assert nurse.date_posted == datetime(2026, 11, 1, 9, tzinfo=UTC)
    assert nurse.valid_through == datetime(2027, 1, 31, tzinfo=UTC)
    assert (nurse.status, nurse.language, nurse.url) == (PostingStatus.PUBLISHED, "en", "https://jobs.example.org/A-1")
    assert nurse.provenance.run_id == run.id

    welder = posting(services, "A-2")
    assert welder.salary == Salary(text="Competitive")
    assert welder.experience_months == 24
    assert welder.employer is not None
    assert welder.employer.normalised_name == "demo steelworks"

    korean = posting(services, "A-3")
    assert korean.employer is not None
    assert korean.employer.normalised_name == "데모 병원"
    assert korean.salary == Salary("KRW", 3000000.0, 3500000.0, SalaryUnit.MONTH, "")


def test_each_posting_points_to_the_raw_record_holding_its_exact_line(services: Services) -> None:
    run = ingest(services, CANONICAL)
    raw = {r.id: r for r in raw_records(services, run.id)}
    assert len(raw) == 3
    for number, external_id in enumerate(["A-1", "A-2", "A-3"], start=1):
        record = raw[posting(services, external_id).provenance.raw_id]
        assert (record.run_id, record.source, record.position) == (run.id, "demo", f"line {number}")
        assert record.payload == CANONICAL_LINES[number - 1]
        assert record.decode_error == ""


def test_the_first_run_puts_every_posting_in_the_change_feed_as_created(services: Services) -> None:
    ingest(services, CANONICAL)
    changes = all_changes(services)
    assert [c.kind for c in changes] == [ChangeKind.CREATED] * 3
    assert sorted(c.posting.external_id for c in changes) == ["A-1", "A-2", "A-3"]
    assert head(services) == changes[-1].sequence


def test_reading_the_same_feed_again_changes_nothing(services: Services) -> None:
    ingest(services, CANONICAL)
    before = head(services)
    again = ingest(services, CANONICAL)
    assert again.counts == RunCounts(received=3, unchanged=3)
    assert head(services) == before
    assert all_changes(services, before) == []


def test_a_changed_line_updates_its_posting_with_a_new_change(services: Services) -> None:
    first = ingest(services, CANONICAL)
    before = head(services)
    changed = CANONICAL.replace(b'"title": "Welder (MIG/TIG)"', b'"title": "Senior Welder (MIG/TIG)"')
    run = ingest(services, changed)
    assert run.counts == RunCounts(received=3, updated=1, unchanged=2)
    (change,) = all_changes(services, before)
    assert (change.kind, change.posting.external_id, change.posting.title) == (
        ChangeKind.UPDATED,
        "A-2",
        "Senior Welder (MIG/TIG)",
    )
    assert change.sequence > before
    welder = posting(services, "A-2")
    assert welder.title == "Senior Welder (MIG/TIG)"
    assert welder.provenance.run_id == run.id != first.id


def test_key_order_and_spacing_of_a_line_do_not_make_it_a_change(services: Services) -> None:
    ingest(services, CANONICAL)
    reordered = b"".join(
        json.dumps(dict(reversed(list(json.loads(line).items()))), ensure_ascii=False, indent=None).encode() + b"\n"
        for line in CANONICAL.splitlines()
    )
    assert ingest(services, reordered).counts == RunCounts(received=3, unchanged=3)


# Removal


def _with_status(line: str, status: str) -> str:
    record = json.loads(line)
    record["status"] = status
    return json.dumps(record, ensure_ascii=False)


def test_a_removed_record_tombstones_its_posting(services: Services) -> None:
    ingest(services, CANONICAL)
    before = head(services)
    run = ingest(services, lines(_with_status(CANONICAL_LINES[1], "removed")))
    assert run.counts == RunCounts(received=1, removed=1)
    assert balanced(run.counts)
    tombstone = posting(services, "A-2")
    assert (tombstone.status, tombstone.external_id, tombstone.source) == (PostingStatus.REMOVED, "A-2", "demo")
    (change,) = all_changes(services, before)
    assert (change.kind, change.posting.id) == (ChangeKind.REMOVED, posting_id("demo", "A-2"))
    published = jobs.list_postings(
        PostingFilter(status=PostingStatus.PUBLISHED), cursor=None, limit=10, uow=services.uow()
    )
    assert sorted(p.external_id for p in published.items) == ["A-1", "A-3"]


def test_removing_a_removed_posting_again_is_unchanged(services: Services) -> None:
    ingest(services, CANONICAL)
    removal = lines(_with_status(CANONICAL_LINES[1], "removed"))
    ingest(services, removal)
    before = head(services)
    again = ingest(services, removal)
    assert again.counts == RunCounts(received=1, unchanged=1)
    assert head(services) == before


def test_removing_a_posting_that_was_never_stored_creates_nothing(services: Services) -> None:
    run = ingest(services, lines({"external_id": "GHOST", "title": "Never seen", "status": "removed"}))
    assert run.counts == RunCounts(received=1, unchanged=1)
    with pytest.raises(NotFound):
        posting(services, "GHOST")
    assert head(services) == 0


def test_a_closed_record_stays_readable_but_is_no_longer_live(services: Services) -> None:
    ingest(services, CANONICAL)
    run = ingest(services, lines(_with_status(CANONICAL_LINES[0], "closed")))
    assert run.counts == RunCounts(received=1, updated=1)
    assert posting(services, "A-1").status is PostingStatus.CLOSED
    _cursor, live = jobs.snapshot(uow=services.uow(), now=services.now)
    assert sorted(p.external_id for p in live) == ["A-2", "A-3"]


def test_a_full_snapshot_removes_the_postings_it_lacks(services: Services) -> None:
    ingest(services, CANONICAL)
    ingest(services, CANONICAL, source="other")
    run = ingest(services, lines(*CANONICAL_LINES[:2]), full_snapshot=True)
    assert run.counts == RunCounts(received=2, unchanged=2, removed=1)
    assert posting(services, "A-3").status is PostingStatus.REMOVED
    assert posting(services, "A-1").status is PostingStatus.PUBLISHED
    assert posting(services, "A-3", source="other").status is PostingStatus.PUBLISHED  # other sources untouched


def test_a_run_that_is_not_a_full_snapshot_removes_nothing(services: Services) -> None:
    ingest(services, CANONICAL)
    run = ingest(services, lines(CANONICAL_LINES[0]))
    assert run.counts == RunCounts(received=1, unchanged=1)
    assert posting(services, "A-3").status is PostingStatus.PUBLISHED


def test_a_posting_that_comes_back_after_a_full_snapshot_removed_it_is_published_again(services: Services) -> None:
    ingest(services, CANONICAL)
    ingest(services, lines(*CANONICAL_LINES[:2]), full_snapshot=True)
    run = ingest(services, CANONICAL, full_snapshot=True)
    assert posting(services, "A-3").status is PostingStatus.PUBLISHED
    assert run.counts.updated + run.counts.new == 1


def test_a_full_snapshot_does_not_remove_a_posting_whose_record_it_holds_but_quarantines(services: Services) -> None:
    ingest(services, CANONICAL)
    bad_update = json.loads(CANONICAL_LINES[1]) | {"valid_through": "end of February"}
    run = ingest(services, lines(CANONICAL_LINES[0], bad_update, CANONICAL_LINES[2]), full_snapshot=True)
    assert run.counts.quarantined == 1
    assert posting(services, "A-2").status is PostingStatus.PUBLISHED


# Bad input


BROKEN_PROBLEMS = {
    "line 2": ("payload", "is not valid JSON: "),
    "line 3": ("external_id", "is required"),
    "line 4": ("openings", "must be a number"),
    "line 5": ("employment_type", "is not one of "),
    "line 6": ("description", "contains script, frames or event handlers"),
    "line 7": ("external_id", "appears twice in this run (first at line 1)"),
    "line 8": ("valid_through", "must be an ISO 8601 date or date-time"),
    "line 9": ("salary.min", "is above salary.max (20000)"),
    "line 10": ("payload", "must be a JSON object, not list"),
    "line 12": ("payload", "is not valid text (not UTF-8 at byte "),
}


def test_a_broken_feed_stores_the_good_records_and_counts_add_up(services: Services) -> None:
    run = ingest(services, (FEEDS / "broken.ndjson").read_bytes())
    assert run.counts == RunCounts(received=12, new=2, quarantined=10)
    assert run.status is RunStatus.FINISHED
    assert balanced(run.counts)
    assert posting(services, "B-1").title == "Good record"  # the first of the duplicate ids wins
    assert posting(services, "B-11").title == "Another good one"
    live = jobs.list_postings(PostingFilter(source="demo"), cursor=None, limit=20, uow=services.uow())
    assert sorted(p.external_id for p in live.items) == ["B-1", "B-11"]


def test_every_bad_line_is_quarantined_with_the_field_and_rule_it_breaks(services: Services) -> None:
    run = ingest(services, (FEEDS / "broken.ndjson").read_bytes())
    entries = quarantine(services)
    by_position = {e.position: e for e in entries}
    assert len(entries) == len(by_position) == 10
    assert set(by_position) == set(BROKEN_PROBLEMS)
    for position, (field, rule) in BROKEN_PROBLEMS.items():
        entry = by_position[position]
        assert (entry.run_id, entry.source, entry.resolved_by) == (run.id, "demo", None)
        (problem,) = entry.problems
        assert problem.field == field, position
        assert problem.rule.startswith(rule), (position, problem.rule)
    assert by_position["line 2"].problems[0].rule.endswith("at line 1, column 48")
    assert by_position["line 4"].problems[0].value == "many"
    assert by_position["line 5"].problems[0].value == "sometimes"
    assert by_position["line 7"].problems[0].value == "B-1"
    assert by_position["line 8"].problems[0].value == "next Tuesday"
    assert by_position["line 4"].reason == "openings: must be a number (got 'many')"


def test_every_line_of_a_broken_feed_is_stored_raw_and_quarantine_points_to_it(services: Services) -> None:
    data = (FEEDS / "broken.ndjson").read_bytes()
    run = ingest(services, data)
    raw = {r.position: r for r in raw_records(services, run.id)}
    assert set(raw) == {f"line {n}" for n in range(1, 13)}
    text_lines = data.decode("utf-8", errors="replace").splitlines()
    for number in range(1, 12):
        assert raw[f"line {number}"].payload == text_lines[number - 1]
        assert raw[f"line {number}"].decode_error == ""
    assert raw["line 12"].decode_error.startswith("not UTF-8 at byte ")
    assert "\ufffd" in raw["line 12"].payload
    for entry in quarantine(services):
        assert raw[entry.position].id == entry.raw_id


def test_the_quarantine_is_listed_by_source_and_paged(services: Services) -> None:
    ingest(services, (FEEDS / "broken.ndjson").read_bytes(), source="partner-a")
    ingest(services, CANONICAL, source="partner-b")
    first = list_quarantine(source="partner-a", include_resolved=False, cursor=None, limit=4, uow=services.uow())
    assert (first.total, len(first.items)) == (10, 4)
    assert first.next_cursor is not None
    assert len(quarantine(services, source="partner-a")) == 10
    assert quarantine(services, source="partner-b") == []


def test_an_oversized_record_is_quarantined_and_the_rest_of_the_feed_goes_on(
    services: Services, tmp_path: Path
) -> None:
    feed = tmp_path / "big.ndjson"
    huge = {"external_id": "BIG", "title": "Too big", "description": "x" * (1 << 20)}
    feed.write_bytes(lines(huge, {"external_id": "SMALL", "title": "Fits"}))
    with feed.open("rb") as data:
        run = ingest(services, data)
    assert run.counts == RunCounts(received=2, new=1, quarantined=1)
    (entry,) = quarantine(services)
    (problem,) = entry.problems
    assert (entry.position, problem.field) == ("line 1", "payload")
    assert "larger than" in problem.rule
    assert problem.value == f"{len(json.dumps(huge).encode())} bytes"
    assert posting(services, "SMALL").title == "Fits"
    raw = {r.position: r for r in raw_records(services, run.id)}
    assert len(raw["line 1"].payload) > 1 << 20  # kept whole for a later replay


def test_the_record_size_limit_is_an_option_of_the_run(services: Services) -> None:
    run = ingest(services, lines({"external_id": "M-1", "title": "x" * 200}), max_record_bytes=100)
    assert run.counts == RunCounts(received=1, quarantined=1)
    assert quarantine(services)[0].problems[0].rule == "is larger than the limit of 100 bytes"


def test_a_bad_update_is_quarantined_and_the_stored_posting_is_kept(services: Services) -> None:
    ingest(services, CANONICAL)
    bad = json.loads(CANONICAL_LINES[0]) | {"latitude": 123}
    run = ingest(services, lines(bad))
    assert run.counts == RunCounts(received=1, quarantined=1)
    assert posting(services, "A-1").latitude == 53.8


def test_small_batches_give_the_same_result_as_one_batch(services: Services) -> None:
    run = ingest(services, (FEEDS / "broken.ndjson").read_bytes(), batch_size=2)
    assert run.counts == RunCounts(received=12, new=2, quarantined=10)
    assert posting(services, "B-1").title == "Good record"
    entries = {e.position: e for e in quarantine(services)}
    assert entries["line 7"].problems[0].rule == "appears twice in this run (first at line 1)"


def test_the_enrich_hook_sees_every_saved_posting_once_per_batch_inside_the_transaction(services: Services) -> None:
    batches: list[list[str]] = []

    def enrich(postings: list[JobPosting], uow: IngestUnitOfWork) -> list[JobPosting]:
        assert uow.jobs.head() >= 0  # the batch's transaction is open
        batches.append([p.external_id for p in postings])
        return [replace(p, derived={"words": len(p.title.split())}) for p in postings]

    ingest(services, CANONICAL, enrich=enrich, batch_size=2)
    assert batches == [["A-1", "A-2"], ["A-3"]]
    assert posting(services, "A-2").derived == {"words": 2}


def test_the_licence_of_the_run_becomes_the_provenance_licence(services: Services) -> None:
    ingest(services, CANONICAL, licence="OGL-UK-3.0")
    assert posting(services, "A-1").provenance.licence == "OGL-UK-3.0"


# Every fixture format


@pytest.mark.parametrize(
    ("fmt", "fixture", "mapping", "expected"),
    [
        ("ndjson", "canonical.ndjson", None, ["A-1", "A-2", "A-3"]),
        ("json", "canonical.json", None, ["J-1", "J-2"]),
        ("jsonld", "jobposting.jsonld", None, ["NHS-9001", "NHS-9002"]),
        ("jsonld", "careers_page.html", None, ["LOG-1", "LOG-2"]),
        ("csv", "partner.csv", "partner_mapping.json", ["C-100", "C-101"]),
        ("rss", "feed.atom", None, ["urn:demo:job:T-1"]),
        pytest.param("rss", "feed.rss", None, ["R-1", "R-2"], marks=pytest.mark.filterwarnings(FEEDPARSER_FALLBACK)),
    ],
)
def test_every_fixture_format_ingests_without_quarantine(
    services: Services, fmt: str, fixture: str, mapping: str | None, expected: list[str]
) -> None:
    feed = create(fmt, FEEDS / mapping if mapping else None)
    data = (FEEDS / fixture).read_bytes()
    run = ingest(services, data, feed, source=fixture.replace(".", "-"))
    assert run.counts == RunCounts(received=len(expected), new=len(expected))
    assert run.format == fmt
    listed = jobs.list_postings(PostingFilter(), cursor=None, limit=20, uow=services.uow())
    assert sorted(p.external_id for p in listed.items) == sorted(expected)
    again = ingest(services, data, feed, source=fixture.replace(".", "-"))
    assert again.counts == RunCounts(received=len(expected), unchanged=len(expected))


def test_json_ld_fields_arrive_normalised(services: Services) -> None:
    ingest(services, (FEEDS / "jobposting.jsonld").read_bytes(), "jsonld")
    physio = posting(services, "NHS-9001")
    assert physio.description_html == "<p>Community physiotherapy team.</p>"
    assert physio.salary == Salary("GBP", 31365.0, 37890.0, SalaryUnit.YEAR, "")
    assert (physio.latitude, physio.longitude) == (53.26, -2.14)
    assert physio.date_posted == datetime(2026, 10, 20, 10, tzinfo=UTC)
    assert physio.valid_through == datetime(2027, 1, 10, 23, 59, 59, tzinfo=UTC)
    assert physio.employer is not None
    assert physio.employer.normalised_name == "demo nhs trust"
    gp = posting(services, "NHS-9002")
    assert gp.salary == Salary("GBP", None, None, SalaryUnit.YEAR, "negotiable")
    assert gp.employment_types == (EmploymentType.PART_TIME,)


def test_two_postings_of_one_html_page_share_its_raw_record(services: Services) -> None:
    run = ingest(services, (FEEDS / "careers_page.html").read_bytes(), "jsonld")
    first, second = posting(services, "LOG-1"), posting(services, "LOG-2")
    assert first.provenance.raw_id == second.provenance.raw_id
    (raw,) = raw_records(services, run.id)
    assert raw.position == "file"
    assert first.employment_types == (EmploymentType.FULL_TIME, EmploymentType.TEMPORARY)


def test_csv_fields_arrive_through_the_mapping(services: Services) -> None:
    ingest(services, (FEEDS / "partner.csv").read_bytes(), create("csv", FEEDS / "partner_mapping.json"))
    accountant = posting(services, "C-100")
    assert accountant.description_text == "Month-end close,\nreconciliations and VAT returns."
    assert accountant.salary == Salary("GBP", 38000.0, 45000.0, SalaryUnit.YEAR, "")
    assert accountant.employment_types == (EmploymentType.FULL_TIME,)
    assert (accountant.address.locality, accountant.address.country) == ("Bristol", "GB")
    assert accountant.employer is not None
    assert accountant.employer.normalised_name == "demo finance"
    assert posting(services, "C-101").employment_types == (EmploymentType.PART_TIME,)


# Replay


def test_replaying_an_unchanged_run_changes_nothing(services: Services) -> None:
    original = ingest(services, CANONICAL)
    before = head(services)
    replay = replay_run(original.id, rebuild, uow=services.uow(), now=services.now, progress=SilentProgress())
    assert replay.counts == RunCounts(received=3, unchanged=3)
    assert (replay.replay_of, replay.source, replay.format) == (original.id, "demo", "ndjson")
    assert replay.id != original.id
    assert head(services) == before
    assert len(raw_records(services, replay.id)) == 3


def test_replaying_a_run_with_a_corrected_parser_updates_its_postings(services: Services) -> None:
    original = ingest(services, CANONICAL)

    class Retitled(NdjsonFormat):
        def parse(self, payload: str) -> list[Draft]:
            return [{**draft, "title": f"{draft['title']} (replayed)"} for draft in super().parse(payload)]

    replay = replay_run(
        original.id, lambda _name, _options: Retitled(), uow=services.uow(), now=services.now, progress=SilentProgress()
    )
    assert replay.counts == RunCounts(received=3, updated=3)
    assert posting(services, "A-2").title == "Welder (MIG/TIG) (replayed)"


def test_replaying_an_unknown_run_is_not_found_with_close_run_ids(services: Services) -> None:
    run = ingest(services, CANONICAL)
    typo = run.id[:-1] + ("0" if run.id[-1] != "0" else "1")
    with pytest.raises(NotFound) as caught:
        replay_run(typo, rebuild, uow=services.uow(), now=services.now, progress=SilentProgress())
    assert run.id in caught.value.suggestions
    assert typo in caught.value.detail


def test_replaying_a_run_reads_its_records_in_the_order_received(services: Services) -> None:
    records = [{"external_id": "D-1", "title": f"Version {n}"} for n in range(1, 31)]
    original = ingest(services, lines(*records))
    assert original.counts == RunCounts(received=30, new=1, quarantined=29)
    assert [r.position for r in raw_records(services, original.id)] == [f"line {n}" for n in range(1, 31)]
    replay = replay_run(original.id, rebuild, uow=services.uow(), now=services.now, progress=SilentProgress())
    assert replay.counts == RunCounts(received=30, unchanged=1, quarantined=29)
    assert posting(services, "D-1").title == "Version 1"


def test_replaying_a_mapped_csv_run_the_way_the_cli_does_keeps_its_rows(services: Services) -> None:
    original = ingest(services, (FEEDS / "partner.csv").read_bytes(), create("csv", FEEDS / "partner_mapping.json"))
    replay = replay_run(original.id, rebuild, uow=services.uow(), now=services.now, progress=SilentProgress())
    assert replay.counts == RunCounts(received=2, unchanged=2)


class DropsBadFields:
    """An NDJSON reader 'fixed' to leave out the fields that broke lines 4, 5 and 8 of broken.ndjson."""

    name = "ndjson"

    def options(self) -> dict[str, object]:
        return {}

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        return NdjsonFormat().payloads(data)

    def parse(self, payload: str) -> list[Draft]:
        drop = {"openings", "employment_type", "valid_through"}
        return [{k: v for k, v in d.items() if k not in drop} for d in NdjsonFormat().parse(payload)]


def test_replaying_the_quarantine_after_a_fix_resolves_the_accepted_entries(services: Services) -> None:
    original = ingest(services, (FEEDS / "broken.ndjson").read_bytes())
    (replay,) = replay_quarantine(
        lambda _name, _options: DropsBadFields(),
        source="demo",
        uow=services.uow(),
        now=services.now,
        progress=SilentProgress(),
    )
    assert replay.replay_of == original.id
    for external_id in ("B-4", "B-5", "B-8"):
        assert posting(services, external_id).status is PostingStatus.PUBLISHED
    everything = quarantine(services, include_resolved=True)
    resolved = {e.position for e in everything if e.run_id == original.id and e.resolved_by == replay.id}
    assert {"line 4", "line 5", "line 8"} <= resolved
    assert not [e for e in quarantine(services) if e.run_id == original.id]  # every old entry is closed...
    still_open = {e.position for e in quarantine(services) if e.run_id == replay.id}  # ...by a fresh one or by success
    assert still_open == {"line 2", "line 3", "line 6", "line 9", "line 10", "line 12"}


def test_replaying_the_quarantine_with_an_unchanged_parser_leaves_it_as_it_was(services: Services) -> None:
    bad = lines(
        {"external_id": "Q-1", "title": "x", "openings": "many"},
        {"title": "no id"},
        {"external_id": "Q-3", "title": "x", "url": "ftp://x"},
    )
    ingest(services, bad)
    assert len(quarantine(services)) == 3
    for _ in range(2):
        (replay,) = replay_quarantine(
            rebuild, source=None, uow=services.uow(), now=services.now, progress=SilentProgress()
        )
        assert replay.counts == RunCounts(received=3, quarantined=3)
        assert len(quarantine(services)) == 3


def test_replaying_an_empty_quarantine_runs_nothing(services: Services) -> None:
    ingest(services, CANONICAL)
    assert (
        replay_quarantine(rebuild, source=None, uow=services.uow(), now=services.now, progress=SilentProgress()) == []
    )


# Robustness of identifiers, text and time


def test_a_numeric_external_id_with_a_fraction_is_recognised_on_the_next_run(services: Services) -> None:
    feed = lines({"external_id": 1.5, "title": "Decimal id"})
    assert ingest(services, feed).counts == RunCounts(received=1, new=1)
    assert ingest(services, feed).counts == RunCounts(received=1, unchanged=1)


def test_a_nul_character_in_a_record_does_not_stop_the_run(services: Services, request: pytest.FixtureRequest) -> None:
    run = ingest(
        services, lines({"external_id": "N-1", "title": "Nurse\u0000"}, {"external_id": "N-2", "title": "Cook"})
    )
    assert run.status is RunStatus.FINISHED
    assert posting(services, "N-2").title == "Cook"
    assert run.counts.received == 2


def test_an_offset_date_reads_back_as_the_same_instant(services: Services, request: pytest.FixtureRequest) -> None:
    ingest(services, CANONICAL)
    assert posting(services, "A-3").date_posted == datetime(2026, 11, 2, 15, tzinfo=UTC)
