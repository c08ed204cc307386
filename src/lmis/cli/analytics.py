"""`lmis analytics`: refresh the Parquet snapshot and read indicators from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lmis.cli.context import RichProgress, services

if TYPE_CHECKING:
    from lmis.analytics.model import IndicatorQuery

DIMENSIONS = ["occupation", "region", "sector", "employer_size", "source"]
FILTER_HELP = "DIMENSION=VALUE (id or name; repeat for several values or dimensions), e.g. region=Seoul."


@click.group()
def analytics() -> None:
    """Labour market indicators: refresh the snapshot, show indicators, export open data."""


@analytics.command()
@click.option("--full", is_flag=True, help="Rewrite the whole snapshot instead of only what changed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
def refresh(full: bool, as_json: bool) -> None:
    """Bring the Parquet snapshot up to date with the database (only the postings changed since the last refresh)."""
    built = services()
    with RichProgress(enabled=not as_json) as progress:
        report = built.refresh_analytics(progress, full=full)
    if as_json:
        click.echo(json.dumps(asdict(report)))
        return
    click.echo(
        f"{report.changed} postings changed, {report.months_rewritten} month files rewritten in "
        f"{report.seconds:.1f} s; the snapshot holds {report.postings} postings, {report.seekers} jobseekers, "
        f"{report.events} events ({built.settings.analytics_dir()})"
    )


def _filters(values: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for value in values:
        name, sep, member = value.partition("=")
        if not sep or not member.strip():
            raise click.BadParameter(f"{value!r}: write DIMENSION=VALUE, DIMENSION one of {', '.join(DIMENSIONS)}")
        found.setdefault(name.strip(), []).append(member.strip())
    return found


def _query(filters: tuple[str, ...], start: datetime | None, end: datetime | None) -> IndicatorQuery:
    built = services()
    return built.indicators.query(_filters(filters), _day(start), _day(end))


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _print(rows: list[dict[str, Any]], output: str) -> None:
    from lmis.analytics.export import to_csv

    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
    elif output == "csv":
        click.echo(to_csv(rows), nl=False)
    else:
        _table(rows)


def _table(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for name in rows[0] if rows else ["(nothing)"]:
        table.add_column(name)
    for row in rows:
        table.add_row(*("suppressed" if row.get("suppressed") and k == "value" else _text(v) for k, v in row.items()))
    Console().print(table)


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


_period = click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: a year ago).")
_until = click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: the latest data).")
_where = click.option("--filter", "filters", multiple=True, help=FILTER_HELP)
_output = click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table")


@analytics.command()
@click.argument("measure")
@click.option("--by", type=click.Choice(DIMENSIONS), help="Rank by this dimension instead of a time series.")
@click.option("--level", type=int, help="ISCO digits (0: ESCO occupations) or region level (0: country).")
@click.option("--grain", type=click.Choice(["day", "week", "month", "quarter", "year"]), default="month")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@_where
@_period
@_until
@_output
def show(measure: str, by: str | None, level: int | None, grain: str, limit: int, filters: tuple[str, ...],
         start: datetime | None, end: datetime | None, output: str) -> None:  # fmt: skip
    """Show MEASURE as a time series, or ranked --by a dimension (measures: `lmis analytics measures`)."""
    from lmis.analytics.export import ranking_rows, series_rows
    from lmis.analytics.indicators import parse_enum
    from lmis.analytics.model import Dimension, Grain, Measure

    indicators = services().indicators
    chosen = parse_enum(Measure, measure, "measure")
    query = _query(filters, start, end)
    if by:
        ranking = indicators.ranking(chosen, query, Dimension(by), level, limit)
        _print(ranking_rows(ranking), output)
    else:
        _print(series_rows(indicators.series(chosen, query, Grain(grain))), output)


@analytics.command()
def measures() -> None:
    """List the measures with their units; personal ones go through disclosure control."""
    from lmis.analytics.model import PERSONAL_MEASURES, UNITS

    for measure, unit in UNITS.items():
        note = "  (personal: small cells suppressed)" if measure in PERSONAL_MEASURES else ""
        click.echo(f"{measure.value:<22} {unit}{note}")


@analytics.command()
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@_where
@_period
@_until
@_output
def skills(limit: int, filters: tuple[str, ...], start: datetime | None, end: datetime | None, output: str) -> None:
    """Skills demand, supply, gap index and emerging skills (with the digital and green shares)."""
    from lmis.analytics.export import skills_rows
    from lmis.analytics.skills_gap import skills_report

    report = skills_report(services().indicators, _query(filters, start, end), limit)
    if output == "table":
        click.echo(f"{report.vacancies} vacancies; digital skills in {report.digital_share:.1%}, green in "
                   f"{report.green_share:.1%}")  # fmt: skip
    _print(skills_rows(report), output)


@analytics.command()
@click.option("--by", type=click.Choice(DIMENSIONS), default="occupation", show_default=True)
@click.option("--level", type=int, help="ISCO digits (0: ESCO occupations) or region level (0: country).")
@_where
@_period
@_until
@_output
def pay(by: str, level: int | None, filters: tuple[str, ...], start: datetime | None, end: datetime | None,
        output: str) -> None:  # fmt: skip
    """Advertised annual pay (midpoint of the advertised range) quantiles by a dimension."""
    from lmis.analytics.export import pay_rows
    from lmis.analytics.model import Dimension

    distribution = services().indicators.pay(_query(filters, start, end), Dimension(by), level)
    _print(pay_rows(distribution), output)


@analytics.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@_period
@_until
def export(out_dir: Path, start: datetime | None, end: datetime | None) -> None:
    """Write the open-data bulk files (CSV and Parquet, with a README stating the licence) into OUT."""
    from lmis.analytics.bulk import write_bulk

    built = services()
    with RichProgress() as progress:
        written = write_bulk(built.indicators, out_dir, _day(start), _day(end), progress)
    for path in written:
        click.echo(str(path))
