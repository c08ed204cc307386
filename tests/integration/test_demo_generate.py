"""`lmis demo generate` on the sample taxonomy: feeds in real formats, ground truth, manifest, determinism."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from lmis.bootstrap import Services
from lmis.cli.demo import demo
from lmis.demo.model import DemoRequest
from lmis.demo.services import generate_demo, shipped_data_dir
from lmis.shared.progress import SilentProgress

POSTINGS, SEEKERS = 300, 50


def generate(services: Services, out_dir: Path, seed: int = 3, country: str = "kr") -> dict[str, object]:
    request = DemoRequest(POSTINGS, SEEKERS, seed, country, date(2026, 11, 1))
    return generate_demo(
        request, uow=services.uow(), data_dir=shipped_data_dir(), out_dir=out_dir, progress=SilentProgress()
    )


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def feed_ids(out_dir: Path, entry: dict[str, object]) -> list[str]:
    """The external ids of one partner feed, read the way its format says."""
    path = out_dir / str(entry["path"])
    if entry["format"] == "ndjson":
        return [json.loads(line)["external_id"] for line in lines(path)]
    if entry["format"] == "jsonld":
        return [json.loads(line)["identifier"]["value"] for line in lines(path)]
    if entry["format"] == "csv":
        columns = json.loads((out_dir / str(entry["mapping"])).read_text(encoding="utf-8"))["columns"]
        return [row[columns["external_id"]] for row in csv_rows(path)]
    items = ElementTree.parse(path).getroot().findall("./channel/item")  # noqa: S314 - our own file
    return [item.findtext("guid") or "" for item in items]


def test_the_generated_market_holds_every_listed_file_in_its_format_with_the_stated_counts(
    sample_services: Services, tmp_path: Path
) -> None:
    manifest = generate(sample_services, tmp_path)
    assert manifest["synthetic"] is True
    assert manifest == json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["files"]
    assert isinstance(entries, list)
    for entry in entries:
        assert (tmp_path / entry["path"]).is_file(), entry
    feeds = [e for e in entries if "source" in e]
    assert {e["format"] for e in feeds} == {"ndjson", "jsonld", "csv", "rss"}
    assert sum(e["records"] for e in feeds) == POSTINGS
    for entry in feeds:
        assert len(feed_ids(tmp_path, entry)) == entry["records"], entry
    by_path = {e["path"]: e for e in entries}
    assert len(lines(tmp_path / "seekers.ndjson")) == by_path["seekers.ndjson"]["records"] == SEEKERS
    assert len(csv_rows(tmp_path / "duplicates.csv")) == by_path["duplicates.csv"]["records"] > 0
    assert len(csv_rows(tmp_path / "truth.csv")) == POSTINGS


def test_every_feed_record_parses_with_the_fields_its_format_requires(
    sample_services: Services, tmp_path: Path
) -> None:
    generate(sample_services, tmp_path)
    for line in lines(tmp_path / "demo-jobboard.ndjson"):
        record = json.loads(line)
        assert record["external_id"]
        assert record["title"]
        assert record["synthetic"] is True
    for line in lines(tmp_path / "demo-careers.jsonld"):
        document = json.loads(line)
        assert document["@context"] == "https://schema.org"
        assert document["@type"] == "JobPosting"
        assert document["title"]
    mapping = json.loads((tmp_path / "demo-agency.mapping.json").read_text(encoding="utf-8"))
    assert {"external_id", "title"} <= set(mapping["columns"])
    rows = csv_rows(tmp_path / "demo-agency.csv")
    assert set(mapping["columns"].values()) == set(rows[0])
    root = ElementTree.parse(tmp_path / "demo-news.rss").getroot()  # noqa: S314 - our own file
    assert root.tag == "rss"
    for item in root.findall("./channel/item"):
        assert all(item.findtext(tag) for tag in ("title", "link", "guid", "description", "pubDate"))


def test_ads_use_the_stored_esco_occupations_their_skills_and_onet_tasks(
    sample_services: Services, tmp_path: Path
) -> None:
    manifest = generate(sample_services, tmp_path)
    distributions = manifest["distributions"]
    assert isinstance(distributions, dict)
    assert distributions["employment_and_wages"]["weighting"] == "employment"
    truth = csv_rows(tmp_path / "truth.csv")
    assert all(row["occupation_uri"].startswith("http://data.europa.eu/esco/occupation/") for row in truth)
    assert all(row["skill_uris"].startswith("http://data.europa.eu/esco/skill/") for row in truth)
    descriptions = " ".join(json.loads(line)["description"] for line in lines(tmp_path / "demo-jobboard.ndjson"))
    assert "What you will do" in descriptions  # O*NET task statements reached through the crosswalk
    for line in lines(tmp_path / "seekers.ndjson"):
        seeker = json.loads(line)
        assert seeker["desired_occupation"].startswith("http://data.europa.eu/esco/occupation/")
        assert all(uri.startswith("http://data.europa.eu/esco/skill/") for uri in seeker["skills"])


def test_the_duplicates_file_names_ads_present_in_the_feeds(sample_services: Services, tmp_path: Path) -> None:
    manifest = generate(sample_services, tmp_path)
    entries = manifest["files"]
    assert isinstance(entries, list)
    present = {(e["source"], i) for e in entries if "source" in e for i in feed_ids(tmp_path, e)}
    for row in csv_rows(tmp_path / "duplicates.csv"):
        assert (row["original_source"], row["original_external_id"]) in present
        assert (row["duplicate_source"], row["duplicate_external_id"]) in present
        assert row["original_source"] != row["duplicate_source"]


def test_one_seed_gives_identical_bytes_and_another_seed_different_ones(
    sample_services: Services, tmp_path: Path
) -> None:
    generate(sample_services, tmp_path / "a", seed=3)
    generate(sample_services, tmp_path / "b", seed=3)
    generate(sample_services, tmp_path / "c", seed=4)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "demo-jobboard.ndjson").read_bytes() != (
        tmp_path / "c" / "demo-jobboard.ndjson"
    ).read_bytes()


# -- the command ----------------------------------------------------------------------------


@pytest.fixture
def cli_env(sample_services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The command's settings point at the sample-taxonomy database."""
    monkeypatch.setenv("LMIS_DATABASE_URL", sample_services.settings.resolved_database_url())
    monkeypatch.setenv("LMIS_DATA_DIR", str(sample_services.settings.data_dir))
    return sample_services


def test_the_command_writes_the_market_and_says_it_is_synthetic(cli_env: Services, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = ["generate", "--postings", "40", "--seekers", "5", "--country", "id", "--out", str(out)]
    result = CliRunner().invoke(demo, args)
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["country"], manifest["postings"], manifest["currency"]) == ("id", 40, "IDR")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--postings", "0"], "x>=1"),
        (["--country", "jp"], "'kr', 'id', 'generic'"),
        (["--seekers", "-1"], "x>=0"),
        (["--as-of", "1 Nov"], "%Y-%m-%d"),
    ],
)
def test_bad_options_are_refused_with_what_would_be_accepted(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(demo, ["generate", "--out", str(tmp_path / "demo"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_without_a_taxonomy_the_command_says_to_run_lmis_init(
    services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LMIS_DATABASE_URL", services.settings.resolved_database_url())
    result = CliRunner().invoke(demo, ["generate", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 1
    assert "run `lmis init`" in result.output
    empty = tmp_path / "empty"
    monkeypatch.setenv("LMIS_DATABASE_URL", f"sqlite:///{empty}.db")
    result = CliRunner().invoke(demo, ["generate", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 1
    assert "run `lmis init`" in result.output
