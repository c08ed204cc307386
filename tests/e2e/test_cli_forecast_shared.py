"""The backtest on a real series: JOLTS job openings from ../shared/data, against seasonal naive and drift."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmis.cli import cli


@pytest.mark.shared_data
def test_the_backtest_runs_on_fred_job_openings_and_reports_every_metric(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "labor_timeseries" / "us_fred_labor_series.csv"
    with source.open() as stream:
        rows = [r for r in csv.DictReader(stream) if r["series_id"] == "JTSJOL"]
    path = tmp_path / "jtsjol.csv"
    path.write_text("series_id,period,value\n" + "".join(f"JTSJOL,{r['date'][:7]},{r['value']}\n" for r in rows))
    result = CliRunner().invoke(
        cli, ["forecast", "backtest", "--input", str(path), "--horizon", "3", "--origins", "4", "--jobs", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["series"], report["tasks"], report["buckets"]) == (1, 4, ["1-3"])
    for model in ("ensemble", "ets", "theta", "snaive", "drift"):
        metrics = report["metrics"][model]["1-3"]
        assert metrics["n"] == 12
        assert 0 <= metrics["coverage80"] <= metrics["coverage95"] <= 1
        assert metrics["mase"] > 0
    assert set(report["diebold_mariano"]["1-3"]) == {"vs_snaive", "vs_drift"}
