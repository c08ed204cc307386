"""`lmis ingest`: run partner feeds through the pipeline, see runs, replay, and work the quarantine."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click

from lmis.cli.context import RichProgress, refresh_search, services

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lmis.bootstrap import Services
    from lmis.ingest.model import IngestRun
    from lmis.ingest.ports import FeedFormat


@click.group()
def ingest() -> None:
    """Partner feeds: ingest, status, replay, quarantine."""


@ingest.command("run")
@click.argument("location")
@click.option("--source", required=True, help="The partner's source name, e.g. nhs-jobs.")
@click.option("--format", "format_name", help="ndjson, json, jsonld, csv, tsv or rss (guessed when omitted).")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="CSV/TSV column mapping.")
@click.option("--licence", default="", help="Licence of the partner's data, kept as provenance.")
@click.option("--full-snapshot", is_flag=True, help="The feed holds every live posting: remove those it lacks.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the run's counts.")
def run_command(
    location: str,
    source: str,
    format_name: str | None,
    mapping: Path | None,
    licence: str,
    full_snapshot: bool,
    as_json: bool,
) -> None:
    """Ingest LOCATION (a file, optionally .gz, or an http(s) URL) from partner SOURCE."""
    from lmis.ingest.pipeline import RunOptions
    from lmis.ingest.services import ingest_stream
    from lmis.sources.registry import create, guess_format

    built = services(migrated=False)
    built.upgrade_database()
    data, label, head = _open(location, source, built)
    with data:
        fmt = create(format_name or guess_format(label, head), mapping)
        options = RunOptions(source, label, licence=licence, full_snapshot=full_snapshot, enrich=built.enrich)
        with RichProgress(enabled=not as_json) as progress:
            run = ingest_stream(data, fmt, options, uow=built.uow(), now=built.now, progress=progress)
    _report(run, as_json, built)


def _open(location: str, source: str, built: Services) -> tuple[BinaryIO, str, bytes]:
    """The bytes of a file or URL, its name and its first bytes (to guess the format).

    A URL is pulled with the partner's validators (ETag, Last-Modified) and rate limit.
    """
    if location.lower().startswith(("http://", "https://")):
        body = _pull(location, source, built)
        return io.BytesIO(body), location, body[:512]
    path = Path(location)
    if not path.is_file():
        raise click.BadParameter(f"{location} is neither a file nor an http(s) URL", param_hint="LOCATION")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as probe:
        head = probe.read(512)
    return opener(path, "rb"), str(path), head  # type: ignore[return-value]


def _pull(url: str, source: str, built: Services) -> bytes:
    import httpx

    from lmis.sources.http import fetch

    with built.uow() as uow:
        etag, modified, fetched_at = uow.ingest.fetch_state(source)
    with httpx.Client() as client:
        result = fetch(url, etag=etag, last_modified=modified, last_fetched_at=fetched_at, now=built.now, client=client)
    with built.uow() as uow:
        uow.ingest.save_fetch_state(source, result.etag, result.last_modified, built.now())
        uow.commit()
    if result.body is None:
        click.echo(f"{url}: not modified since the last pull", err=True)
    return result.body or b""


def _report(run: IngestRun, as_json: bool, built: Services | None = None) -> None:
    if built is not None:
        refresh_search(built)
    counts = run.counts.as_dict()
    if as_json:
        click.echo(json.dumps({"run_id": run.id, "source": run.source, "status": run.status.value, **counts}))
        return
    summary = ", ".join(f"{value} {name}" for name, value in counts.items())
    click.echo(f"run {run.id} ({run.source}, {run.format}): {summary} in {run.seconds or 0:.1f} s")
    if run.counts.quarantined:
        click.echo(f"see the reasons with `lmis ingest quarantine --source {run.source}`")


def _rebuild(name: str, options: Mapping[str, object]) -> FeedFormat:
    from lmis.sources.registry import create

    return create(name, options=options)


@ingest.command()
@click.option("--limit", default=20, show_default=True, help="How many runs.")
def status(limit: int) -> None:
    """The latest runs with their counts."""
    from lmis.ingest.services import list_runs

    for run in list_runs(limit=limit, uow=services().uow()):
        counts = " ".join(f"{k}={v}" for k, v in run.counts.as_dict().items())
        when = run.started_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{run.id}  {when}  {run.status.value:<8} {run.source:<16} {run.format:<7} {counts}")


@ingest.command()
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
def replay(run_id: str, as_json: bool) -> None:
    """Run the raw records of RUN_ID through today's parsers again (after a fix)."""
    from lmis.ingest.services import replay_run

    built = services()
    with RichProgress(enabled=not as_json) as progress:
        run = replay_run(run_id, _rebuild, uow=built.uow(), now=built.now, progress=progress)
    _report(run, as_json, built)


@ingest.command()
@click.option("--source", help="Only this source.")
@click.option("--all", "include_resolved", is_flag=True, help="Include entries already resolved.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100))
@click.option("--replay", "replay_all", is_flag=True, help="Try every open entry again and report what was accepted.")
def quarantine(source: str | None, include_resolved: bool, limit: int, replay_all: bool) -> None:
    """Records held back, with the field, value and rule that stopped each."""
    from lmis.ingest.services import list_quarantine, replay_quarantine

    built = services()
    if replay_all:
        with RichProgress() as progress:
            runs = replay_quarantine(_rebuild, source=source, uow=built.uow(), now=built.now, progress=progress)
        for run in runs:
            _report(run, as_json=False, built=built)
        return
    page = list_quarantine(source=source, include_resolved=include_resolved, cursor=None, limit=limit, uow=built.uow())
    for entry in page.items:
        state = f"resolved by {entry.resolved_by}" if entry.resolved_by else "open"
        click.echo(f"{entry.id}  {entry.source}  run {entry.run_id}  {entry.position}  [{state}]  {entry.reason}")
    click.echo(
        f"{page.total} entr{'y' if page.total == 1 else 'ies'}" + (f", first {limit} shown" if page.next_cursor else "")
    )
