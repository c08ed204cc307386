"""The demo generator's pure core on a small fake taxonomy: deterministic streams, reposts, files."""

from __future__ import annotations

import csv
import itertools
import json
from collections import Counter
from collections.abc import Collection
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from lmis.demo.distributions import OewsExtract
from lmis.demo.generator import Market, placements, seekers, write_demo
from lmis.demo.model import DemoRequest, Occupation, OccupationDetails, Skill, SocOccupation, WagePercentiles
from lmis.demo.profiles import profile
from lmis.demo.services import build_market
from lmis.shared.errors import Invalid, NotFound
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.crosswalk import Node
from lmis.taxonomy.model import CodeMapping, MatchType

ESCO = "http://data.europa.eu/esco/occupation/"


def occupation(key: str, label: str, isco: str, *alternatives: str) -> Occupation:
    return Occupation(f"id-{key}", ESCO + key, f"{isco}.1", isco, label, alternatives, f"{label.capitalize()}s work.")


NURSE = occupation("nurse", "nurse responsible for general care", "2221", "staff nurse", "ward nurse")
WELDER = occupation("welder", "welder", "7212", "welding operative")
CASHIER = occupation("cashier", "cashier", "5230", "checkout operator")
ORPHAN = occupation("orphan", "lighthouse keeper", "9629")
OCCUPATIONS = [CASHIER, NURSE, ORPHAN, WELDER]

WAGES = WagePercentiles(30_000, 40_000, 50_000, 65_000, 80_000)
OEWS = OewsExtract(
    SocOccupation("00-0000", "All Occupations", 1_000, WAGES),
    WAGES,
    60_000.0,
    (
        SocOccupation("29-1141", "Registered Nurses", 3_000, WagePercentiles(60_000, 70_000, 86_000, 100_000, 120_000)),
        SocOccupation("41-2011", "Cashiers", 3_000, None),
        SocOccupation("51-4121", "Welders", 400, WagePercentiles(35_000, 40_000, 47_000, 55_000, 65_000)),
        SocOccupation("99-9999", "Unmapped", 1_000, WAGES),
    ),
)


def mapping(from_scheme: str, from_code: str, to_scheme: str, to_code: str, confidence: float = 1.0) -> CodeMapping:
    return CodeMapping(from_scheme, from_code, to_scheme, to_code, MatchType.EXACT, confidence)


MAPPINGS = [
    (mapping("onet-soc-2010", "29-1141.00", "soc-2018", "29-1141"), "cw-soc2018"),
    (mapping("esco-occupation", ESCO + "nurse", "onet-soc-2010", "29-1141.00"), "nesta"),
    (mapping("onet-soc-2010", "29-1141.00", "onet-soc-2019", "29-1141.00"), "cw-2019"),
    (mapping("onet-soc-2010", "41-2011.00", "soc-2010", "41-2011"), "cw-soc2010"),
    (mapping("esco-occupation", ESCO + "cashier", "onet-soc-2010", "41-2011.00"), "nesta"),
    (mapping("onet-soc-2010", "51-4121.06", "soc-2010", "51-4121"), "cw-soc2010"),
    (mapping("esco-occupation", ESCO + "welder", "onet-soc-2010", "51-4121.06"), "nesta"),
]


def skills(key: str, essential: int, optional: int) -> OccupationDetails:
    return OccupationDetails(
        tuple(Skill(f"{ESCO}{key}/skill/e{n}", f"{key} skill {n}", True) for n in range(essential)),
        tuple(Skill(f"{ESCO}{key}/skill/o{n}", f"{key} extra {n}", False) for n in range(optional)),
        tuple(f"{key.capitalize()} task statement {n}." for n in range(8)),
    )


