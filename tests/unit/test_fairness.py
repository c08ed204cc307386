"""Employer exposure, its Gini coefficient, and metrics by group of users."""

from __future__ import annotations

import math

import pytest

from lmis.recommend.fairness import employer_gini, exposure, gini, metric_by_group


def test_the_gini_of_equal_exposure_is_zero() -> None:
    assert gini([3.0, 3.0, 3.0, 3.0]) == pytest.approx(0.0)


def test_the_gini_when_one_employer_takes_all_exposure_is_n_minus_one_over_n() -> None:
    assert gini([0.0, 0.0, 0.0, 0.0, 7.0]) == pytest.approx(4 / 5)


def test_the_gini_of_a_known_unequal_split_and_of_no_exposure() -> None:
    # mean absolute difference over all ordered pairs of (1, 2, 3) is 8/9; divided by twice the mean 2: 2/9
    assert gini([3.0, 1.0, 2.0]) == pytest.approx(2 / 9)
    assert gini([]) == 0.0
    assert gini([0.0, 0.0]) == 0.0
    with pytest.raises(ValueError, match="negative"):
        gini([1.0, -1.0])


def test_exposure_is_discounted_by_rank_and_counts_employers_never_shown() -> None:
    owner = {"p1": "acme", "p2": "acme", "p3": "globex", "p4": "initech"}

    shown = exposure([["p1", "p3"], ["p2"]], owner, k=10, everyone=owner.values())

    assert shown == {"acme": pytest.approx(2.0), "globex": pytest.approx(1 / math.log2(3)), "initech": 0.0}


def test_employer_gini_is_zero_when_lists_rotate_evenly_over_employers_and_grows_when_one_dominates() -> None:
    owner = {"p1": "a", "p2": "b", "p3": "c"}
    even = employer_gini([["p1", "p2", "p3"], ["p2", "p3", "p1"], ["p3", "p1", "p2"]], owner)
    skewed = employer_gini([["p1"], ["p1"], ["p1"]], owner)
    assert even == pytest.approx(0.0)
    assert skewed == pytest.approx(2 / 3)


def test_a_metric_by_group_averages_each_group_and_puts_unknown_users_in_their_own_group() -> None:
    recall = {"u1": 1.0, "u2": 0.0, "u3": 0.5, "u4": 0.25}
    groups = {"u1": "with profile", "u2": "with profile", "u3": "no profile"}

    assert metric_by_group(recall, groups) == {
        "no profile": (0.5, 1),
        "unknown": (0.25, 1),
        "with profile": (0.5, 2),
    }
