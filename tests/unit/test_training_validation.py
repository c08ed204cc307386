"""Checking a provider's course record field by field, place names read as gazetteer ids, and course files read."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from lmis.shared.errors import Invalid, MalformedFile
from lmis.sources.courses import course_format, read_courses
from lmis.training.model import Mode
from lmis.training.regions import Area, RegionDirectory
from lmis.training.validation import check_course

GOOD = {
    "external_id": "C-1",
    "title": "Welding basics",
    "provider": "Demo Busan Vocational Training Institute",
    "skills": "weld metal|http://data.europa.eu/esco/skill/abc",
    "region": "Busan",
    "mode": "classroom",
    "duration_hours": "60",
    "cost": "1,200,000",
    "currency": "krw",
    "subsidy_programme": "National Tomorrow Learning Card",
    "subsidy_share": "80%",
    "starts_on": "2026-12-01",
    "ends_on": "2027-01-31",
    "url": "https://example.invalid/c-1",
    "language": "ko",
}


def problems_of(values: Mapping[str, object]) -> dict[str, str]:
    _fields, problems = check_course(values)
    return {p.field: p.reason for p in problems}


def test_a_good_record_is_read_into_typed_fields_with_aliases_and_percentages_understood() -> None:
    fields, problems = check_course(GOOD)
    assert problems == []
    assert fields.skills == ("weld metal", "http://data.europa.eu/esco/skill/abc")
    assert fields.mode is Mode.IN_PERSON
    assert (fields.cost, fields.currency, fields.duration_hours) == (1_200_000, "KRW", 60)
    assert fields.subsidy is not None
    assert fields.subsidy.share == pytest.approx(0.8)
    assert (fields.starts_on, fields.ends_on) == (date(2026, 12, 1), date(2027, 1, 31))


def test_every_bad_field_is_reported_at_once_each_with_its_reason() -> None:
    bad = {
        **GOOD,
        "title": "",
        "mode": "onlin",
        "duration_hours": "-4",
        "cost": "ten",
        "currency": "WON!",
        "subsidy_share": "1.5",
        "ends_on": "2026-13-01",
        "url": "ftp://example.invalid",
        "langauge": "ko",
    }
    found = problems_of(bad)
    assert set(found) == {
        "title",
        "mode",
        "duration_hours",
        "cost",
        "currency",
        "subsidy_share",
        "ends_on",
        "url",
        "langauge",
    }
    _fields, problems = check_course(bad)
    by_field = {p.field: p for p in problems}
    assert by_field["mode"].suggestions == ("online",)
    assert by_field["langauge"].suggestions[0] == "language"


def test_rules_across_fields_a_fee_needs_a_currency_dates_run_forwards_in_person_needs_a_place() -> None:
    found = problems_of({**GOOD, "currency": "", "region": "", "starts_on": "2027-02-01"})
    assert "currency" in found
    assert "ends_on" in found
    assert "before starts_on" in found["ends_on"]
    assert "region" in found
    online = {k: v for k, v in GOOD.items() if k != "region"} | {"mode": "online"}
    assert problems_of(online) == {}


def test_a_subsidy_needs_the_name_of_its_programme() -> None:
    assert "subsidy_programme" in problems_of({**GOOD, "subsidy_programme": ""})


def test_a_place_is_read_from_its_id_in_any_case_or_any_of_its_names_widest_level_first() -> None:
    directory = RegionDirectory(
        [
            Area("KR", "country", "South Korea", ("한국",), 51_000_000),
            Area("KR-11", "region", "Seoul", ("서울특별시", "서울"), 9_400_000),
            Area("KR-11-jung-gu", "district", "Jung-gu", (), 120_000),
            Area("KR-26-jung-gu", "district", "Jung-gu", (), 40_000),
            Area("ID-JK", "region", "Jakarta Raya", ("DKI Jakarta", "Jakarta"), 10_600_000),
            Area("ID-JK-jakarta", "district", "Jakarta", (), 1_000),
            Area("geonames:1", "locality", "Seoul", (), 9_000_000),
        ]
    )
    assert directory.resolve("kr-11") == "KR-11"
    assert directory.resolve(" 서울특별시 ") == "KR-11"
    assert directory.resolve("DKI JAKARTA") == "ID-JK"
    assert directory.resolve("Jakarta") == "ID-JK"  # the province, not the district of the same name
    assert directory.resolve("Jung-gu") == "KR-11-jung-gu"  # the more populous of two districts
    assert directory.resolve("Atlantis") is None
    assert directory.suggest("Seol") == ["KR-11"]
    assert directory.name("KR-11") == "Seoul"
    assert len(directory) == 6  # localities are not places courses are held in


def test_a_course_file_is_csv_or_ndjson_by_its_suffix_or_as_told(tmp_path: Path) -> None:
    assert course_format(tmp_path / "a.csv") == "csv"
    assert course_format(tmp_path / "a.jsonl.gz") == "ndjson"
    assert course_format(tmp_path / "a.txt", "ndjson") == "ndjson"
    with pytest.raises(Invalid) as unknown:
        course_format(tmp_path / "a.txt", "ndjsn")
    assert unknown.value.suggestions == ["ndjson"]
    with pytest.raises(Invalid):
        course_format(tmp_path / "a.xml")


def test_unreadable_ndjson_lines_are_still_records_with_their_text_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "courses.ndjson.gz"
    lines = [json.dumps({"external_id": "A"}), "{not json", "", "[1, 2]"]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode() + b"\xff\xfe\n"))
    records = list(read_courses(path, "ndjson"))
    assert [r.position for r in records] == ["line 1", "line 2", "line 4", "line 5"]
    assert records[0].values == {"external_id": "A"}
    assert records[1].values is None
    assert "not valid JSON" in records[1].error
    assert records[1].payload == "{not json"
    assert "JSON object" in records[2].error
    assert "UTF-8" in records[3].error


def test_a_csv_row_with_too_many_fields_is_a_bad_record_and_a_bad_header_stops_the_file(tmp_path: Path) -> None:
    path = tmp_path / "courses.csv"
    path.write_text(
        'external_id,title,provider,skills,mode\nA,"Welding, basic",Demo,weld metal,online\nB,x,y,z,online,extra\n',
        encoding="utf-8",
    )
    records = list(read_courses(path, "csv"))
    assert records[0].values == {
        "external_id": "A",
        "title": "Welding, basic",
        "provider": "Demo",
        "skills": "weld metal",
        "mode": "online",
    }
    assert records[1].position == "line 3"
    assert records[1].values is None
    assert "6 fields" in records[1].error
    path.write_text("external_id,title,provdier,skills,mode\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as malformed:
        list(read_courses(path, "csv"))
    assert "provider" in malformed.value.detail
