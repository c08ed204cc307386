"""Parquet snapshots of the operational database that indicators are computed from, written incrementally.

Layout of `Settings.analytics_dir()`:

    postings/YYYY-MM.parquet   one file per month of posting, each posting once, in its latest state
    seekers.parquet            every jobseeker (rewritten on each refresh)
    events.parquet             applications, hires, saves, impressions and clicks, with their posting's day
                               and dimensions (rewritten)
    occupations.parquet        ISCO-08 codes and ESCO occupations with labels (rewritten)
    skills.parquet             ESCO skills with their digital and green flags (rewritten)
    vacancies/YYYY-MM.parquet  one row per duplicate cluster, in the month of its first posting
    vacancy_skills/YYYY-MM.parquet   vacancies asking each skill by month, ISCO unit group and region
    national_skills/YYYY-MM.parquet  the same summed over occupations and regions (a national skills report
                               reads thousands of rows instead of millions)
    flows/YYYY-MM.parquet      vacancies and postings opened and closed by day, ISCO unit group and region
                               (of the vacancies and postings of that month: the cube most indicators read)
    manifest.json              the change sequence reached, when, and the counts

A refresh reads only the postings changed since the manifest's change sequence (the change feed
every write bumps), finds which month files hold older versions of them, and rewrites just those
months and the months the changes land in. A day of new postings touches the last month or two.
Files are written to a temporary name and renamed, so a reader sees the old file or the new one,
and a lock file keeps two refreshes from interleaving. People's tables are rewritten whole, so an
erasure or the retention purge reaches the snapshot at the next refresh.

The vacancy files are derived by DuckDB, incrementally too: the clusters of the changed postings
(before and after the change) are re-derived from all their postings, and only the vacancy months
that held or now hold them are rewritten, with their skill counts and flow cube. Grouping millions
of postings by cluster at query time cost most of a dashboard's time budget, and re-deriving every
cluster on each refresh most of a refresh's (docs/analytics.md). A change of the skills' digital or
green flags (a taxonomy release) re-derives every month.
"""

from __future__ import annotations

import fcntl
import hashlib
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

FORMAT_VERSION = 2
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
        if not manifest:
            _clear(folder)
        with engine.connect() as connection:
            target = rows.head_sequence(connection)
            change = _refresh_postings(connection, folder / "postings", after, target, progress)
            people = _rewrite_people(connection, folder)
        flags = _flags_digest(folder)
        rebuild = not manifest or manifest.get("skill_flags") != flags or _underived(folder)
        _derive_vacancies(folder, None if rebuild else change.clusters, change.months, progress)
        report = RefreshReport(
            change.count, len(change.months), _count(folder / "postings"), people[0], people[1], max(after, target),
            time.perf_counter() - started, not manifest,
        )  # fmt: skip
        _write_manifest(folder, report, now(), flags)
    return report


def _underived(folder: Path) -> bool:
    """Whether derived files that the postings imply are missing (a snapshot written by an older version)."""

    def held(part: str) -> bool:
        return any((folder / part).glob("*.parquet"))

    if not held("postings"):
        return False
    return not held("vacancies") or not held("flows") or held("vacancy_skills") != held("national_skills")


def _clear(folder: Path) -> None:
    """Remove every derived file of an earlier snapshot (a first, full or format-changing refresh)."""
    for part in ("postings", *DERIVED):
        for stale in (folder / part).glob("*.parquet"):
            stale.unlink()
    for single in ("vacancies.parquet", "vacancy_skills.parquet"):  # the single files of format 1
        (folder / single).unlink(missing_ok=True)


def _flags_digest(folder: Path) -> str:
    """A digest of the skills' digital and green flags: vacancies carry them, so a change re-derives all."""
    flagged = pl.read_parquet(folder / "skills.parquet", columns=["key", "digital", "green"]).sort("key")
    return hashlib.sha256(flagged.write_csv().encode()).hexdigest()[:16]


def _write_manifest(folder: Path, report: RefreshReport, at: datetime, flags: str) -> None:
    manifest = {
        "format": FORMAT_VERSION, "sequence": report.sequence, "refreshed_at": at.isoformat(),
        "postings": report.postings, "seekers": report.seekers, "events": report.events, "skill_flags": flags,
    }  # fmt: skip
    partial = folder / ".manifest.json.partial"
    partial.write_text(json.dumps(manifest, indent=1), "utf-8")
    partial.replace(folder / "manifest.json")


@dataclass(frozen=True, slots=True)
class PostingChange:
    """What a refresh changed in the posting month files: how many postings, the months rewritten, and the
    clusters the changed postings belong to now or belonged to before (their vacancies are re-derived)."""

    count: int
    months: set[str]
    clusters: pl.Series


