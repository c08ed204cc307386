"""How fast indicators are: every dashboard query over N historical postings, and the incremental refresh of a day.

    python -m bench.analytics [--postings 10000000] [--months 36] [--seekers 500000] [--day 50000]
                              [--closures 10000] [--repeat 20] [--dir DIR] [--json FILE]

Builds (once, kept in DIR) the Parquet snapshot of N postings spread over the months before the
reference day (`storage.analytics_snapshot` layout: ISCO unit groups drawn Zipf-like, 17 regions
and their districts, 21 sectors, 5 size bands, 4 sources, 12% duplicate reposts, a 30-day
median life, pay for 85%, 3-8 ESCO skills), and an embedded install holding the shipped
taxonomy, the jobseekers and their applications and hires. Then:

1. Dashboard queries (`analytics.indicators.IndicatorService`, what the portal's pages call):
   national, regional and occupation-filtered totals, monthly series over three years, rankings
   by ISCO level 2 and 4 and by region, pay quantiles and the skills report; median and p95 of
   `--repeat` runs each after one warm-up, beside the same query counting the records instead of
   summing the flow cube (`DuckIndicatorStore(cube=False)`), and two of them as GROUP BYs run by
   SQLite on a flat copy of the postings (indicators straight from a row store), with the ratios.
2. The refresh after a day: `--day` new postings and `--closures` closed older ones written
   through the jobs repository, then `lmis analytics refresh`'s code path, timed.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench.measure import p95, timed
from lmis.analytics.indicators import IndicatorService
from lmis.analytics.model import Dimension, Grain, Measure
from lmis.analytics.skills_gap import skills_report
from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.jobs.model import Address, ChangeKind, Employer, JobPosting, PostingStatus, Provenance
from lmis.people.ports import StoredSeeker
from lmis.recommend.model import BehaviourEvent, EventKind
from lmis.shared.progress import SilentProgress
from lmis.storage.analytics_duckdb import DuckIndicatorStore
from lmis.storage.analytics_snapshot import POSTING_SCHEMA
from lmis.taxonomy.importing import import_shipped

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "taxonomy"
TODAY = date(2026, 11, 25)
SECTORS = [chr(ord("A") + n) for n in range(21)]
SIZES = ["1-9", "10-49", "50-249", "250-999", "1000+"]
SOURCES = ["demo-jobboard", "demo-careers", "demo-agency", "demo-news"]
REGIONS = ["KR-11", "KR-26", "KR-27", "KR-28", "KR-29", "KR-30", "KR-31", "KR-41", "KR-42", "KR-43", "KR-44",
           "KR-45", "KR-46", "KR-47", "KR-48", "KR-49", "KR-50"]  # fmt: skip


def _services(folder: Path) -> Services:
    return build(Settings(env="test", data_dir=folder / "data", taxonomy_dir=SHIPPED))


def _vocabulary(built: Services) -> tuple[list[str], list[str]]:
    """ISCO unit groups and ESCO skills of the stored taxonomy."""
    frame = pl.read_parquet(built.settings.analytics_dir() / "occupations.parquet")
    units = sorted({code for code in frame.filter(pl.col("scheme") == "isco-08")["key"] if len(code) == 4})
    skills = pl.read_parquet(built.settings.analytics_dir() / "skills.parquet")["key"].to_list()
    return units, skills


def _month(
    rng: np.random.Generator, n: int, first: int, days: int, units: list[str], skills: list[str]
) -> pl.DataFrame:
    """`n` postings posted in the `days` days from ordinal `first` (vectorised: a month of 280,000 in ~2 s)."""
    epoch = date(1970, 1, 1).toordinal()
    posted = (first - epoch + rng.integers(0, days, n)).astype("datetime64[D]")
    closes = posted + (rng.exponential(30, n).astype(int) + 1).astype("timedelta64[D]")
    unit = np.minimum(rng.zipf(1.3, n) - 1, len(units) - 1)
    region = np.array(REGIONS)[np.minimum(rng.zipf(1.5, n) - 1, len(REGIONS) - 1)]
    drawn = np.array(skills)[np.minimum(rng.zipf(1.2, (n, 5)) - 1, len(skills) - 1)]
    ids = pl.Series("id", np.char.add(f"b{first}-", np.arange(n).astype(str)))
    repost = pl.Series(rng.random(n) < 0.12)
    frame = pl.DataFrame({
        "id": ids, "cluster": pl.select(pl.when(repost & (pl.int_range(n) > 0)).then(ids.shift(1)).otherwise(ids))
        .to_series(), "source": np.array(SOURCES)[rng.integers(0, 4, n)], "posted": posted, "closes": closes,
        "status": "published", "esco": "", "isco": np.array(units)[unit], "country": "KR", "region": region,
        "region_name": region, "district": np.char.add(np.char.add(region, "-d"), rng.integers(0, 12, n).astype(str)),
        "district_name": "", "employer": np.char.add("e", rng.integers(0, n // 25 + 1, n).astype(str)),
        "sector": np.array(SECTORS)[rng.integers(0, 21, n)], "size": np.array(SIZES)[rng.integers(0, 5, n)],
        "pay": np.where(rng.random(n) < 0.85, rng.lognormal(17.3, 0.4, n), np.nan), "currency": "KRW",
        "skills": pl.Series(drawn).cast(pl.List(pl.String)),
        "required": pl.Series(drawn[:, :2]).cast(pl.List(pl.String)), "change_sequence": 0,
    })  # fmt: skip
    return frame.with_columns(pl.col("pay").fill_nan(None)).cast(POSTING_SCHEMA)


def build_install(folder: Path, postings: int, months: int, seekers: int) -> Services:
    """The install and its snapshot in `folder`, made on the first run."""
    built = _services(folder)
    marker = folder / "bench-ready.json"
    if marker.exists():
        return built
    started = time.perf_counter()
    built.upgrade_database()
    import_shipped(SHIPPED, uow=built.uow(), now=built.now, progress=SilentProgress())
    built.refresh_analytics(SilentProgress(), full=True)  # labels first: the generator draws from them
    units, skills = _vocabulary(built)
    rng = np.random.default_rng(1)
    first = TODAY.toordinal() - 30 * months
    ids: list[str] = []
    for month in range(months):
        frame = _month(rng, postings // months, first + 30 * month, 30, units, skills)
        for key, part in (
            frame.with_columns(pl.col("posted").dt.strftime("%Y-%m").alias("m")).partition_by("m", as_dict=True).items()
        ):
            path = built.settings.analytics_dir() / "postings" / f"{key[0]}.parquet"
            part = part.drop("m")
            merged = pl.concat([pl.read_parquet(path), part]) if path.exists() else part
            merged.write_parquet(path, compression="zstd", statistics=True)
        ids.extend(frame["id"].sample(min(2_000, frame.height), seed=month).to_list())
    _people(built, rng, seekers, ids)
    built.refresh_analytics(SilentProgress())  # people, events, and the vacancies of the postings written above
    marker.write_text(json.dumps({"seconds": round(time.perf_counter() - started), "postings": postings}))
    return built


def _people(built: Services, rng: np.random.Generator, count: int, posting_ids: list[str]) -> None:
    """`count` jobseekers registered over the period, and four events per posting sampled (applications, hires)."""
    at = datetime(2024, 1, 1, tzinfo=UTC)
    for start in range(0, count, 20_000):
        with built.uow() as uow:
            for n in range(start, min(count, start + 20_000)):
                registered = at + timedelta(days=int(rng.integers(0, 1000)))
                region = REGIONS[min(int(rng.zipf(1.5)) - 1, len(REGIONS) - 1)]
                uow.people.save_seeker(
                    StoredSeeker(f"s{n}", None, region, "", [], [], False, registered, registered, {}, None)
                )
            uow.commit()
    events = []
    for n, posting in enumerate(posting_ids):
        seeker = f"s{int(rng.integers(0, count))}"
        day = at + timedelta(days=int(rng.integers(0, 1000)))
        events.append(BehaviourEvent(seeker, EventKind.APPLY, "posting", posting, day))
        if n % 5 == 0:
            events.append(BehaviourEvent(seeker, EventKind.HIRE, "posting", posting, day + timedelta(days=20)))
    with built.uow() as uow:
        uow.behaviour.add_events(events)
        uow.commit()


def _posting(posting_id: str, posted: date, status: PostingStatus, unit: str, region: str) -> JobPosting:
    at = datetime.combine(posted, datetime.min.time(), tzinfo=UTC)
    derived = {
        "occupation": {"concept_id": "", "isco_code": unit}, "skills": {"items": []},
        "place": {"country": {"id": "KR"}, "region": {"id": region, "name": region}},
        "cluster": {"cluster_id": posting_id}, "salary": {"annual_min": 30e6, "annual_max": 40e6, "currency": "KRW"},
    }  # fmt: skip
    return JobPosting(
        id=posting_id, source="demo-jobboard", external_id=posting_id, title="Bench posting", description_html="",
        description_text="", employer=Employer("Bench Employer", "bench employer"), address=Address(region=region),
        latitude=None, longitude=None, employment_types=(), working_hours="", salary=None, education="",
        experience_months=None, openings=None, valid_through=at + timedelta(days=30), date_posted=at, updated_at=at,
        status=status, language="ko", url="", provenance=Provenance("demo-jobboard", at), content_hash=posting_id,
        derived=derived,
    )  # fmt: skip


def day_of_changes(built: Services, new: int, closures: int) -> dict[str, float]:
    """Write a day's new postings and closures of older ones through the repository, then time the refresh."""
    folder = built.settings.analytics_dir() / "postings"
    recent = sorted(folder.glob("*.parquet"))[-3:]
    old = pl.concat([pl.read_parquet(path, columns=["id", "posted", "isco", "region", "status"]) for path in recent])
    # generated postings still open: not in the database yet (a day's changes of an earlier run are)
    old = old.filter(pl.col("id").str.starts_with("b") & (pl.col("status") == "published"))
    closing = old.sample(min(closures, old.height), seed=int(time.time()))
    stamp = int(time.time())
    changes = [(_posting(f"d{stamp}-{n}", TODAY, PostingStatus.PUBLISHED, "2512", REGIONS[n % 17]), ChangeKind.CREATED)
               for n in range(new)]  # fmt: skip
    changes += [(_posting(r["id"], r["posted"], PostingStatus.CLOSED, r["isco"], r["region"]), ChangeKind.CREATED)
                for r in closing.iter_rows(named=True)]  # fmt: skip
    for start in range(0, len(changes), 10_000):
        with built.uow() as uow:
            uow.jobs.save(changes[start : start + 10_000], built.now())
            uow.commit()
    report = built.refresh_analytics(SilentProgress())
    return {"seconds": report.seconds, "changed": report.changed, "months_rewritten": report.months_rewritten,
            "postings": report.postings}  # fmt: skip


