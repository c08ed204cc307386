"""The `lmis` command. Imports stay inside commands so that `lmis --help` is instant."""

from __future__ import annotations

import sys

import click

from lmis.cli.analytics import analytics
from lmis.cli.db import db
from lmis.cli.demo import demo
from lmis.cli.enrich import enrich
from lmis.cli.evaluate import evaluate
from lmis.cli.forecast import forecast
from lmis.cli.identity import identity
from lmis.cli.ingest import ingest
from lmis.cli.programmes import programmes
from lmis.cli.recommend import recommend
from lmis.cli.search import search
from lmis.cli.series import series
from lmis.cli.server import init, serve
from lmis.cli.taxonomy import taxonomy
from lmis.cli.training import training


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lmis")
def cli() -> None:
    """LMIS, the labour market information system.

    Settings come from LMIS_* environment variables: LMIS_DATA_DIR (embedded database and
    indexes) and LMIS_DATABASE_URL (PostgreSQL in production; unset means SQLite).
    """


cli.add_command(init)
cli.add_command(serve)
cli.add_command(db)
cli.add_command(taxonomy)
cli.add_command(ingest)
cli.add_command(demo)
cli.add_command(enrich)
cli.add_command(evaluate)
cli.add_command(search)
cli.add_command(identity)
cli.add_command(training)
cli.add_command(series)
cli.add_command(recommend)
cli.add_command(programmes)
cli.add_command(analytics)
cli.add_command(forecast)


def main() -> None:
    """Run the command line; service errors print as one line and exit with status 1."""
    from lmis.shared.errors import LmisError

    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except LmisError as error:
        click.secho(f"Error: {error.detail}", fg="red", err=True)
        suggestions = getattr(error, "suggestions", [])
        if suggestions:
            click.echo(f"Did you mean: {', '.join(suggestions)}?", err=True)
        sys.exit(1)
