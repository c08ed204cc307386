"""Skills demand, supply, gap and emerging skills over an indicator query.

- Demand: the share of vacancies (duplicate clusters once) asking a skill; essential: asking it outright.
  Vacancies are counted by the month of their first posting, from the month holding the query's start.
- Supply: the share of jobseekers on the register at the query's end who declare it (people:
  disclosure control hides counts under the threshold).
- Gap index: (demand - supply) / (demand + supply), in [-1, 1]: +1 asked for and nobody offers it,
  -1 offered and nobody asks. A normalised difference keeps rare and common skills comparable.
- Emerging: the demand share in the query's last three months against the three before, a two-proportion
  z-test, and Benjamini-Hochberg at 5 % over all skills tested (Benjamini & Hochberg, JRSS B 1995);
  a skill is emerging when its growth is positive and significant with at least `EMERGING_MIN`
  vacancies asking it in the last window.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from lmis.analytics import disclosure
from lmis.analytics.indicators import IndicatorService
from lmis.analytics.model import Cell, IndicatorQuery, SkillRow, SkillsReport

EMERGING_MIN = 20
FDR = 0.05
WINDOW_MONTHS = 3


def skills_report(service: IndicatorService, query: IndicatorQuery, limit: int = 50) -> SkillsReport:
    """The `limit` most demanded skills of the query, plus every emerging one, largest demand first."""
    store = service.store
    windows = [(query.start, query.end), *_windows(query)]
    counted = store.skill_counts(query, windows)
    vacancies, demand = counted[0]
    seekers, supply = store.seeker_skill_counts(query)
    growth = _growth(counted[1], counted[2]) if len(counted) == 3 else {}
    top = sorted(demand, key=lambda skill: -demand[skill][0])[:limit]
    emerging = [skill for skill, (_, _, flag) in growth.items() if flag and skill not in top]
    chosen = top + emerging
    names = store.skill_names(chosen)
    rows = tuple(
        _row(skill, names.get(skill, (skill, False, False)), vacancies, demand[skill], seekers, supply.get(skill, 0),
             growth.get(skill), service.min_cell)
        for skill in chosen
    )  # fmt: skip
    digital, green = store.collection_shares(query)
    seekers_cell = Cell(float(seekers), seekers)
    if disclosure.is_small(seekers, service.min_cell):
        seekers_cell = disclosure.hide(seekers_cell, service.min_cell)
    return SkillsReport(query, vacancies, seekers_cell, rows, digital, green, store.snapshot())


def _row(
    skill: str, name: tuple[str, bool, bool], vacancies: int, asked: tuple[int, int], seekers: int, declared: int,
    growth: tuple[float | None, float | None, bool] | None, min_cell: int,
) -> SkillRow:  # fmt: skip
    demand = asked[0] / vacancies if vacancies else 0.0
    share = declared / seekers if seekers else 0.0
    supply = Cell(share, declared)
    hidden = disclosure.is_small(declared, min_cell) or disclosure.is_small(seekers, min_cell)
    if hidden:
        supply = disclosure.hide(supply, min_cell)
    gap = None if hidden or demand + share == 0 else (demand - share) / (demand + share)
    rise, p_value, emerging = growth or (None, None, False)
    label, digital, green = name
    return SkillRow(
        skill, label, demand, asked[1] / vacancies if vacancies else 0.0, supply, gap, rise, p_value, emerging,
        digital, green,
    )  # fmt: skip


def _windows(query: IndicatorQuery) -> list[tuple[date, date]]:
    """The last `WINDOW_MONTHS` months of the query (to its end) and as many months before them; none when
    the query is shorter than that."""
    cut = _months_before(query.end.replace(day=1), WINDOW_MONTHS - 1)
    if cut <= query.start:
        return []
    return [(cut, query.end), (_months_before(cut, WINDOW_MONTHS), cut - timedelta(days=1))]


def _growth(
    recent: tuple[int, dict[str, tuple[int, int]]], before: tuple[int, dict[str, tuple[int, int]]]
) -> dict[str, tuple[float | None, float | None, bool]]:
    """Each skill's growth of demand share, its p-value and whether it is emerging (after BH); all skills at once
    (a national report tests about 15,000)."""
    (n_now, now), (n_then, then) = recent, before
    if not n_now or not n_then or not now:
        return {}
    skills = list(now)
    count = np.array([now[skill][0] for skill in skills], dtype=np.float64)
    earlier = np.array([then.get(skill, (0, 0))[0] for skill in skills], dtype=np.float64)
    p_values = _p_values(count, n_now, earlier, n_then)
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = np.where(earlier > 0, (count / n_now) / (earlier / n_then) - 1, np.nan)
    emerging = _discoveries(p_values, FDR) & (count >= EMERGING_MIN) & ~(rise <= 0)  # NaN rise: new, counts as up
    return {
        skill: (None if math.isnan(r) else r, p, flag)
        for skill, r, p, flag in zip(skills, rise.tolist(), p_values.tolist(), emerging.tolist(), strict=True)
    }


def _months_before(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled z-test that x1/n1 and x2/n2 are the same proportion."""
    return float(_p_values(np.array([x1], dtype=np.float64), n1, np.array([x2], dtype=np.float64), n2)[0])


def _p_values(x1: NDArray[np.float64], n1: int, x2: NDArray[np.float64], n2: int) -> NDArray[np.float64]:
    """`two_proportion_p` of each pair of counts."""
    from scipy.special import erfc

    pooled = (x1 + x2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x1 / n1 - x2 / n2) / spread
    tail = np.asarray(erfc(np.abs(z) / math.sqrt(2)), dtype=np.float64)  # two-sided normal tail: 2 (1 - Phi(|z|))
    return np.where(spread == 0, 1.0, tail)


def benjamini_hochberg(p_values: dict[str, float], rate: float) -> set[str]:
    """The keys whose p-values are discoveries at false discovery rate `rate` (step-up procedure)."""
    keys = list(p_values)
    found = _discoveries(np.array([p_values[key] for key in keys], dtype=np.float64), rate)
    return {key for key, discovered in zip(keys, found, strict=True) if discovered}


def _discoveries(p_values: NDArray[np.float64], rate: float) -> NDArray[np.bool_]:
    """Which of `p_values` are discoveries at false discovery rate `rate` (Benjamini-Hochberg step-up)."""
    order = np.argsort(p_values, kind="stable")
    ranks = np.arange(1, p_values.size + 1)
    passing = np.nonzero(p_values[order] <= rate * ranks / p_values.size)[0]
    found = np.zeros(p_values.size, dtype=bool)
    if passing.size:
        found[order[: passing[-1] + 1]] = True
    return found
