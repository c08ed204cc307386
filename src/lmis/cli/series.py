"""`lmis series`: import official statistics (OEWS, Indeed, LMIA, FRED, users' files), list, show, export."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lmis.cli.context import RichProgress, services

if TYPE_CHECKING:
    from lmis.analytics.series import SeriesImportReport
    from lmis.analytics.series_model import SeriesReading
    from lmis.analytics.series_ports import SeriesFilter, SeriesSummary
    from lmis.shared.progress import Progress

KINDS = ("bls-oews", "indeed", "canada-lmia", "fred", "csv")
DEFAULT_SOURCES = {"bls-oews": "bls_oews", "indeed": "indeed", "canada-lmia": "canada_lmia", "fred": "fred"}


@click.group()
def series() -> None:
    """Official statistics beside the platform's own: external series and their observations."""


@series.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--source", help="Source name (default: bls_oews, indeed, canada_lmia, fred; required for csv).")
@click.option("--measure", help="csv: what the values measure (lower-case, e.g. job_vacancies).")
@click.option("--unit", default="", help="csv: the unit of the values.")
@click.option("--frequency", type=click.Choice(["year", "quarter", "month", "week", "day"]), help="csv: else guessed.")
@click.option("--licence", help="csv (required) and fred (for series LMIS does not know): the data's licence.")
@click.option("--publisher", default="", help="csv: who publishes the data (default: the source).")
@click.option("--attribution", default="", help="csv: the line to print with the data.")
@click.option("--catalog", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="fred: catalog file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
def import_command(
    kind: str,
    path: Path,
    source: str | None,
    measure: str | None,
    unit: str,
    frequency: str | None,
    licence: str | None,
    publisher: str,
    attribution: str,
    catalog: Path | None,
    as_json: bool,
) -> None:
    """Import PATH as KIND (gzip read as such; indeed: the folder or one file; formats in docs/official-series.md).

    Idempotent: a re-import updates changed values and adds new periods. Rows that cannot be used
    are quarantined with every reason (`lmis series quarantine`), never dropped.
    """
    from lmis.analytics.series import import_series

    built = services(migrated=False)
    built.upgrade_database()
    started = time.perf_counter()
    with RichProgress(enabled=not as_json) as progress:
        reading = read_file(
            kind, path, source, progress, measure, unit, frequency, licence, publisher, attribution, catalog
        )
        report = import_series(reading, uow=built.uow, now=built.now, progress=progress)
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        click.echo(json.dumps(report.as_dict() | {"seconds": seconds}, ensure_ascii=False))
        return
    _summarise(report, seconds)


def read_file(
    kind: str,
    path: Path,
    source: str | None,
    progress: Progress,
    measure: str | None = None,
    unit: str = "",
    frequency: str | None = None,
    licence: str | None = None,
    publisher: str = "",
    attribution: str = "",
    catalog: Path | None = None,
) -> SeriesReading:
    """Read PATH with the importer of KIND."""
    name = source or DEFAULT_SOURCES.get(kind)
    if kind == "csv":
        return _read_csv(path, name, progress, measure, unit, frequency, licence, publisher, attribution)
    if name is None:
        raise click.UsageError(f"give --source for {kind}")
    if kind == "bls-oews":
        from lmis.sources.bls_oews import read_oews

        return read_oews(path, progress=progress, source=name)
    if kind == "indeed":
        from lmis.sources.indeed_index import read_indeed

        return read_indeed(path, progress=progress, source=name)
    if kind == "canada-lmia":
        from lmis.sources.canada_lmia import read_lmia

        return read_lmia(path, progress=progress, source=name)
    from lmis.sources.fred_series import read_fred

    return read_fred(path, progress=progress, source=name, licence=licence, catalog=catalog)


def _read_csv(
    path: Path,
    source: str | None,
    progress: Progress,
    measure: str | None,
    unit: str,
    frequency: str | None,
    licence: str | None,
    publisher: str,
    attribution: str,
) -> SeriesReading:
    from lmis.sources.series_csv import Description, read_series_csv

    missing = [
        name for name, value in (("--source", source), ("--measure", measure), ("--licence", licence)) if not value
    ]
    if missing:
        raise click.UsageError(f"a csv import needs {', '.join(missing)}")
    description = Description(str(source), str(measure), unit, str(licence), publisher, attribution, frequency)
    return read_series_csv(path, progress=progress, description=description)


def _summarise(report: SeriesImportReport, seconds: float) -> None:
    click.echo(
        f"{report.source}: {report.rows_read} rows read in {seconds} s; series {report.series_new} new, "
        f"{report.series_updated} updated, {report.series_unchanged} unchanged; observations "
        f"{report.observations_written} written ({report.observations_new} new, {report.observations_changed} "
        f"changed), {report.observations_unchanged} unchanged; {report.quarantined} rows quarantined"
    )
    for note in report.notes:
        click.echo(f"  note: {note}")
    for reason, count in report.reasons.most_common():
        click.echo(f"{count:>7}  {reason}")
    if report.quarantined:
        click.echo(f"see each row with `lmis series quarantine --source {report.source}`")


def _filter(
    measure: str | None,
    source: str | None,
    country: str | None,
    search: str | None,
    dimension: tuple[str, ...],
    ids: tuple[str, ...] = (),
    frequency: str | None = None,
) -> SeriesFilter:
    from lmis.analytics.series_ports import SeriesFilter

    pairs = []
    for item in dimension:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r}: write KEY=VALUE", param_hint="--dimension")
        pairs.append((key.strip(), value.strip()))
    wanted = tuple(part.strip() for item in ids for part in item.split(",") if part.strip())
    return SeriesFilter(measure, source, country, search, frequency, tuple(pairs), wanted)


