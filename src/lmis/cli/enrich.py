"""`lmis enrich`: teach the occupation coder from coded titles, and run stored postings through enrichment again."""

from __future__ import annotations

from pathlib import Path

import click

from lmis.cli.context import RichProgress, refresh_search, services
from lmis.cli.gold_titles import gold_titles, read_title_rows


@click.group()
def enrich() -> None:
    """Enrichment: coded examples and re-enriching stored postings."""


@enrich.command("examples")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--origin", help="Where the examples come from (default: the file name).")
def examples(path: Path, origin: str | None) -> None:
    """Store the coded titles of PATH (CSV: title|text and esco_uri|conceptUri) as examples the coder learns from.

    Rows whose ESCO URI is not a stored occupation are skipped and counted. Run
    `lmis enrich reenrich` afterwards to recode stored postings.
    """
    from lmis.enrich.services import import_examples

    built = services()
    titles = gold_titles(read_title_rows(path), built)
    coded = [example for example in (title.example() for title in titles) if example is not None]
    added = import_examples(coded, origin=origin or path.name, uow=built.uow(), now=built.now)
    click.echo(f"{added} new coded examples ({len(coded) - added} already stored, {len(titles) - len(coded)} unknown)")


@enrich.command("reenrich")
def reenrich_command() -> None:
    """Run every live posting through the enrichment steps again (models load first, once)."""
    from lmis.enrich.services import reenrich

    built = services()
    with RichProgress() as progress:
        built.enricher.prepare(progress)
        count = reenrich(uow=built.uow, enricher=built.enricher, now=built.now, progress=progress)
    click.echo(f"{count} postings enriched")
    refresh_search(built)
