"""`lmis demo`: generate a synthetic labour market as partner feed files for demos and benchmarks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from lmis.cli.context import RichProgress, services

_COUNTRIES = ("kr", "id", "generic")


@click.group()
def demo() -> None:
    """Synthetic demo and benchmark data (every employer, ad and jobseeker is invented)."""


@demo.command()
@click.option(
    "--postings", "-n", type=click.IntRange(min=1), default=1_000, show_default=True, help="Job ads to write."
)
@click.option(
    "--seekers", "-m", type=click.IntRange(min=0), default=200, show_default=True, help="Jobseekers to write."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--country",
    type=click.Choice(_COUNTRIES, case_sensitive=False),
    default="kr",
    show_default=True,
    help="Country profile: regions, currency, pay period, languages.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    required=True,
    help="Folder to write into (created when missing; files of an earlier run are replaced).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2026-11-01",
    show_default=True,
    help="Reference date: ads are dated in the window before it.",
)
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True, help="Posting window in days.")
def generate(postings: int, seekers: int, seed: int, country: str, out_dir: Path, as_of: datetime, days: int) -> None:
    """Write job ads from 3-4 partner sources in real formats, jobseekers, ground truth and a manifest.

    Occupations and skills come from the stored taxonomy (run `lmis init` first), volumes and
    wages from BLS OEWS employment, posting dates from Indeed's postings index (docs/demo.md).
    """
    from lmis.demo.model import DemoRequest
    from lmis.demo.services import NO_TAXONOMY, generate_demo, shipped_data_dir
    from lmis.shared.errors import NotFound

    built = services()
    current, _newest = built.database_revision()
    if current is None:
        raise click.ClickException(f"the database is empty: {NO_TAXONOMY.split(': ', 1)[1]}")
    request = DemoRequest(postings, seekers, seed, country.lower(), _day(as_of), days)
    try:
        with RichProgress() as progress:
            manifest = generate_demo(
                request, uow=built.uow(), data_dir=shipped_data_dir(), out_dir=out_dir, progress=progress
            )
    except NotFound as error:
        if error.detail == NO_TAXONOMY:
            raise click.ClickException(NO_TAXONOMY) from None
        raise
    _summarise(manifest, out_dir)


def _day(moment: datetime) -> date:
    return moment.date()


def _summarise(manifest: dict[str, object], out_dir: Path) -> None:
    files = manifest["files"]
    for entry in files if isinstance(files, list) else []:
        click.echo(f"{entry['records']:>9}  {entry['path']:<28} {entry['format']:<7} {entry.get('source', '')}")
    click.echo(
        f"SYNTHETIC demo data ({manifest['country']}, seed {manifest['seed']}): {manifest['postings']} ads "
        f"({manifest['reposts']} reposts), {manifest['seekers']} jobseekers -> {out_dir / 'manifest.json'}"
    )