_FILTERS = [
    click.option("--measure", help="Only this measure (employment, wage_median, postings_index, job_openings...)."),
    click.option("--source", help="Only this source (bls_oews, indeed, canada_lmia, fred, ...)."),
    click.option("--country", help="Only series of this country (ISO 3166-1 alpha-2)."),
    click.option("--search", help="Words in the series name or code."),
    click.option("--dimension", multiple=True, help="KEY=VALUE a series' dimension must have (repeatable)."),
]


def _with_filters(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_FILTERS):
        command = option(command)
    return command


@series.command("list")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of the series.")
@_with_filters
def list_command(
    measure: str | None,
    source: str | None,
    country: str | None,
    search: str | None,
    dimension: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Stored series matching the filters, by source and code, with their observation span."""
    from lmis.analytics.series import list_series

    built = services()
    where = _filter(measure, source, country, search, dimension)
    items: list[SeriesSummary] = []
    total, cursor = 0, None
    while len(items) < limit:
        page = list_series(where, cursor=cursor, limit=min(100, limit - len(items)), uow=built.uow())
        items.extend(page.items)
        total, cursor = page.total, page.next_cursor
        if cursor is None:
            break
    if as_json:
        click.echo(json.dumps([_summary_json(s) for s in items], ensure_ascii=False))
        return
    for summary in items:
        info = summary.series.info
        span = f"{summary.first}..{summary.last}" if summary.first else "no observations"
        click.echo(
            f"{summary.series.id}  {info.source}  {info.measure:<24} {info.frequency.value:<7} {span}  {info.name}"
        )
    click.echo(f"{total} series" + (f" (first {len(items)} shown)" if total > len(items) else ""))


def _summary_json(summary: SeriesSummary) -> dict[str, object]:
    info = summary.series.info
    return {
        "id": summary.series.id,
        "source": info.source,
        "code": info.code,
        "name": info.name,
        "measure": info.measure,
        "unit": info.unit,
        "frequency": info.frequency.value,
        "dimensions": dict(info.dimensions),
        "observations": summary.observations,
        "first": summary.first.isoformat() if summary.first else None,
        "last": summary.last.isoformat() if summary.last else None,
    }


@series.command()
@click.argument("series_id")
@click.option("--from", "start", help="First period (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "end", help="Last period, inclusive of all of it.")
def show(series_id: str, start: str | None, end: str | None) -> None:
    """A series' description, licence, notes and observations."""
    from lmis.analytics.series import get_series

    view = get_series(series_id, start=start, end=end, uow=services().uow())
    info = view.series.info
    click.echo(f"{view.series.id}  {info.name}")
    for label, value in (
        ("source / code", f"{info.source} / {info.code}"),
        ("measure", f"{info.measure} ({info.unit}), {info.frequency.value}"),
        ("dimensions", ", ".join(f"{k}={v}" for k, v in info.dimensions.items())),
        ("publisher", info.publisher),
        ("licence", info.licence),
        ("attribution", info.attribution),
        ("notes", info.notes),
        ("read from", info.location),
    ):
        click.echo(f"  {label:<13} {value}")
    for observation in view.observations:
        value = "" if observation.value is None else f"{observation.value:,.6g}"
        click.echo(f"  {observation.period.isoformat()}  {value:>14}  {observation.flag.value}")
    click.echo(f"{len(view.observations)} observation(s)")


@series.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="CSV file to write.")
@click.option("--ids", multiple=True, help="Series ids (repeatable or comma-separated).")
@click.option("--frequency", type=click.Choice(["year", "quarter", "month", "week", "day"]), help="Aggregate to.")
@click.option("--aggregate", type=click.Choice(["mean", "sum"]), default="mean", show_default=True)
@click.option("--key", type=click.Choice(["id", "code"]), default="id", show_default=True, help="series_id column.")
@click.option("--from", "start", help="First period.")
@click.option("--to", "end", help="Last period.")
@click.option("--min-observations", type=click.IntRange(1), default=1, show_default=True)
@_with_filters
def export(
    out: Path,
    ids: tuple[str, ...],
    frequency: str | None,
    aggregate: str,
    key: str,
    start: str | None,
    end: str | None,
    min_observations: int,
    measure: str | None,
    source: str | None,
    country: str | None,
    search: str | None,
    dimension: tuple[str, ...],
) -> None:
    """Write the selected series as forecast input: `series_id,period,value` (see `lmis forecast --input`)."""
    from lmis.analytics.series_export import HEADER, export_series

    where = _filter(measure, source, country, search, dimension, ids)
    result = export_series(
        where,
        uow=services().uow(),
        frequency=frequency,
        aggregate=aggregate,
        key=key,
        start=start,
        end=end,
        min_observations=min_observations,
    )
    with out.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows((name, period, repr(value)) for name, period, value in result.rows)
    written = len({row[0] for row in result.rows})
    click.echo(
        f"wrote {len(result.rows)} rows of {written} series ({result.frequency.value}) to {out}; left out "
        f"{result.missing} values not published, {result.incomplete} incomplete periods, {result.short} short series"
    )


