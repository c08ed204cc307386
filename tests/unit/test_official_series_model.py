"""External series, pure parts: ids, periods and their frequencies, checks, and aggregation for forecast input."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

import pytest

from lmis.analytics.series_export import Aggregate, aggregated
from lmis.analytics.series_model import (
    Flag,
    Frequency,
    Observation,
    guess_frequency,
    observation_problems,
    parse_period,
    period_bound,
    period_text,
    series_id,
)
from lmis.shared.errors import Invalid


def test_a_series_id_is_the_first_16_hex_digits_of_the_sha256_of_source_nul_code() -> None:
    assert series_id("fred", "JTSJOL") == hashlib.sha256(b"fred\x00JTSJOL").hexdigest()[:16]
    assert series_id("fred", "JTSJOL") != series_id("fred2", "JTSJOL")


@pytest.mark.parametrize(
    ("text", "start", "grain"),
    [
        ("2024", date(2024, 1, 1), Frequency.YEAR),
        ("2024-Q3", date(2024, 7, 1), Frequency.QUARTER),
        ("2024-05", date(2024, 5, 1), Frequency.MONTH),
        ("2024-02-29", date(2024, 2, 29), Frequency.DAY),
    ],
)
def test_a_period_text_gives_its_first_day_and_how_fine_it_is(text: str, start: date, grain: Frequency) -> None:
    assert parse_period(text) == (start, grain)


@pytest.mark.parametrize("text", ["2024-13", "2023-02-29", "0000", "May 2024", "2024/05", ""])
def test_a_text_that_names_no_calendar_period_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match=r"period|calendar"):
        parse_period(text)


def test_a_to_bound_runs_to_the_end_of_the_period_it_names() -> None:
    assert period_bound("2020", end=True, field_name="to") == date(2020, 12, 31)
    assert period_bound("2024-02", end=True, field_name="to") == date(2024, 2, 29)
    assert period_bound("2020", end=False, field_name="from") == date(2020, 1, 1)
    with pytest.raises(Invalid) as refused:
        period_bound("2020-13", end=False, field_name="from")
    assert refused.value.field == "from"


def test_months_stepping_by_three_from_quarter_starts_are_quarters_and_days_a_week_apart_are_weeks() -> None:
    quarters = [date(2020, 1, 1), date(2020, 4, 1), date(2020, 10, 1)]
    assert guess_frequency(Frequency.MONTH, quarters) is Frequency.QUARTER
    assert guess_frequency(Frequency.MONTH, [date(2020, 1, 1), date(2020, 2, 1)]) is Frequency.MONTH
    weeks = [date(2023, 12, 2), date(2023, 12, 9), date(2023, 12, 23)]
    assert guess_frequency(Frequency.DAY, weeks) is Frequency.WEEK
    assert guess_frequency(Frequency.DAY, [date(2023, 12, 2), date(2023, 12, 3)]) is Frequency.DAY


def test_periods_are_written_as_the_forecast_input_contract_says() -> None:
    assert period_text(date(2021, 1, 1), Frequency.YEAR) == "2021"
    assert period_text(date(2021, 4, 1), Frequency.QUARTER) == "2021-04"
    assert period_text(date(2021, 4, 1), Frequency.MONTH) == "2021-04"
    assert period_text(date(2021, 4, 3), Frequency.WEEK) == "2021-04-03"


def test_an_observation_off_its_frequency_grid_or_missing_a_value_without_a_flag_has_problems() -> None:
    assert observation_problems(date(2021, 1, 1), 1.0, Flag.NONE, Frequency.QUARTER) == []
    off_grid = observation_problems(date(2021, 2, 1), 1.0, Flag.NONE, Frequency.QUARTER)
    assert [p.field for p in off_grid] == ["period"]
    assert [p.field for p in observation_problems(date(2021, 1, 1), None, Flag.NONE, Frequency.YEAR)] == ["value"]
    assert observation_problems(date(2021, 1, 1), None, Flag.TOP_CODED, Frequency.YEAR) == []
    assert [p.field for p in observation_problems(date(2021, 1, 5), float("nan"), Flag.NONE, Frequency.DAY)] == [
        "value"
    ]


def _days(first: date, values: Sequence[float | None]) -> list[Observation]:
    return [
        Observation(date.fromordinal(first.toordinal() + i), v, Flag.NONE if v is not None else Flag.NOT_AVAILABLE)
        for i, v in enumerate(values)
    ]


def test_daily_values_become_monthly_means_or_sums_over_complete_months_only() -> None:
    february = _days(date(2024, 2, 1), [1.0] * 28 + [30.0])  # 29 days of a leap February
    march_part = _days(date(2024, 3, 1), [5.0] * 10)
    means, incomplete = aggregated(february + march_part, Frequency.DAY, Frequency.MONTH, Aggregate.MEAN)
    assert [period for period, _mean in means] == [date(2024, 2, 1)]
    assert means[0][1] == pytest.approx(58 / 29)
    assert incomplete == 1
    sums, _ = aggregated(february, Frequency.DAY, Frequency.MONTH, Aggregate.SUM)
    assert sums == [(date(2024, 2, 1), 58.0)]


def test_a_missing_day_makes_its_month_incomplete_and_values_not_published_are_left_out() -> None:
    month = _days(date(2023, 4, 1), [2.0] * 29 + [None])
    assert aggregated(month, Frequency.DAY, Frequency.MONTH, Aggregate.MEAN) == ([], 1)


def test_months_sum_to_quarters_and_a_series_at_the_target_frequency_passes_through() -> None:
    months = [Observation(date(2022, m, 1), float(m)) for m in range(1, 7)]
    quarters, incomplete = aggregated(months, Frequency.MONTH, Frequency.QUARTER, Aggregate.SUM)
    assert quarters == [(date(2022, 1, 1), 6.0), (date(2022, 4, 1), 15.0)]
    assert incomplete == 0
    assert aggregated(months, Frequency.MONTH, Frequency.MONTH, Aggregate.MEAN)[0][0] == (date(2022, 1, 1), 1.0)
