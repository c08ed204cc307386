"""Benchmark: import each official-series file of ../shared/data into an empty database, then again (unchanged).

Issue 8 asks that the whole Indeed folder import in seconds. Each run starts from an empty
database and times reading, the first import and a second import of the same files (nothing
to write), in wall-clock and CPU seconds of this process (on a shared machine wall time
includes waiting for a core). The baseline in the same run writes the Indeed observations with
SQLAlchemy Core's executemany (one dict per row), the straightforward adapter; the table shows
the ratio. With --pg-url (or LMIS_BENCH_PG_URL) PostgreSQL runs too.

    python -m bench.series_import [--runs 3] [--pg-url postgresql+psycopg://postgres@127.0.0.1/lmis_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.measure import p95
from lmis.analytics.series import import_series
from lmis.analytics.series_model import SeriesData, SeriesReading
from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.shared.progress import SilentProgress
from lmis.sources.bls_oews import read_oews
from lmis.sources.canada_lmia import read_lmia
from lmis.sources.fred_series import read_fred
from lmis.sources.indeed_index import read_indeed
from lmis.storage.analytics_tables import external_observation

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"
QUIET = SilentProgress()
FILES: dict[str, tuple[str, Callable[[Path], SeriesReading]]] = {
    "fred": ("labor_timeseries/us_fred_labor_series.csv", lambda p: read_fred(p, progress=QUIET)),
    "bls-oews": ("labor_timeseries/bls_oews_national_2011_2025.csv.gz", lambda p: read_oews(p, progress=QUIET)),
    "canada-lmia": ("canada_lmia/positive_lmia_employers_2017_2024.csv.gz", lambda p: read_lmia(p, progress=QUIET)),
    "indeed": ("indeed_job_postings_index", lambda p: read_indeed(p, progress=QUIET)),
}


def clocked(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """What `run` returns, with its wall-clock and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def fresh(tmp: Path, pg_url: str | None) -> Services:
    """Migrated services on an empty database (SQLite in `tmp`, or the PostgreSQL database emptied)."""
    url = pg_url or f"sqlite:///{tmp / 'lmis.db'}"
    if pg_url:
        engine = sa.create_engine(pg_url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    services = build(Settings(data_dir=tmp, database_url=url))
    services.upgrade_database()
    return services


def one_run(kind: str, pg_url: str | None) -> dict[str, Any]:
    """Read, import and import again one file (or the Indeed folder) into an empty database."""
    relative, read = FILES[kind]
    with tempfile.TemporaryDirectory() as folder:
        services = fresh(Path(folder), pg_url)
        reading, read_wall, read_cpu = clocked(lambda: read(SHARED / relative))
        first, wall, cpu = clocked(lambda: import_series(reading, uow=services.uow, now=services.now, progress=QUIET))
        again = read(SHARED / relative)
        second, wall2, cpu2 = clocked(lambda: import_series(again, uow=services.uow, now=services.now, progress=QUIET))
        services.engine.dispose()
    return {
        "rows": reading.rows,
        "series": first.series_new,
        "observations": first.observations_written,
        "quarantined": first.quarantined,
        "unchanged_again": second.observations_unchanged,
        "read": (read_wall, read_cpu),
        "write": (wall, cpu),
        "first": (read_wall + wall, read_cpu + cpu),
        "second": (wall2, cpu2),
    }


def baseline(pg_url: str | None) -> tuple[float, float, int]:
    """The Indeed observations written with SQLAlchemy Core executemany into an empty database (no checks)."""
    reading = read_indeed(SHARED / "indeed_job_postings_index", progress=QUIET)
    with tempfile.TemporaryDirectory() as folder:
        services = fresh(Path(folder), pg_url)
        # the series rows the observations refer to, written by the service with no observations
        empty = SeriesReading("indeed", series={code: SeriesData(d.info) for code, d in reading.series.items()})
        import_series(empty, uow=services.uow, now=services.now, progress=QUIET)
        rows = [
            {"series_id": d.info.id, "period": p, "value": v, "flag": f.value}
            for d in reading.series.values()
            for p, v, f in zip(d.periods, d.values, d.flags, strict=True)
        ]

        def write() -> None:
            with services.engine.begin() as connection:
                connection.execute(external_observation.insert(), rows)

        _none, wall, cpu = clocked(write)
        services.engine.dispose()
    return wall, cpu, len(rows)


def summary(runs: list[dict[str, Any]], phase: str) -> dict[str, float]:
    walls = [run[phase][0] for run in runs]
    cpus = [run[phase][1] for run in runs]
    return {
        "wall_median": round(statistics.median(walls), 2),
        "wall_p95": round(p95(walls), 2),
        "cpu_median": round(statistics.median(cpus), 2),
        "cpu_p95": round(p95(cpus), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("LMIS_BENCH_PG_URL"))
    parser.add_argument("--kinds", nargs="*", default=list(FILES))
    arguments = parser.parse_args()
    targets = [("sqlite", None)] + ([("postgresql", arguments.pg_url)] if arguments.pg_url else [])
    results: dict[str, Any] = {"machine": platform.platform(), "cpus": os.cpu_count(), "runs": arguments.runs}
    print(f"{'database':<11}{'file':<13}{'rows':>9}{'series':>8}{'obs':>9}  first import s (wall/cpu, median p95)"
          "   again s (wall/cpu median)")  # fmt: skip
    for database, url in targets:
        for kind in arguments.kinds:
            runs = [one_run(kind, url) for _ in range(arguments.runs)]
            first, second = summary(runs, "first"), summary(runs, "second")
            counts = {k: runs[0][k] for k in ("rows", "series", "observations")}
            phases = {phase: summary(runs, phase) for phase in ("read", "write")}
            results[f"{database}/{kind}"] = {**counts, "first": first, "second": second, **phases}
            print(f"{database:<11}{kind:<13}{runs[0]['rows']:>9}{runs[0]['series']:>8}{runs[0]['observations']:>9}  "
                  f"{first['wall_median']:>6}/{first['cpu_median']:<5} p95 {first['wall_p95']}/{first['cpu_p95']:<8}"
                  f"{second['wall_median']:>6}/{second['cpu_median']}")  # fmt: skip
        wall, cpu, count = baseline(url)
        ours = results[f"{database}/indeed"]["write"] if "indeed" in arguments.kinds else None
        results[f"{database}/baseline"] = {"observations": count, "wall": round(wall, 2), "cpu": round(cpu, 2)}
        ratio = (
            f"; our write (checks, diff, bulk upsert) / baseline: cpu {ours['cpu_median'] / cpu:.2f}x" if ours else ""
        )
        print(
            f"{database:<11}baseline: SQLAlchemy executemany of {count} Indeed observations "
            f"{wall:.2f}/{cpu:.2f} s{ratio}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "series-import.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
