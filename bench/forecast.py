"""How fast `lmis forecast` is: N monthly series of counts, 12 months ahead, the ensemble beside seasonal naive.

    python -m bench.forecast [--series 10000] [--horizon 12] [--jobs 2] [--sample 200] [--json FILE]

Generates N monthly series of vacancy-like counts, 60-120 months each and all ending in
2024-12: a log-level between about 5 and 5,000, a drifting trend, the seasonal profile of the
Indeed US job postings index (non-adjusted over adjusted, by calendar month, from
../shared/data when present, else a built-in profile) scaled by a per-series amplitude, and
Poisson noise. Writes them in the input contract (`series_id,period,value`) and times the
command's whole path (read and check the file, forecast every series with 80/95 % intervals on
`--jobs` processes, write the output) for the ensemble and, in the same run, for seasonal naive.
Per-series fit times (median, p95) come from `--sample` series on one process. Reports the load
average before and after, since other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from bench.measure import p95
from lmis.analytics.forecast import DEFAULT_MEMBERS, predict
from lmis.analytics.forecast_batch import OUTPUT_COLUMNS, forecast_all
from lmis.cli.forecast import read_input
from lmis.shared.progress import SilentProgress

INDEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "indeed_job_postings_index" / "US"
FALLBACK_PROFILE = [0.97, 0.99, 1.01, 1.02, 1.03, 1.02, 1.01, 1.02, 1.02, 1.02, 1.0, 0.98]
LAST_MONTH = 2024 * 12 + 11  # 2024-12


def seasonal_profile() -> list[float]:
    """Twelve factors, mean 1: the Indeed index not seasonally adjusted over adjusted, by calendar month."""
    source = INDEED / "aggregate_job_postings_US.csv.gz"
    if not source.is_file():
        return FALLBACK_PROFILE
    ratios: dict[int, list[float]] = {}
    with gzip.open(source, "rt") as stream:
        for row in csv.DictReader(stream):
            if row["variable"] == "total postings" and row["indeed_job_postings_index_SA"]:
                ratio = float(row["indeed_job_postings_index_NSA"]) / float(row["indeed_job_postings_index_SA"])
                ratios.setdefault(int(row["date"][5:7]), []).append(ratio)
    factors = [statistics.fmean(ratios[month]) for month in range(1, 13)]
    return [factor / statistics.fmean(factors) for factor in factors]


def generate(path: Path, count: int, seed: int = 8) -> None:
    """Write `count` monthly series of counts to `path` in the forecast input contract."""
    rng = np.random.default_rng(seed)
    profile = np.log(np.array(seasonal_profile()))
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["series_id", "period", "value"])
        for number in range(count):
            length = int(rng.integers(60, 121))
            first = LAST_MONTH - length + 1
            months = np.arange(first, LAST_MONTH + 1)
            drift = rng.normal(0.0, 0.006) + np.cumsum(rng.normal(0.0, 0.01, length))
            amplitude = rng.uniform(0.0, 6.0)
            log_mean = rng.uniform(np.log(5), np.log(5000)) + drift + amplitude * profile[months % 12]
            values = rng.poisson(np.exp(log_mean))
            sid = f"occ{number:05d}"
            writer.writerows((sid, f"{m // 12}-{m % 12 + 1:02d}", int(v)) for m, v in zip(months, values, strict=True))


def run(path: Path, horizon: int, members: tuple[str, ...], jobs: int, out: Path) -> tuple[float, Counter[str]]:
    """The command's path for one model set: read and check, forecast, write. Returns seconds and models used."""
    start = time.perf_counter()
    series = read_input(path, "interpolate")
    results = forecast_all(series, horizon=horizon, members=members, jobs=jobs, progress=SilentProgress())
    with out.open("w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for item in results:
            writer.writerows(item.rows())
    return time.perf_counter() - start, Counter(item.prediction.model for item in results)


def per_series(path: Path, horizon: int, members: tuple[str, ...], sample: int) -> list[float]:
    """Milliseconds per series for the first `sample` series, one process (after one untimed warm-up)."""
    series_list = read_input(path, "interpolate")[: sample + 1]
    predict(series_list[0].values, horizon=horizon, season=12, members=members)  # imports statsforecast
    timings = []
    for series in series_list[1:]:
        start = time.perf_counter()
        predict(series.values, horizon=horizon, season=12, members=members)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "series.csv"
        generate(path, args.series)
        per = {name: per_series(path, args.horizon, members, args.sample)
               for name, members in (("ensemble", DEFAULT_MEMBERS), ("snaive", ("snaive",)))}  # fmt: skip
        wall, models = {}, {}
        for name, members in (("ensemble", DEFAULT_MEMBERS), ("snaive", ("snaive",))):
            wall[name], models[name] = run(path, args.horizon, members, args.jobs, Path(folder) / f"{name}.csv")
    report = {
        "series": args.series, "horizon": args.horizon, "jobs": args.jobs, "members": list(DEFAULT_MEMBERS),
        "wall_seconds": {k: round(v, 1) for k, v in wall.items()},
        "ratio_ensemble_to_snaive": round(wall["ensemble"] / wall["snaive"], 1),
        "per_series_ms": {k: {"median": round(statistics.median(v), 1), "p95": round(p95(v), 1)}
                          for k, v in per.items()},
        "models": {k: dict(v) for k, v in models.items()},
        "target_seconds": 600, "cpu_count": os.cpu_count(),
        "load_average": {"before": [round(x, 2) for x in before], "after": [round(x, 2) for x in os.getloadavg()]},
    }  # fmt: skip
    _print_table(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


def _print_table(report: dict[str, object]) -> None:
    wall, per = report["wall_seconds"], report["per_series_ms"]
    assert isinstance(wall, dict)
    assert isinstance(per, dict)
    print(f"{report['series']} monthly series, horizon {report['horizon']}, {report['jobs']} processes")
    print(f"{'':<22}{'wall s':>10}{'per series median ms':>24}{'p95 ms':>10}")
    for name in ("ensemble", "snaive"):
        print(f"{name:<22}{wall[name]:>10.1f}{per[name]['median']:>24.1f}{per[name]['p95']:>10.1f}")
    print(f"ensemble / snaive: {report['ratio_ensemble_to_snaive']}x; target {report['target_seconds']} s")
    print(f"load average before {report['load_average']['before']}, after {report['load_average']['after']}")  # type: ignore[index]


if __name__ == "__main__":
    main()
