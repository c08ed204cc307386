"""Reading periods (YYYY, YYYY-MM, YYYY-MM-DD), inferring each series' frequency, and writing periods back."""

from __future__ import annotations

import pytest

from lmis.analytics.periods import Frequency, PeriodFormat, infer_grid, parse_period


def grid_of(*texts: str):  # type: ignore[no-untyped-def]
    return infer_grid([parse_period(text) for text in texts])


def test_each_format_is_recognised_and_placed_on_its_own_scale() -> None:
    assert parse_period("2023").fmt is PeriodFormat.YEAR
    assert parse_period("2023-02").ordinal == 2023 * 12 + 1
    assert parse_period(" 2023-02-28 ").day == 28


@pytest.mark.parametrize("text", ["23", "2023-13", "2023-02-30", "2023/02", "Q1 2023", ""])
def test_anything_else_is_refused_with_the_formats_expected(text: str) -> None:
    with pytest.raises(ValueError, match=r"YYYY|month|calendar date"):
        parse_period(text)


@pytest.mark.parametrize(
    ("periods", "frequency", "season"),
    [
        (("2020", "2021", "2022"), Frequency.ANNUAL, 1),
        (("2020-01", "2020-02", "2020-03"), Frequency.MONTHLY, 12),
        (("2020-01", "2020-04", "2020-07"), Frequency.QUARTERLY, 4),
        (("2020-01-01", "2020-02-01", "2020-03-01"), Frequency.MONTHLY, 12),
        (("2020-01-31", "2020-02-29", "2020-03-31"), Frequency.MONTHLY, 12),
        (("2020-01-05", "2020-01-12", "2020-01-19"), Frequency.WEEKLY, 52),
        (("2020-01-05", "2020-01-06", "2020-01-07"), Frequency.DAILY, 7),
    ],
)
def test_the_frequency_follows_from_the_spacing(periods: tuple[str, ...], frequency: Frequency, season: int) -> None:
    grid = grid_of(*periods)
    assert grid.frequency is frequency
    assert grid.frequency.season_length == season


def test_forecast_periods_are_written_in_the_input_format_continuing_the_grid() -> None:
    assert grid_of("2019", "2020").label(3) == "2022"
    assert grid_of("2023-11", "2023-12").label(2) == "2024-01"
    assert grid_of("2023-10-01", "2024-01-01").label(2) == "2024-04-01"
    assert grid_of("2024-01-31", "2024-02-29").label(2) == "2024-03-31"
    assert grid_of("2023-12-23", "2023-12-30").label(2) == "2024-01-06"


def test_a_missing_period_is_a_gap_on_the_grid_not_a_different_frequency() -> None:
    grid = grid_of("2020-01", "2020-02", "2020-04", "2020-05")
    assert (grid.frequency, grid.step) == (Frequency.MONTHLY, 1)


def test_an_unsupported_spacing_is_refused() -> None:
    with pytest.raises(ValueError, match="14 days apart"):
        grid_of("2020-01-01", "2020-01-15", "2020-01-29")