def _refresh_postings(
    connection: sa.Connection, folder: Path, after: int, target: int, progress: Progress
) -> PostingChange:
    folder.mkdir(parents=True, exist_ok=True)
    progress.begin("Reading changed postings", max(target - after, 0))
    pages: list[pl.DataFrame] = []
    for page in rows.changed_postings(connection, after):
        pages.append(pl.DataFrame(page, schema=POSTING_SCHEMA))
        progress.advance(len(page))
    if not pages:
        return PostingChange(0, set(), pl.Series("cluster", [], pl.String))
    changed = pl.concat(pages).unique("id", keep="last", maintain_order=True)
    changed = changed.with_columns(pl.col("posted").dt.strftime("%Y-%m").fill_null(UNDATED).alias("_month"))
    held, before = _held(folder, changed["id"])
    months = set(changed["_month"].unique().to_list()) | held
    progress.begin("Rewriting month files", len(months))
    for month in sorted(months):
        _rewrite_month(folder / f"{month}.parquet", changed, month)
        progress.advance()
    clusters = pl.concat([changed["cluster"], before]).unique()
    return PostingChange(changed.height, months, clusters)


def _held(folder: Path, ids: pl.Series) -> tuple[set[str], pl.Series]:
    """The month files that hold a version of any of `ids`, and the clusters those versions belong to
    (read from the files' id and cluster columns only)."""
    if not any(folder.glob("*.parquet")):
        return set(), pl.Series("cluster", [], pl.String)
    wanted = pl.DataFrame({"id": ids})
    with duckdb.connect() as db:
        db.register("wanted", wanted)
        found = db.execute(
            "SELECT DISTINCT p.filename, p.cluster FROM read_parquet(?, filename = true) p JOIN wanted USING (id)",
            [str(folder / "*.parquet")],
        ).fetchall()
    return {Path(name).stem for name, _ in found}, pl.Series("cluster", [c for _, c in found], pl.String)


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
    SELECT cluster, min(posted) posted,
        CASE WHEN count(closes) < count(*) THEN NULL ELSE greatest(max(closes), min(posted)) END closes,
        arg_min(source, posted) source, arg_min(esco, posted) esco, arg_min(isco, posted) isco,
        arg_min(country, posted) country, arg_min(region, posted) region, arg_min(district, posted) district,
        arg_min(sector, posted) sector, arg_min(size, posted) size, arg_min(skills, posted) skills,
        arg_min(required, posted) required, count(*) postings
    FROM read_parquet(?) {where} GROUP BY cluster
"""
_FLAGGED = """
    SELECT v.*, coalesce(f.digital, FALSE) digital, coalesce(f.green, FALSE) green,
        coalesce(strftime(v.posted, '%Y-%m'), '{undated}') AS month
    FROM fresh v LEFT JOIN (
        SELECT cluster, bool_or(s.digital) digital, bool_or(s.green) green
        FROM (SELECT cluster, unnest(skills) skill FROM fresh) u JOIN read_parquet(?) s ON s.key = u.skill
        GROUP BY cluster
    ) f USING (cluster)
"""
_SKILLS = """
    SELECT CAST(date_trunc('month', posted) AS DATE) AS month, isco, country, region, skill, count(*) vacancies,
        count(*) FILTER (WHERE list_contains(required, skill)) required
    FROM (SELECT posted, isco, country, region, required, unnest(skills) skill FROM read_parquet(?)) GROUP BY ALL
"""
_NATIONAL_SKILLS = """
    SELECT month, skill, CAST(sum(vacancies) AS BIGINT) vacancies, CAST(sum(required) AS BIGINT) required
    FROM read_parquet(?) GROUP BY ALL
"""
# Opened on its first day and closed on its first day no longer open (never before it opened), so a stock is
# a running sum of these; `stock` in analytics_measures gives the same answer from the records themselves.
_FLOWS = """
    SELECT day, isco, country, region, CAST(sum(vo) AS BIGINT) vacancies_opened,
        CAST(sum(vc) AS BIGINT) vacancies_closed, CAST(sum(po) AS BIGINT) postings_opened,
        CAST(sum(pc) AS BIGINT) postings_closed
    FROM (
        SELECT posted AS day, isco, country, region, 1 vo, 0 vc, 0 po, 0 pc FROM {vacancies} WHERE posted IS NOT NULL
        UNION ALL SELECT closes, isco, country, region, 0, 1, 0, 0 FROM {vacancies} WHERE closes IS NOT NULL
        UNION ALL SELECT posted, isco, country, region, 0, 0, 1, 0 FROM {postings} WHERE posted IS NOT NULL
        UNION ALL SELECT greatest(closes, posted), isco, country, region, 0, 0, 0, 1 FROM {postings}
            WHERE closes IS NOT NULL AND posted IS NOT NULL
    ) GROUP BY ALL ORDER BY day
