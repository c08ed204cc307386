"""`lmis forecast` as an analyst runs it: a small series file in, forecasts with intervals out, backtest, projection."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from lmis.cli import cli
from lmis.shared.errors import MalformedFile


def lmis(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def monthly(series_id: str, values: np.ndarray, start_year: int = 2021) -> list[str]:
    return [f"{series_id},{start_year + i // 12}-{i % 12 + 1:02d},{v:.3f}" for i, v in enumerate(values)]


@pytest.fixture
def series_file(tmp_path: Path) -> Path:
    """Two regions and their nation (monthly counts, 30 months), a short annual series and one with a gap."""
    rng = np.random.default_rng(3)
    months = np.arange(30)
    north = 100 + 2 * months + 10 * np.sin(2 * np.pi * months / 12) + rng.normal(0, 2, 30)
    south = 60 + months + rng.normal(0, 2, 30)
    lines = ["series_id,period,value", *monthly("north", north), *monthly("south", south),
             *monthly("nation", north + south + rng.normal(0, 3, 30)),
             "short,2020,5", "short,2021,6", "short,2022,8",
             *[line for line in monthly("gappy", 10 + months[:14] % 5) if "2021-05" not in line]]  # fmt: skip
    path = tmp_path / "series.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open() as stream:
        return list(csv.DictReader(stream))


def test_forecasts_follow_the_contract_sum_to_the_nation_and_the_summary_says_who_got_what(
    series_file: Path, tmp_path: Path
) -> None:
    hierarchy = tmp_path / "hierarchy.csv"
    hierarchy.write_text("series_id,parent_id\nnorth,nation\nsouth,nation\nnation,\n")
    out = tmp_path / "out.csv"
    result = lmis("forecast", "--input", str(series_file), "--horizon", "3", "--output", str(out),
                  "--hierarchy", str(hierarchy), "--jobs", "1")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0]) == ["series_id", "period", "mean", "lo80", "hi80", "lo95", "hi95"]
    by = {(r["series_id"], r["period"]): r for r in rows}
    assert [p for s, p in by if s == "nation"] == ["2023-07", "2023-08", "2023-09"]
    assert [p for s, p in by if s == "short"] == ["2023", "2024", "2025"]
    for period in ("2023-07", "2023-08", "2023-09"):
        parts = float(by["north", period]["mean"]) + float(by["south", period]["mean"])
        assert parts == pytest.approx(float(by["nation", period]["mean"]), rel=1e-9)
    for row in rows:
        assert (
            float(row["lo95"]) <= float(row["lo80"]) <= float(row["mean"]) <= float(row["hi80"]) <= float(row["hi95"])
        )
        assert float(row["lo95"]) >= 0
    assert "5 series, 15 forecast rows" in result.stderr
    assert "model: ensemble(ets+theta)" in result.stderr
    assert "model: drift" in result.stderr
    assert "gappy: 1 missing period(s) filled by linear interpolation (2021-05)" in result.stderr
    assert "nation: reconciled with mint_shrink over 3 series" in result.stderr


def test_a_bad_line_stops_the_run_and_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("series_id,period,value\na,2020-01,1\na,2020-02,lots\n")
    result = lmis("forecast", "--input", str(bad), "--horizon", "2", "--output", str(tmp_path / "o.csv"))
    assert isinstance(result.exception, MalformedFile)
    assert "bad.csv, line 3, column 'value': 'lots' is not a number" in str(result.exception)
    assert not (tmp_path / "o.csv").exists()


def test_the_required_options_are_named_when_missing(series_file: Path) -> None:
    result = lmis("forecast", "--input", str(series_file))
    assert result.exit_code == 2
    assert "missing --horizon, --output" in result.output


def test_the_backtest_prints_the_table_against_both_baselines_and_writes_json(
    series_file: Path, tmp_path: Path
) -> None:
    result = lmis("forecast", "backtest", "--input", str(series_file), "--horizon", "3", "--origins", "2",
                  "--models", "theta", "--jobs", "1", "--output", str(tmp_path / "metrics.csv"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "MASE ensemble/snaive" in result.stdout
    assert "cover 80" in result.stdout
    assert {r["model"] for r in read(tmp_path / "metrics.csv")} == {"ensemble", "snaive", "drift"}
    as_json = lmis("forecast", "backtest", "--input", str(series_file), "--horizon", "3", "--origins", "2",
                   "--models", "theta", "--json")  # fmt: skip
    report = json.loads(as_json.stdout)
    assert report["buckets"] == ["1-3"]
    assert report["tasks"] == 8


def test_projection_and_its_bls_style_evaluation(tmp_path: Path) -> None:
    lines = ["series_id,period,value"]
    for year in range(2010, 2021):
        t = year - 2010
        lines += [
            f"all,{year},{1000 * 1.02**t:.1f}",
            f"up,{year},{200 * 1.06**t:.1f}",
            f"down,{year},{300 * 0.97**t:.1f}",
        ]
    path = tmp_path / "emp.csv"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "projection.csv"
    result = lmis("forecast", "project", "--input", str(path), "--years", "10", "--total", "all", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert (rows[0]["series_id"], rows[0]["period"], rows[-1]["period"]) == ("all", "2021", "2030")
    evaluation = lmis("forecast", "project", "--input", str(path), "--total", "all", "--evaluate", "2015", "--json")
    (score,) = json.loads(evaluation.stdout)
    assert (score["origin"], score["target"], score["occupations"], score["direction"]) == (2015, 2020, 2, 1.0)
