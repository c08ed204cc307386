"""Salary normalisation from stated fields and English, Korean and Indonesian text (pure)."""

from __future__ import annotations

import dataclasses

import pytest

from lmis.enrich.salary import (
    INFERRED_PERIOD,
    MONTHLY_FACTOR,
    SALARY_METHOD_VERSION,
    STRUCTURED,
    TEXT_PATTERN,
    NormalisedSalary,
    normalise_salary,
)
from lmis.jobs.model import Salary, SalaryUnit

HOUR, DAY, WEEK, MONTH, YEAR = SalaryUnit.HOUR, SalaryUnit.DAY, SalaryUnit.WEEK, SalaryUnit.MONTH, SalaryUnit.YEAR


def _text(text: str, default_currency: str | None = None) -> NormalisedSalary:
    result = normalise_salary(None, text=text, default_currency=default_currency)
    assert result is not None
    return result


@pytest.mark.parametrize(
    ("text", "minimum", "maximum", "currency", "period"),
    [
        ("KRW 3,000,000 per month", 3_000_000, 3_000_000, "KRW", MONTH),
        ("월 300만원", 3_000_000, 3_000_000, "KRW", MONTH),
        ("연봉 3,500만원 ~ 4,000만원", 35_000_000, 40_000_000, "KRW", YEAR),
        ("시급 10,030원", 10_030, 10_030, "KRW", HOUR),
        ("연봉 1억 2천만원", 120_000_000, 120_000_000, "KRW", YEAR),
        ("3천5백만원", 35_000_000, 35_000_000, "KRW", YEAR),
        ("3~4천만원", 30_000_000, 40_000_000, "KRW", YEAR),
        ("일당 15만원", 150_000, 150_000, "KRW", DAY),
        ("주급 60만원", 600_000, 600_000, "KRW", WEEK),
        ("₩2,500,000/월", 2_500_000, 2_500_000, "KRW", MONTH),
        ("월급 250만원 이상", 2_500_000, None, "KRW", MONTH),
        ("£24,000 - £28,000 a year", 24_000, 28_000, "GBP", YEAR),
        ("£31,365 - £37,890 per annum pro rata", 31_365, 37_890, "GBP", YEAR),
        ("£24,907 to £30,615 pa", 24_907, 30_615, "GBP", YEAR),
        ("£13.00 to £17.00 per hour", 13, 17, "GBP", HOUR),
        ("£9.21ph - £16.85ph", 9.21, 16.85, "GBP", HOUR),
        ("£16.40per hour (£32,920 per annum)", 16.40, 16.40, "GBP", HOUR),
        ("From £24, 907 per annum", 24_907, None, "GBP", YEAR),
        ("£450 - £550 per day", 450, 550, "GBP", DAY),
        ("£500 per week", 500, 500, "GBP", WEEK),
        ("£1,500 pcm", 1_500, 1_500, "GBP", MONTH),
        ("Band 6 £31,365 - £37,890 pa", 31_365, 37_890, "GBP", YEAR),
        ("up to £30k", None, 30_000, "GBP", YEAR),
        ("from £25,000", 25_000, None, "GBP", YEAR),
        ("between £20,000 and £25,000", 20_000, 25_000, "GBP", YEAR),
        ("Rp 5 juta/bulan", 5_000_000, 5_000_000, "IDR", MONTH),
        ("Rp 4.500.000 - Rp 6.000.000 per bulan", 4_500_000, 6_000_000, "IDR", MONTH),
        ("IDR 5-7 juta", 5_000_000, 7_000_000, "IDR", MONTH),
        ("Rp 4,5 juta - 6 juta", 4_500_000, 6_000_000, "IDR", MONTH),
        ("Gaji pokok Rp 2.500.000 - 3.000.000 / bulan", 2_500_000, 3_000_000, "IDR", MONTH),
        ("Rp 150.000/hari", 150_000, 150_000, "IDR", DAY),
        ("Rp 60 juta per tahun", 60_000_000, 60_000_000, "IDR", YEAR),
        ("gaji 4-5 juta per bulan", 4_000_000, 5_000_000, "IDR", MONTH),
        ("$18/hr", 18, 18, "USD", HOUR),
        ("$18.50 an hour", 18.50, 18.50, "USD", HOUR),
        ("€45k–55k", 45_000, 55_000, "EUR", YEAR),
        ("US$60,000 to $75,000 per year", 60_000, 75_000, "USD", YEAR),
        ("€2.500 - €3.000 brutto per month", 2_500, 3_000, "EUR", MONTH),
        ("1,000.50 USD per month", 1_000.50, 1_000.50, "USD", MONTH),
        ("1.000,50 EUR per month", 1_000.50, 1_000.50, "EUR", MONTH),
        ("A$85,000 - A$95,000 + super", 85_000, 95_000, "AUD", YEAR),
        ("S$4,500/month", 4_500, 4_500, "SGD", MONTH),
        ("HK$30,000 per month", 30_000, 30_000, "HKD", MONTH),
    ],
)
def test_real_world_salary_texts_give_their_range_currency_and_period(
    text: str, minimum: float | None, maximum: float | None, currency: str, period: SalaryUnit
) -> None:
    result = _text(text)
    assert (result.minimum, result.maximum, result.currency, result.period) == (minimum, maximum, currency, period)
    assert result.parsed
    assert "unparseable" not in result.flags