@series.command()
@click.option("--source", help="Only this source.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
def quarantine(source: str | None, limit: int) -> None:
    """Rows of series files that were rejected, newest first, with every problem and the row as read."""
    from lmis.analytics.series import quarantined_series

    for entry in quarantined_series(source=source, limit=limit, uow=services().uow()):
        click.echo(f"{entry.source} {entry.position}:")
        for problem in entry.problems:
            hint = problem.get("suggestions")
            also = f" (did you mean: {', '.join(str(h) for h in hint)}?)" if isinstance(hint, list) and hint else ""
            click.echo(f"  {problem['field']}: {problem['value']!r} {problem['reason']}{also}")
        click.echo(f"  row: {entry.payload[:300]}")


@series.command()
@click.argument("indicator")
@click.option("--country", help="ISO 3166-1 alpha-2.")
@click.option("--occupation", help="ISCO-08 code, ISCO/ESCO concept id, or SOC:NN-NNNN.")
@click.option("--region", help="ISO 3166-2 code or name.")
@click.option("--sector", help="Indeed sector.")
def compare(
    indicator: str, country: str | None, occupation: str | None, region: str | None, sector: str | None
) -> None:
    """The external series the dashboards draw beside platform INDICATOR (postings_new, advertised_pay, ...)."""
    from lmis.analytics.series_compare import comparable_series

    found = comparable_series(
        indicator, uow=services().uow(), country=country, occupation=occupation, region=region, sector=sector
    )
    for item in found:
        click.echo(f"{item.series.id}  {item.series.info.name}  [{item.why}, confidence {item.confidence}]")
        click.echo(f"    {item.attribution}")
    click.echo(f"{len(found)} comparable series")
