"""Parquet snapshots of the operational database that indicators are computed from, written incrementally.

Layout of `Settings.analytics_dir()`:

    postings/YYYY-MM.parquet   one file per month of posting, each posting once, in its latest state
    seekers.parquet            every jobseeker (rewritten on each refresh)
    events.parquet             applications, hires, saves, impressions and clicks, with their posting's day
                               and dimensions (rewritten)
    occupations.parquet        ISCO-08 codes and ESCO occupations with labels (rewritten)
    skills.parquet             ESCO skills with their digital and green flags (rewritten)
    vacancies.parquet          one row per duplicate cluster, derived from the postings (rewritten)
    vacancy_skills.parquet     vacancies asking each skill by month, ISCO unit group and region (rewritten)
    manifest.json              the change sequence reached, when, and the counts

A refresh reads only the postings changed since the manifest's change sequence (the change feed
every write bumps), finds which month files hold older versions of them, and rewrites just those
months and the months the changes land in. A day of new postings touches the last month or two.
Files are written to a temporary name and renamed, so a reader sees the old file or the new one,
and a lock file keeps two refreshes from interleaving. People's tables are rewritten whole, so an
erasure or the retention purge reaches the snapshot at the next refresh. The vacancy files are
derived from the month files by DuckDB on every refresh: grouping millions of postings by cluster
at query time cost most of a dashboard's time budget (docs/analytics.md).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import sqlalchemy as sa

from lmis.shared.progress import Progress
from lmis.storage import analytics_rows as rows

FORMAT_VERSION = 1
POSTING_SCHEMA: dict[str, Any] = {
    "id": pl.String, "cluster": pl.String, "source": pl.String, "posted": pl.Date, "closes": pl.Date,
    "status": pl.String, "esco": pl.String, "isco": pl.String, "country": pl.String, "region": pl.String,
    "region_name": pl.String, "district": pl.String, "district_name": pl.String, "employer": pl.String,
    "sector": pl.String, "size": pl.String, "pay": pl.Float64, "currency": pl.String, "skills": pl.List(pl.String),
    "required": pl.List(pl.String), "change_sequence": pl.Int64,
}  # fmt: skip
SEEKER_SCHEMA: dict[str, Any] = {
    "id": pl.String, "registered": pl.Date, "left": pl.Date, "country": pl.String, "region": pl.String,
    "district": pl.String, "esco": pl.String, "isco": pl.String, "skills": pl.List(pl.String),
}  # fmt: skip
EVENT_SCHEMA: dict[str, Any] = {
    "kind": pl.String, "seeker": pl.String, "posting": pl.String, "list": pl.String, "day": pl.Date,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What a refresh did: postings changed, month files rewritten, totals, and how long it took."""

    changed: int
    months_rewritten: int
    postings: int
    seekers: int
    events: int
    sequence: int
    seconds: float
    full: bool


def read_manifest(folder: Path) -> dict[str, Any]:
    """The snapshot's manifest, or an empty one before the first refresh (or after a format change)."""
    path = folder / "manifest.json"
    if not path.exists():
        return {}
    manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return manifest if manifest.get("format") == FORMAT_VERSION else {}


def _write_atomic(frame: pl.DataFrame, path: Path) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    frame.write_parquet(partial, compression="zstd", statistics=True)
    partial.replace(path)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".refresh.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refresh_snapshot(
    engine: sa.Engine, folder: Path, *, now: Callable[[], datetime], progress: Progress, full: bool = False
) -> RefreshReport:
    """Bring the snapshot in `folder` up to date with the database (from scratch when `full`)."""
    started = time.perf_counter()
    with _locked(folder):
        manifest = {} if full else read_manifest(folder)
        after = int(manifest.get("sequence", 0))
        postings_dir = folder / "postings"
        if not manifest and postings_dir.exists():
            for stale in postings_dir.glob("*.parquet"):
                stale.unlink()
        with engine.connect() as connection:
            target = rows.head_sequence(connection)
            changed, rewritten = _refresh_postings(connection, postings_dir, after, target, progress)
            people = _rewrite_people(connection, folder)
        postings = _count(postings_dir)
        _derive_vacancies(folder)
        report = RefreshReport(
            changed, rewritten, postings, people[0], people[1], max(after, target),
            time.perf_counter() - started, not manifest,
        )  # fmt: skip
        _write_manifest(folder, report, now())
    return report