@pytest.mark.parametrize("text", ["Competitive", "negotiable", "Band 5", "TBC", "2 years experience, 40 hours"])
def test_text_without_an_amount_stays_as_text_flagged_unparseable(text: str) -> None:
    result = _text(text, default_currency="GBP")
    assert (result.minimum, result.maximum, result.annual_min, result.monthly_min) == (None, None, None, None)
    assert result.text == text
    assert "unparseable" in result.flags
    assert result.confidence == 0.0


def test_competitive_and_negotiable_pay_is_also_flagged_negotiable() -> None:
    assert "negotiable" in _text("Competitive salary plus benefits").flags
    assert "negotiable" in _text("negotiable").flags
    assert "negotiable" not in _text("Band 5").flags


def test_hourly_pay_is_173_and_a_third_hours_a_month_and_twelve_months_a_year() -> None:
    result = _text("$18/hr")
    assert MONTHLY_FACTOR[HOUR] == pytest.approx(173.33, abs=0.01)
    assert result.monthly_min == pytest.approx(3_120.0)
    assert result.annual_min == pytest.approx(37_440.0)


def test_daily_weekly_and_annual_pay_convert_with_the_documented_factors() -> None:
    assert _text("£120 a day").monthly_min == pytest.approx(120 * 5 * 52 / 12, abs=0.01)
    assert _text("£120 a day").annual_min == pytest.approx(120 * 5 * 52)
    assert _text("£500 per week").annual_min == pytest.approx(500 * 52)
    assert _text("£24,000 - £28,000 a year").monthly_max == pytest.approx(28_000 / 12, abs=0.01)
    assert _text("월 300만원").annual_min == pytest.approx(36_000_000)


def test_annual_equivalent_is_twelve_times_the_monthly_one() -> None:
    for text in ("$18.50 an hour", "£450 - £550 per day", "주급 60만원", "Rp 5 juta/bulan", "£31,365 per annum"):
        result = _text(text)
        assert result.annual_min == pytest.approx(12 * (result.monthly_min or 0), abs=0.1)


def test_a_missing_period_is_inferred_from_magnitude_with_lower_confidence() -> None:
    stated = _text("£24,000 - £28,000 a year")
    inferred = _text("£24,000 - £28,000")
    assert inferred.period is YEAR
    assert inferred.method == INFERRED_PERIOD
    assert "period_inferred" in inferred.flags
    assert inferred.confidence < stated.confidence
    assert stated.method == TEXT_PATTERN


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("KRW 45,000,000", YEAR),
        ("KRW 3,000,000", MONTH),
        ("IDR 5,000,000", MONTH),
        ("£31,365", YEAR),
        ("£2,100", MONTH),
        ("£11.50", HOUR),
        ("300만원", MONTH),
    ],
)
def test_magnitude_decides_the_period_per_currency(text: str, period: SalaryUnit) -> None:
    result = _text(text)
    assert result.period is period
    assert "period_inferred" in result.flags


