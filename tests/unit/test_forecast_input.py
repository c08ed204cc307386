"""The forecast input contract: rows checked with the line named, gaps filled or refused, series kept in order."""

from __future__ import annotations

import numpy as np
import pytest

from lmis.analytics.forecast_input import GapPolicy, read_series
from lmis.shared.delimited import Row
from lmis.shared.errors import Invalid, MalformedFile


def rows(*lines: str) -> list[Row]:
    """Rows as the file reader yields them: the header is line 1."""
    out = []
    for number, line in enumerate(lines, start=2):
        series_id, period, value = line.split(",")
        out.append(Row("in.csv", number, {"series_id": series_id, "period": period, "value": value}))
    return out


def test_series_come_back_in_order_of_first_appearance_on_their_grid() -> None:
    series = read_series(rows("b,2020-02,2", "a,2021,5", "b,2020-01,1", "a,2022,6"), path="in.csv")
    assert [s.series_id for s in series] == ["b", "a"]
    assert series[0].values.tolist() == [1.0, 2.0]
    assert series[0].grid.label(0) == "2020-01"


def test_a_value_that_is_not_a_number_names_its_line_and_column() -> None:
    with pytest.raises(MalformedFile, match=r"in.csv, line 3, column 'value': 'twelve' is not a number") as caught:
        read_series(rows("a,2020-01,1", "a,2020-02,twelve"), path="in.csv")
    assert caught.value.line == 3


def test_every_problem_is_listed_not_only_the_first() -> None:
    with pytest.raises(MalformedFile, match=r"line 2.*also line 3: .*2020-13.*line 4: 'inf' is not a finite number"):
        read_series(rows("a,2020-01,x", "a,2020-13,1", "b,2020-01,inf"), path="in.csv")


def test_two_period_formats_in_one_series_are_refused() -> None:
    with pytest.raises(MalformedFile, match=r"line 3.*mixes period formats: YYYY here, YYYY-MM on line 2"):
        read_series(rows("a,2020-01,1", "a,2021,1"), path="in.csv")


def test_a_period_listed_twice_names_both_lines() -> None:
    with pytest.raises(MalformedFile, match=r"line 4.*lists this period twice \(first on line 2\)"):
        read_series(rows("a,2020-01,1", "a,2020-02,1", "a,2020-01,3"), path="in.csv")


def test_a_period_off_the_series_grid_is_refused() -> None:
    weekly = [f"w,2020-01-{day:02d},1" for day in (5, 12, 19, 26)]
    with pytest.raises(MalformedFile, match=r"line 6.*weekly, but this period is off its grid"):
        read_series(rows(*weekly, "w,2020-01-29,1"), path="in.csv")


def test_missing_periods_and_empty_values_are_filled_linearly_and_noted() -> None:
    (series,) = read_series(rows("a,2020-01,1", "a,2020-02,", "a,2020-04,7"), path="in.csv")
    assert series.values.tolist() == [1.0, 3.0, 5.0, 7.0]
    assert series.notes == ("2 missing period(s) filled by linear interpolation (2020-02, 2020-03)",)


def test_missing_periods_can_be_refused_instead() -> None:
    with pytest.raises(MalformedFile, match=r"misses 1 period\(s\): 2020-03"):
        read_series(rows("a,2020-01,1", "a,2020-02,1", "a,2020-04,7"), path="in.csv", gaps=GapPolicy.REFUSE)


def test_empty_values_at_the_ends_are_dropped_with_a_note() -> None:
    (series,) = read_series(rows("a,2020,.", "a,2021,4", "a,2022,5", "a,2023,NA"), path="in.csv")
    assert series.grid.label(0) == "2021"
    assert series.values.tolist() == [4.0, 5.0]
    assert series.notes == ("2 empty value(s) at the ends dropped",)


def test_a_series_without_any_value_is_an_error_and_an_empty_file_is_invalid() -> None:
    with pytest.raises(MalformedFile, match="has no values"):
        read_series(rows("a,2020,", "a,2021,"), path="in.csv")
    with pytest.raises(Invalid, match="holds no series"):
        read_series([], path="in.csv")


def test_counts_are_recognised_as_never_negative() -> None:
    counts, signed = read_series(rows("c,2020,0", "c,2021,3", "s,2020,-1", "s,2021,2"), path="in.csv")
    assert counts.nonnegative
    assert not signed.nonnegative
    assert np.array_equal(counts.head(1).values, [0.0])