class FakeTaxonomy:
    """`DemoTaxonomy` on the lists above; counts how often details are read."""

    def __init__(self, occupations: list[Occupation] | None = None) -> None:
        self._occupations = OCCUPATIONS if occupations is None else occupations
        self.details_read: list[str] = []

    def occupations(self) -> list[Occupation]:
        return list(self._occupations)

    def mappings_near(self, nodes: Collection[Node], hops: int) -> list[tuple[CodeMapping, str]]:
        return list(reversed(MAPPINGS))

    def details(self, occupation: Occupation, onet_code: str) -> OccupationDetails:
        self.details_read.append(occupation.uri)
        key = occupation.uri.rsplit("/", 1)[1]
        return skills(key, 6, 3)


FACTORS = {(month, day): 1.0 for month in range(1, 13) for day in range(1, 32)}


def fake_market(request: DemoRequest, taxonomy: FakeTaxonomy | None = None) -> Market:
    return build_market(
        request,
        taxonomy=taxonomy or FakeTaxonomy(),
        oews=OEWS,
        factors=FACTORS,
        country=profile(request.country),
        progress=SilentProgress(),
    )


def request(postings: int = 400, seekers: int = 30, seed: int = 5, country: str = "kr") -> DemoRequest:
    return DemoRequest(postings, seekers, seed, country, date(2026, 11, 1), 60)


# -- the stream of ads ----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_ads_and_another_seed_other_ads() -> None:
    first = list(placements(request(), market=fake_market(request())))
    again = list(placements(request(), market=fake_market(request())))
    other = list(placements(request(seed=6), market=fake_market(request(seed=6))))
    assert first == again
    assert first != other


def test_exactly_the_asked_number_of_ads_is_placed_about_one_in_eight_vacancies_reposted() -> None:
    placed = list(placements(request(postings=2_000), market=fake_market(request(postings=2_000))))
    assert len(placed) == 2_000
    reposts = sum(p.repost for p in placed)
    assert 0.08 < reposts / (2_000 - reposts) < 0.16
    assert not placed[0].repost


def test_a_repost_is_the_same_vacancy_on_another_partner_a_day_later_in_another_letter_case() -> None:
    placed = list(placements(request(), market=fake_market(request())))
    pairs = [(before, after) for before, after in itertools.pairwise(placed) if after.repost]
    assert pairs
    for original, copy in pairs:
        assert copy.partner != original.partner
        assert copy.vacancy.title != original.vacancy.title
        assert copy.vacancy.title.lower() == original.vacancy.title.lower() or "(repost)" in copy.vacancy.title
        assert copy.vacancy.date_posted == original.vacancy.date_posted + timedelta(days=1)
        assert copy.vacancy.description_html == original.vacancy.description_html


def test_ads_are_for_weighted_occupations_only_in_proportion_to_employment() -> None:
    placed = list(placements(request(postings=3_000), market=fake_market(request(postings=3_000))))
    counts = Counter(p.vacancy.occupation_uri for p in placed)
    assert ORPHAN.uri not in counts
    assert counts[NURSE.uri] > 5 * counts[WELDER.uri]


def test_an_ad_names_skills_and_tasks_of_its_occupation_and_carries_the_synthetic_notice() -> None:
    vacancy = next(iter(placements(request(), market=fake_market(request())))).vacancy
    key = vacancy.occupation_uri.rsplit("/", 1)[1]
    assert 3 <= len(vacancy.skill_uris) <= 9
    assert all(uri.startswith(f"{ESCO}{key}/skill/") for uri in vacancy.skill_uris)
    assert f"{key.capitalize()} task statement" in vacancy.description_html
    assert "SYNTHETIC DEMO AD" in vacancy.description_html
    assert "Demo" in vacancy.employer.name
    assert vacancy.employer.registration_id.startswith("DEMO-KR-")
    assert vacancy.employer.url.endswith(".demo.invalid")
    assert date(2026, 9, 2) <= vacancy.date_posted < date(2026, 11, 1)


def test_stated_pay_is_in_the_profiles_currency_and_period_and_at_least_its_minimum() -> None:
    for country, currency, unit in (("kr", "KRW", "month"), ("id", "IDR", "month"), ("generic", "USD", "year")):
        asked = request(country=country)
        pays = [p.vacancy.pay for p in placements(asked, market=fake_market(asked)) if p.vacancy.pay]
        assert len(pays) > 200
        floor = profile(country).minimum_pay
        for pay in pays:
            assert (pay.currency, pay.unit) == (currency, unit)
            assert pay.minimum >= floor / 2


