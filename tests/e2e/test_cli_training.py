"""`lmis training` as a person runs it: a provider's file with good and bad rows, the counts, reasons and list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.conftest import EMBEDDING_CACHE, SAMPLE_TAXONOMY, make_services
from tests.training_data import HASKELL_URI

from lmis.cli import cli
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.importing import import_shipped

HEADER = "external_id,title,provider,skills,region,mode,duration_hours,cost,currency,subsidy_programme,subsidy_share\n"
ROWS = [
    f"FP-1,Functional programming,Demo Seoul Academy,{HASKELL_URI}|Erlang,서울특별시,in_person,80,1000000,KRW,"
    "National Tomorrow Learning Card,80%\n",
    "ER-1,Erlang online,Demo Open Courses,Erlang,,online,12,0,KRW,,\n",
    "BAD-1,Misspelt,Demo,haskel,Seoull,in_person,10,100,KRW,,\n",
    "BAD-2,Negative,Demo,Erlang,KR-11,classroom!,-3,10,,,\n",
    'BAD-3,"Too, many",Demo,Erlang,KR-11,online,1,0,KRW,,,extra\n',
]


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A SQLite database with the sample taxonomy imported."""
    url = f"sqlite:///{tmp_path / 'lmis.db'}"
    services = make_services(tmp_path, url)
    import_shipped(SAMPLE_TAXONOMY, uow=services.uow(), now=services.now, progress=SilentProgress())
    services.engine.dispose()
    return url


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


def test_a_file_with_bad_rows_stores_the_good_ones_counts_the_rest_by_reason_and_shows_why(
    tmp_path: Path, database: str
) -> None:
    courses = tmp_path / "kr-hrd.courses.csv"
    courses.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    first = lmis("training", "import", str(courses), database=database, data_dir=tmp_path)
    assert first.exit_code == 0, first.output
    assert "kr-hrd: 5 read, 2 new, 0 updated, 0 unchanged, 3 quarantined" in first.stdout
    for reason in (
        "skills: is not an ESCO skill (URI, id or label)",
        "region: is not a known place",
        "mode: is not a mode",
        "duration_hours: must be a number of hours above 0",
        "currency: a cost needs its currency",
        "record: has 12 fields where the header has 11",
    ):
        assert f"      1  {reason}" in first.stdout, first.stdout
    again = lmis("training", "import", str(courses), "--json", database=database, data_dir=tmp_path)
    assert again.exit_code == 0, again.output
    counts = json.loads(again.stdout)
    assert (counts["read"], counts["new"], counts["unchanged"], counts["quarantined"]) == (5, 0, 2, 3)
    held = lmis("training", "quarantine", "--source", "kr-hrd", database=database, data_dir=tmp_path)
    assert held.exit_code == 0, held.output
    assert "kr-hrd line 4 (external id BAD-1):" in held.stdout
    assert "'haskel' is not an ESCO skill (URI, id or label) (did you mean: Haskell?)" in held.stdout
    assert "'Seoull' is not a known place (did you mean: KR-11?)" in held.stdout
    assert held.stdout.count("external id BAD-1") == 1  # the second import's rejection replaced the first's
    listed = lmis("training", "list", "--skill", "Haskell", database=database, data_dir=tmp_path)
    assert listed.exit_code == 0, listed.output
    assert "Functional programming — Demo Seoul Academy (Seoul, in_person, 200,000 KRW)" in listed.stdout
    assert "1 course(s)" in listed.stdout