def dashboard_queries(indicators: IndicatorService) -> dict[str, Any]:
    """The queries the portal's analytics pages make, by name."""
    year = indicators.query({})
    three = indicators.query({}, year.end - timedelta(days=3 * 365), year.end)
    seoul = indicators.query({"region": ["KR-11"]})
    group = indicators.query({"occupation": ["25"]})
    return {
        "total vacancies_new (year)": lambda: indicators.total(Measure.VACANCIES_NEW, year),
        "total vacancies_open": lambda: indicators.total(Measure.VACANCIES_OPEN, year),
        "total tightness, one region": lambda: indicators.total(Measure.TIGHTNESS, seoul),
        "series vacancies_open monthly, 3 years": lambda: indicators.series(Measure.VACANCIES_OPEN, three, Grain.MONTH),
        "series postings_new weekly, one region": lambda: indicators.series(Measure.POSTINGS_NEW, seoul, Grain.WEEK),
        "series seekers_active monthly": lambda: indicators.series(Measure.SEEKERS_ACTIVE, year, Grain.MONTH),
        "ranking vacancies_new by ISCO-2": lambda: indicators.ranking(
            Measure.VACANCIES_NEW, year, Dimension.OCCUPATION, 2),
        "ranking vacancies_new by ISCO-4, one group": lambda: indicators.ranking(
            Measure.VACANCIES_NEW, group, Dimension.OCCUPATION, 4),
        "ranking vacancies_open by region": lambda: indicators.ranking(Measure.VACANCIES_OPEN, year, Dimension.REGION),
        "ranking placements by region": lambda: indicators.ranking(Measure.PLACEMENTS, year, Dimension.REGION),
        "pay by ISCO-2": lambda: indicators.pay(year, Dimension.OCCUPATION, 2),
        "skills report": lambda: skills_report(indicators, year),
    }  # fmt: skip