def test_the_details_of_an_occupation_are_read_once_however_many_ads_it_gets() -> None:
    taxonomy = FakeTaxonomy()
    list(placements(request(postings=500), market=fake_market(request(postings=500), taxonomy)))
    assert sorted(taxonomy.details_read) == sorted(set(taxonomy.details_read))


def test_seekers_want_weighted_occupations_and_have_some_of_their_skills() -> None:
    found = list(seekers(request(seekers=300), market=fake_market(request(seekers=300))))
    assert [s.id for s in found[:2]] == ["DEMO-SEEKER-0000001", "DEMO-SEEKER-0000002"]
    regions = {r.name for r in profile("kr").regions}
    for seeker in found:
        key = seeker.desired_occupation.rsplit("/", 1)[1]
        assert seeker.region in regions
        assert 3 <= len(seeker.skills) <= 9
        assert all(uri.startswith(f"{ESCO}{key}/skill/") for uri in seeker.skills)
        assert 0 <= seeker.education_isced <= 8
        assert seeker.languages[0] == "ko"
    flagged = sum(bool(s.target_groups) for s in found)
    assert 0 < flagged < 0.4 * len(found)


def test_adding_seekers_does_not_change_the_ads() -> None:
    few, many = request(seekers=1), request(seekers=50)
    assert list(placements(few, market=fake_market(few))) == list(placements(many, market=fake_market(many)))


def test_a_taxonomy_without_esco_occupations_asks_for_lmis_init() -> None:
    with pytest.raises(NotFound) as raised:
        fake_market(request(), FakeTaxonomy([]))
    assert "lmis init" in raised.value.detail


def test_a_request_for_no_ads_is_invalid() -> None:
    with pytest.raises(Invalid):
        request(postings=0)


# -- the files ------------------------------------------------------------------------------


def test_writing_twice_with_one_seed_gives_identical_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_demo(request(), market=fake_market(request()), out_dir=tmp_path / name, progress=SilentProgress())
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "manifest.json" in files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_the_manifest_counts_what_each_file_holds(tmp_path: Path) -> None:
    manifest = write_demo(request(), market=fake_market(request()), out_dir=tmp_path, progress=SilentProgress())
    assert manifest["synthetic"] is True
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == manifest
    files = manifest["files"]
    assert isinstance(files, list)
    for entry in files:
        path = tmp_path / entry["path"]
        if entry["format"] == "rss":
            count = len(ElementTree.parse(path).getroot().findall("./channel/item"))  # noqa: S314 - our own file
        elif entry["format"] == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                count = sum(1 for _ in csv.reader(handle)) - 1
        else:
            count = len(path.read_text(encoding="utf-8").splitlines())
        assert count == entry["records"], entry
    feeds = [e for e in files if "source" in e]
    assert len(feeds) == 4
    assert sum(e["records"] for e in feeds) == 400


def test_each_partner_format_carries_the_required_canonical_fields(tmp_path: Path) -> None:
    write_demo(request(), market=fake_market(request()), out_dir=tmp_path, progress=SilentProgress())
    line = json.loads((tmp_path / "demo-jobboard.ndjson").read_text(encoding="utf-8").splitlines()[0])
    assert line["external_id"].startswith("JB-")
    assert line["salary"].get("currency", "KRW") == "KRW"
    document = json.loads((tmp_path / "demo-careers.jsonld").read_text(encoding="utf-8").splitlines()[0])
    assert document["@type"] == "JobPosting"
    assert document["identifier"]["value"].startswith("CAREERS-")
    mapping = json.loads((tmp_path / "demo-agency.mapping.json").read_text(encoding="utf-8"))
    with (tmp_path / "demo-agency.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert set(mapping["columns"].values()) == set(header)
    assert {"external_id", "title"} <= set(mapping["columns"])