"""
_NO_RECORDS = "(SELECT NULL::DATE posted, NULL::DATE closes, '' isco, '' country, '' region WHERE FALSE)"
DERIVED = ("vacancies", "vacancy_skills", "national_skills", "flows")
UNDATED = "unknown"  # the month file of postings without a posting date


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


def _derive_vacancies(folder: Path, clusters: pl.Series | None, posting_months: set[str], progress: Progress) -> None:
    """Re-derive the vacancies of `clusters` (every cluster when None) from all their postings, rewrite the
    vacancy months that held or now hold them (vacancies with their digital and green flags, skill counts),
    and the flow cube of those months and of `posting_months`; attach the postings to the events."""
    postings = [str(path) for path in sorted((folder / "postings").glob("*.parquet"))]
    for part in DERIVED:
        (folder / part).mkdir(exist_ok=True)
    with duckdb.connect() as db:
        _attach_postings_to_events(db, folder, postings)
        if not postings:
            _clear_derived(folder)
            return
        if clusters is None:
            db.execute(f"CREATE TEMP TABLE fresh AS {_VACANCIES.format(where='')}", [postings])
            held: set[str] = {path.stem for path in (folder / "vacancies").glob("*.parquet")}
        else:
            db.register("touched", pl.DataFrame({"cluster": clusters}))
            where = "WHERE cluster IN (SELECT cluster FROM touched)"
            db.execute(f"CREATE TEMP TABLE fresh AS {_VACANCIES.format(where=where)}", [postings])
            held = _vacancy_months_holding(db, folder)
        db.execute(f"CREATE TEMP TABLE flagged AS {_FLAGGED.format(undated=UNDATED)}", [str(folder / "skills.parquet")])
        months = held | {month for (month,) in db.execute("SELECT DISTINCT month FROM flagged").fetchall()}
        progress.begin("Deriving vacancies", len(months))
        for month in sorted(months):
            _rewrite_vacancy_month(db, folder, month, keep_others=clusters is not None)
            progress.advance()
        for month in sorted(months | posting_months):
            _rewrite_flows(db, folder, month)


def _clear_derived(folder: Path) -> None:
    for part in DERIVED:
        for stale in (folder / part).glob("*.parquet"):
            stale.unlink()


def _vacancy_months_holding(db: duckdb.DuckDBPyConnection, folder: Path) -> set[str]:
    """The vacancy month files holding a cluster of the `touched` table."""
    if not any((folder / "vacancies").glob("*.parquet")):
        return set()
    found = db.execute(
        "SELECT DISTINCT filename FROM read_parquet(?, filename = true) WHERE cluster IN (SELECT cluster FROM touched)",
        [str(folder / "vacancies" / "*.parquet")],
    ).fetchall()
    return {Path(name).stem for (name,) in found}


def _copy(db: duckdb.DuckDBPyConnection, sql: str, path: Path, parameters: list[Any] | None = None) -> int:
    """Write the rows of `sql` to `path` atomically; returns how many (no file when none)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    db.execute(f"COPY ({sql}) TO '{partial}' (FORMAT parquet, COMPRESSION zstd)", parameters or [])
    (count,) = db.execute("SELECT count(*) FROM read_parquet(?)", [str(partial)]).fetchone() or (0,)
    if count:
        partial.replace(path)
    else:
        partial.unlink()
        path.unlink(missing_ok=True)
    return int(count)


def _rewrite_vacancy_month(db: duckdb.DuckDBPyConnection, folder: Path, month: str, *, keep_others: bool) -> None:
    """Vacancies of `month`: those kept (clusters not touched, when `keep_others`) and those re-derived, sorted by
    their first day; then the month's skill counts."""
    path = folder / "vacancies" / f"{month}.parquet"
    sql, parameters = "SELECT * EXCLUDE (month) FROM flagged WHERE month = ?", [month]
    if keep_others and path.exists():
        kept = "SELECT * FROM read_parquet(?) WHERE cluster NOT IN (SELECT cluster FROM touched)"
        sql, parameters = f"{kept} UNION ALL BY NAME {sql}", [str(path), month]
    skills, national = folder / "vacancy_skills" / f"{month}.parquet", folder / "national_skills" / f"{month}.parquet"
    if _copy(db, sql + " ORDER BY posted", path, parameters):
        if _copy(db, _SKILLS, skills, [str(path)]):  # none when no vacancy of the month names a skill
            _copy(db, _NATIONAL_SKILLS, national, [str(skills)])
        else:
            national.unlink(missing_ok=True)
    else:
        skills.unlink(missing_ok=True)
        national.unlink(missing_ok=True)


def _rewrite_flows(db: duckdb.DuckDBPyConnection, folder: Path, month: str) -> None:
    """The flow cube of the vacancies and the postings of `month`."""
    vacancies, postings = folder / "vacancies" / f"{month}.parquet", folder / "postings" / f"{month}.parquet"
    sql = _FLOWS.format(
        vacancies=f"read_parquet('{vacancies}')" if vacancies.exists() else _NO_RECORDS,
        postings=f"read_parquet('{postings}')" if postings.exists() else _NO_RECORDS,
    )
    _copy(db, sql, folder / "flows" / f"{month}.parquet")
