"""`lmis series` as a person runs it: import each kind of file, list, show, export forecast input, see rejects."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.conftest import EMBEDDING_CACHE, SAMPLE_TAXONOMY
from tests.series_data import FRED, INDEED, JOLTS_ID, LMIA, OEWS

from lmis.cli import cli
from lmis.shared.errors import Invalid


def lmis(*args: str, data_dir: Path) -> Result:
    """`lmis ARGS` in this process, on a SQLite database in `data_dir`."""
    environment = {
        "LMIS_DATA_DIR": str(data_dir),
        "LMIS_DATABASE_URL": f"sqlite:///{data_dir / 'lmis.db'}",
        "LMIS_TAXONOMY_DIR": str(SAMPLE_TAXONOMY),
        "LMIS_CACHE_DIR": str(EMBEDDING_CACHE),
        "COLUMNS": "200",
    }
    return CliRunner().invoke(cli, list(args), env=environment)


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def _imported(kind: str, path: Path, data_dir: Path, *extra: str) -> dict[str, object]:
    result = lmis("series", "import", kind, str(path), "--json", *extra, data_dir=data_dir)
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_each_kind_of_official_file_imports_with_its_counts_and_a_second_run_writes_nothing(tmp_path: Path) -> None:
    counts = {
        kind: _imported(kind, path, tmp_path)
        for kind, path in (("fred", FRED), ("bls-oews", OEWS), ("indeed", INDEED), ("canada-lmia", LMIA))
    }
    assert {k: (r["series"], r["quarantined"]) for k, r in counts.items()} == {
        "fred": ({"new": 3, "updated": 0, "unchanged": 0}, 0),
        "bls-oews": ({"new": 20, "updated": 0, "unchanged": 0}, 0),
        "indeed": ({"new": 13, "updated": 0, "unchanged": 0}, 0),
        "canada-lmia": ({"new": 11, "updated": 0, "unchanged": 0}, 0),
    }
    again = lmis("series", "import", "indeed", str(INDEED), data_dir=tmp_path)
    assert again.exit_code == 0, again.output
    assert (
        "series 0 new, 0 updated, 13 unchanged; observations 0 written (0 new, 0 changed), 79 unchanged" in again.stdout
    )
    assert "note: skipped sector-job-title-examples.csv" in again.stdout


def test_series_are_listed_shown_with_licence_and_notes_and_exported_as_forecast_input(tmp_path: Path) -> None:
    _imported("fred", FRED, tmp_path)
    _imported("canada-lmia", LMIA, tmp_path)
    listed = lmis("series", "list", "--measure", "job_openings", "--json", data_dir=tmp_path)
    assert [s["id"] for s in json.loads(listed.stdout)] == [JOLTS_ID]
    wrong = lmis("series", "list", "--source", "frd", data_dir=tmp_path)
    assert isinstance(wrong.exception, Invalid)
    assert wrong.exception.suggestions == ["fred"]
    shown = lmis("series", "show", JOLTS_ID, "--from", "2023-11", data_dir=tmp_path)
    assert "licence       Public domain (U.S. Government work)" in shown.stdout
    assert "2023-12-01           8,585" in shown.stdout
    assert "2 observation(s)" in shown.stdout
    out = tmp_path / "lmia.csv"
    exported = lmis(
        "series", "export", "--out", str(out), "--source", "canada_lmia", "--key", "code", data_dir=tmp_path
    )
    assert exported.exit_code == 0, exported.output
    rows = _rows(out)
    assert rows[0] == ["series_id", "period", "value"]
    assert rows[1:4] == [
        ["CA/noc/NOC2011/0", "2017-01", "0.5"],
        ["CA/noc/NOC2011/0", "2017-04", "0.5"],
        ["CA/noc/NOC2011/0", "2017-07", "2.0"],
    ]
    yearly = lmis("series", "export", "--out", str(out), "--source", "canada_lmia", "--frequency", "year",
                  "--aggregate", "sum", "--dimension", "region=CA-ON", data_dir=tmp_path)  # fmt: skip
    assert "wrote 0 rows of 0 series (year)" in yearly.stdout
    assert "3 incomplete periods" in yearly.stdout


def test_a_users_file_needs_a_licence_and_its_bad_rows_are_shown_with_their_reasons(tmp_path: Path) -> None:
    file = tmp_path / "vacancies.csv"
    file.write_text("series_id,period,value\nseoul,2024-01,10\nseoul,2024-02,ten\nbusan,2024-13,3\n")
    refused = lmis(
        "series", "import", "csv", str(file), "--source", "kr", "--measure", "job_vacancies", data_dir=tmp_path
    )
    assert refused.exit_code != 0
    assert "a csv import needs --licence" in refused.output
    done = lmis("series", "import", "csv", str(file), "--source", "kr", "--measure", "job_vacancies",
                "--licence", "KOGL Type 1", data_dir=tmp_path)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "2 rows quarantined" in done.stdout
    assert "value: is not a number" in done.stdout
    held = lmis("series", "quarantine", "--source", "kr", data_dir=tmp_path)
    assert "kr vacancies.csv:3:" in held.stdout
    assert "row: seoul,2024-02,ten" in held.stdout
    assert "period: '2024-13' is not a calendar date" in held.stdout


@pytest.mark.shared_data
def test_the_real_fred_and_oews_files_import_and_export_yearly_and_monthly_forecast_input(
    tmp_path: Path, shared_data: Path
) -> None:
    series = shared_data / "labor_timeseries"
    fred = _imported("fred", series / "us_fred_labor_series.csv", tmp_path)
    oews = _imported("bls-oews", series / "bls_oews_national_2011_2025.csv.gz", tmp_path)
    assert fred["series"] == {"new": 7, "updated": 0, "unchanged": 0}
    assert fred["quarantined"] == 0
    assert oews["series"] == {"new": 3136, "updated": 0, "unchanged": 0}
    assert oews["quarantined"] == 0
    out = tmp_path / "employment.csv"
    lmis("series", "export", "--out", str(out), "--source", "bls_oews", "--measure", "employment",
         "--dimension", "o_group=detailed", "--min-observations", "5", data_dir=tmp_path)  # fmt: skip
    rows = _rows(out)
    assert rows[0] == ["series_id", "period", "value"]
    assert {r[1] for r in rows[1:]} >= {"2011", "2023"}
    monthly = tmp_path / "fred.csv"
    done = lmis(
        "series", "export", "--out", str(monthly), "--source", "fred", "--frequency", "month", data_dir=tmp_path
    )
    assert done.exit_code == 0, done.output
    assert len({r[0] for r in _rows(monthly)[1:]}) == 7  # weekly claims as monthly means


def test_a_command_on_a_database_without_the_schema_says_to_run_init_and_creates_nothing(tmp_path: Path) -> None:
    listed = lmis("series", "list", data_dir=tmp_path)
    assert listed.exit_code == 1
    assert "has no LMIS schema: run `lmis init` (or `lmis db upgrade`)" in listed.output
    assert "Traceback" not in listed.output
    assert lmis("db", "upgrade", data_dir=tmp_path).exit_code == 0
    assert lmis("series", "list", data_dir=tmp_path).exit_code == 0
