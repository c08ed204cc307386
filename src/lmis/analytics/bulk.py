"""Open-data bulk files: the main indicator tables as CSV and Parquet, with a README stating method and licence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from lmis.analytics.export import LICENCE, pay_rows, ranking_rows, series_rows, skills_rows, to_csv, to_parquet
from lmis.analytics.indicators import IndicatorService
from lmis.analytics.model import Dimension, Grain, IndicatorQuery, Measure
from lmis.analytics.skills_gap import skills_report
from lmis.shared.progress import Progress

MONTHLY = (Measure.POSTINGS_NEW, Measure.VACANCIES_NEW, Measure.VACANCIES_OPEN, Measure.SEEKERS_ACTIVE,
           Measure.TIGHTNESS, Measure.APPLICATIONS, Measure.PLACEMENTS)  # fmt: skip
RANKED = ((Dimension.OCCUPATION, 2), (Dimension.OCCUPATION, 4), (Dimension.REGION, 1), (Dimension.SECTOR, None))


def bulk_tables(service: IndicatorService, query: IndicatorQuery) -> dict[str, Callable[[], list[dict[str, Any]]]]:
    """The bulk tables by file stem, each computed when called."""

    def monthly(measure: Measure) -> list[dict[str, Any]]:
        return series_rows(service.series(measure, query, Grain.MONTH))

    def ranked(by: Dimension, level: int | None) -> list[dict[str, Any]]:
        return ranking_rows(service.ranking(Measure.VACANCIES_NEW, query, by, level, limit=10_000))

    tables: dict[str, Callable[[], list[dict[str, Any]]]] = {f"monthly_{m.value}": partial(monthly, m) for m in MONTHLY}
    for by, level in RANKED:
        tables[f"vacancies_by_{by.value}{level or ''}"] = partial(ranked, by, level)
    tables["skills"] = lambda: skills_rows(skills_report(service, query, limit=500))
    tables["pay_by_occupation2"] = lambda: pay_rows(service.pay(query, Dimension.OCCUPATION, 2))
    return tables


def write_bulk(
    service: IndicatorService, out_dir: Path, start: date | None, end: date | None, progress: Progress
) -> list[Path]:
    """Write every bulk table as CSV and Parquet into `out_dir`, and a README; the paths written."""
    query = service.query({}, start, end)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = bulk_tables(service, query)
    progress.begin("Writing open-data tables", len(tables))
    written: list[Path] = []
    for stem, compute in tables.items():
        rows = compute()
        (out_dir / f"{stem}.csv").write_text(to_csv(rows), "utf-8")
        written.append(out_dir / f"{stem}.csv")
        if rows:
            (out_dir / f"{stem}.parquet").write_bytes(to_parquet(rows))
            written.append(out_dir / f"{stem}.parquet")
        progress.advance()
    readme = out_dir / "README.md"
    readme.write_text(_readme(query, service.min_cell, list(tables)), "utf-8")
    return [*written, readme]


def _readme(query: IndicatorQuery, min_cell: int, stems: list[str]) -> str:
    files = "\n".join(f"- `{stem}.csv` / `{stem}.parquet`" for stem in stems)
    return (
        f"# LMIS open labour market indicators, {query.start} to {query.end}\n\n{LICENCE}\n\n"
        f"Disclosure control: cells counting fewer than {min_cell} people are suppressed (`suppressed` true, "
        "value empty), and so is the smallest other cell of a line whose total would reveal them.\n\n"
        f"Method and definitions: docs/analytics.md of LMIS.\n\n{files}\n"
    )
