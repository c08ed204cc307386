"""Fairness of recommendation lists: how evenly employers are shown, and how quality differs by group.

Exposure follows Singh and Joachims (2018, "Fairness of Exposure in Rankings"): a result at
rank r gets 1 / log2(r + 1) of a person's attention, as in DCG. Concentration is the Gini
coefficient of those exposures over every employer that could have been shown (an employer
never shown counts with exposure 0).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence


def gini(exposures: Sequence[float]) -> float:
    """The Gini coefficient: 0 when all share equally, (n - 1) / n when one takes all; 0 for no exposure."""
    values = sorted(float(value) for value in exposures)
    if any(value < 0 for value in values):
        raise ValueError("exposures cannot be negative")
    total, n = sum(values), len(values)
    if n == 0 or total == 0:
        return 0.0
    return sum((2 * rank - n - 1) * value for rank, value in enumerate(values, start=1)) / (n * total)


def exposure(
    lists: Iterable[Sequence[str]], owner: Mapping[str, str], *, k: int = 10, everyone: Iterable[str] = ()
) -> dict[str, float]:
    """Position-discounted exposure of each owner (employer) over the top-`k` of `lists`.

    `owner` maps an item to its employer; `everyone` adds owners never shown (exposure 0).
    """
    totals: dict[str, float] = dict.fromkeys(everyone, 0.0)
    for ranked in lists:
        for rank, item in enumerate(ranked[:k], start=1):
            name = owner.get(item)
            if name is not None:
                totals[name] = totals.get(name, 0.0) + 1.0 / math.log2(rank + 1)
    return totals


def employer_gini(lists: Iterable[Sequence[str]], owner: Mapping[str, str], *, k: int = 10) -> float:
    """The Gini coefficient of employers' exposure in the top-`k` lists, over every employer in `owner`."""
    return gini(list(exposure(lists, owner, k=k, everyone=set(owner.values())).values()))


def metric_by_group(
    per_user: Mapping[str, float], group_of: Mapping[str, str], *, missing: str = "unknown"
) -> dict[str, tuple[float, int]]:
    """The mean of a per-user metric (e.g. recall@10) in each group of users, with the group's size."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for user, value in per_user.items():
        grouped[group_of.get(user, missing)].append(value)
    return {group: (sum(values) / len(values), len(values)) for group, values in sorted(grouped.items())}
