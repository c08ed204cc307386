"""OEWS wages, pay conversion and Indeed seasonality as the demo generator samples them."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from lmis.demo.distributions import (
    TOP_CODED_ANNUAL,
    PayScale,
    day_sampler,
    read_oews,
    round_pay,
    sample_pay,
    seasonal_factors,
    wage_at,
)
from lmis.demo.model import WagePercentiles
from lmis.shared.errors import Invalid

WAGES = WagePercentiles(20_000, 30_000, 40_000, 60_000, 80_000)
COLUMNS = (
    "o_group",
    "occ_code",
    "occ_title",
    "tot_emp",
    "a_mean",
    "a_pct10",
    "a_pct25",
    "a_median",
    "a_pct75",
    "a_pct90",
)


def oews_row(*values: str) -> dict[str, str]:
    return dict(zip(COLUMNS, values, strict=True))


def test_wages_between_published_percentiles_are_interpolated_and_clamped_to_p10_p90() -> None:
    assert wage_at(WAGES, 0.50) == 40_000
    assert wage_at(WAGES, 0.375) == pytest.approx(35_000)
    assert wage_at(WAGES, 0.01) == 20_000
    assert wage_at(WAGES, 0.99) == 80_000


def test_oews_rows_give_employment_top_coded_wages_and_no_wages_for_hourly_only_occupations() -> None:
    extract = read_oews(
        [
            oews_row("total", "00-0000", "All Occupations", "1000", "50000", "1", "2", "3", "4", "5"),
            oews_row("detailed", "11-1011", "Chief Executives", "200", "250000", "80000", "130000", "200000", "#", "#"),
            oews_row("detailed", "27-2011", "Actors", "60", "*", "*", "*", "*", "*", "*"),
            oews_row("major", "11-0000", "Management", "900", "1", "1", "1", "1", "1", "1"),
        ]
    )
    assert extract.mean_annual == 50_000
    assert extract.all_wages == WagePercentiles(1, 2, 3, 4, 5)
    ceo, actors = extract.detailed
    assert (ceo.code, ceo.employment) == ("11-1011", 200)
    assert ceo.wages is not None
    assert ceo.wages.p90 == TOP_CODED_ANNUAL
    assert actors.wages is None


def test_an_oews_extract_without_its_all_occupations_row_is_invalid() -> None:
    with pytest.raises(Invalid):
        read_oews([oews_row("detailed", "11-1011", "Chief Executives", "2", "1", "1", "1", "1", "1", "1")])


def test_pay_is_rounded_to_its_step_and_never_below_the_legal_floor() -> None:
    assert round_pay(2_345_678, 10_000) == 2_350_000
    assert round_pay(1_000_000, 10_000, floor=2_156_880) == 2_160_000
    assert round_pay(3, 1_000) == 1_000


def test_sampled_pay_ranges_lie_within_the_converted_percentiles_and_above_the_floor() -> None:
    rng = random.Random(4)
    scale = PayScale(factor=50.0, step=10_000, floor=1_500_000, currency="KRW", unit="month")
    for _ in range(500):
        pay = sample_pay(WAGES, rng=rng, scale=scale)
        assert (pay.currency, pay.unit) == ("KRW", "month")
        assert 1_500_000 <= pay.minimum <= pay.maximum <= 80_000 * 50
        assert pay.minimum % 10_000 == 0
        assert pay.maximum % 10_000 == 0


def test_the_seasonal_factor_of_a_day_is_the_mean_ratio_of_unadjusted_to_adjusted_index() -> None:
    rows = [
        {"date": "2022-12-25", "indeed_job_postings_index_SA": "100", "indeed_job_postings_index_NSA": "50"},
        {"date": "2023-12-25", "indeed_job_postings_index_SA": "100", "indeed_job_postings_index_NSA": "70"},
        {"date": "2023-03-01", "indeed_job_postings_index_SA": "80", "indeed_job_postings_index_NSA": "88"},
    ]
    assert seasonal_factors(rows) == {(3, 1): pytest.approx(1.1), (12, 25): pytest.approx(0.6)}


def test_posting_days_fill_the_window_before_the_reference_date_in_proportion_to_their_factors() -> None:
    factors = {(10, day): 1.0 for day in range(1, 32)} | {(10, 30): 3.0}
    sampler = day_sampler(date(2026, 11, 1), 31, factors)
    assert sampler.days[0] == date(2026, 10, 1)
    assert sampler.days[-1] == date(2026, 10, 31)
    rng = random.Random(11)
    drawn = Counter(sampler.draw(rng) for _ in range(33_000))
    assert set(drawn) <= set(sampler.days)
    busy, usual = drawn[date(2026, 10, 30)], drawn[date(2026, 10, 29)]
    assert 2.5 < busy / usual < 3.5