def test_an_amount_in_an_unknown_currency_keeps_no_period_and_no_equivalents() -> None:
    result = _text("Salary: 35000")
    assert result.minimum == 35_000
    assert result.period is None
    assert result.annual_min is None
    assert {"currency_unknown", "period_unknown"} <= set(result.flags)


def test_a_reversed_range_is_swapped_and_flagged() -> None:
    result = _text("£28,000 - £24,000 per annum")
    assert (result.minimum, result.maximum) == (24_000, 28_000)
    assert "range_swapped" in result.flags


def test_implausible_pay_is_flagged_not_raised() -> None:
    result = _text("£1,500 per hour")
    assert result.minimum == 1_500
    assert "implausible" in result.flags
    assert result.confidence < _text("£15 per hour").confidence
    assert "implausible" in _text("£0.00").flags


def test_open_ranges_and_pro_rata_and_extra_amounts_are_flagged() -> None:
    assert "open_range" in _text("up to £30k").flags
    assert "pro_rata" in _text("£31,365 - £37,890 per annum pro rata").flags
    bonus = _text("£23,247.92 - £35,077.19 + £3000 Welcome Bonus")
    assert (bonus.minimum, bonus.maximum) == (23_247.92, 35_077.19)
    assert "extra_amounts" in bonus.flags


def test_a_period_written_after_another_amount_belongs_to_that_amount() -> None:
    result = _text("£37,137 (£18.55 p/h)")
    assert (result.minimum, result.period) == (37_137, YEAR)
    assert "period_inferred" in result.flags


def test_a_missing_currency_comes_from_the_default_and_is_flagged_assumed() -> None:
    result = _text("3,000,000 per month", default_currency="krw")
    assert result.currency == "KRW"
    assert "currency_assumed" in result.flags
    assert result.confidence < _text("KRW 3,000,000 per month").confidence


def test_a_bare_dollar_is_us_unless_the_default_is_another_dollar() -> None:
    assert _text("$25 per hour").currency == "USD"
    assert _text("$25 per hour", default_currency="CAD").currency == "CAD"
    assert _text("$25 per hour", default_currency="GBP").currency == "USD"


def test_structured_numbers_win_over_the_text() -> None:
    stated = Salary("GBP", 30_000, 35_000, YEAR, "£24,000 - £28,000")
    result = normalise_salary(stated, text="£10 per hour")
    assert result is not None
    assert (result.minimum, result.maximum, result.period) == (30_000, 35_000, YEAR)
    assert result.method == STRUCTURED
    assert result.confidence == pytest.approx(0.95)
    assert result.text == "£24,000 - £28,000"


def test_structured_amounts_without_a_unit_take_it_from_the_text_or_infer_it() -> None:
    from_text = normalise_salary(Salary("GBP", 20, 25), text="£20 - £25 per hour")
    inferred = normalise_salary(Salary("KRW", 3_000_000))
    assert from_text is not None
    assert inferred is not None
    assert (from_text.period, from_text.method) == (HOUR, STRUCTURED)
    assert (inferred.period, inferred.method, inferred.maximum) == (MONTH, INFERRED_PERIOD, None)
    assert inferred.confidence < from_text.confidence


def test_a_structured_salary_without_numbers_is_read_from_its_text() -> None:
    result = normalise_salary(Salary("GBP", unit=YEAR, text="£24,907 to £30,615 pa"))
    assert result is not None
    assert (result.minimum, result.maximum, result.currency, result.method) == (24_907, 30_615, "GBP", TEXT_PATTERN)


def test_stated_currency_and_unit_survive_an_unparseable_text() -> None:
    result = normalise_salary(Salary("GBP", unit=YEAR, text="Competitive"))
    assert result is not None
    assert (result.currency, result.period, result.text) == ("GBP", YEAR, "Competitive")
    assert "unparseable" in result.flags


def test_nothing_at_all_gives_none() -> None:
    assert normalise_salary(None) is None
    assert normalise_salary(None, text="   ") is None
    assert normalise_salary(Salary(currency="GBP")) is None


def test_the_result_is_frozen_and_carries_its_method_version() -> None:
    result = _text("£24,000 - £28,000 a year")
    assert result.version == SALARY_METHOD_VERSION == "salary-1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.minimum = 1.0  # type: ignore[misc]
