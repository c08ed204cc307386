"""`lmis ingest` as a person runs it, on recorded feeds and on the real NHS Jobs postings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FEEDS = Path(__file__).parents[1] / "data" / "feeds"


def lmis(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    # semantic search embeds every new title at the end of an ingest: not what these tests are about
    environment = {**os.environ, "LMIS_DATA_DIR": str(data_dir), "COLUMNS": "200", "LMIS_SEARCH_SEMANTIC": "false"}
    environment.pop("LMIS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "lmis", *args], capture_output=True, text=True, env=environment, timeout=600, check=False
    )


def run_json(*args: str, data_dir: Path) -> dict[str, object]:
    result = lmis("ingest", "run", *args, "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    counts: dict[str, object] = json.loads(result.stdout)
    return counts


def test_run_prints_one_json_object_with_the_counts_and_the_run_id(tmp_path: Path) -> None:
    counts = run_json(str(FEEDS / "canonical.ndjson"), "--source", "demo", data_dir=tmp_path)
    assert {k: counts[k] for k in ("received", "new", "updated", "unchanged", "removed", "quarantined")} == {
        "received": 3,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "removed": 0,
        "quarantined": 0,
    }
    assert isinstance(counts["run_id"], str)


def test_the_format_is_guessed_and_a_csv_takes_its_column_mapping(tmp_path: Path) -> None:
    for feed, source in (("jobposting.jsonld", "jsonld"), ("feed.rss", "rss"), ("careers_page.html", "page")):
        counts = run_json(str(FEEDS / feed), "--source", source, data_dir=tmp_path)
        assert counts["quarantined"] == 0
        assert counts["new"] == counts["received"]
    mapped = run_json(
        str(FEEDS / "partner.csv"),
        "--source",
        "csv",
        "--mapping",
        str(FEEDS / "partner_mapping.json"),
        data_dir=tmp_path,
    )
    assert (mapped["new"], mapped["quarantined"]) == (2, 0)


def test_a_broken_feed_keeps_the_good_records_and_lists_the_bad_ones_with_reasons(tmp_path: Path) -> None:
    counts = run_json(str(FEEDS / "broken.ndjson"), "--source", "broken", data_dir=tmp_path)
    assert (counts["new"], counts["quarantined"]) == (2, 10)
    listing = lmis("ingest", "quarantine", "--source", "broken", data_dir=tmp_path)
    assert listing.returncode == 0, listing.stderr
    for reason in (
        "is not valid JSON",
        "external_id: is required",
        "openings: must be a number",
        "employment_type: is not one of",
        "contains script",
        "appears twice in this run",
        "must be an ISO 8601 date",
        "is above salary.max",
        "must be a JSON object",
        "is not valid text",
    ):
        assert reason in listing.stdout, reason
    assert "10 entries" in listing.stdout


def test_status_lists_runs_and_replay_reruns_the_raw_records(tmp_path: Path) -> None:
    run_id = run_json(str(FEEDS / "canonical.ndjson"), "--source", "demo", data_dir=tmp_path)["run_id"]
    status = lmis("ingest", "status", data_dir=tmp_path)
    assert str(run_id) in status.stdout
    replayed = lmis("ingest", "replay", str(run_id), "--json", data_dir=tmp_path)
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["unchanged"] == 3
    missing = lmis("ingest", "replay", "no-such-run", data_dir=tmp_path)
    assert missing.returncode == 1
    assert "no ingest run" in missing.stderr


def test_an_unknown_format_is_an_error_that_names_the_known_ones(tmp_path: Path) -> None:
    result = lmis(
        "ingest", "run", str(FEEDS / "canonical.ndjson"), "--source", "x", "--format", "ndjsn", data_dir=tmp_path
    )
    assert result.returncode == 1
    assert "Did you mean: ndjson" in result.stderr


@pytest.mark.shared_data
def test_the_nhs_postings_ingest_with_nothing_lost_and_a_second_run_is_all_unchanged(
    tmp_path: Path, shared_data: Path
) -> None:
    feed = shared_data / "job_postings" / "nhs_jobs_2020" / "nhs_jobs_postings.jsonl.gz"
    first = run_json(str(feed), "--source", "nhs-jobs", data_dir=tmp_path)
    assert first["received"] == 14_842
    assert first["new"] + first["quarantined"] == first["received"]  # type: ignore[operator]
    second = run_json(str(feed), "--source", "nhs-jobs", data_dir=tmp_path)
    assert second["unchanged"] == first["new"]
    assert second["new"] == second["updated"] == 0
