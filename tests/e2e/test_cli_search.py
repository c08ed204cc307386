"""`lmis search` as an operator runs it: ingestion leaves the index current; status, query and reindex."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli_ingest import FEEDS, lmis, run_json


def test_ingested_postings_are_searchable_at_once_and_reindex_rebuilds_the_same_index(tmp_path: Path) -> None:
    run_json(str(FEEDS / "canonical.ndjson"), "--source", "demo", data_dir=tmp_path)

    status = lmis("search", "status", data_dir=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "engine tantivy: 3 postings" in status.stdout
    assert "(0 behind)" in status.stdout

    found = lmis("search", "query", "간호", "--keyword-only", data_dir=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "간호사 (병동)" in found.stdout
    assert "Welder" not in found.stdout

    rebuilt = lmis("search", "reindex", data_dir=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "3 postings indexed (tantivy)" in rebuilt.stdout
    again = lmis("search", "query", "welder", "--keyword-only", "--json", data_dir=tmp_path)
    assert '"title": "Welder (MIG/TIG)"' in again.stdout
