"""Benchmark: import every shipped taxonomy release into an empty database.

Target (foundation issue): under 60 s on SQLite on a 2-core machine. Each run starts from an
empty database. The baseline in the same run is parsing alone (no database), so the table shows
how much of the time storage takes. With --pg-url (or LMIS_BENCH_PG_URL) PostgreSQL runs too.

    python -m bench.taxonomy_import [--runs 3] [--pg-url postgresql+psycopg://postgres@127.0.0.1/lmis_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench.measure import p95, timed
from lmis.bootstrap import build
from lmis.config import Settings
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.formats.crosswalks import read_crosswalk
from lmis.taxonomy.formats.esco import read_esco
from lmis.taxonomy.formats.isco import read_isco
from lmis.taxonomy.formats.onet import read_onet
from lmis.taxonomy.formats.soc import read_soc
from lmis.taxonomy.importing import import_shipped

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "taxonomy"
RESULTS = Path(__file__).resolve().parent / "results"


def parse_only() -> None:
    """Read every shipped file into bundles without touching a database (the baseline)."""
    quiet = SilentProgress()
    read_isco(SHIPPED / "isco", quiet)
    read_esco(SHIPPED / "esco", "1.1.1", quiet)
    read_onet(SHIPPED / "onet", "29.3", quiet)
    for path in sorted((SHIPPED / "soc").iterdir()):
        read_soc(path, quiet)
    for path in sorted((SHIPPED / "crosswalks").iterdir()):
        read_crosswalk(path, None, quiet)


def import_into(url_for_run: Callable[[Path], str]) -> Callable[[], None]:
    """A run that imports everything into a fresh database at `url_for_run(tmp)`."""

    def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), database_url=url_for_run(Path(tmp)), taxonomy_dir=SHIPPED)
            services = build(settings)
            services.upgrade_database()
            outcomes = import_shipped(SHIPPED, uow=services.uow(), now=services.now, progress=SilentProgress())
            if not all(o.changed for o in outcomes):
                raise RuntimeError("the database was not empty")
            services.engine.dispose()

    return run


def fresh_postgres(url: str) -> Callable[[Path], str]:
    def reset(_tmp: Path) -> str:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        return url

    return reset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("LMIS_BENCH_PG_URL"))
    args = parser.parse_args()
    cases: dict[str, Callable[[], None]] = {
        "parse only (baseline)": parse_only,
        "import into SQLite": import_into(lambda tmp: f"sqlite:///{tmp / 'lmis.db'}"),
    }
    if args.pg_url:
        cases["import into PostgreSQL"] = import_into(fresh_postgres(args.pg_url))
    rows = {name: timed(run, args.runs) for name, run in cases.items()}
    baseline = statistics.median(rows["parse only (baseline)"])
    print(f"{'case':<26} {'median s':>9} {'p95 s':>8} {'x parse':>8}  runs={args.runs}")
    for name, timings in rows.items():
        median = statistics.median(timings)
        print(f"{name:<26} {median:>9.2f} {p95(timings):>8.2f} {median / baseline:>8.2f}")
    RESULTS.mkdir(exist_ok=True)
    report = {
        "benchmark": "taxonomy_import",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform()},
        "runs": args.runs,
        "cases": {
            name: {"median_s": statistics.median(t), "p95_s": p95(t), "timings_s": t} for name, t in rows.items()
        },
    }
    (RESULTS / "taxonomy_import.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
