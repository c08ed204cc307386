"""Evaluating projections the way BLS does: direction of change, "faster than average", dissimilarity index."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from lmis.analytics.projection import DAMPING, Array, Panel, project
from lmis.shared.errors import Invalid


@dataclass(frozen=True)
class ProjectionScore:
    """How a projection from `origin` to `target` compares with what happened, beside the share-naive model.

    The share-naive model holds each occupation's share of the total at its origin-year value
    (BLS, Methods of projections evaluation); both use the same projected total. Rates are
    shares of the `occupations` present in both years; the dissimilarity index is half the sum
    of absolute differences between projected and actual occupation shares, in percent.
    """

    origin: int
    target: int
    occupations: int
    gone: int
    new: int
    direction: float
    direction_naive: float
    faster: float
    faster_naive: float
    dissimilarity: float
    dissimilarity_naive: float
    projected_growth: float
    actual_growth: float
    mape: float
    mape_naive: float
    total_error: float

    def as_dict(self) -> dict[str, float | int]:
        """The score as plain JSON values."""
        return asdict(self)


def evaluate(data: Panel, origin: int, *, damping: float = DAMPING) -> ProjectionScore:
    """Project from `origin` to the panel's last year and score it (codes present in both years only)."""
    target = int(data.years[-1])
    if origin not in data.years or origin >= target:
        raise Invalid(f"the origin year must lie in {int(data.years[0])}-{target - 1}, not {origin}", field="evaluate")
    at_origin, at_target = int(np.flatnonzero(data.years == origin)[0]), data.years.size - 1
    present = {k for k, v in data.occupations.items() if np.isfinite(v[at_origin]) and v[at_origin] > 0}
    later = {k for k, v in data.occupations.items() if np.isfinite(v[at_target])}
    common = sorted(present & later)
    if not common:
        raise Invalid(f"no occupation has values in both {origin} and {target}", field="evaluate")
    projection = project(data.until(origin), target - origin, damping=damping, only=common)
    base = np.array([data.occupations[k][at_origin] for k in common])
    actual = np.array([data.occupations[k][at_target] for k in common])
    projected = np.array([projection.occupations[k][-1] for k in common])
    naive = base / data.total[at_origin] * projection.total[-1]
    return ProjectionScore(
        origin, target, len(common), len(present - later), len(later - present),
        _direction(base, projected, actual), _direction(base, naive, actual),
        _faster(base, projected, actual), _faster(base, naive, actual),
        _dissimilarity(projected, actual), _dissimilarity(base, actual),
        _growth(base, projected), _growth(base, actual),
        _mape(projected, actual), _mape(naive, actual),
        float(projection.total[-1] / data.total[at_target] - 1),
    )  # fmt: skip


def _direction(base: Array, projected: Array, actual: Array) -> float:
    return float(np.mean(np.sign(projected - base) == np.sign(actual - base)))


def _faster(base: Array, projected: Array, actual: Array) -> float:
    """Share of occupations rightly put above or below the average growth of all of them.

    An occupation growing exactly at the average (as every one does in the share-naive model)
    counts as "not faster".
    """
    projected_faster = projected / base > projected.sum() / base.sum() * (1 + 1e-12)
    actual_faster = actual / base > actual.sum() / base.sum()
    return float(np.mean(projected_faster == actual_faster))


def _dissimilarity(projected: Array, actual: Array) -> float:
    return float(50.0 * np.abs(projected / projected.sum() - actual / actual.sum()).sum())


def _growth(base: Array, later: Array) -> float:
    return float(later.sum() / base.sum() - 1)


def _mape(projected: Array, actual: Array) -> float:
    return float(100.0 * np.mean(np.abs(projected - actual) / actual))
