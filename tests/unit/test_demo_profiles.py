"""Country profiles of the demo generator: regions, currency, pay period, languages and the wage factor."""

from __future__ import annotations

import pytest

from lmis.demo.profiles import GENERIC, INDONESIA, KOREA, PROFILES, profile
from lmis.shared.errors import Invalid

# Rough bounding boxes (south, north, west, east) that every capital must fall in.
BOUNDS = {"kr": (33.0, 38.7, 124.5, 131.0), "id": (-11.0, 6.5, 94.5, 141.5), "generic": (24.0, 50.0, -125.0, -66.0)}


def test_korea_has_its_17_first_level_divisions_with_korean_names_krw_and_monthly_pay() -> None:
    assert len(KOREA.regions) == 17
    assert len({r.name for r in KOREA.regions}) == 17
    assert {r.local_name for r in KOREA.regions} >= {"서울특별시", "경기도", "제주특별자치도", "세종특별자치시"}
    assert (KOREA.currency, KOREA.pay_unit, KOREA.languages) == ("KRW", "month", ("ko", "en"))


def test_indonesia_has_its_38_provinces_idr_and_monthly_pay() -> None:
    assert len(INDONESIA.regions) == 38
    assert len({r.local_name for r in INDONESIA.regions}) == 38
    assert {"DKI Jakarta", "Papua Barat Daya", "Papua Pegunungan"} <= {r.local_name for r in INDONESIA.regions}
    assert (INDONESIA.currency, INDONESIA.pay_unit, INDONESIA.languages) == ("IDR", "month", ("id", "en"))


def test_the_generic_profile_pays_us_dollars_a_year_in_english() -> None:
    assert 3 <= len(GENERIC.regions) <= 8
    assert (GENERIC.currency, GENERIC.pay_unit, GENERIC.languages) == ("USD", "year", ("en",))


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_every_capital_lies_inside_its_country_and_every_region_has_people(code: str) -> None:
    south, north, west, east = BOUNDS[code]
    for region in PROFILES[code].regions:
        assert south <= region.latitude <= north, region
        assert west <= region.longitude <= east, region
        assert region.population_millions > 0


def test_the_wage_factor_moves_the_us_mean_wage_onto_the_country_mean() -> None:
    us_mean = 65_470.0
    assert KOREA.wage_factor(us_mean) * us_mean == pytest.approx(3_630_000)
    assert INDONESIA.wage_factor(us_mean) * us_mean == pytest.approx(3_180_000)
    assert GENERIC.wage_factor(us_mean) == 1.0


def test_a_profile_is_found_by_its_code_in_any_letter_case() -> None:
    assert profile("KR") is KOREA
    assert profile("generic") is GENERIC


def test_an_unknown_country_is_invalid_and_lists_the_known_ones() -> None:
    with pytest.raises(Invalid) as raised:
        profile("jp")
    assert raised.value.field == "country"
    assert "kr, id, generic" in raised.value.detail
