"""Episode files into the database: upserts by (source, external id), the quarantine, programme lists with
suppressed counts, and the errors of evaluation, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lmis.analytics.programme_model import Outcome
from lmis.analytics.programme_validation import COLUMNS
from lmis.analytics.programmes import (
    episode_id,
    evaluate_programme,
    list_programmes,
    quarantined_episodes,
)
from lmis.bootstrap import Services
from lmis.demo.programmes import FILE
from lmis.identity.model import Principal as Actor
from lmis.identity.model import PrincipalKind, Role, operator
from lmis.shared.errors import Forbidden, Invalid, MalformedFile, NotFound
from lmis.sources.programme_file import read_episodes
from tests.programme_data import import_file, write_sample

ANALYST = Actor(PrincipalKind.ACCOUNT, id="a1", role=Role.ANALYST)
SEEKER = Actor(PrincipalKind.ACCOUNT, id="s1", role=Role.JOBSEEKER)


def _row(number: int, **values: str) -> dict[str, str]:
    base = {
        "external_id": f"E{number}",
        "person_key": f"pk-{number}",
        "registered_on": "2024-03-01",
        "region": "서울특별시",
        "age": "30",
        "sex": "F",
        "education_isced": "3",
        "months_unemployed": "2",
        "earnings_before": "1000",
        "employed_12m": "true",
    }
    return {**base, **values}


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _participant(number: int, programme: str = "P1", **values: str) -> dict[str, str]:
    fields = {"programme_name": f"Programme {programme}", "programme_kind": "training", "started_on": "2024-03-10"}
    return _row(number, programme_id=programme, **{**fields, **values})


def test_an_import_stores_every_episode_and_a_second_import_of_the_same_file_changes_nothing(
    services: Services, tmp_path: Path
) -> None:
    write_sample(tmp_path, count=300, seed=3)
    first = import_file(services, tmp_path / FILE)
    assert (first.read, first.new, first.quarantined) == (300, 300, 0)
    assert first.programmes == ["DEMO-JSA", "DEMO-VT", "DEMO-WS"]
    again = import_file(services, tmp_path / FILE)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 300)
    with services.uow() as uow:
        stored = uow.programmes.episodes_of("demo-programmes", ["DEMO-EP-0000001"])["DEMO-EP-0000001"]
    assert stored.id == episode_id("demo-programmes", "DEMO-EP-0000001")
    assert stored.synthetic is True
    assert stored.region is not None
    assert stored.region.startswith("KR-R")


def test_a_changed_record_updates_its_episode(services: Services, tmp_path: Path) -> None:
    import_file(services, _write(tmp_path / "a.csv", [_row(1), _row(2)]), "office")
    report = import_file(services, _write(tmp_path / "b.csv", [_row(1), _row(2, age="41")]), "office")
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
    with services.uow() as uow:
        assert uow.programmes.episodes_of("office", ["E2"])["E2"].age == 41


def test_bad_records_are_quarantined_with_every_reason_and_never_dropped(services: Services, tmp_path: Path) -> None:
    rows = [
        _row(1, person_key="", age="7", region="Seol", sex="?"),
        _row(2),
        _row(2, age="50"),
        _participant(3, programme_name="", programme_kind="courses"),
        _row(4, person_key="900101-1234567"),
        _participant(5, started_on="2024-01-01"),
        _row(6, started_on="2024-05-01"),
    ]
    report = import_file(services, _write(tmp_path / "bad.csv", rows), "office")
    assert (report.read, report.new, report.quarantined) == (7, 1, 6)
    entries = {e.position: e for e in quarantined_episodes(source="office", limit=100, uow=services.uow())}
    first = {p["field"]: p for p in entries["line 2"].problems}
    assert set(first) == {"person_key", "age", "region", "sex"}
    assert first["region"]["suggestions"][0] == "KR-R01"  # Seoul first among the demo places
    assert "listed twice" in str(entries["line 4"].problems[0]["reason"])
    assert {p["field"] for p in entries["line 5"].problems} == {"programme_name", "programme_kind"}
    national = entries["line 6"].problems[0]
    assert national["field"] == "person_key"
    assert national["value"] == "(withheld)"
    assert "before registered_on" in str(entries["line 7"].problems[0]["reason"])
    assert "programme_id is empty" in str(entries["line 8"].problems[0]["reason"])
    assert '"age": "7"' in entries["line 2"].payload  # the record as it was read, to fix and send again


def test_a_good_record_resolves_its_earlier_rejection(services: Services, tmp_path: Path) -> None:
    import_file(services, _write(tmp_path / "bad.csv", [_row(1, age="seven")]), "office")
    assert len(quarantined_episodes(source="office", limit=10, uow=services.uow())) == 1
    report = import_file(services, _write(tmp_path / "good.csv", [_row(1)]), "office")
    assert (report.new, report.resolved) == (1, 1)
    assert quarantined_episodes(source="office", limit=10, uow=services.uow()) == []


def test_a_file_without_the_required_columns_or_with_unknown_ones_is_refused_whole(tmp_path: Path) -> None:
    (tmp_path / "short.csv").write_text("external_id,person_key\nE1,p1\n", encoding="utf-8")
    with pytest.raises(MalformedFile, match="registered_on"):
        list(read_episodes(tmp_path / "short.csv"))
    (tmp_path / "typo.csv").write_text(
        "external_id,person_key,registered_on,programme_id,earnigs_before\n", encoding="utf-8"
    )
    with pytest.raises(MalformedFile, match="earnings_before"):
        list(read_episodes(tmp_path / "typo.csv"))


def test_a_row_with_more_fields_than_the_header_is_quarantined(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("external_id,person_key,registered_on,programme_id\nE1,p1,2024-01-01,,extra\n", encoding="utf-8")
    report = import_file(services, path, "office")
    assert report.quarantined == 1
    assert report.reasons == {"record: has 5 fields where the header has 4": 1}


def test_the_programme_list_suppresses_counts_of_fewer_persons_than_the_minimum_cell(
    services: Services, tmp_path: Path
) -> None:
    rows = [_participant(i, "SMALL") for i in range(4)]
    rows += [_participant(10 + i, "BIG", employed_12m="" if i < 3 else "true") for i in range(20)]
    rows += [_row(100 + i) for i in range(30)]
    import_file(services, _write(tmp_path / "p.csv", rows), "office")
    found = list_programmes(uow=services.uow(), actor=ANALYST, min_cell=10)
    by_id = {s.programme.id: s for s in found.programmes}
    assert by_id["SMALL"].participants is None
    assert by_id["SMALL"].first_start is None
    assert by_id["SMALL"].suppressed is not None
    assert by_id["BIG"].participants == 20
    assert by_id["BIG"].with_12m_outcome is None  # 17 of 20: the 3 without would show by subtraction
    assert found.comparison_pool == 30


def test_evaluation_errors_name_what_would_do(services: Services, tmp_path: Path) -> None:
    import_file(services, _write(tmp_path / "p.csv", [_participant(i, "DEMO-VT") for i in range(3)]), "office")
    with pytest.raises(NotFound) as unknown:
        evaluate_programme("DEMO-TV", uow=services.uow(), actor=ANALYST, min_cell=10)
    assert unknown.value.suggestions == ["DEMO-VT"]
    with pytest.raises(Invalid) as outcome:
        evaluate_programme("DEMO-VT", outcome="employed_12", uow=services.uow(), actor=ANALYST, min_cell=10)
    assert outcome.value.field == "outcome"
    assert "employed_12m" in outcome.value.suggestions
    with pytest.raises(Forbidden):
        evaluate_programme("DEMO-VT", uow=services.uow(), actor=SEEKER, min_cell=10)
    with pytest.raises(Forbidden):
        list_programmes(uow=services.uow(), actor=SEEKER, min_cell=10)


def test_a_programme_too_small_to_publish_is_evaluated_as_suppressed_throughout(
    services: Services, tmp_path: Path
) -> None:
    rows = [_participant(i, "TINY") for i in range(5)] + [_row(100 + i) for i in range(40)]
    import_file(services, _write(tmp_path / "p.csv", rows), "office")
    found = evaluate_programme("TINY", uow=services.uow(), actor=operator("test"), min_cell=10)
    assert [e.outcome for e in found.effects] == list(Outcome)
    for effect in found.effects:
        assert effect.matched.value is None
        assert effect.naive.value is None
        assert effect.counts is None
        assert effect.matched.suppressed is not None
    assert found.time_to_job is None
