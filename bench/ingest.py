"""Benchmark: the ingestion pipeline without enrichment, and the change feed at scale.

Cases, each from an empty database:
- parse only (baseline): reading the NDJSON lines and `json.loads`, no validation, no storage;
- first ingest: parse + validate + sanitise + upsert (+ raw store, quarantine, change feed);
- unchanged re-ingest: the same feed again (content hashes skip validation and writes);
- changes page: `GET /postings/changes` pages of 1,000 from random cursors (service level).

Targets (ingestion issue): ≥ 2,000 postings/s on SQLite and ≥ 1,000/s on PostgreSQL;
unchanged ≥ 10,000/s; a 1M-posting feed under 500 MB peak memory; a changes page of 1,000
under 100 ms at 1M postings. `--memory` runs the big feed in a child process and reports its
peak RSS.

    python -m bench.ingest --postings 50000 [--pg-url URL] [--runs 3]
    python -m bench.ingest --postings 1000000 --memory
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import p95
from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream
from lmis.jobs import services as jobs
from lmis.shared.progress import SilentProgress
from lmis.sources.ndjson import NdjsonFormat

RESULTS = Path(__file__).resolve().parent / "results"
TITLES = ["Staff Nurse", "Welder", "Software Developer", "Care Worker", "Accountant", "Chef", "Electrician", "Driver"]
TOWNS = ["Leeds", "Seoul", "Jakarta", "Bristol", "Busan", "Surabaya", "Manchester", "Incheon"]


def write_feed(path: Path, count: int, seed: int = 7) -> None:
    """A synthetic canonical NDJSON feed of `count` postings of realistic size (~1.5 KB)."""
    rng = random.Random(seed)
    paragraph = "We are looking for a motivated colleague to join a friendly team. " * 8
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            title = rng.choice(TITLES)
            record = {
                "external_id": f"B-{n}",
                "title": f"{title} {n % 97}",
                "description": f"<p>{paragraph}</p><ul><li>{title} duties</li><li>Shift work</li></ul>",
                "employer": {"name": f"Demo Employer {n % 5000} Ltd", "industry": "Services"},
                "address": {"locality": rng.choice(TOWNS), "country": "GB"},
                "latitude": round(rng.uniform(50, 55), 4),
                "longitude": round(rng.uniform(-3, 0), 4),
                "employment_type": rng.choice(["FULL_TIME", "PART_TIME", "TEMPORARY"]),
                "salary": {"currency": "GBP", "min": 20000 + n % 20000, "max": 45000 + n % 20000, "unit": "year"},
                "date_posted": "2026-11-01T09:00:00Z",
                "valid_through": "2099-12-31",
                "language": "en",
            }
            out.write(json.dumps(record) + "\n")


def fresh_services(tmp: Path, pg_url: str | None) -> Services:
    if pg_url:
        import sqlalchemy as sa

        engine = sa.create_engine(pg_url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    settings = Settings(data_dir=tmp, database_url=pg_url or f"sqlite:///{tmp / 'lmis.db'}")
    built = build(settings)
    built.upgrade_database()
    return built


def ingest(built: Services, feed: Path) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    with feed.open("rb") as data:
        run = ingest_stream(
            data,
            NdjsonFormat(),
            RunOptions("bench", str(feed)),
            uow=built.uow(),
            now=built.now,
            progress=SilentProgress(),
        )
    return time.perf_counter() - start, run.counts.as_dict()


def parse_only(feed: Path) -> float:
    start = time.perf_counter()
    with feed.open("rb") as data:
        for line in data:
            json.loads(line)
    return time.perf_counter() - start


def changes_pages(built: Services, pages: int) -> list[float]:
    head = jobs.changes(None, limit=1, uow=built.uow()).head
    rng = random.Random(1)
    timings = []
    for _ in range(pages):
        cursor = jobs.encode_cursor(rng.randrange(0, max(head - 1_000, 1)))
        start = time.perf_counter()
        page = jobs.changes(cursor, limit=1_000, uow=built.uow())
        timings.append((time.perf_counter() - start) * 1000)
        assert len(page.changes) == min(1_000, head)
    return timings


def engine_cases(feed: Path, count: int, runs: int, pg_url: str | None) -> dict[str, dict[str, float]]:
    label = "PostgreSQL" if pg_url else "SQLite"
    firsts, agains, pages = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            built = fresh_services(Path(tmp), pg_url)
            seconds, counts = ingest(built, feed)
            assert counts["new"] == count, counts
            firsts.append(seconds)
            seconds, counts = ingest(built, feed)
            assert counts["unchanged"] == count, counts
            agains.append(seconds)
            pages += changes_pages(built, 20)
            built.engine.dispose()
    return {
        f"{label}: first ingest": _rate(firsts, count),
        f"{label}: unchanged re-ingest": _rate(agains, count),
        f"{label}: changes page of 1,000 (ms)": {"median": statistics.median(pages), "p95": p95(pages)},
    }


def _rate(timings: list[float], count: int) -> dict[str, float]:
    return {"median_s": statistics.median(timings), "p95_s": p95(timings), "per_s": count / statistics.median(timings)}


def memory_child(feed: Path, count: int, pg_url: str | None) -> None:
    """Ingest the feed into a fresh database (SQLite unless `pg_url`) and print peak RSS and timings as JSON."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("LMIS_BENCH_TMP")) as tmp:
        built = fresh_services(Path(tmp), pg_url)
        seconds, counts = ingest(built, feed)
        pages = changes_pages(built, 20)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    "counts": counts,
                    "peak_rss_mb": peak_mb,
                    "changes_median_ms": statistics.median(pages),
                    "changes_p95_ms": p95(pages),
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("LMIS_BENCH_PG_URL"))
    parser.add_argument("--memory", action="store_true", help="run the feed in a child process and report peak RSS")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        memory_child(args.child, args.postings, args.pg_url)
        return
    with tempfile.TemporaryDirectory(dir=os.environ.get("LMIS_BENCH_TMP")) as tmp:
        feed = Path(tmp) / "feed.ndjson"
        write_feed(feed, args.postings)
        print(f"feed: {args.postings:,} postings, {feed.stat().st_size / 1e6:.0f} MB")
        if args.memory:
            report = _run_child(feed, args.postings, args.pg_url)
            print(json.dumps(report, indent=2))
            _save("ingest_memory_postgresql" if args.pg_url else "ingest_memory", report)
            return
        baseline = statistics.median([parse_only(feed) for _ in range(args.runs)])
        cases: dict[str, dict[str, float]] = {"parse only (baseline)": _rate([baseline], args.postings)}
        cases.update(engine_cases(feed, args.postings, args.runs, None))
        if args.pg_url:
            cases.update(engine_cases(feed, args.postings, args.runs, args.pg_url))
    _print(cases, baseline, args.postings)
    _save("ingest", {"postings": args.postings, "runs": args.runs, "cases": cases})


def _run_child(feed: Path, count: int, pg_url: str | None) -> dict[str, object]:
    command = [sys.executable, "-m", "bench.ingest", "--postings", str(count), "--child", str(feed)]
    command += ["--pg-url", pg_url] if pg_url else []
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - our own module
    report: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return report


def _print(cases: dict[str, dict[str, float]], baseline: float, count: int) -> None:
    print(f"{'case':<42} {'median':>10} {'p95':>10} {'postings/s':>11} {'x baseline':>10}")
    for name, row in cases.items():
        if "per_s" in row:
            ratio = row["median_s"] / baseline
            print(f"{name:<42} {row['median_s']:>9.2f}s {row['p95_s']:>9.2f}s {row['per_s']:>11,.0f} {ratio:>10.1f}")
        else:
            print(f"{name:<42} {row['median']:>8.1f}ms {row['p95']:>8.1f}ms")


def _save(name: str, report: dict[str, object]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
