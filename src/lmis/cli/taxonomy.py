"""`lmis taxonomy`: import classification releases and crosswalks, list what is stored."""

from __future__ import annotations

from pathlib import Path

import click

from lmis.cli.context import RichProgress, services

_KINDS = ("esco", "isco", "onet", "soc", "crosswalk", "national")


@click.group()
def taxonomy() -> None:
    """Occupation and skill classifications, their releases and crosswalks."""


@taxonomy.command("import")
@click.argument("kind", type=click.Choice(_KINDS))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--version", "version", help="Release version (ESCO: read from a VERSION file when absent).")
@click.option("--scheme", help="national: the scheme's code, e.g. keco.")
@click.option("--title", help="national: the scheme's title.")
@click.option("--publisher", default="", help="national: who publishes the scheme.")
@click.option("--licence", default="", help="national: the licence of the data.")
@click.option("--name", help="crosswalk: release name of a generic crosswalk file.")
def import_(
    kind: str,
    path: Path,
    version: str | None,
    scheme: str | None,
    title: str | None,
    publisher: str,
    licence: str,
    name: str | None,
) -> None:
    """Import a release from PATH (a folder of tables, or a file for soc, crosswalk and national).

    Re-importing the same files changes nothing; a malformed file stops the import with the
    file, line and column, and nothing of it is stored.
    """
    from lmis.taxonomy.formats.national import NationalScheme
    from lmis.taxonomy.importing import ReleaseKind, import_path

    national = None
    if kind == "national":
        if not (scheme and title and version):
            raise click.UsageError("national needs --scheme, --title and --version")
        national = NationalScheme(scheme.lower(), title, version, publisher, licence)
    built = services(migrated=False)
    built.upgrade_database()
    with RichProgress() as progress:
        outcomes = import_path(
            ReleaseKind(kind),
            path,
            uow=built.uow(),
            now=built.now,
            progress=progress,
            version=version,
            national=national,
            name=name,
        )
    for outcome in outcomes:
        counts = ", ".join(f"{n} {part}" for part, n in outcome.counts.items() if n)
        state = f"imported ({counts})" if outcome.changed else "unchanged"
        click.echo(f"{outcome.release_id}: {state}")
        for warning in outcome.warnings:
            click.secho(f"  warning: {warning}", fg="yellow")


@taxonomy.command()
def releases() -> None:
    """List the stored releases."""
    from lmis.taxonomy.services import list_releases

    built = services()
    for info in list_releases(uow=built.uow()):
        flag = "current" if info.current else "       "
        sizes = f"{info.concept_count:>7} concepts {info.mapping_count:>6} mappings"
        click.echo(f"{flag}  {info.release.id:<40} {sizes}  {info.release.title}")
