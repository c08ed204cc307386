"""Indicator results as flat rows, and those rows as CSV or Parquet, for the API, the CLI and bulk downloads.

Every row of a personal measure carries `suppressed` (and `value` empty when it is), so a
spreadsheet shows which cells disclosure control withheld instead of a silent gap.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import polars as pl

from lmis.analytics.model import Cell, PayDistribution, Ranking, SkillsReport, TimeSeries

LICENCE = (
    "Indicators computed by LMIS from the job postings and registrations this install holds. "
    "Cells built from fewer than the disclosure threshold of people are suppressed."
)


def _cell(cell: Cell) -> dict[str, Any]:
    return {"value": cell.value, "suppressed": cell.suppressed}


def series_rows(series: TimeSeries) -> list[dict[str, Any]]:
    """One row per period: period, measure, unit, value, suppressed."""
    return [
        {"period": point.period.isoformat(), "measure": series.measure.value, "unit": series.unit, **_cell(point.cell)}
        for point in series.points
    ]


def ranking_rows(ranking: Ranking) -> list[dict[str, Any]]:
    """One row per member, then the total: key, label, measure, unit, value, suppressed."""
    rows = [
        {"key": row.key, "label": row.label, "measure": ranking.measure.value, "unit": ranking.unit, **_cell(row.cell)}
        for row in ranking.rows
    ]
    rows.append({"key": "", "label": "total", "measure": ranking.measure.value, "unit": ranking.unit,
                 **_cell(ranking.total)})  # fmt: skip
    return rows


def pay_rows(pay: PayDistribution) -> list[dict[str, Any]]:
    """One row per member and currency with the advertised pay quantiles."""
    return [
        {"key": r.key, "label": r.label, "currency": r.currency, "postings": r.postings, "p10": r.p10, "p25": r.p25,
         "p50": r.p50, "p75": r.p75, "p90": r.p90}
        for r in pay.rows
    ]  # fmt: skip


def skills_rows(report: SkillsReport) -> list[dict[str, Any]]:
    """One row per skill: demand, essential, supply (or suppressed), gap, growth, p-value, flags."""
    return [
        {"skill_id": r.skill_id, "label": r.label, "demand": r.demand, "essential": r.essential,
         "supply": r.supply.value, "supply_suppressed": r.supply.suppressed, "gap": r.gap, "growth": r.growth,
         "p_value": r.p_value, "emerging": r.emerging, "digital": r.digital, "green": r.green}
        for r in report.rows
    ]  # fmt: skip


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """`rows` as CSV text with a header (empty cells for None)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_parquet(rows: Sequence[dict[str, Any]]) -> bytes:
    """`rows` as a Parquet file (zstd), types inferred from the values."""
    out = io.BytesIO()
    pl.DataFrame(list(rows), infer_schema_length=None).write_parquet(out, compression="zstd")
    return out.getvalue()
