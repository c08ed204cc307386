"""`lmis init` and `lmis serve`: prepare the embedded install and run the portal and API."""

from __future__ import annotations

import click

from lmis.cli.context import RichProgress, services


@click.command()
def init() -> None:
    """Create the data folder and database, migrate it and import the shipped taxonomy.

    Safe to run again: releases already imported from the same files are skipped.
    """
    from lmis.taxonomy.importing import import_shipped

    built = services()
    built.upgrade_database()
    with RichProgress() as progress:
        outcomes = import_shipped(built.taxonomy_dir, uow=built.uow(), now=built.now, progress=progress)
    for outcome in outcomes:
        click.echo(f"{outcome.release_id}: {'imported' if outcome.changed else 'unchanged'}")
        for warning in outcome.warnings:
            click.secho(f"  warning: {warning}", fg="yellow")
    click.echo(f"Ready: {built.settings.resolved_database_url()}")


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: LMIS_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: LMIS_PORT or 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the portal and the API (http://HOST:PORT/, API docs at /api/v1/docs)."""
    import uvicorn

    from lmis.web.app import create_app

    built = services()
    if not built.schema_is_current():
        raise click.ClickException("the database schema is not current: run `lmis init` (or `lmis db upgrade`)")
    settings = built.settings
    uvicorn.run(create_app(built), host=host or settings.host, port=port or settings.port, log_level="info")
