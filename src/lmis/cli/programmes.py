"""`lmis programmes`: import episode files, list programmes, see rejected records, evaluate a programme's effects."""

from __future__ import annotations

import getpass
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lmis.cli.context import RichProgress, services

if TYPE_CHECKING:
    from lmis.analytics.programme_model import Estimate, OutcomeEffect, ProgrammeEvaluation, TimeToJob
    from lmis.analytics.programmes import EpisodeImportReport
    from lmis.bootstrap import Services
    from lmis.identity.model import Principal
    from lmis.shared.progress import Progress

OUTCOMES = ("employed_12m", "employed_6m", "employed_3m", "earnings_after", "days_to_job")


@click.group()
def programmes() -> None:
    """Active labour market programmes: import episodes, list, quarantine, evaluate (docs/evaluation.md)."""


def _operator() -> Principal:
    from lmis.identity.model import operator

    return operator(f"cli:{getpass.getuser()}")


@programmes.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", help="The source's name (default: the file name without suffixes).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
def import_command(file: Path, source: str | None, as_json: bool) -> None:
    """Import the episodes of FILE (CSV, optionally .gz; columns in docs/evaluation.md).

    Episodes are upserted by (source, external id), programmes by id; records that fail validation
    are quarantined with every reason (`lmis programmes quarantine`), never dropped.
    """
    built = services(migrated=False)
    built.upgrade_database()
    with RichProgress(enabled=not as_json) as progress:
        report = import_file(built, file, source or default_source(file), progress)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    click.echo(
        f"{report.source}: {report.read} read, {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.quarantined} quarantined; "
        f"programmes: {', '.join(report.programmes) or 'none'}"
    )
    for reason, count in report.reasons.most_common():
        click.echo(f"{count:>7}  {reason}")
    if report.quarantined:
        click.echo(f"see each record with `lmis programmes quarantine --source {report.source}`")


def default_source(file: Path) -> str:
    """A source name from a file name: `kr-keis.episodes.csv.gz` -> `kr-keis`."""
    stem = file.name.split(".")[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:64] or "episodes"


def import_file(built: Services, file: Path, source: str, progress: Progress) -> EpisodeImportReport:
    """Read the episode CSV `file` and import it under `source` (places resolved with the gazetteer)."""
    from lmis.analytics.programmes import import_episodes
    from lmis.sources.programme_file import count_rows, read_episodes

    return import_episodes(
        read_episodes(file),
        source=source,
        uow=built.uow,
        regions=built.course_regions,
        now=built.now,
        progress=progress,
        total=count_rows(file),
    )


@programmes.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(as_json: bool) -> None:
    """Programmes with their participants (counts under the minimum cell size are suppressed)."""
    from lmis.analytics.programmes import list_programmes

    built = services()
    found = list_programmes(uow=built.uow(), actor=_operator(), min_cell=built.settings.analytics_min_cell)
    if as_json:
        click.echo(json.dumps(asdict(found), ensure_ascii=False, default=str))
        return
    for summary in found.programmes:
        p = summary.programme
        if summary.suppressed:
            counts = f"participants suppressed ({summary.suppressed})"
        else:
            observed = "suppressed" if summary.with_12m_outcome is None else f"{summary.with_12m_outcome:,}"
            counts = f"{summary.participants:,} participants, {observed} with the 12-month outcome"
        click.echo(f"{p.id}  {p.name} ({p.kind.value}): {counts}")
    pool = "suppressed" if found.comparison_pool is None else f"{found.comparison_pool:,}"
    click.echo(f"comparison pool (in no programme): {pool}; minimum cell size {found.min_cell}")


