"""Real distributions behind the demo: OEWS employment and wages, Indeed seasonality, pay sampling (pure)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, pairwise

from lmis.demo.model import Pay, SocOccupation, WagePercentiles
from lmis.shared.errors import Invalid

# OEWS marks wages at or above its top code with "#": $115.00 an hour or $239,200 a year in
# May 2023 (BLS, OEWS technical notes); such a percentile is taken at the top code.
TOP_CODED_ANNUAL = 239_200.0
_NOT_AVAILABLE = ("*", "**", "")


@dataclass(frozen=True, slots=True)
class OewsExtract:
    """The all-occupations row, its wages (the fallback), its mean annual wage, and every detailed SOC occupation."""

    all_occupations: SocOccupation
    all_wages: WagePercentiles
    mean_annual: float
    detailed: tuple[SocOccupation, ...]


def read_oews(rows: Iterable[Mapping[str, str]]) -> OewsExtract:
    """Parse the rows of `bls_oews_national_<year>.csv` (OEWS column names, published values)."""
    total: SocOccupation | None = None
    mean = 0.0
    detailed = []
    for row in rows:
        if row["o_group"] == "total":
            total, mean = _soc(row), float(row["a_mean"])
        elif row["o_group"] == "detailed" and row["tot_emp"] not in _NOT_AVAILABLE:
            detailed.append(_soc(row))
    if total is None or total.wages is None:
        raise Invalid("the OEWS extract has no all-occupations (00-0000) row with wages", field="oews")
    return OewsExtract(total, total.wages, mean, tuple(sorted(detailed, key=lambda s: s.code)))


def _soc(row: Mapping[str, str]) -> SocOccupation:
    return SocOccupation(row["occ_code"], row["occ_title"], int(row["tot_emp"]), _wages(row))


def _wages(row: Mapping[str, str]) -> WagePercentiles | None:
    """The annual wage percentiles, or None when OEWS publishes hourly wages only ("*")."""
    values = []
    for column in ("a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"):
        text = row[column].replace(",", "")
        if text in _NOT_AVAILABLE:
            return None
        values.append(TOP_CODED_ANNUAL if text == "#" else float(text))
    return WagePercentiles(*values)


def wage_at(wages: WagePercentiles, quantile: float) -> float:
    """The wage at `quantile`, linear between the published percentiles and clamped to p10..p90."""
    points = wages.points()
    if quantile <= points[0][0]:
        return points[0][1]
    for (q0, w0), (q1, w1) in pairwise(points):
        if quantile <= q1:
            return w0 + (w1 - w0) * (quantile - q0) / (q1 - q0)
    return points[-1][1]


def round_pay(amount: float, step: int, *, floor: float = 0.0) -> int:
    """`amount` rounded to the nearest `step`, and at least `floor` rounded up to a step (and one step)."""
    lowest = max(step, math.ceil(floor / step) * step)
    return max(lowest, round(amount / step) * step)


@dataclass(frozen=True, slots=True)
class PayScale:
    """How OEWS dollars become stated pay: factor, rounding step, legal floor, currency and period."""

    factor: float
    step: int
    floor: float
    currency: str
    unit: str


def sample_pay(wages: WagePercentiles, *, rng: random.Random, scale: PayScale) -> Pay:
    """A stated pay range: from a quantile between p10 and p80 to 10-20 points higher, converted and rounded."""
    low_q = rng.uniform(0.10, 0.80)
    high_q = min(0.90, low_q + rng.uniform(0.10, 0.20))
    low = round_pay(wage_at(wages, low_q) * scale.factor, scale.step, floor=scale.floor)
    high = max(low, round_pay(wage_at(wages, high_q) * scale.factor, scale.step))
    return Pay(scale.currency, low, high, scale.unit)


# -- seasonality ----------------------------------------------------------------------------


def seasonal_factors(rows: Iterable[Mapping[str, str]]) -> dict[tuple[int, int], float]:
    """Mean ratio of the not-seasonally-adjusted to the adjusted index, by (month, day).

    NSA / SA of Indeed's postings index is the seasonal factor Hiring Lab removed; averaging
    it over the years of the extract gives the shape of a year of new postings.
    """
    sums: dict[tuple[int, int], list[float]] = {}
    for row in rows:
        day = date.fromisoformat(row["date"])
        adjusted = float(row["indeed_job_postings_index_SA"])
        if adjusted > 0:
            ratio = float(row["indeed_job_postings_index_NSA"]) / adjusted
            sums.setdefault((day.month, day.day), []).append(ratio)
    return {key: sum(values) / len(values) for key, values in sorted(sums.items())}


@dataclass(frozen=True, slots=True)
class DaySampler:
    """Draws posting dates from a window, each day weighted by its seasonal factor."""

    days: tuple[date, ...]
    cumulative: tuple[float, ...]

    def draw(self, rng: random.Random) -> date:
        """One date of the window."""
        return rng.choices(self.days, cum_weights=self.cumulative, k=1)[0]


def day_sampler(as_of: date, window: int, factors: Mapping[tuple[int, int], float]) -> DaySampler:
    """Dates from `window` days before `as_of` to the day before it; a day without a factor weighs 1."""
    days = tuple(as_of - timedelta(days=offset) for offset in range(window, 0, -1))
    weights: Sequence[float] = [factors.get((d.month, d.day), factors.get((d.month, d.day - 1), 1.0)) for d in days]
    return DaySampler(days, tuple(accumulate(weights)))
