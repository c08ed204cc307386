"""Hires attributed to recommendations at the three tiers Korea's Work-net reports for The Work (pure).

Tier `any`: the hired person applied to at least one job recommended to them before they applied;
tier `two_30`: at least 2 such applications and at least 30% of all their applications;
tier `three_50`: at least 3 and at least 50% (Korea Employment Information Service, The Work, 2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lmis.recommend.ports import ApplicationTally

TIERS = (("any", 1, 0.0), ("two_30", 2, 0.30), ("three_50", 3, 0.50))


@dataclass(frozen=True, slots=True)
class Attribution:
    hires: int  # hired people in the period who applied through LMIS at all
    tiers: dict[str, int]  # tier name -> hired people meeting it


def attribute(tallies: Sequence[ApplicationTally]) -> Attribution:
    counts = dict.fromkeys((name for name, _, _ in TIERS), 0)
    for tally in tallies:
        share = tally.recommended_applications / tally.applications if tally.applications else 0.0
        for name, least, least_share in TIERS:
            if tally.recommended_applications >= least and share >= least_share:
                counts[name] += 1
    return Attribution(hires=len(tallies), tiers=counts)
