"""`lmis forecast`: forecasts with 80/95 % intervals from a series file, backtests, 10-year projections."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from lmis.cli.context import RichProgress

if TYPE_CHECKING:
    from lmis.analytics.backtest import BacktestReport
    from lmis.analytics.forecast_batch import Summary
    from lmis.analytics.forecast_input import Series
    from lmis.analytics.projection import Panel

_FILE = click.Path(path_type=Path, dir_okay=False)
_MODELS_HELP = "Ensemble members, comma-separated: ets, theta, arima, ces (also snaive, drift)."
_AUTO_JOBS_FROM = 100  # below this many series (or backtest origins) starting worker processes costs more than it saves


@click.group(invoke_without_command=True)
@click.option(
    "--input", "input_path", type=_FILE, help="CSV series_id,period,value (period YYYY, YYYY-MM or YYYY-MM-DD)."
)
@click.option("--horizon", type=click.IntRange(1, 10_000), help="Periods to forecast after each series' last one.")
@click.option("--output", type=_FILE, help="CSV series_id,period,mean,lo80,hi80,lo95,hi95 ('-' for stdout).")
@click.option("--hierarchy", type=_FILE, help="CSV series_id,parent_id: children are reconciled to sum to parents.")
@click.option("--models", default="ets,theta", show_default=True, help=_MODELS_HELP)
@click.option(
    "--jobs", type=click.IntRange(0, 64), default=0, help="Worker processes (0: one per core for big inputs)."
)
@click.option("--gaps", type=click.Choice(["interpolate", "refuse"]), default="interpolate", show_default=True,
              help="Missing periods inside a series: fill linearly (and say so) or stop with an error.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.pass_context
def forecast(
    context: click.Context,
    input_path: Path | None,
    horizon: int | None,
    output: Path | None,
    hierarchy: Path | None,
    models: str,
    jobs: int,
    gaps: str,
    as_json: bool,
) -> None:
    """Forecast every series of --input --horizon periods ahead into --output (docs/forecast.md).

    Each series gets the ensemble (mean of the members' forecasts and of their interval bounds)
    when it has at least 10 values, drift when shorter, the last value with 1-2 values; the
    summary says which series got what and why. Series of counts (never negative) get forecasts
    >= 0. Subcommands: `backtest` (accuracy against baselines) and `project` (10-year projections).
    """
    if context.invoked_subcommand is not None:
        if input_path or horizon or output or hierarchy:
            raise click.UsageError("give --input and the other options after the subcommand's name")
        return
    if input_path is None or horizon is None or output is None:
        given = (("--input", input_path), ("--horizon", horizon), ("--output", output))
        missing = ", ".join(flag for flag, value in given if value is None)
        raise click.UsageError(f"missing {missing} (or a subcommand: backtest, project)")
    summary = _forecast_file(
        input_path, horizon, output, hierarchy, models, jobs, gaps, quiet=as_json or str(output) == "-"
    )
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        _print_summary(summary, output)


def _forecast_file(
    input_path: Path,
    horizon: int,
    output: Path,
    hierarchy: Path | None,
    models: str,
    jobs: int,
    gaps: str,
    *,
    quiet: bool,
) -> Summary:
    from lmis.analytics.forecast import check_members
    from lmis.analytics.forecast_batch import OUTPUT_COLUMNS, forecast_all, summarise
    from lmis.analytics.reconcile import HIERARCHY_COLUMNS, read_hierarchy, reconcile_forecasts
    from lmis.shared.delimited import read_rows

    members = check_members(models.split(","))
    series = read_input(input_path, gaps)
    tree = read_hierarchy(read_rows(hierarchy, required=HIERARCHY_COLUMNS), path=str(hierarchy)) if hierarchy else None
    with RichProgress(enabled=not quiet) as progress:
        results = forecast_all(series, horizon=horizon, members=members, jobs=_jobs(jobs, len(series)),
                               progress=progress, fitted=tree is not None)  # fmt: skip
    notes: list[tuple[str, str]] = []
    if tree is not None:
        results, notes = reconcile_forecasts(results, tree)
    with _opened(output) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for item in results:
            writer.writerows(item.rows())
    return summarise(results, notes)


def read_input(path: Path, gaps: str) -> list[Series]:
    """The checked series of an input file (errors name the line)."""
    from lmis.analytics.forecast_input import COLUMNS, GapPolicy, read_series
    from lmis.shared.delimited import read_rows

    return read_series(read_rows(path, required=COLUMNS), path=str(path), gaps=GapPolicy(gaps))


def _jobs(jobs: int, work: int) -> int:
    if jobs:
        return jobs
    return (os.cpu_count() or 1) if work >= _AUTO_JOBS_FROM else 1


@contextmanager
def _opened(output: Path) -> Iterator[IO[str]]:
    if str(output) == "-":
        yield sys.stdout
        return
    with output.open("w", encoding="utf-8", newline="") as stream:
        yield stream


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        return "  ".join([first, *(str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def _print_summary(summary: Summary, output: Path) -> None:
    click.echo(f"{summary.series} series, {summary.rows} forecast rows -> {output}", err=True)
    rows = [(f"frequency: {name}", str(count)) for name, count in summary.frequencies.most_common()]
    rows += [(f"model: {name}", str(count)) for name, count in summary.models.most_common()]
    click.echo(table(("", "series"), rows), err=True)
    for series_id, note in summary.notes[:20]:
        click.echo(f"note: {series_id}: {note}", err=True)
    if len(summary.notes) > 20:
        click.echo(f"... and {len(summary.notes) - 20} more notes (--json lists them all)", err=True)


@forecast.command("backtest")
@click.option("--input", "input_path", type=_FILE, required=True, help="CSV series_id,period,value.")
@click.option("--horizon", type=click.IntRange(1, 10_000), required=True, help="Steps ahead scored from each origin.")
@click.option("--origins", type=click.IntRange(1, 10_000), default=24, show_default=True,
              help="Forecast origins per series, the latest leaving exactly --horizon values to score.")  # fmt: skip
@click.option("--step", type=click.IntRange(1, 10_000), default=1, show_default=True, help="Periods between origins.")
@click.option("--models", default="ets,theta", show_default=True, help=_MODELS_HELP)
@click.option("--jobs", type=click.IntRange(0, 64), default=0, help="Worker processes (0: one per core for big runs).")
@click.option("--gaps", type=click.Choice(["interpolate", "refuse"]), default="interpolate", show_default=True)
@click.option("--output", type=_FILE, help="Also write the metrics as CSV (bucket,model,mase,...).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as one JSON object.")
def backtest_command(
    input_path: Path, horizon: int, origins: int, step: int, models: str, jobs: int, gaps: str,
    output: Path | None, as_json: bool,
) -> None:  # fmt: skip
    """Rolling-origin backtest (expanding window) of the ensemble against seasonal naive and drift.

    Per horizon bucket: MASE (scaled by the in-sample seasonal naive), sMAPE, coverage of the
    80 % and 95 % intervals, direction-of-change accuracy; the ensemble's MASE over each
    baseline's and a Diebold-Mariano test on the scaled absolute errors.
    """
    from lmis.analytics.backtest import backtest
    from lmis.analytics.forecast import check_members

    members = check_members(models.split(","))
    series = read_input(input_path, gaps)
    work = sum(min(origins, max(0, s.values.size - horizon)) for s in series)
    with RichProgress(enabled=not as_json) as progress:
        report = backtest(series, horizon=horizon, origins_per_series=origins, step=step, members=members,
                          jobs=_jobs(jobs, work), progress=progress)  # fmt: skip
    if output:
        _write_metrics(report, output)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    click.echo(f"{report.series} series, up to {report.origins} origins each ({report.tasks} forecasts), "
               f"horizon {report.horizon}, ensemble of {'+'.join(members)}")  # fmt: skip
    click.echo(table(*_metric_rows(report)))
    click.echo()
    click.echo(table(*_ratio_rows(report)))


def _p_value(value: float) -> str:
    return "n/a" if value != value else f"{value:.3g}"  # too few origins for the horizon


def _percent(value: float) -> str:
    return "" if value != value else f"{100 * value:.1f}%"  # nan != nan


def _metric_rows(report: BacktestReport) -> tuple[list[str], list[list[str]]]:
    headers = ["horizon", "model", "MASE", "sMAPE", "cover 80", "cover 95", "direction", "n"]
    rows = [
        [
            bucket,
            model,
            f"{m['mase']:.3f}",
            f"{m['smape']:.2f}",
            _percent(m["coverage80"]),
            _percent(m["coverage95"]),
            _percent(m["direction"]),
            f"{int(m['n'])}",
        ]
        for bucket in report.buckets
        for model, by_bucket in report.metrics.items()
        for m in [by_bucket[bucket]]
    ]
    return headers, rows


def _ratio_rows(report: BacktestReport) -> tuple[list[str], list[list[str]]]:
    headers = ["horizon", "MASE ensemble/snaive", "DM p", "MASE ensemble/drift", "DM p"]
    rows = []
    for bucket in report.buckets:
        ratio, tests = report.ratios[bucket], report.tests[bucket]
        rows.append([bucket, f"{ratio['vs_snaive']:.3f}", _p_value(tests["vs_snaive"]["p_value"]),
                     f"{ratio['vs_drift']:.3f}", _p_value(tests["vs_drift"]["p_value"])])  # fmt: skip
    return headers, rows


def _write_metrics(report: BacktestReport, output: Path) -> None:
    from lmis.analytics.backtest import METRICS

    with _opened(output) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["bucket", "model", *METRICS, "n"])
        for model, by_bucket in report.metrics.items():
            for bucket, values in by_bucket.items():
                writer.writerow([bucket, model, *(f"{values[m]:.6g}" for m in (*METRICS, "n"))])


@forecast.command("project")
@click.option(
    "--input", "input_path", type=_FILE, required=True, help="CSV series_id,period,value of annual employment."
)
@click.option("--years", type=click.IntRange(1, 50), default=10, show_default=True, help="Years after the last one.")
@click.option("--total", "total_id", help="The series that is the total (else the occupations' sum).")
@click.option("--output", type=_FILE, help="CSV series_id,period,mean,lo80,hi80,lo95,hi95,share ('-' for stdout).")
@click.option("--evaluate", "origins", type=int, multiple=True,
              help="Instead: project from this year to the file's last year and score it (repeatable).")  # fmt: skip
@click.option("--damping", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True,
              help="Damping of the share trends (and of the total's growth when the total is short).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation (or a summary) as JSON.")
def project_command(
    input_path: Path, years: int, total_id: str | None, output: Path | None, origins: tuple[int, ...],
    damping: float, as_json: bool,
) -> None:  # fmt: skip
    """Long-term projections of annual employment by occupation (share-shift model, docs/forecast.md).

    The total follows a damped-trend ETS; each occupation's share of the total follows its
    damped log-linear trend of the last 10 years, the shares renormalised to their origin-year
    sum. With --evaluate, the BLS evaluation: direction of change, "faster than average" and
    the dissimilarity index against the occupational-share naive model.
    """
    from lmis.analytics.projection import panel

    data = panel(read_input(input_path, "interpolate"), total_id)
    if origins:
        _print_evaluation(data, origins, damping, as_json)
        return
    if output is None:
        raise click.UsageError("give --output for the projection (or --evaluate YEAR to score one)")
    _write_projection(data, years, damping, output)
    if not as_json:
        last = int(data.years[-1])
        click.echo(f"{len(data.occupations)} occupations projected {years} years after {last} -> {output}", err=True)


def _write_projection(data: Panel, years: int, damping: float, output: Path) -> None:
    from lmis.analytics.projection import project

    result = project(data, years, damping=damping)
    labels = [str(result.origin + step) for step in range(1, years + 1)]
    with _opened(output) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["series_id", "period", "mean", "lo80", "hi80", "lo95", "hi95", "share"])
        total_id = data.total_id or "total"
        writer.writerows(
            [total_id, label, f"{value:.10g}", "", "", "", "", "1"]
            for label, value in zip(labels, result.total, strict=True)
        )
        for occupation, values in result.occupations.items():
            shares = result.shares[occupation]
            writer.writerows(
                [occupation, label, f"{value:.10g}", "", "", "", "", f"{share:.6g}"]
                for label, value, share in zip(labels, values, shares, strict=True)
            )


def _print_evaluation(data: Panel, origins: tuple[int, ...], damping: float, as_json: bool) -> None:
    from lmis.analytics.projection_eval import evaluate

    scores = [evaluate(data, origin, damping=damping) for origin in origins]
    if as_json:
        click.echo(json.dumps([score.as_dict() for score in scores]))
        return
    headers = ["origin", "target", "occupations", "gone/new", "direction", "naive", "faster than avg", "naive",
               "dissimilarity", "naive", "growth proj", "actual", "MAPE", "naive"]  # fmt: skip
    rows = [
        [
            str(s.origin),
            str(s.target),
            str(s.occupations),
            f"{s.gone}/{s.new}",
            _percent(s.direction),
            _percent(s.direction_naive),
            _percent(s.faster),
            _percent(s.faster_naive),
            f"{s.dissimilarity:.2f}",
            f"{s.dissimilarity_naive:.2f}",
            _percent(s.projected_growth),
            _percent(s.actual_growth),
            f"{s.mape:.1f}",
            f"{s.mape_naive:.1f}",
        ]
        for s in scores
    ]
    click.echo(table(headers, rows))