@programmes.command()
@click.option("--source", help="Only this source.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
def quarantine(source: str | None, limit: int) -> None:
    """Episode records that were rejected, newest first, with every problem and the record as it was read."""
    from lmis.analytics.programmes import quarantined_episodes

    for entry in quarantined_episodes(source=source, limit=limit, uow=services().uow()):
        click.echo(f"{entry.source} {entry.position}:")
        for problem in entry.problems:
            hint = problem.get("suggestions")
            also = f" (did you mean: {', '.join(str(h) for h in hint)}?)" if isinstance(hint, list) and hint else ""
            click.echo(f"  {problem['field']}: {problem['value']!r} {problem['reason']}{also}")
        click.echo(f"  record: {entry.payload[:300]}")


@programmes.command()
@click.argument("programme_id")
@click.option("--outcome", type=click.Choice(OUTCOMES), help="One outcome, with its balance table (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole evaluation as JSON.")
def evaluate(programme_id: str, outcome: str | None, as_json: bool) -> None:
    """The effect of PROGRAMME_ID on employment, earnings and time to job, by propensity score matching.

    Beside each matched estimate stands the naive difference (participants minus the pool), so the
    selection bias shows; figures from fewer persons than the minimum cell size are suppressed.
    """
    from lmis.analytics.programmes import evaluate_programme

    built = services()
    found = evaluate_programme(
        programme_id,
        outcome=outcome,
        uow=built.uow(),
        actor=_operator(),
        min_cell=built.settings.analytics_min_cell,
    )
    if as_json:
        click.echo(json.dumps(asdict(found), ensure_ascii=False, default=str))
        return
    _show(found, with_balance=outcome is not None)


def _show(found: ProgrammeEvaluation, *, with_balance: bool) -> None:
    p = found.programme
    click.echo(f"{p.id}  {p.name} ({p.kind.value})")
    for effect in found.effects:
        _show_effect(effect, with_balance)
    if found.time_to_job is not None:
        _show_time_to_job(found.time_to_job)
    click.echo(f"method ({found.version}): {found.method}. Minimum cell size {found.min_cell}.")


def _show_effect(effect: OutcomeEffect, with_balance: bool) -> None:
    unit = effect.outcome.unit
    click.echo(f"\n{effect.outcome.value}: {effect.outcome.meaning}")
    click.echo(f"  matched effect     {_estimate(effect.matched, unit)}")
    click.echo(f"  naive difference   {_estimate(effect.naive, unit)}")
    if effect.did is not None and effect.naive_did is not None:
        click.echo(f"  matched DiD        {_estimate(effect.did, unit)}")
        click.echo(f"  naive DiD          {_estimate(effect.naive_did, unit)}")
    counts = effect.counts
    if counts is None:
        return
    click.echo(
        f"  sample: {counts.treated:,} participants, {counts.controls:,} in the pool; {counts.off_support} off "
        f"support, {counts.beyond_caliper} beyond the caliper ({counts.caliper or 0:.4f} on the logit); "
        f"{counts.matched_treated:,} matched to {counts.matched_controls:,} persons"
    )
    published = [row for row in effect.balance if row.smd_after is not None]
    worst = max(published, key=lambda row: abs(row.smd_after or 0.0), default=None)
    if worst is not None:
        verdict = "balanced" if effect.balanced else "NOT balanced"
        click.echo(
            f"  balance: {verdict} (|SMD| < 0.1 after matching); largest |SMD| {abs(worst.smd_after or 0):.3f} "
            f"({worst.covariate}); {len(effect.balance) - len(published)} row(s) suppressed"
        )
    if with_balance:
        _show_balance(effect)


def _show_balance(effect: OutcomeEffect) -> None:
    click.echo(f"  {'covariate':<34} {'SMD before':>10} {'SMD after':>10} {'VR before':>10} {'VR after':>10}")
    for row in effect.balance:
        if row.suppressed:
            click.echo(f"  {row.covariate[:34]:<34} suppressed ({row.suppressed})")
            continue
        cells = (row.smd_before, row.smd_after, row.variance_ratio_before, row.variance_ratio_after)
        text = " ".join(f"{'-' if v is None else f'{v:.3f}':>10}" for v in cells)
        click.echo(f"  {row.covariate[:34]:<34} {text}")


def _estimate(estimate: Estimate, unit: str) -> str:
    if estimate.value is None or estimate.se is None or estimate.low is None or estimate.high is None:
        return f"suppressed: {estimate.suppressed}"
    value, low, high, se = (_number(v, unit) for v in (estimate.value, estimate.low, estimate.high, estimate.se))
    who = f"{estimate.treated:,} participants, {estimate.controls:,} comparison persons"
    return f"{value} (95% CI {low} to {high}; SE {se.lstrip('+')}), {who}"


def _number(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value * 100:+.1f} pp"
    if unit == "days":
        return f"{value:+.1f} days"
    return f"{value:+,.0f}"


def _show_time_to_job(found: TimeToJob) -> None:
    click.echo("\ntime to job (matched participants against their matches):")
    if found.suppressed:
        click.echo(f"  suppressed: {found.suppressed}")
        return
    for days, treated, control, effect in zip(
        found.days, found.treated_shares, found.control_shares, found.effects, strict=True
    ):
        shares = "suppressed" if treated is None or control is None else f"{treated:.1%} against {control:.1%}"
        click.echo(f"  a job within {days} days: {shares}; effect {_estimate(effect, 'share')}")
    medians = (found.treated_median_days, found.control_median_days)
    shown = ["suppressed or none" if m is None else f"{m:.0f}" for m in medians]
    click.echo(f"  median days to a job, among those who found one within the year: {shown[0]} against {shown[1]}")


def load_programmes(
    built: Services, folder: Path, manifest: dict[str, object], progress: Progress
) -> list[tuple[str, dict[str, int]]]:
    """Import the episode files a demo manifest lists (`kind: programme episodes`); counts per source."""
    results = []
    files = manifest.get("files")
    for entry in files if isinstance(files, list) else []:
        if isinstance(entry, dict) and entry.get("kind") == "programme episodes":
            source = str(entry["programme_source"])
            report = import_file(built, folder / str(entry["path"]), source, progress)
            results.append((source, {"new": report.new, "updated": report.updated, "quarantined": report.quarantined}))
    return results