def _write_manifest(folder: Path, report: RefreshReport, at: datetime) -> None:
    manifest = {
        "format": FORMAT_VERSION, "sequence": report.sequence, "refreshed_at": at.isoformat(),
        "postings": report.postings, "seekers": report.seekers, "events": report.events,
    }  # fmt: skip
    partial = folder / ".manifest.json.partial"
    partial.write_text(json.dumps(manifest, indent=1), "utf-8")
    partial.replace(folder / "manifest.json")


def _refresh_postings(
    connection: sa.Connection, folder: Path, after: int, target: int, progress: Progress
) -> tuple[int, int]:
    folder.mkdir(parents=True, exist_ok=True)
    progress.begin("Reading changed postings", max(target - after, 0))
    pages: list[pl.DataFrame] = []
    for page in rows.changed_postings(connection, after):
        pages.append(pl.DataFrame(page, schema=POSTING_SCHEMA))
        progress.advance(len(page))
    if not pages:
        return 0, 0
    changed = pl.concat(pages).unique("id", keep="last", maintain_order=True)
    changed = changed.with_columns(pl.col("posted").dt.strftime("%Y-%m").fill_null("unknown").alias("_month"))
    months = set(changed["_month"].unique().to_list()) | _months_holding(folder, changed["id"])
    progress.begin("Rewriting month files", len(months))
    for month in sorted(months):
        _rewrite_month(folder / f"{month}.parquet", changed, month)
        progress.advance()
    return changed.height, len(months)


def _months_holding(folder: Path, ids: pl.Series) -> set[str]:
    """The month files that hold a version of any of `ids` (read from the files' id column only)."""
    if not any(folder.glob("*.parquet")):
        return set()
    wanted = pl.DataFrame({"id": ids})
    with duckdb.connect() as db:
        db.register("wanted", wanted)
        found = db.execute(
            "SELECT DISTINCT p.filename FROM read_parquet(?, filename = true) p JOIN wanted USING (id)",
            [str(folder / "*.parquet")],
        ).fetchall()
    return {Path(name).stem for (name,) in found}


def _rewrite_month(path: Path, changed: pl.DataFrame, month: str) -> None:
    arriving = changed.filter(pl.col("_month") == month).drop("_month")
    if path.exists():
        kept = pl.read_parquet(path).filter(~pl.col("id").is_in(changed["id"].implode()))
        merged = pl.concat([kept, arriving]) if arriving.height else kept
    else:
        merged = arriving
    if merged.height:
        _write_atomic(merged.sort("posted"), path)
    elif path.exists():
        path.unlink()


def _count(folder: Path) -> int:
    files = list(folder.glob("*.parquet"))
    return sum(pl.scan_parquet(f).select(pl.len()).collect().item() for f in files) if files else 0


def _rewrite_people(connection: sa.Connection, folder: Path) -> tuple[int, int]:
    occupations = pl.DataFrame(
        rows.occupation_labels(connection),
        schema={"key": pl.String, "label": pl.String, "isco": pl.String, "scheme": pl.String},
    )
    _write_atomic(occupations, folder / "occupations.parquet")
    skills = pl.DataFrame(
        rows.skill_labels(connection),
        schema={"key": pl.String, "label": pl.String, "digital": pl.Boolean, "green": pl.Boolean},
    )
    _write_atomic(skills, folder / "skills.parquet")
    isco_of = dict(zip(occupations["key"].to_list(), occupations["isco"].to_list(), strict=True))
    seekers = pl.DataFrame([_seeker_row(s, isco_of) for s in rows.seeker_records(connection)], schema=SEEKER_SCHEMA)
    _write_atomic(seekers, folder / "seekers.parquet")
    events = pl.DataFrame(rows.event_records(connection), schema=EVENT_SCHEMA)
    _write_atomic(events, folder / "events.parquet")
    return seekers.height, events.height


def _seeker_row(seeker: dict[str, Any], isco_of: dict[str, str]) -> dict[str, Any]:
    """A seeker's place id split into country, first- and second-level division (gazetteer ids nest:
    KR, KR-11, KR-11-jongno-gu)."""
    place = seeker.pop("place")
    # a locality's id (geonames:...) does not nest: such a seeker counts nationally only
    parts = place.split("-") if len(place) >= 2 and place[:2].isupper() and place[:2].isalpha() else []
    return {
        **seeker,
        "country": parts[0] if parts else "",
        "region": "-".join(parts[:2]) if len(parts) >= 2 else "",
        "district": "-".join(parts) if len(parts) >= 3 else "",  # district slugs may hold hyphens
        "isco": isco_of.get(seeker["esco"], ""),
    }


