"""Place resolution on a small hand-built gazetteer: names, codes, Korean spacing, unit words, coordinates (pure)."""

from __future__ import annotations

import json

import pytest

from lmis.enrich.place_text import place_key, stripped_key
from lmis.enrich.places import (
    COORDINATES,
    COUNTRY_ONLY,
    EXACT,
    FUZZY,
    NAME_AND_COORDINATES,
    PLACE_METHOD,
    Gazetteer,
    Place,
    PlaceKind,
    ResolvedPlace,
    haversine_km,
)

C, R, D, L = PlaceKind.COUNTRY, PlaceKind.REGION, PlaceKind.DISTRICT, PlaceKind.LOCALITY


def _place(pid: str, kind: PlaceKind, parent: str | None, name: str, *names: str, at: tuple[float, float] | None = None,
           population: int = 0) -> Place:  # fmt: skip
    lat, lon = at if at else (None, None)
    country = pid.split("-")[0] if not pid.startswith("g:") else {"p": "US", "n": "GB", "s": "KR", "b": "ID"}[pid[2]]
    return Place(pid, kind, country, parent, name, names, lat, lon, population)


PLACES = [
    _place("US", C, None, "United States", "US", "USA", population=330_000_000),
    _place("US-ME", R, "US", "Maine", "ME", at=(45.0, -69.0)),
    _place("US-OR", R, "US", "Oregon", "OR", at=(44.0, -120.5)),
    _place("US-ME-cumberland-county", D, "US-ME", "Cumberland County", at=(43.8, -70.3)),
    _place("US-OR-multnomah-county", D, "US-OR", "Multnomah County", at=(45.5, -122.4)),
    _place("g:p1", L, "US-ME-cumberland-county", "Portland", "Portland (Maine)", at=(43.66, -70.26), population=68_000),
    _place("g:p2", L, "US-OR-multnomah-county", "Portland", "Stumptown", at=(45.52, -122.68), population=650_000),
    _place("GB", C, None, "United Kingdom", "GB", "GBR", "UK", population=67_000_000),
    _place("GB-ENG", R, "GB", "England", "ENG", at=(52.5, -1.5)),
    _place("GB-WLS", R, "GB", "Wales", "Cymru", "WLS", at=(52.3, -3.7)),
    _place("GB-WLS-newport", D, "GB-WLS", "Newport", at=(51.58, -3.0)),
    _place("GB-ENG-isle-of-wight", D, "GB-ENG", "Isle of Wight", at=(50.67, -1.3)),
    _place("GB-ENG-leeds", D, "GB-ENG", "City and Borough of Leeds", "Leeds", at=(53.8, -1.5)),
    _place("g:n1", L, "GB-WLS-newport", "Newport", "Casnewydd", at=(51.588, -2.998), population=150_000),
    _place("g:n2", L, "GB-ENG-isle-of-wight", "Newport", at=(50.70, -1.29), population=25_000),
    _place("g:n3", L, "GB-ENG-isle-of-wight", "Ryde", at=(50.73, -1.16), population=24_000),
    _place("g:n4", L, "GB-ENG-leeds", "Leeds", "리즈", at=(53.797, -1.548), population=500_000),
    _place("KR", C, None, "South Korea", "대한민국", "KR", "KOR", population=51_000_000),
    _place("KR-11", R, "KR", "Seoul", "서울특별시", "서울", "서울시", at=(37.56, 126.98)),
    _place("KR-11-gangnam-gu", D, "KR-11", "Gangnam-gu", "강남구", at=(37.50, 127.06)),
    _place("g:s1", L, "KR-11", "Seoul", "서울", "Seoul-si", at=(37.566, 126.978), population=10_000_000),
    _place("ID", C, None, "Indonesia", "ID", "IDN", population=270_000_000),
    _place("ID-JB", R, "ID", "Jawa Barat", "West Java", "JB", at=(-6.9, 107.6)),
    _place("ID-JB-kota-bandung", D, "ID-JB", "Kota Bandung", "Bandung City", at=(-6.91, 107.61)),
    _place("ID-JB-kabupaten-bandung", D, "ID-JB", "Kabupaten Bandung", "Kab. Bandung", at=(-7.02, 107.52)),
    _place("g:b1", L, "ID-JB-kota-bandung", "Bandung", "Kota Bandung", at=(-6.903, 107.619), population=2_400_000),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(PLACES, version="test-1")


def _ids(result: ResolvedPlace | None) -> list[str]:
    assert result is not None
    return [p.id for p in result.hierarchy()]


def test_a_town_resolves_to_its_country_region_district_and_locality(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Leeds")
    assert _ids(result) == ["GB", "GB-ENG", "GB-ENG-leeds", "g:n4"]
    assert result is not None
    assert result.method == EXACT
    assert (result.latitude, result.longitude) == (53.797, -1.548)
    assert 0.5 < result.confidence <= 1.0


def test_a_state_code_after_the_town_picks_the_right_portland(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Portland, ME"))[-1] == "g:p1"
    assert _ids(gazetteer.resolve("Portland, OR"))[-1] == "g:p2"
    assert _ids(gazetteer.resolve("Portland ME 04101"))[-1] == "g:p1"
    assert _ids(gazetteer.resolve("Portland, Maine"))[-1] == "g:p1"


def test_lower_case_words_are_not_read_as_state_codes(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("portland me"))[-1] == "g:p2"  # 'me' is a word here: the bigger Portland


def test_without_other_clues_the_more_populous_place_wins(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Portland"))[-1] == "g:p2"
    assert _ids(gazetteer.resolve("Newport"))[-1] == "g:n1"


def test_coordinates_break_ties_between_places_of_the_same_name(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Portland", latitude=43.7, longitude=-70.3))[-1] == "g:p1"
    assert _ids(gazetteer.resolve("Newport", latitude=50.7, longitude=-1.3))[-1] == "g:n2"


def test_a_region_or_district_part_picks_the_right_newport(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Newport, Wales")) == ["GB", "GB-WLS", "GB-WLS-newport", "g:n1"]
    assert _ids(gazetteer.resolve("Newport, Isle of Wight")) == ["GB", "GB-ENG", "GB-ENG-isle-of-wight", "g:n2"]
    assert _ids(gazetteer.resolve("Newport (Cymru)"))[-1] == "g:n1"


def test_the_country_argument_restricts_matches_and_accepts_codes_or_names(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Newport", country="United Kingdom"))[0] == "GB"
    assert _ids(gazetteer.resolve("Portland", country="US"))[-1] == "g:p2"
    only = gazetteer.resolve("Portland", country="GBR")
    assert only is not None
    assert (only.method, _ids(only)) == (COUNTRY_ONLY, ["GB"])
    assert _ids(gazetteer.resolve("Portland", country="Narnia"))[-1] == "g:p2"  # an unknown country restricts nothing
    assert gazetteer.country_code("uk") == "GB"


def test_korean_addresses_resolve_with_or_without_spaces(gazetteer: Gazetteer) -> None:
    for text in ("서울특별시 강남구", "서울특별시강남구", "서울 강남구 역삼동 123-4", "강남구, 서울"):
        assert _ids(gazetteer.resolve(text)) == ["KR", "KR-11", "KR-11-gangnam-gu"], text
    assert _ids(gazetteer.resolve("강남"))[-1] == "KR-11-gangnam-gu"


def test_a_city_named_like_its_region_is_the_city(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Seoul")) == ["KR", "KR-11", "g:s1"]
    assert _ids(gazetteer.resolve("서울")) == ["KR", "KR-11", "g:s1"]


def test_unit_words_and_their_abbreviations_are_understood(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Kab. Bandung"))[-1] == "ID-JB-kabupaten-bandung"
    assert _ids(gazetteer.resolve("Kabupaten Bandung, Jawa Barat"))[-1] == "ID-JB-kabupaten-bandung"
    assert "ID-JB-kota-bandung" in _ids(gazetteer.resolve("Kota Bandung, Jawa Barat"))
    assert _ids(gazetteer.resolve("Provinsi Jawa Barat")) == ["ID", "ID-JB"]
    assert _ids(gazetteer.resolve("Gangnam-gu"))[-1] == "KR-11-gangnam-gu"
    assert _ids(gazetteer.resolve("Gangnam"))[-1] == "KR-11-gangnam-gu"
    assert _ids(gazetteer.resolve("Cumberland County"))[-1] == "US-ME-cumberland-county"
    assert _ids(gazetteer.resolve("Cumberland, ME"))[-1] == "US-ME-cumberland-county"


def test_a_place_named_with_one_of_its_places_gives_way_to_it(gazetteer: Gazetteer) -> None:
    # 'Leeds' is also the borough's short name: the city inside it is the answer.
    assert _ids(gazetteer.resolve("Leeds"))[-1] == "g:n4"
    assert _ids(gazetteer.resolve("Bandung")) == ["ID", "ID-JB", "ID-JB-kota-bandung", "g:b1"]


def test_a_whole_comma_part_outranks_a_name_inside_a_building_name(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer.resolve("Leeds Road Clinic, Newport"))[-1] == "g:n1"


@pytest.mark.parametrize("text", ["", "   ", "xyzzy qwerty", "!!! ???", "12345", "Hospital", "Nurse, Ward 7"])
def test_text_naming_no_place_gives_none(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.resolve(text) is None


def test_a_misspelt_name_matches_fuzzily_only_when_close(gazetteer: Gazetteer) -> None:
    close = gazetteer.resolve("Newportt")
    assert close is not None
    assert (close.method, _ids(close)[-1]) == (FUZZY, "g:n1")
    assert close.confidence < 0.7
    assert gazetteer.resolve("Nuport") is None
    assert gazetteer.resolve("Lids") is None


def test_coordinates_alone_give_the_nearest_locality(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("", latitude=50.72, longitude=-1.18)
    assert result is not None
    assert (result.method, _ids(result)[-1]) == (COORDINATES, "g:n3")
    assert gazetteer.resolve("Royal Infirmary", latitude=53.8, longitude=-1.55) is not None
    assert gazetteer.resolve("", latitude=10.0, longitude=-30.0) is None  # mid-Atlantic: nothing within 50 km
    assert gazetteer.resolve("", latitude=0.0, longitude=0.0) is None  # (0, 0) means unknown
    assert gazetteer.resolve("", latitude=95.0, longitude=0.0) is None


def test_a_region_named_in_text_is_narrowed_by_nearby_coordinates(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Isle of Wight", latitude=50.73, longitude=-1.17)
    assert result is not None
    assert (result.method, _ids(result)[-1]) == (NAME_AND_COORDINATES, "g:n3")


def test_text_far_from_the_coordinates_keeps_the_text_with_less_confidence(gazetteer: Gazetteer) -> None:
    near = gazetteer.resolve("Leeds", latitude=53.8, longitude=-1.55)
    far = gazetteer.resolve("Leeds", latitude=51.59, longitude=-3.0)
    assert near is not None
    assert far is not None
    assert _ids(far)[-1] == "g:n4"
    assert far.confidence < near.confidence / 1.5


def test_resolve_address_combines_the_address_fields(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve_address(locality="Portland", region="ME", postal_code="04101", country="US")
    assert _ids(result)[-1] == "g:p1"
    assert _ids(gazetteer.resolve_address(locality="Newport", region="Isle of Wight", country="GB"))[-1] == "g:n2"
    assert gazetteer.resolve_address() is None


def test_the_result_is_json_ready_with_ids_and_names_per_level(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Portland, ME")
    assert result is not None
    data = json.loads(json.dumps(result.as_dict()))
    assert data["region"] == {"id": "US-ME", "name": "Maine"}
    assert data["locality"]["id"] == "g:p1"
    assert data["method"] == EXACT
    assert data["method_version"] == PLACE_METHOD
    assert data["matched_text"] == "portland, me"


def test_near_lists_places_within_a_radius_nearest_first(gazetteer: Gazetteer) -> None:
    found = gazetteer.near(50.71, -1.25, 20)
    assert [p.id for p, _ in found] == ["g:n2", "g:n3"]
    assert found[0][1] < found[1][1] < 20
    assert "GB-ENG-isle-of-wight" in [p.id for p, _ in gazetteer.near(50.71, -1.25, 20, kind=None)]
    assert [p.id for p, _ in gazetteer.near(50.71, -1.25, 20, kind=PlaceKind.DISTRICT)] == ["GB-ENG-isle-of-wight"]
    assert gazetteer.near(50.71, -1.25, 1) == []
    assert len(gazetteer.near(0.0, 0.0, 20_000)) == sum(1 for p in PLACES if p.kind == L)


def test_haversine_gives_great_circle_kilometres() -> None:
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)  # London-Paris
    assert haversine_km(10.0, 179.9, 10.0, -179.9) == pytest.approx(21.9, abs=0.2)
    assert haversine_km(1.0, 2.0, 1.0, 2.0) == 0.0


def test_complete_suggests_places_by_name_prefix_biggest_first(gazetteer: Gazetteer) -> None:
    assert [p.id for p in gazetteer.complete("port")] == ["g:p2", "g:p1"]
    assert [p.id for p in gazetteer.complete("Port", limit=1)] == ["g:p2"]
    assert [p.id for p in gazetteer.complete("new", country="GB")] == ["g:n1", "g:n2", "GB-WLS-newport"]
    assert "g:s1" in [p.id for p in gazetteer.complete("서울")]
    assert gazetteer.complete("") == []
    assert gazetteer.complete("zzz") == []


def test_the_hierarchy_can_be_walked_both_ways(gazetteer: Gazetteer) -> None:
    assert gazetteer.get("g:p1") == PLACES[5]
    assert gazetteer.get("nowhere") is None
    assert [p.id for p in gazetteer.ancestors("g:p1")] == ["US-ME-cumberland-county", "US-ME", "US"]
    assert {p.id for p in gazetteer.children("GB-ENG-isle-of-wight")} == {"g:n2", "g:n3"}
    assert gazetteer.children("nowhere") == []
    assert gazetteer.ancestors("nowhere") == []
    assert len(gazetteer) == len(PLACES)
    assert gazetteer.version == "test-1"


def test_a_broken_parent_chain_does_not_loop() -> None:
    looped = Gazetteer([_place("GB-A", R, "GB-B", "Aland"), _place("GB-B", R, "GB-A", "Bland")], version="x")
    assert [p.id for p in looped.ancestors("GB-A")] == ["GB-B"]
    assert looped.resolve("Aland") is not None


def test_place_keys_fold_case_accents_abbreviations_and_korean_spacing() -> None:
    assert place_key("St. Albans") == "saint albans"
    assert place_key("Zürich") == "zurich"
    assert place_key("Kab. Bandung") == "kabupaten bandung"
    assert place_key("서울 특별시") == "서울특별시"
    assert place_key("Brighton & Hove") == "brighton and hove"


@pytest.mark.parametrize(
    ("key", "short"),
    [("kota bandung", "bandung"), ("travis county", "travis"), ("gangnam gu", "gangnam"), ("강남구", "강남"),
     ("중구", None), ("leeds", None), ("kota", None), ("provinsi jawa barat", "jawa barat")],
)  # fmt: skip
def test_unit_words_are_stripped_from_keys(key: str, short: str | None) -> None:
    assert stripped_key(key) == short
