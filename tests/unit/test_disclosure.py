"""Disclosure control (small cells hidden, and the cells that would reveal them), periods and the tests used."""

from __future__ import annotations

from datetime import date

import pytest

from lmis.analytics.disclosure import protect, suppress_line, suppress_table
from lmis.analytics.indicators import next_period, period_start
from lmis.analytics.model import Cell, Grain
from lmis.analytics.skills_gap import _growth, benjamini_hochberg, two_proportion_p


def test_a_cell_under_the_threshold_is_hidden_and_zero_is_published() -> None:
    assert suppress_line({"a": 12, "b": 0, "c": 3, "d": 9}, 10) == {"c", "d"}


def test_a_single_small_cell_takes_the_smallest_other_cell_with_it_so_the_total_cannot_reveal_it() -> None:
    assert suppress_line({"a": 50, "b": 4, "c": 20, "d": 31}, 10) == {"b", "c"}


def test_a_line_without_small_cells_is_published_whole() -> None:
    assert suppress_line({"a": 10, "b": 11}, 10) == set()


def test_two_small_cells_protect_each_other() -> None:
    assert suppress_line({"a": 100, "b": 2, "c": 5}, 10) == {"b", "c"}


def test_a_two_way_table_hides_enough_cells_in_every_row_and_column() -> None:
    counts = {("r1", "c1"): 3, ("r1", "c2"): 40, ("r1", "c3"): 25, ("r2", "c1"): 30, ("r2", "c2"): 50,
              ("r2", "c3"): 60}  # fmt: skip
    hidden = suppress_table(counts, 10)
    assert ("r1", "c1") in hidden
    for line in ("r1", "r2", "c1", "c2", "c3"):
        in_line = [key for key in counts if line in key]
        assert sum(key in hidden for key in in_line) != 1, f"{line} would reveal its hidden cell"


def test_protect_hides_the_whole_line_when_the_total_itself_is_small() -> None:
    cells, total = protect([Cell(4, 4), Cell(3, 3)], Cell(7, 7), 10)
    assert total.suppressed
    assert all(cell.suppressed and cell.value is None for cell in cells)
    assert "fewer than 10 people" in total.reason


def test_protect_leaves_cells_without_people_alone() -> None:
    cells, total = protect([Cell(4.0), Cell(300.0)], Cell(304.0), 10)
    assert cells == [Cell(4.0), Cell(300.0)]
    assert total == Cell(304.0)


@pytest.mark.parametrize(
    ("day", "grain", "first", "following"),
    [
        (date(2026, 11, 26), Grain.WEEK, date(2026, 11, 23), date(2026, 11, 30)),
        (date(2026, 11, 26), Grain.MONTH, date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 11, 26), Grain.QUARTER, date(2026, 10, 1), date(2027, 1, 1)),
        (date(2026, 11, 26), Grain.YEAR, date(2026, 1, 1), date(2027, 1, 1)),
        (date(2026, 12, 31), Grain.DAY, date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_periods_start_on_iso_weeks_calendar_months_quarters_and_years(
    day: date, grain: Grain, first: date, following: date
) -> None:
    assert period_start(day, grain) == first
    assert next_period(first, grain) == following


def test_the_two_proportion_test_matches_a_hand_computed_value() -> None:
    # 60/200 vs 40/200: pooled 0.25, se = sqrt(0.25 * 0.75 * 0.01) = 0.0433, z = 2.309, p = 0.0209
    assert two_proportion_p(60, 200, 40, 200) == pytest.approx(0.0209, abs=1e-4)
    assert two_proportion_p(0, 10, 0, 10) == 1.0


def test_benjamini_hochberg_keeps_the_discoveries_under_the_step_up_line() -> None:
    p_values = {"a": 0.001, "b": 0.008, "c": 0.039, "d": 0.041, "e": 0.6}
    # thresholds 0.01, 0.02, 0.03, 0.04, 0.05: the largest rank under its line is b (0.008 <= 0.02)
    assert benjamini_hochberg(p_values, 0.05) == {"a", "b"}


def test_a_skill_is_emerging_when_its_share_grows_significantly_with_enough_vacancies() -> None:
    recent = (1000, {"python": (300, 0), "welding": (50, 0), "rust": (25, 0), "rare": (5, 0), "cobol": (30, 0)})
    before = (1000, {"python": (150, 0), "welding": (50, 0), "rare": (1, 0), "cobol": (90, 0)})
    growth = _growth(recent, before)
    assert growth["python"][0] == pytest.approx(1.0)  # the share doubled
    assert growth["python"][2] is True
    assert growth["welding"][:1] == (0.0,)
    assert growth["welding"][2] is False  # no change
    assert growth["rust"][0] is None  # new: no share to grow from, and 25 vacancies are significant
    assert growth["rust"][2] is True
    assert growth["rare"][2] is False  # fewer than EMERGING_MIN vacancies
    assert growth["cobol"][2] is False  # a significant fall is not emerging
    assert growth["cobol"][1] < 0.05