_VACANCIES = """
    SELECT cluster, min(posted) posted, CASE WHEN count(closes) < count(*) THEN NULL ELSE max(closes) END closes,
        arg_min(source, posted) source, arg_min(esco, posted) esco, arg_min(isco, posted) isco,
        arg_min(country, posted) country, arg_min(region, posted) region, arg_min(district, posted) district,
        arg_min(sector, posted) sector, arg_min(size, posted) size, arg_min(skills, posted) skills,
        arg_min(required, posted) required, count(*) postings
    FROM read_parquet(?) GROUP BY cluster
"""
_FLAGGED = """
    SELECT v.*, coalesce(f.digital, FALSE) digital, coalesce(f.green, FALSE) green FROM vacancies v LEFT JOIN (
        SELECT cluster, bool_or(s.digital) digital, bool_or(s.green) green
        FROM (SELECT cluster, unnest(skills) skill FROM vacancies) u JOIN read_parquet(?) s ON s.key = u.skill
        GROUP BY cluster
    ) f USING (cluster) ORDER BY posted
"""
_SKILLS = """
    SELECT CAST(date_trunc('month', posted) AS DATE) AS month, isco, country, region, skill, count(*) vacancies,
        count(*) FILTER (WHERE list_contains(required, skill)) required
    FROM (SELECT posted, isco, country, region, required, unnest(skills) skill FROM read_parquet(?)) GROUP BY ALL
"""


_EVENTS = """
    SELECT e.kind, e.seeker, e.posting, e.list, e.day, p.posted, p.source, p.esco, p.isco, p.country, p.region,
        p.district, p.sector, p.size
    FROM read_parquet(?) e LEFT JOIN {postings} p ON p.id = e.posting
"""
_NO_POSTINGS = (
    "(SELECT NULL::VARCHAR id, NULL::DATE posted, NULL::VARCHAR source, NULL::VARCHAR esco, NULL::VARCHAR isco, "
    "NULL::VARCHAR country, NULL::VARCHAR region, NULL::VARCHAR district, NULL::VARCHAR sector, NULL::VARCHAR size "
    "WHERE FALSE)"
)


def _attach_postings_to_events(db: duckdb.DuckDBPyConnection, folder: Path, postings: list[str]) -> None:
    """Give each event its posting's day and dimensions, so indicators of applications and hires scan events only."""
    events = folder / "events.parquet"
    partial = events.with_name(f".{events.name}.{os.getpid()}.joined")
    relation = "(SELECT * FROM read_parquet(?))" if postings else _NO_POSTINGS
    sql = _EVENTS.format(postings=relation)
    parameters = [str(events), postings] if postings else [str(events)]
    db.execute(f"COPY ({sql}) TO '{partial}' (FORMAT parquet, COMPRESSION zstd)", parameters)
    partial.replace(events)


def _derive_vacancies(folder: Path) -> None:
    """Write vacancies.parquet (clusters with their span and first posting's fields, and whether they ask a
    digital or green skill) and vacancy_skills.parquet (counts by month, ISCO unit group, region and skill)."""
    postings = [str(path) for path in sorted((folder / "postings").glob("*.parquet"))]
    vacancies, skills = folder / "vacancies.parquet", folder / "vacancy_skills.parquet"
    if not postings:
        with duckdb.connect() as db:
            _attach_postings_to_events(db, folder, postings)
        for path in (vacancies, skills):
            path.unlink(missing_ok=True)
        return
    partial = vacancies.with_name(f".{vacancies.name}.{os.getpid()}.partial")
    partial_skills = skills.with_name(f".{skills.name}.{os.getpid()}.partial")
    with duckdb.connect() as db:
        _attach_postings_to_events(db, folder, postings)
        db.execute(f"CREATE TEMP TABLE vacancies AS {_VACANCIES}", [postings])
        db.execute(
            f"COPY ({_FLAGGED}) TO '{partial}' (FORMAT parquet, COMPRESSION zstd)", [str(folder / "skills.parquet")]
        )
        db.execute(f"COPY ({_SKILLS}) TO '{partial_skills}' (FORMAT parquet, COMPRESSION zstd)", [str(partial)])
    partial.replace(vacancies)
    partial_skills.replace(skills)