def sqlite_baseline(built: Services, folder: Path, repeat: int) -> dict[str, list[float]]:
    """Two indicators as GROUP BYs on a flat SQLite copy of the postings (indexed by day)."""
    path = folder / "flat.db"
    if not path.exists():
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE p (id TEXT, cluster TEXT, posted TEXT, closes TEXT, isco TEXT, region TEXT)")
        for file in sorted((built.settings.analytics_dir() / "postings").glob("*.parquet")):
            frame = pl.read_parquet(file, columns=["id", "cluster", "posted", "closes", "isco", "region"])
            db.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?)", frame.cast(pl.String).iter_rows())
        db.execute("CREATE INDEX p_posted ON p (posted)")
        db.commit()
        db.close()
    db = sqlite3.connect(path)
    end = TODAY.isoformat()
    start = (TODAY - timedelta(days=364)).isoformat()
    queries = {
        "ranking vacancies_open by region": (
            "SELECT region, count(*) FROM (SELECT cluster, min(region) region, min(posted) o, max(closes) c FROM p "
            "GROUP BY cluster) WHERE o <= ? AND c > ? GROUP BY region", (end, end)),
        "ranking vacancies_new by ISCO-2": (
            "SELECT substr(isco, 1, 2), count(*) FROM (SELECT cluster, min(isco) isco, min(posted) o FROM p "
            "GROUP BY cluster) WHERE o BETWEEN ? AND ? GROUP BY 1", (start, end)),
    }  # fmt: skip
    return {name: timed(lambda sql=sql, args=args: db.execute(sql, args).fetchall(), max(2, repeat // 10), scale=1000)
            for name, (sql, args) in queries.items()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seekers", type=int, default=500_000)
    parser.add_argument("--day", type=int, default=50_000)
    parser.add_argument("--closures", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=Path("var/bench-analytics"))
    parser.add_argument("--no-baseline", action="store_true", help="Skip the SQLite baseline (minutes to load).")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    built = build_install(args.dir, args.postings, args.months, args.seekers)
    refresh = day_of_changes(built, args.day, args.closures)
    folder, min_cell = built.settings.analytics_dir(), built.settings.analytics_min_cell
    # every answer computed, none remembered: what the first visitor after a refresh waits for
    indicators = IndicatorService(DuckIndicatorStore(folder, remember=False), min_cell, built.now)
    records = IndicatorService(DuckIndicatorStore(folder, cube=False, remember=False), min_cell, built.now)
    results: dict[str, Any] = {"postings": indicators.store.snapshot().postings, "refresh": refresh, "queries": {}}
    every: list[float] = []
    baseline, remembered = dashboard_queries(records), dashboard_queries(built.indicators)
    for name, run in dashboard_queries(indicators).items():
        run()  # warm: file metadata, the first plan
        timings = timed(run, args.repeat, scale=1000)
        every += timings
        results["queries"][name] = {"median_ms": statistics.median(timings), "p95_ms": p95(timings)}
        baseline[name]()
        counted = timed(baseline[name], max(2, args.repeat // 4), scale=1000)
        results["queries"][name]["records_median_ms"] = statistics.median(counted)
        remembered[name]()  # computed once, then answered from the store's memory until the next refresh
        results["queries"][name]["remembered_median_ms"] = statistics.median(timed(remembered[name], 5, scale=1000))
    results["all_queries"] = {"median_ms": statistics.median(every), "p95_ms": p95(every)}
    if not args.no_baseline:
        for name, timings in sqlite_baseline(built, args.dir, args.repeat).items():
            results["queries"][name]["sqlite_median_ms"] = statistics.median(timings)
            results["queries"][name]["ratio"] = statistics.median(timings) / results["queries"][name]["median_ms"]
    _print(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


def _print(results: dict[str, Any]) -> None:
    refresh = results["refresh"]
    print(f"snapshot: {results['postings']:,} postings")
    print(f"refresh after a day: {refresh['changed']:,} changed, {refresh['months_rewritten']} month files, "
          f"{refresh['seconds']:.1f} s")  # fmt: skip
    header = f"{'median ms':>10} {'p95 ms':>8} {'records ms':>11} {'again ms':>9} {'SQLite ms':>10} {'ratio':>7}"
    print(f"{'query':<46} {header}")
    for name, row in results["queries"].items():
        baseline = f"{row['sqlite_median_ms']:>10.0f} {row['ratio']:>6.0f}x" if "ratio" in row else ""
        timings = f"{row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} {row['records_median_ms']:>11.1f}"
        timings += f" {row['remembered_median_ms']:>9.2f}"
        print(f"{name:<46} {timings} {baseline}")
    print(f"{'every query':<46} {results['all_queries']['median_ms']:>10.1f} {results['all_queries']['p95_ms']:>8.1f}")


if __name__ == "__main__":
    main()
