"""Demo courses: as many as the demo's size asks, deterministic, teaching the essential skills the ads require."""

from __future__ import annotations

import json
from pathlib import Path

from lmis.demo.courses import FEES, course_count
from lmis.demo.generator import write_demo
from lmis.shared.progress import SilentProgress
from lmis.training.validation import check_course
from tests.unit.test_demo_generator import fake_market, request


def courses(tmp_path: Path, country: str = "kr", seed: int = 5) -> list[dict[str, object]]:
    wanted = request(country=country, seed=seed)
    write_demo(wanted, market=fake_market(wanted), out_dir=tmp_path, progress=SilentProgress())
    lines = (tmp_path / "courses.ndjson").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_a_demo_gets_a_fifth_as_many_courses_as_ads_between_forty_and_four_hundred() -> None:
    assert (course_count(10), course_count(1_000), course_count(2_000), course_count(100_000)) == (40, 200, 400, 400)


def test_courses_are_the_same_for_a_seed_listed_in_the_manifest_and_valid_course_records(tmp_path: Path) -> None:
    made = courses(tmp_path / "a")
    assert made == courses(tmp_path / "b")
    assert made != courses(tmp_path / "c", seed=6)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e.get("kind") == "courses")
    assert (entry["path"], entry["course_source"], entry["records"]) == ("courses.ndjson", "demo-training", 80)
    for record in made:
        _fields, problems = check_course(record)
        assert problems == [], record
        assert "Demo" in str(record["provider"])
        assert ".invalid/" in str(record["url"])


def test_courses_teach_essential_skills_of_the_ads_occupations_so_gaps_can_be_closed(tmp_path: Path) -> None:
    made = courses(tmp_path)
    skills = [uri for record in made for uri in record["skills"]]  # type: ignore[attr-defined]
    assert all("/skill/e" in uri for uri in skills)  # the fake taxonomy's essential skills
    assert {record["mode"] for record in made} == {"in_person", "online", "blended"}
    assert all("region" not in record for record in made if record["mode"] == "online")


def test_fees_are_in_the_countrys_currency_with_its_subsidy_programme(tmp_path: Path) -> None:
    for country, programme in (("kr", "국민내일배움카드"), ("id", "Kartu Prakerja"), ("generic", "WIOA")):
        made = courses(tmp_path / country, country=country)
        assert {record["currency"] for record in made} == {FEES[country].currency}
        subsidised = [r for r in made if "subsidy_programme" in r]
        assert subsidised
        assert all(programme in str(r["subsidy_programme"]) for r in subsidised)
