"""`lmis training`: import course files from training providers, list courses, and see rejected records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lmis.cli.context import RichProgress, services

if TYPE_CHECKING:
    from lmis.bootstrap import Services
    from lmis.shared.progress import Progress
    from lmis.training.services import ImportReport


@click.group()
def training() -> None:
    """Courses and programmes linked to ESCO skills: import, list, quarantine."""


@training.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", help="The provider's source name (default: the file name without suffixes).")
@click.option("--format", "format_name", type=click.Choice(["csv", "ndjson"]), help="Guessed from the suffix.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
def import_command(file: Path, source: str | None, format_name: str | None, as_json: bool) -> None:
    """Import the courses of FILE (CSV or NDJSON, optionally .gz; columns in docs/training.md).

    Courses are upserted by (source, external id); records that fail validation are quarantined
    with every reason (`lmis training quarantine`), never dropped.
    """
    built = services(migrated=False)
    built.upgrade_database()
    with RichProgress(enabled=not as_json) as progress:
        report = import_file(built, file, source or default_source(file), format_name, progress)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    _summarise(report)


def default_source(file: Path) -> str:
    """A source name from a file name: `kr-hrd.courses.csv.gz` -> `kr-hrd`."""
    stem = file.name.split(".")[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:64] or "courses"


def import_file(built: Services, file: Path, source: str, format_name: str | None, progress: Progress) -> ImportReport:
    """Read FILE with its course format and import it under `source`."""
    from lmis.sources.courses import count_records, course_format, read_courses
    from lmis.training.services import import_courses

    fmt = course_format(file, format_name)
    return import_courses(
        read_courses(file, fmt),
        source=source,
        uow=built.uow,
        regions=built.course_regions,
        now=built.now,
        progress=progress,
        total=count_records(file, fmt),
    )


def _summarise(report: ImportReport) -> None:
    click.echo(
        f"{report.source}: {report.read} read, {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.quarantined} quarantined"
    )
    for reason, count in report.reasons.most_common():
        click.echo(f"{count:>7}  {reason}")
    if report.quarantined:
        click.echo(f"see each record with `lmis training quarantine --source {report.source}`")


@training.command("list")
@click.option("--skill", help="An ESCO skill: concept id, URI or label.")
@click.option("--region", help="A place id (KR-11) or name; courses held there or inside it.")
@click.option("--mode", type=click.Choice(["in_person", "online", "blended"]))
@click.option("--max-cost", type=click.FloatRange(min=0), help="Most the learner pays after subsidy.")
@click.option("--currency", help="The currency of --max-cost (ISO 4217).")
@click.option("--text", help="Words in the title, provider or description.")
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
def list_command(
    skill: str | None,
    region: str | None,
    mode: str | None,
    max_cost: float | None,
    currency: str | None,
    text: str | None,
    limit: int,
) -> None:
    """Courses matching the filters, by title."""
    from lmis.training.model import Mode
    from lmis.training.ports import CourseFilter
    from lmis.training.services import list_courses

    built = services()
    where = CourseFilter(skill, region, Mode(mode) if mode else None, max_cost, currency, text)
    page = list_courses(where, cursor=None, limit=limit, uow=built.uow(), regions=built.course_regions)
    for view in page.items:
        course = view.course
        cost = (
            "cost not stated" if course.net_cost is None else f"{course.net_cost:,.0f} {course.currency or ''}".strip()
        )
        place = view.region_name or ("anywhere" if course.mode.value == "online" else "nationwide")
        click.echo(f"{course.id}  {course.title} — {course.provider} ({place}, {course.mode.value}, {cost})")
    click.echo(f"{page.total} course(s)")


@training.command()
@click.option("--source", help="Only this source.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
def quarantine(source: str | None, limit: int) -> None:
    """Course records that were rejected, newest first, with every problem and the record as it was read."""
    from lmis.training.services import quarantined_courses

    for entry in quarantined_courses(source=source, limit=limit, uow=services().uow()):
        click.echo(f"{entry.source} {entry.position} (external id {entry.external_id or '?'}):")
        for problem in entry.problems:
            hint = problem.get("suggestions")
            also = f" (did you mean: {', '.join(str(h) for h in hint)}?)" if isinstance(hint, list) and hint else ""
            click.echo(f"  {problem['field']}: {problem['value']!r} {problem['reason']}{also}")
        click.echo(f"  record: {entry.payload[:300]}")
