"""`lmis eval search`: nDCG@10, MRR and recall@100 of BM25, title embeddings and hybrid on the judgement set.

The corpus is rebuilt from its sources: the synthetic demo (seed 1, Korean profile, as of
2026-11-01, 2,000 ads) and the first 5,000 NHS Jobs ads, both through the real ingestion
pipeline into a fresh install, then indexed. Searches run "as of" a date before every ad's
deadline, so the NHS ads of 2019-2020 count as live.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lmis.cli.context import RichProgress

if TYPE_CHECKING:
    from lmis.bootstrap import Services
    from lmis.search.evaluation import QueryScore
    from lmis.search.services import SearchService

AS_OF = datetime(2000, 1, 1, tzinfo=UTC)  # before every deadline of both corpora
DEMO_SOURCES = ("demo-jobboard", "demo-careers", "demo-agency", "demo-news")
METHODS = ("bm25", "embeddings", "hybrid")
DEPTH = 100
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@dataclass(frozen=True, slots=True)
class JudgedQuery:
    """One query of the set with its graded postings, keyed 'source:external_id'."""

    id: str
    text: str
    language: str
    corpus: str
    grades: dict[str, int]


def read_judged(queries: Path, judgements: Path) -> list[JudgedQuery]:
    """The queries joined with their judgements."""
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    with judgements.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grades[row["query_id"]][f"{row['source']}:{row['external_id']}"] = int(row["grade"])
    spec = json.loads(queries.read_text(encoding="utf-8"))
    return [
        JudgedQuery(q["id"], q["query"], q["language"], q["corpus"], grades.get(q["id"], {})) for q in spec["queries"]
    ]


def build_corpus(built: Services, work_dir: Path, nhs: Path | None, nhs_limit: int) -> None:
    """Import the taxonomy, ingest the demo and the NHS ads, and index them as of `AS_OF`."""
    from lmis.cli.demo import load_feeds
    from lmis.demo.model import DemoRequest
    from lmis.demo.services import generate_demo, shipped_data_dir
    from lmis.ingest.pipeline import RunOptions
    from lmis.ingest.services import ingest_stream
    from lmis.sources.registry import create
    from lmis.taxonomy.importing import import_shipped

    built.upgrade_database()
    with RichProgress() as progress:
        import_shipped(built.taxonomy_dir, uow=built.uow(), now=built.now, progress=progress)
        request = DemoRequest(2_000, 200, 1, "kr", date(2026, 11, 1), 90)
        folder = work_dir / "demo"
        generate_demo(request, uow=built.uow(), data_dir=shipped_data_dir(), out_dir=folder, progress=progress)
        load_feeds(built, folder, progress)
        if nhs is not None:
            lines = _head(nhs, nhs_limit)
            options = RunOptions("nhs", str(nhs), licence="NHS Jobs (evaluation only)", enrich=built.enrich)
            ingest_stream(lines, create("jsonld", None), options, uow=built.uow(), now=built.now, progress=progress)
        built.search.reindex(lambda: AS_OF, progress)


def _head(path: Path, lines: int) -> io.BytesIO:
    with gzip.open(path, "rb") as handle:
        return io.BytesIO(b"".join(line for _, line in zip(range(lines), handle, strict=False)))


def rank(service: SearchService, query: JudgedQuery, method: str) -> list[str]:
    """Posting ids in the order `method` ranks them, within the query's corpus."""
    from lmis.search.interpret import SearchRequest

    sources = DEMO_SOURCES if query.corpus == "demo" else ("nhs",)
    request = SearchRequest(query.text, source=sources, fold=False, facets=False, limit=DEPTH, semantic=True)
    if method == "embeddings":
        return service.semantic_ranking(request, AS_OF)
    response = service.search(replace(request, semantic=method == "hybrid"), AS_OF)
    return [hit.posting_id for hit in response.hits]


def evaluate_search(built: Services, queries: list[JudgedQuery]) -> tuple[list[QueryScore], dict[str, float]]:
    """Score every query under every method; also the median milliseconds per method."""
    from statistics import median

    from lmis.search.evaluation import score_query

    service = built.search.service()
    scores: list[QueryScore] = []
    timings: dict[str, list[float]] = defaultdict(list)
    for query in queries:
        for method in METHODS:
            started = time.perf_counter()
            ranked = rank(service, query, method)
            timings[method].append((time.perf_counter() - started) * 1000)
            with built.uow() as uow:
                postings = uow.jobs.get_many(ranked)
            keys = [f"{postings[pid].source}:{postings[pid].external_id}" for pid in ranked]
            group = f"{query.language}/{query.corpus}"
            scores.append(score_query(query.id, method, keys, query.grades, recall_depth=DEPTH, group=group))
    return scores, {method: median(values) for method, values in timings.items()}


@click.command(name="search")
@click.option("--queries", type=_FILE, default="data/eval/search_queries.json", show_default=True)
@click.option("--judgements", type=_FILE, default="data/eval/search_judgements.csv", show_default=True)
@click.option("--nhs", type=_FILE, help="NHS Jobs JSON lines (.gz); default: ../shared/data's copy when present.")
@click.option(
    "--nhs-limit", default=5_000, show_default=True, type=click.IntRange(1), help="NHS ads ingested (judged: 5,000)."
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Install to build the corpus in, or to reuse when it holds one; default: a new temporary folder.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: per-method summaries and per-query scores."
)
def search_command(
    queries: Path, judgements: Path, nhs: Path | None, nhs_limit: int, work_dir: Path | None, as_json: bool
) -> None:
    """Relevance of job search on the judgement set (data/eval/README.md): BM25, embeddings, hybrid."""
    import tempfile

    from lmis.bootstrap import build
    from lmis.config import Settings
    from lmis.search.evaluation import render_table, summarise

    nhs = nhs or _shared_nhs()
    judged = [q for q in read_judged(queries, judgements) if q.corpus == "demo" or nhs is not None]
    folder = work_dir or Path(tempfile.mkdtemp(prefix="lmis-eval-search-"))
    fresh = not (folder / "lmis.db").is_file()
    built = build(Settings(data_dir=folder, enrich_steps=["salary", "place", "cluster"], search_sync_seconds=3600))
    try:
        if fresh:
            build_corpus(built, folder, nhs, nhs_limit)
        elif built.search.index.size() == 0:  # an index of an older format was emptied: rebuild it
            with RichProgress() as progress:
                built.search.reindex(lambda: AS_OF, progress)
        scores, timings = evaluate_search(built, judged)
    finally:
        built.engine.dispose()
    rows = summarise(scores)
    if as_json:
        per_query = [{"query": q.query_id, "method": q.method, "group": q.group, **q.metrics} for q in scores]
        body = {"summary": [_row(row) for row in rows], "median_ms": timings, "per_query": per_query}
        click.echo(json.dumps(body, default=str))
        return
    click.echo(render_table(rows))
    click.echo("median ms per query: " + ", ".join(f"{m} {t:.1f}" for m, t in timings.items()))
    if nhs is None:
        click.echo("NHS queries skipped: ../shared/data is not on this machine (give --nhs)")


def _row(row: object) -> dict[str, object]:
    return {name: getattr(row, name) for name in getattr(row, "__slots__", ())}


def _shared_nhs() -> Path | None:
    path = Path("../shared/data/job_postings/nhs_jobs_2020/nhs_jobs_postings.jsonl.gz")
    return path if path.is_file() else None
