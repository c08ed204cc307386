"""`lmis demo`: generate a synthetic labour market as partner feed files for demos and benchmarks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lmis.cli.context import RichProgress, refresh_search, services
from lmis.cli.programmes import load_programmes

if TYPE_CHECKING:
    from lmis.bootstrap import Services
    from lmis.shared.progress import Progress

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
    from lmis.demo.services import generate_demo, shipped_data_dir
    from lmis.shared.errors import LmisError

    built = services()
    try:
        request = DemoRequest(postings, seekers, seed, country.lower(), as_of.date(), days)
        with RichProgress() as progress:
            manifest = generate_demo(
                request, uow=built.uow(), data_dir=shipped_data_dir(), out_dir=out_dir, progress=progress
            )
    except LmisError as error:  # the group is also run on its own (tests), not only through `lmis.cli.main`
        raise click.ClickException(error.detail) from None
    _summarise(manifest, out_dir)


def _summarise(manifest: dict[str, object], out_dir: Path) -> None:
    files = manifest["files"]
    for entry in files if isinstance(files, list) else []:
        click.echo(f"{entry['records']:>9}  {entry['path']:<28} {entry['format']:<7} {entry.get('source', '')}")
    click.echo(
        f"SYNTHETIC demo data ({manifest['country']}, seed {manifest['seed']}): {manifest['postings']} ads "
        f"({manifest['reposts']} reposts), {manifest['seekers']} jobseekers -> {out_dir / 'manifest.json'}"
    )


@demo.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def load(folder: Path) -> None:
    """Ingest the partner feeds of a generated FOLDER (its manifest.json) through the real pipeline."""
    built = services(migrated=False)
    built.upgrade_database()
    with RichProgress() as progress:
        for source, counts in load_feeds(built, folder, progress):
            click.echo(f"{source}: " + ", ".join(f"{value} {name}" for name, value in counts.items()))


def load_feeds(built: Services, folder: Path, progress: Progress) -> list[tuple[str, dict[str, int]]]:
    """Run every partner feed listed in `folder/manifest.json` through ingestion; counts per source."""
    import json

    from lmis.cli.demo_people import load_people
    from lmis.ingest.pipeline import RunOptions
    from lmis.ingest.services import ingest_stream
    from lmis.sources.registry import create

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    results = []
    for entry in manifest["files"]:
        if "source" not in entry:
            continue  # jobseekers and ground truth are not partner feeds
        mapping = folder / entry["mapping"] if entry.get("mapping") else None
        fmt = create(entry["format"], mapping)
        options = RunOptions(
            entry["source"], str(folder / entry["path"]), licence="synthetic demo data", enrich=built.enrich
        )
        with (folder / entry["path"]).open("rb") as data:
            run = ingest_stream(data, fmt, options, uow=built.uow(), now=built.now, progress=progress)
        results.append((entry["source"], run.counts.as_dict()))
    results += load_courses(built, folder, manifest, progress)
    results += load_programmes(built, folder, manifest, progress)
    results += load_people(built, folder, manifest, progress)  # after the feeds: events name their postings
    refresh_search(built)
    return results


def load_courses(
    built: Services, folder: Path, manifest: dict[str, Any], progress: Progress
) -> list[tuple[str, dict[str, int]]]:
    """Import the course files a manifest lists (`kind: courses`); counts per course source."""
    from lmis.cli.training import import_file

    results = []
    for entry in manifest["files"]:
        if entry.get("kind") == "courses":
            report = import_file(built, folder / entry["path"], entry["course_source"], entry["format"], progress)
            counts = {"new": report.new, "updated": report.updated, "quarantined": report.quarantined}
            results.append((entry["course_source"], counts))
    return results
