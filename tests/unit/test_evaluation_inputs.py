"""What evaluation reads: episode records checked field by field, and the demo's episodes with known effects."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path
from statistics import mean

from lmis.analytics.programme_model import ProgrammeKind
from lmis.analytics.programme_validation import COLUMNS, check_episode
from lmis.demo.profiles import INDONESIA, KOREA
from lmis.demo.programmes import FILE, PROGRAMMES, episode_count, write_programmes
from lmis.shared.progress import SilentProgress

GOOD = {"external_id": "E1", "person_key": "p-1", "registered_on": "2024-01-31", "age": "30", "sex": "female"}


def test_a_good_record_is_typed_and_a_participant_names_its_programme() -> None:
    values = {
        **GOOD,
        "programme_id": "VT-1",
        "programme_name": "Welding",
        "programme_kind": "Wage subsidy",
        "started_on": "2024-02-05",
        "employed_12m": "yes",
        "earnings_before": "12,000",
    }
    fields, problems = check_episode(values)
    assert problems == []
    assert fields.sex == "F"
    assert fields.employed_12m is True
    assert fields.employed_3m is None
    assert fields.earnings_before == 12_000
    assert fields.programme is not None
    assert fields.programme.kind is ProgrammeKind.WAGE_SUBSIDY


def test_every_problem_of_a_record_is_named_at_once_with_suggestions() -> None:
    values = {
        "external_id": "E2",
        "person_key": "Kim Min-jun",
        "registered_on": "31/01/2024",
        "age": "7",
        "education_isced": "9",
        "employed_6m": "maybe",
        "earnigs_after": "10",
        "programme_id": "VT-1",
        "programme_kind": "trainig",
    }
    _fields, problems = check_episode(values)
    by_field = {p.field: p for p in problems}
    assert set(by_field) == {
        "person_key",
        "registered_on",
        "age",
        "education_isced",
        "employed_6m",
        "earnigs_after",
        "programme_name",
        "programme_kind",
        "started_on",
    }
    assert by_field["earnigs_after"].suggestions[0] == "earnings_after"
    assert by_field["programme_kind"].suggestions[0] == "training"
    assert by_field["person_key"].value == "(withheld)"  # a name is personal data: not copied into the problem


def test_a_national_id_is_no_pseudonymous_key() -> None:
    for key in ("900101-1234567", "3201234567890001"):
        _fields, problems = check_episode({**GOOD, "person_key": key})
        assert [p.field for p in problems] == ["person_key"]


def test_the_comparison_pool_has_no_programme_dates_and_dates_run_forwards() -> None:
    _fields, problems = check_episode({**GOOD, "started_on": "2024-02-01", "programme_name": "x"})
    assert {p.field for p in problems} == {"started_on", "programme_name"}
    participant = {**GOOD, "programme_id": "P", "programme_name": "P", "programme_kind": "other"}
    _fields, problems = check_episode({**participant, "started_on": "2024-01-01", "ended_on": "2023-12-01"})
    assert {p.field for p in problems} == {"started_on", "ended_on"}


def _written(tmp_path: Path, seed: int, count: int = 1_000) -> tuple[dict[str, object], list[dict[str, str]]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"lmis-demo:{seed}:programmes")
    entry = write_programmes(
        tmp_path, rng=rng, count=count, profile=KOREA, as_of=date(2026, 11, 1), progress=SilentProgress()
    )
    with (tmp_path / FILE).open(encoding="utf-8", newline="") as handle:
        return entry, list(csv.DictReader(handle))


def test_the_demo_file_follows_the_episode_contract_and_every_row_passes(tmp_path: Path) -> None:
    entry, rows = _written(tmp_path, 1)
    assert entry["records"] == len(rows) == 1_000
    assert tuple(rows[0]) == COLUMNS
    for row in rows:
        _fields, problems = check_episode({k: v for k, v in row.items() if v})
        assert problems == [], (row, problems)
    assert {row["programme_id"] for row in rows} == {"", *(p.id for p in PROGRAMMES)}
    assert all(row["synthetic"] == "true" for row in rows)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_ones(tmp_path: Path) -> None:
    _written(tmp_path / "a", 4, count=200)
    _written(tmp_path / "b", 4, count=200)
    _written(tmp_path / "c", 5, count=200)
    first = (tmp_path / "a" / FILE).read_bytes()
    assert first == (tmp_path / "b" / FILE).read_bytes()
    assert first != (tmp_path / "c" / FILE).read_bytes()


def test_the_true_effects_show_lock_in_for_training_and_quicker_jobs_for_the_others(tmp_path: Path) -> None:
    entry, _rows = _written(tmp_path, 2)
    truth = entry["true_effects"]
    assert isinstance(truth, dict)
    training, subsidy, search = truth["DEMO-VT"], truth["DEMO-WS"], truth["DEMO-JSA"]
    assert training["employed_3m"] < -0.1 < 0.05 < training["employed_12m"]
    assert subsidy["employed_6m"] > 0.1
    assert search["employed_3m"] > search["employed_12m"] > 0  # works early and fades
    assert subsidy["days_to_job"] < 0
    assert search["earnings_did"] == search["earnings_after"]


def test_who_takes_part_depends_on_the_covariates(tmp_path: Path) -> None:
    _entry, rows = _written(tmp_path, 3, count=2_000)

    def average(programme: str, column: str) -> float:
        return mean(float(row[column]) for row in rows if row["programme_id"] == programme)

    assert average("DEMO-WS", "months_unemployed") > 1.5 * average("", "months_unemployed")
    assert average("DEMO-VT", "education_isced") > average("", "education_isced") + 0.5
    assert average("DEMO-JSA", "months_unemployed") < average("", "months_unemployed")


def test_other_countries_use_their_own_regions_and_scale_of_earnings(tmp_path: Path) -> None:
    rng = random.Random(1)
    entry = write_programmes(
        tmp_path, rng=rng, count=300, profile=INDONESIA, as_of=date(2026, 11, 1), progress=SilentProgress()
    )
    assert entry["currency"] == "IDR"
    with (tmp_path / FILE).open(encoding="utf-8", newline="") as handle:
        regions = {row["region"] for row in csv.DictReader(handle)}
    assert regions <= {region.local_name for region in INDONESIA.regions}


def test_a_demo_has_ten_episodes_a_seeker_and_at_least_two_thousand() -> None:
    assert episode_count(50) == 2_000
    assert episode_count(1_000) == 10_000


def test_a_field_read_twice_is_reported_once() -> None:
    _fields, problems = check_episode({**GOOD, "external_id": "E" * 201})
    assert [p.field for p in problems] == ["external_id"]
    assert problems[0].reason == "has 201 characters; at most 200"
