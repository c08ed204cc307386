"""`lmis db`: schema migrations."""

from __future__ import annotations

import click

from lmis.cli.context import services


@click.group()
def db() -> None:
    """Database schema: upgrade it, or see which revision it is at."""


@db.command()
def upgrade() -> None:
    """Apply every pending migration."""
    built = services(migrated=False)
    built.upgrade_database()
    current, _head = built.database_revision()
    click.echo(f"Database at revision {current} ({built.settings.resolved_database_url().split('@')[-1]}).")


@db.command()
def current() -> None:
    """Show the database's revision and the newest one."""
    current, head = services(migrated=False).database_revision()
    state = "up to date" if current == head else "run `lmis db upgrade`"
    click.echo(f"current: {current or 'empty database'}\nnewest:  {head}\n{state}")
