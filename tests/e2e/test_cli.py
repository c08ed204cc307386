"""The `lmis` command as a person runs it: a real process with LMIS_* settings in its environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import EMBEDDING_CACHE, SAMPLE_TAXONOMY

NATIONAL_SAMPLE = Path(__file__).parents[1] / "data" / "national_sample.csv"


def lmis(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "LMIS_DATA_DIR": str(data_dir),
        "LMIS_TAXONOMY_DIR": str(SAMPLE_TAXONOMY),
        "LMIS_CACHE_DIR": str(EMBEDDING_CACHE),
        "COLUMNS": "200",
        **env,
    }
    environment.pop("LMIS_DATABASE_URL", None)
    # a guard against a hang, not a speed check: `lmis init` loads the whole demo (ads, people, programmes, snapshot)
    return subprocess.run(
        [sys.executable, "-m", "lmis", *args], capture_output=True, text=True, env=environment, timeout=600, check=False
    )


def test_help_is_instant_because_nothing_heavy_is_imported() -> None:
    code = (
        "import sys, lmis.cli; heavy = {'sqlalchemy', 'fastapi', 'uvicorn', 'alembic'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_init_imports_the_shipped_taxonomy_once_and_is_safe_to_repeat(tmp_path: Path) -> None:
    first = lmis("init", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "esco-1.1.1: imported" in first.stdout
    assert "demo jobseekers: 200 new, 0 updated, 0 unchanged" in first.stdout  # 2,000 demo ads, a seeker per 10
    written = re.search(r"demo activity: (\d+) events written, (\d+) lists written", first.stdout)
    assert written is not None
    assert int(written[1]) > int(written[2]) > 0
    assert (tmp_path / "lmis.db").is_file()
    again = lmis("init", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "esco-1.1.1: unchanged" in again.stdout
    assert "imported" not in again.stdout


def test_db_current_tells_an_empty_database_from_an_upgraded_one(tmp_path: Path) -> None:
    assert "empty database" in lmis("db", "current", data_dir=tmp_path).stdout
    assert lmis("db", "upgrade", data_dir=tmp_path).returncode == 0
    assert "up to date" in lmis("db", "current", data_dir=tmp_path).stdout


def test_a_national_scheme_is_imported_and_listed_with_the_other_releases(tmp_path: Path) -> None:
    result = lmis(
        "taxonomy",
        "import",
        "national",
        str(NATIONAL_SAMPLE),
        "--scheme",
        "keco",
        "--title",
        "Korean Employment Classification of Occupations",
        "--version",
        "2024",
        data_dir=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "keco-2024: imported" in result.stdout
    listing = lmis("taxonomy", "releases", data_dir=tmp_path).stdout
    assert "keco-2024" in listing


def test_a_malformed_file_names_file_line_and_column_and_stores_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,label,parent,language\n1,Group,,en\n11,Child,9,en\n", encoding="utf-8")
    result = lmis(
        "taxonomy",
        "import",
        "national",
        str(bad),
        "--scheme",
        "x",
        "--title",
        "X",
        "--version",
        "1",
        data_dir=tmp_path,
    )
    assert result.returncode == 1
    assert f"{bad}, line 3, column 'parent'" in result.stderr
    assert "x-1" not in lmis("taxonomy", "releases", data_dir=tmp_path).stdout


@pytest.mark.parametrize("missing", ["--scheme", "--title", "--version"])
def test_a_national_import_without_its_scheme_details_is_a_usage_error(tmp_path: Path, missing: str) -> None:
    options = {"--scheme": "x", "--title": "X", "--version": "1"}
    del options[missing]
    args = [part for pair in options.items() for part in pair]
    result = lmis("taxonomy", "import", "national", str(NATIONAL_SAMPLE), *args, data_dir=tmp_path)
    assert result.returncode == 2
    assert "national needs --scheme, --title and --version" in result.stderr


def test_serve_refuses_to_start_on_a_database_that_was_never_initialised(tmp_path: Path) -> None:
    result = lmis("serve", "--port", "8799", data_dir=tmp_path)
    assert result.returncode == 1
    assert "lmis init" in result.stderr
