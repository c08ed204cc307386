"""`lmis programmes` as an operator runs it: import the demo's episode file and a bad one, list, evaluate."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from tests.conftest import EMBEDDING_CACHE, SAMPLE_TAXONOMY
from tests.programme_data import write_sample

from lmis.cli import cli
from lmis.demo.programmes import FILE
from lmis.shared.errors import NotFound


def lmis(*args: str, database: str, data_dir: Path) -> Result:
    """`lmis ARGS` in this process (click's runner), with the install's settings in the environment."""
    environment = {
        "LMIS_DATA_DIR": str(data_dir),
        "LMIS_DATABASE_URL": database,
        "LMIS_TAXONOMY_DIR": str(SAMPLE_TAXONOMY),
        "LMIS_CACHE_DIR": str(EMBEDDING_CACHE),
        "COLUMNS": "200",
    }
    return CliRunner().invoke(cli, list(args), env=environment)


def test_an_operator_imports_episodes_lists_programmes_sees_rejects_and_evaluates_a_programme(
    tmp_path: Path,
) -> None:
    database = f"sqlite:///{tmp_path / 'lmis.db'}"
    write_sample(tmp_path, count=1_000, seed=5)
    imported = lmis(
        "programmes", "import", str(tmp_path / FILE), "--source", "demo", database=database, data_dir=tmp_path
    )
    assert imported.exit_code == 0, imported.output
    assert "demo: 1000 read, 1000 new, 0 updated, 0 unchanged, 0 quarantined" in imported.stdout
    bad = tmp_path / "office.csv"
    bad.write_text(
        "external_id,person_key,registered_on,programme_id,age,region\nX1,p1,2024-13-01,,12,Seoull\n", encoding="utf-8"
    )
    rejected = lmis("programmes", "import", str(bad), "--json", database=database, data_dir=tmp_path)
    assert json.loads(rejected.stdout)["quarantined"] == 1
    held = lmis("programmes", "quarantine", "--source", "office", database=database, data_dir=tmp_path)
    assert "office line 2:" in held.stdout
    assert "registered_on: '2024-13-01' must be a date as YYYY-MM-DD" in held.stdout
    assert "'Seoull' is not a known place (a gazetteer id or name) (did you mean: KR-11?)" in held.stdout
    listed = lmis("programmes", "list", database=database, data_dir=tmp_path)
    assert "DEMO-VT  Vocational training (demo) (training):" in listed.stdout
    assert "comparison pool (in no programme):" in listed.stdout
    shown = lmis("programmes", "evaluate", "DEMO-VT", "--outcome", "employed_12m", database=database, data_dir=tmp_path)
    assert shown.exit_code == 0, shown.output
    for text in ("matched effect", "naive difference", "SMD before", "time to job", "Abadie-Imbens"):
        assert text in shown.stdout, shown.stdout
    whole = lmis(
        "programmes",
        "evaluate",
        "DEMO-WS",
        "--outcome",
        "earnings_after",
        "--json",
        database=database,
        data_dir=tmp_path,
    )
    found = json.loads(whole.stdout)
    assert [effect["outcome"] for effect in found["effects"]] == ["earnings_after"]
    assert found["effects"][0]["did"]["value"] is not None
    assert found["time_to_job"]["days"] == [91, 182, 365]
    unknown = lmis("programmes", "evaluate", "DEMO-XX", database=database, data_dir=tmp_path)
    assert isinstance(unknown.exception, NotFound)
    assert unknown.exception.suggestions
