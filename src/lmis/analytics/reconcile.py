"""Hierarchical reconciliation: forecasts of children made to sum to their parents (MinT with shrinkage)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lmis.analytics.forecast_batch import SeriesForecast, finish
from lmis.shared.delimited import Row
from lmis.shared.errors import Invalid, MalformedFile, did_you_mean

Array = NDArray[np.float64]
HIERARCHY_COLUMNS = ("series_id", "parent_id")
MIN_RESIDUALS = 8  # fewer common in-sample residuals than this: WLS with structural weights instead of MinT


@dataclass(frozen=True)
class Hierarchy:
    """Which series sums which: `parents[child] = parent`. Every parent is the sum of its children."""

    parents: Mapping[str, str]

    def nodes(self) -> list[str]:
        """Every series named in the hierarchy, parents before children where possible."""
        return list(dict.fromkeys([*self.parents.values(), *self.parents.keys()]))

    def trees(self) -> list[list[str]]:
        """The nodes grouped by their root; each group is reconciled on its own."""
        groups: dict[str, list[str]] = {}
        for node in self.nodes():
            groups.setdefault(self.root(node), []).append(node)
        return list(groups.values())

    def root(self, node: str) -> str:
        """The top ancestor of `node`."""
        while node in self.parents:
            node = self.parents[node]
        return node


def read_hierarchy(rows: Iterable[Row], *, path: str) -> Hierarchy:
    """Read `series_id,parent_id` rows (an empty parent marks a top series); raises MalformedFile on
    an empty id, a series given two parents, a series that is its own parent, or a cycle."""
    parents: dict[str, str] = {}
    lines: dict[str, int] = {}
    for row in rows:
        child, parent = row.require("series_id"), row.get("parent_id")
        if child in lines:
            raise row.error(f"series {child!r} is listed twice (first on line {lines[child]})", "series_id")
        lines[child] = row.line
        if parent == child:
            raise row.error(f"series {child!r} cannot be its own parent", "parent_id")
        if parent:
            parents[child] = parent
    for child, line in lines.items():
        seen = {child}
        node = child
        while node in parents:
            node = parents[node]
            if node in seen:
                raise MalformedFile(f"series {child!r} is its own ancestor (a cycle)", path=path, line=line)
            seen.add(node)
    if not parents:
        raise MalformedFile("no series has a parent: nothing to reconcile", path=path, line=1)
    return Hierarchy(parents)


def summing_matrix(hierarchy: Hierarchy, nodes: Sequence[str]) -> tuple[list[str], NDArray[np.float64]]:
    """The bottom series (those with no children) and S, with S[i, j] = 1 when bottom j sums into nodes[i]."""
    has_children = set(hierarchy.parents.values())
    bottom = [node for node in nodes if node not in has_children]
    column = {node: j for j, node in enumerate(bottom)}
    matrix = np.zeros((len(nodes), len(bottom)))
    row = {node: i for i, node in enumerate(nodes)}
    for leaf in bottom:
        node: str | None = leaf
        while node is not None:
            matrix[row[node], column[leaf]] = 1.0
            node = hierarchy.parents.get(node)
    return bottom, matrix


def check_covered(hierarchy: Hierarchy, available: Iterable[str]) -> None:
    """Raise Invalid when a series of the hierarchy has no forecast (is not in the input)."""
    known = set(available)
    for node in hierarchy.nodes():
        if node not in known:
            raise Invalid(
                f"series {node!r} of the hierarchy is not in the input",
                field="hierarchy",
                suggestions=did_you_mean(node, known),
            )


def shrunk_covariance(residuals: Array) -> Array:
    """The residual covariance shrunk towards its diagonal (Schäfer & Strimmer 2005), as MinT uses it.

    `residuals` is periods x series. The shrinkage intensity is the estimated variance of the
    off-diagonal correlations over their squared sum, clipped to [0, 1].
    """
    n = residuals.shape[0]
    centred = residuals - residuals.mean(axis=0)
    sd = centred.std(axis=0)
    sd[sd == 0] = 1.0
    standard = centred / sd
    correlation = standard.T @ standard / n
    squared = standard**2
    # sum over t of (x_ti x_tj - r_ij)^2, without the periods x series x series array
    variance = n / (n - 1) ** 3 * (squared.T @ squared - n * correlation**2)
    off = ~np.eye(residuals.shape[1], dtype=bool)
    denominator = float((correlation[off] ** 2).sum())
    intensity = 1.0 if denominator == 0 else min(1.0, max(0.0, float(variance[off].sum()) / denominator))
    covariance = np.cov(residuals, rowvar=False, bias=True).reshape(residuals.shape[1], -1)
    shrunk = (1 - intensity) * covariance
    shrunk[np.diag_indices_from(shrunk)] = np.diag(covariance)
    return np.asarray(shrunk, dtype=np.float64)


def mint(base: Array, summing: Array, weights: Array) -> Array:
    """Reconciled forecasts S (S' W^-1 S)^-1 S' W^-1 y for base forecasts `base` (nodes x horizon).

    Wickramasuriya, Athanasopoulos & Hyndman (2019), JASA 114(526). A tiny ridge keeps W
    invertible when a series' residuals are all zero.
    """
    ridge = 1e-9 * max(1.0, float(np.abs(np.diag(weights)).max()))
    w = weights + ridge * np.eye(weights.shape[0])
    w_inv_s = np.linalg.solve(w, summing)
    projection = np.linalg.solve(summing.T @ w_inv_s, w_inv_s.T)
    bottom = projection @ base
    return np.asarray(summing @ bottom, dtype=np.float64)


def weights_for(summing: Array, residuals: Array | None) -> tuple[Array, str]:
    """MinT-shrink weights from in-sample residuals, or WLS structural weights when there are too few."""
    if residuals is not None and residuals.shape[0] >= MIN_RESIDUALS:
        return shrunk_covariance(residuals), "mint_shrink"
    return np.diag(summing.sum(axis=1)), "wls_struct"


def nonnegative_bottom_up(reconciled: Array, summing: Array, bottom_rows: Sequence[int]) -> Array:
    """Negative bottom forecasts set to zero and every aggregate re-summed (stays coherent)."""
    bottom = np.maximum(reconciled[list(bottom_rows)], 0.0)
    return np.asarray(summing @ bottom, dtype=np.float64)


def reconcile_forecasts(
    forecasts: Sequence[SeriesForecast], hierarchy: Hierarchy
) -> tuple[list[SeriesForecast], list[tuple[str, str]]]:
    """The forecasts with every tree of the hierarchy made coherent, and a note per tree.

    Means are reconciled; each interval moves with its mean (same width), and bounds of counts
    are then kept >= 0. Series outside the hierarchy are returned unchanged.
    """
    by_id = {item.series.series_id: item for item in forecasts}
    check_covered(hierarchy, by_id)
    changed: dict[str, SeriesForecast] = {}
    notes: list[tuple[str, str]] = []
    for tree in hierarchy.trees():
        items = [by_id[node] for node in tree]
        _check_aligned(items)
        bottom, summing = summing_matrix(hierarchy, tree)
        base = np.vstack([item.prediction.mean for item in items])
        weights, method = weights_for(summing, _residuals(items))
        reconciled = mint(base, summing, weights)
        rows = [tree.index(node) for node in bottom]
        if all(by_id[node].series.nonnegative for node in bottom) and (reconciled[rows] < 0).any():
            reconciled = nonnegative_bottom_up(reconciled, summing, rows)
        for item, mean in zip(items, reconciled, strict=True):
            keep_positive = item.series.nonnegative and bool(np.all(mean >= 0))
            changed[item.series.series_id] = SeriesForecast(
                item.series, finish(item.prediction.shifted(mean), nonnegative=keep_positive)
            )
        notes.append((tree[0], f"reconciled with {method} over {len(tree)} series ({len(bottom)} at the bottom)"))
    return [changed.get(item.series.series_id, item) for item in forecasts], notes


def _check_aligned(items: Sequence[SeriesForecast]) -> None:
    first = items[0]
    for item in items[1:]:
        if item.periods() != first.periods():
            raise Invalid(
                f"series {item.series.series_id!r} and {first.series.series_id!r} are in one hierarchy but their "
                f"forecasts cover different periods ({item.periods()[0]} vs {first.periods()[0]}, "
                f"{item.series.grid.frequency.value} vs {first.series.grid.frequency.value})",
                field="hierarchy",
            )


def _residuals(items: Sequence[SeriesForecast]) -> Array | None:
    """In-sample one-step residuals over the periods every series of the tree has, aligned at the end."""
    columns = []
    for item in items:
        fitted = item.prediction.fitted
        if fitted is None:
            return None
        columns.append(item.series.values - fitted)
    common = min(column.size for column in columns)
    matrix = np.column_stack([column[column.size - common :] for column in columns])
    finite = np.isfinite(matrix).all(axis=1)
    if not finite.any():
        return None
    start = int(np.flatnonzero(~finite).max() + 1) if not finite.all() else 0
    return matrix[start:] if matrix.shape[0] - start >= 1 else None
