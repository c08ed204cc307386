"""`lmis init` and `lmis serve`: prepare the embedded install and run the portal and API."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lmis.cli.context import RichProgress, refresh_search, services

if TYPE_CHECKING:
    from lmis.bootstrap import Services


@click.command()
@click.option("--demo-postings", default=2_000, show_default=True, type=click.IntRange(0), help="0: no demo data.")
@click.option("--demo-country", default="kr", show_default=True, type=click.Choice(["kr", "id", "generic"]))
def init(demo_postings: int, demo_country: str) -> None:
    """Create the data folder and database, migrate it, import the shipped taxonomy, prepare the
    enrichment models, load a demo, and bring the search index and the analytics snapshot up to date.

    Safe to run again: releases already imported from the same files are skipped, and the demo
    (synthetic partner feeds, through the real ingestion pipeline) is loaded only into a
    database that has no postings yet.
    """
    from lmis.taxonomy.importing import import_shipped

    built = services(migrated=False)
    built.upgrade_database()
    with RichProgress() as progress:
        outcomes = import_shipped(built.taxonomy_dir, uow=built.uow(), now=built.now, progress=progress)
    for outcome in outcomes:
        click.echo(f"{outcome.release_id}: {'imported' if outcome.changed else 'unchanged'}")
        for warning in outcome.warnings:
            click.secho(f"  warning: {warning}", fg="yellow")
    with RichProgress() as progress:
        built.enricher.prepare(progress)  # the first time, embeds the ESCO labels (cached afterwards)
        built.build_occupation_space(progress)  # career paths: ESCO and O*NET similarity (cached afterwards)
    if demo_postings and not _has_postings(built):
        _load_demo(built, demo_postings, demo_country)
    refresh_search(built)
    with RichProgress() as progress:
        snapshot = built.refresh_analytics(progress)
    click.echo(f"analytics: {snapshot.postings} postings and {snapshot.seekers} jobseekers in the snapshot")
    click.echo(f"Ready: {built.settings.resolved_database_url()}")


def _has_postings(built: Services) -> bool:
    with built.uow() as uow:
        return uow.jobs.head() > 0


def _load_demo(built: Services, postings: int, country: str) -> None:
    """Generate a modest synthetic market into DATA_DIR/demo and ingest its feeds."""
    from lmis.cli.demo import load_feeds
    from lmis.demo.model import DemoRequest
    from lmis.demo.services import generate_demo, shipped_data_dir

    folder = built.settings.data_dir / "demo"
    # Dated up to today, so the demo's vacancies are open when someone looks at them.
    request = DemoRequest(postings, max(postings // 10, 1), 1, country, built.now().date(), 90)
    with RichProgress() as progress:
        generate_demo(request, uow=built.uow(), data_dir=shipped_data_dir(), out_dir=folder, progress=progress)
        for source, counts in load_feeds(built, folder, progress):
            shown = ("new", "quarantined") if "quarantined" in counts else tuple(counts)  # seekers: their own counts
            click.echo(f"demo {source}: " + ", ".join(f"{counts[name]} {name}" for name in shown))


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: LMIS_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: LMIS_PORT or 8000).")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server processes (one per core)."
)
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the portal and the API (http://HOST:PORT/, API docs at /api/v1/docs)."""
    import uvicorn

    from lmis.web.app import create_app

    built = services()
    settings = built.settings
    host, port = host or settings.host, port or settings.port
    if workers == 1:
        built.search.warm()  # the first search should not wait for the names and the model to load
        uvicorn.run(create_app(built), host=host, port=port, log_level="info")
    else:  # each process builds its own services from the same settings
        uvicorn.run("lmis.web.app:app_from_settings", factory=True, workers=workers, host=host, port=port)
