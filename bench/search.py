"""Benchmark: job search at scale on the embedded engine (tantivy), PostgreSQL and an SQLite FTS5 baseline.

Builds every engine from the same synthetic corpus (`bench.search_corpus`), times the build
(docs/s; extrapolated to 1M when N is smaller, and labelled so), then runs the same query set on
each: frequent terms with facets, rare terms, phrases, keyword + filters, date order, geo radius,
typeahead and (with --hybrid, tantivy) hybrid keyword + title-vector retrieval. Reports median and
p95 latency per query kind, side by side, and the p95 ratios to tantivy; then freshness (upsert +
commit + first search that sees the change). Needs PostgreSQL on 127.0.0.1 for `postgresql`.

    python -m bench.search --docs 200000 --runs 5 --engines tantivy,postgresql,fts5 --hybrid
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.measure import p95
from bench.search_corpus import NOW, REGIONS, Corpus, generate
from bench.search_fts5 import Fts5Index
from lmis.search.model import EngineQuery, Filters, GeoFilter, SortOrder, TextClause
from lmis.search.services import HYBRID_TITLES, MAX_WINDOW, SEMANTIC_MIN, _fuse
from lmis.search.text import parse_text

RESULTS = Path(__file__).resolve().parent / "results"
PG_DATABASE = "lmis_bench_search"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"
KINDS = ("frequent+facets", "rare", "phrase", "filters", "date", "geo", "typeahead", "hybrid")
HYBRID_TEXTS = ["nurse", "간호사", "software developer", "truck driver", "요양보호사", "welder", "accountant"]
TYPEAHEAD = [
    "n", "nu", "nur", "nurs", "m", "ma", "man", "mana", "e", "en", "eng", "engi", "s", "so", "sof",
    "간", "간호", "요양",
]  # fmt: skip

Query = EngineQuery | str  # a typeahead prefix is a str


def text(value: str, **fields: Any) -> EngineQuery:
    """The engine query of a free text (as `parse_text` reads it) with other fields set."""
    parsed = parse_text(value)
    return EngineQuery(now=NOW, must=tuple(parsed.must), must_not=tuple(parsed.must_not), **fields)


def rare_terms(corpus: Corpus, count: int = 6) -> list[str]:
    """Title tokens in 20-200 documents, spread over that range (deterministic)."""
    df: dict[str, int] = {}
    for doc in corpus.documents:
        for token in set(doc.title_tokens.split()):
            df[token] = df.get(token, 0) + 1
    low, high = (20, 200) if len(corpus.documents) >= 50_000 else (3, 30)
    chosen = sorted((n, t) for t, n in df.items() if low <= n <= high and t.isalpha() and len(t) > 4)
    step = max(1, len(chosen) // count)
    return [t for _, t in chosen[::step][:count]]


def query_set(corpus: Corpus) -> dict[str, list[tuple[str, Query]]]:
    """The queries of each kind, labelled."""
    seoul, london, manchester = REGIONS[0], REGIONS[10], REGIONS[11]
    frequent = ["manager", "nurse", "engineer", "assistant", "간호", "관리"]
    return {
        "frequent+facets": [(t, text(t, facets=True)) for t in frequent],
        "rare": [(t, EngineQuery(now=NOW, must=(TextClause(t, (t,)),), facets=True)) for t in rare_terms(corpus)],
        "phrase": [
            (t, text(t))
            for t in [
                '"software developer"',
                '"project manager"',
                '"care worker"',
                '"customer service"',
                '"소프트웨어 개발자"',
            ]
        ],
        "filters": [
            ("manager region=London", text("manager", filters=Filters({"region": ("gb-lnd",)}), facets=True)),
            ("nurse type=full_time", text("nurse", filters=Filters({"employment_type": ("full_time",)}), facets=True)),
            ("engineer salary 30-60k", text("engineer", filters=Filters(salary_min=30_000, salary_max=60_000))),
            (
                "간호 Seoul full_time",
                text("간호", filters=Filters({"region": ("kr-11",), "employment_type": ("full_time",)})),
            ),
            (
                "driver Manchester part_time 20k+",
                text(
                    "driver",
                    filters=Filters({"region": ("gb-man",), "employment_type": ("part_time",)}, salary_min=20_000),
                ),
            ),
        ],
        "date": [
            ("nurse by date", text("nurse", sort=SortOrder.DATE)),
            ("manager by date", text("manager", sort=SortOrder.DATE)),
            (
                "all in Manchester by date",
                EngineQuery(now=NOW, filters=Filters({"region": ("gb-man",)}), sort=SortOrder.DATE),
            ),
            (
                "all part_time by date",
                EngineQuery(now=NOW, filters=Filters({"employment_type": ("part_time",)}), sort=SortOrder.DATE),
            ),
            ("all by date", EngineQuery(now=NOW, sort=SortOrder.DATE)),
        ],
        "geo": [
            ("간호 25 km Seoul", text("간호", filters=Filters(geo=GeoFilter(seoul[2], seoul[3], 25.0)))),
            ("nurse 10 km London", text("nurse", filters=Filters(geo=GeoFilter(london[2], london[3], 10.0)))),
            (
                "all 5 km London by distance",
                EngineQuery(
                    now=NOW, filters=Filters(geo=GeoFilter(london[2], london[3], 5.0)), sort=SortOrder.DISTANCE
                ),
            ),
            (
                "engineer 30 km Manchester by distance",
                text(
                    "engineer",
                    filters=Filters(geo=GeoFilter(manchester[2], manchester[3], 30.0)),
                    sort=SortOrder.DISTANCE,
                ),
            ),
        ],
        "typeahead": [(p, p) for p in TYPEAHEAD],
        "hybrid": [(t, t) for t in HYBRID_TEXTS],
    }


# ---------------------------------------------------------------------------------------------- engines


def build_tantivy(corpus: Corpus, directory: Path) -> tuple[Any, float]:
    from lmis.storage.search_tantivy import TantivySearchIndex

    subprocess.run(["rm", "-rf", str(directory)], check=True)  # noqa: S603, S607
    index = TantivySearchIndex(directory)
    started = time.perf_counter()
    docs = corpus.documents
    for start in range(0, len(docs), 20_000):
        index.upsert(docs[start : start + 20_000])
    index.commit(1)
    return index, time.perf_counter() - started


def build_postgresql(corpus: Corpus) -> tuple[Any, float]:
    from lmis.storage.migrate import upgrade
    from lmis.storage.search_pg import PostgresSearchIndex

    for sql in (f"DROP DATABASE IF EXISTS {PG_DATABASE}", f"CREATE DATABASE {PG_DATABASE}"):
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True)  # noqa: S603, S607
    engine = sa.create_engine(PG_URL)
    upgrade(engine)
    index = PostgresSearchIndex(engine)
    started = time.perf_counter()
    docs = corpus.documents
    for start in range(0, len(docs), 5_000):
        index.upsert(docs[start : start + 5_000])
    index.commit(1)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE search_document"))
    return index, time.perf_counter() - started


def build_fts5(corpus: Corpus, path: Path) -> tuple[Any, float]:
    index = Fts5Index(path)
    started = time.perf_counter()
    index.build(corpus.documents)
    return index, time.perf_counter() - started


class Hybrid:
    """Hybrid retrieval as `SearchService._hybrid` runs it: BM25 window, title vectors, title-filtered search, fused."""

    def __init__(self, index: Any, corpus: Corpus, path: Path) -> None:
        from lmis.enrich.e5 import E5Embedder
        from lmis.storage.search_vectors import TitleVectors

        self.index = index
        self.vectors = TitleVectors(path, E5Embedder())
        started = time.perf_counter()
        titles = {d.title.strip() for d in corpus.documents}
        before = len(self.vectors)
        self.vectors.add(titles)
        self.vectors.save()
        self.embed_seconds = time.perf_counter() - started
        self.embedded = len(self.vectors) - before
        self.titles = len(titles)

    def run(self, value: str) -> tuple[int, float]:
        query = text(value)
        keyword = self.index.search(replace(query, offset=0, limit=MAX_WINDOW))
        started = time.perf_counter()
        near = {t: c for t, c in self.vectors.nearest(value, HYBRID_TITLES) if c >= SEMANTIC_MIN}
        embed = time.perf_counter() - started
        semantic: list[Any] = []
        total = 0
        if near:
            by_title = replace(
                query, must=(), filters=Filters({"title": tuple(near)}), offset=0, limit=MAX_WINDOW, facets=False
            )
            found = self.index.search(by_title)
            semantic = sorted(found.hits, key=lambda h: (-near.get(h.title.strip(), 0.0), h.posting_id))
            total = found.total
        fused = _fuse(keyword.hits, semantic)
        return keyword.total + total - sum(1 for _, how in fused if how == "both"), embed


# ---------------------------------------------------------------------------------------------- running


def run_queries(
    engine: str, index: Any, queries: dict[str, list[tuple[str, Query]]], runs: int, hybrid: Hybrid | None
) -> tuple[dict[str, list[float]], dict[str, int | str], list[float]]:
    """Latencies (ms) per kind, the total of each labelled query (or its error), and the hybrid embedding times."""
    timings: dict[str, list[float]] = {}
    totals: dict[str, int | str] = {}
    embeds: list[float] = []
    for kind, cases in queries.items():
        if kind == "hybrid" and (hybrid is None or engine != "tantivy"):
            continue
        if kind == "geo" and engine == "fts5":
            continue
        for label, query in cases:
            call: Callable[[], Any]
            if kind == "hybrid":
                assert hybrid is not None

                def call(v: str = str(query)) -> Any:
                    total, embed = hybrid.run(v)
                    embeds.append(embed * 1000)
                    return total
            elif isinstance(query, str):

                def call(p: str = query) -> Any:
                    return sum(c for _, c in index.titles(p, 10))
            else:

                def call(q: EngineQuery = query) -> Any:
                    return index.search(q).total

            try:
                found = call()  # warm-up; its total is checked across engines
            except Exception as error:
                totals[f"{kind}: {label}"] = f"error: {type(error).__name__}: {str(error)[:160]}"
                continue
            totals[f"{kind}: {label}"] = int(found)
            for _ in range(runs):
                started = time.perf_counter()
                call()
                timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return timings, totals, embeds


def freshness(engine: str, index: Any, corpus: Corpus, rounds: int = 5) -> dict[str, float]:
    """Upsert one changed document, commit, then search until it is found: ms for each step (medians)."""
    write, visible = [], []
    live = [d for d in corpus.documents[:5_000] if d.valid_through is None or d.valid_through > NOW]
    for round_ in range(rounds):
        doc = live[(round_ * 797) % len(live)]
        marker = f"zzfresh{engine}{round_}x"
        changed = replace(doc, title_tokens=f"{doc.title_tokens} {marker}")
        query = EngineQuery(now=NOW, must=(TextClause(marker, (marker,)),))
        started = time.perf_counter()
        index.upsert([changed])
        if hasattr(index, "commit"):
            index.commit(2 + round_)
        written = time.perf_counter()
        while index.search(query).total < 1:
            if time.perf_counter() - written > 30:
                break
        seen = time.perf_counter()
        write.append((written - started) * 1000)
        visible.append((seen - written) * 1000)
    return {"upsert+commit ms": statistics.median(write), "then visible ms": statistics.median(visible)}


def load_corpus(n: int, seed: int, cache: Path) -> Corpus:
    """The corpus, from a pickle of an earlier run when there is one (generation and analysis times kept)."""
    path = cache / f"corpus-{n}-{seed}.pickle"
    if path.is_file():
        with path.open("rb") as file:
            loaded: Corpus = pickle.load(file)  # noqa: S301 - our own cache file
            return loaded
    corpus = generate(n, seed)
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        pickle.dump(corpus, file, protocol=pickle.HIGHEST_PROTOCOL)
    return corpus


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), p95(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument(
        "--baseline-docs", type=int, default=0, help="build PostgreSQL / FTS5 from the first N docs only"
    )
    parser.add_argument("--queries", default=",".join(KINDS), help="query kinds to run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of every query (after one warm-up)")
    parser.add_argument("--engines", default="tantivy,postgresql,fts5")
    parser.add_argument(
        "--hybrid", action="store_true", help="hybrid retrieval on tantivy (embeds the distinct titles once)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/lmis-bench-search"))  # noqa: S108
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    kinds = [k.strip() for k in args.queries.split(",") if k.strip()]

    corpus = load_corpus(args.docs, args.seed, args.dir)
    n = len(corpus.documents)
    baseline_n = min(args.baseline_docs or n, n)
    baseline = Corpus(corpus.documents[:baseline_n], corpus.titles, 0.0, 0.0) if baseline_n < n else corpus
    print(f"corpus: {n:,} docs, {len({d.cluster_id for d in corpus.documents}):,} vacancies, "
          f"{len({d.title for d in corpus.documents}):,} distinct titles, "
          f"{sum(d.language == 'ko' for d in corpus.documents) / n:.1%} Korean")  # fmt: skip
    print(f"analysis (lmis.search.analysis.analysed, 1 process): {n / corpus.analyse_seconds:,.0f} docs/s "
          f"({corpus.analyse_seconds:.1f} s); generation {corpus.generate_seconds:.1f} s")  # fmt: skip
    queries = {k: v for k, v in query_set(corpus).items() if k in kinds}
    report: dict[str, Any] = {
        "docs": n,
        "baseline_docs": baseline_n,
        "runs": args.runs,
        "analysis_docs_per_s": n / corpus.analyse_seconds,
        "build": {},
        "latency_ms": {},
        "totals": {},
        "freshness": {},
        "queries": {k: [label for label, _ in v] for k, v in queries.items()},
    }
    indexes: dict[str, Any] = {}
    for engine in engines:
        docs = corpus if engine == "tantivy" else baseline
        try:
            if engine == "tantivy":
                index, seconds = build_tantivy(docs, args.dir / f"tantivy-{n}")
            elif engine == "postgresql":
                index, seconds = build_postgresql(docs)
            elif engine == "fts5":
                index, seconds = build_fts5(docs, args.dir / f"fts5-{len(docs.documents)}.sqlite")
            else:
                raise SystemExit(f"unknown engine {engine}")
        except Exception as error:
            print(f"{engine}: build FAILED: {type(error).__name__}: {error}")
            report["build"][engine] = {"error": f"{type(error).__name__}: {error}"}
            continue
        count = len(docs.documents)
        rate = count / seconds
        report["build"][engine] = {"docs": count, "seconds": seconds, "docs_per_s": rate, "size": index.size()}
        indexes[engine] = index
        print(f"{engine}: built {count:,} docs in {seconds:.1f} s ({rate:,.0f} docs/s); indexed: {index.size():,}")
    hybrid = None
    if args.hybrid and "tantivy" in indexes and "hybrid" in kinds:
        hybrid = Hybrid(indexes["tantivy"], corpus, args.dir / "title-vectors.npz")
        report["hybrid_titles"] = {
            "titles": hybrid.titles,
            "embedded_now": hybrid.embedded,
            "seconds": hybrid.embed_seconds,
        }
        print(
            f"title vectors: {hybrid.titles:,} titles, {hybrid.embedded:,} embedded now in {hybrid.embed_seconds:.1f} s"
        )
    embeds: list[float] = []
    for engine, index in indexes.items():
        started = time.perf_counter()
        timings, totals, engine_embeds = run_queries(engine, index, queries, args.runs, hybrid)
        embeds += engine_embeds
        report["latency_ms"][engine] = {
            k: {"median": summary(v)[0], "p95": summary(v)[1], "n": len(v)} for k, v in timings.items()
        }
        report["totals"][engine] = totals
        print(f"{engine}: queries ran in {time.perf_counter() - started:.1f} s")
    for engine, index in indexes.items():
        try:
            report["freshness"][engine] = freshness(engine, index, corpus if engine == "tantivy" else baseline)
        except Exception as error:
            report["freshness"][engine] = {"error": f"{type(error).__name__}: {error}"}
    if embeds:
        report["hybrid_query_embedding_ms"] = {"median": statistics.median(embeds), "p95": p95(embeds)}
    print_report(report, list(indexes))
    path = args.json or RESULTS / f"search-{n}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    print(f"wrote {path}")


def print_report(report: dict[str, Any], engines: list[str]) -> None:
    n, baseline_n = report["docs"], report["baseline_docs"]
    print()
    print(f"BUILD  (N = {n:,}; PostgreSQL/FTS5 at N = {baseline_n:,})")
    print(f"{'engine':<12}{'docs':>11}{'seconds':>10}{'docs/s':>10}{'1M (extrapolated, linear)':>28}")
    for engine, b in report["build"].items():
        if "error" in b:
            print(f"{engine:<12}  FAILED: {b['error'][:100]}")
            continue
        one_m = 1_000_000 / b["docs_per_s"]
        label = f"{one_m / 60:.1f} min" + (" (measured)" if b["docs"] >= 1_000_000 else " (extrapolated)")
        print(f"{engine:<12}{b['docs']:>11,}{b['seconds']:>10.1f}{b['docs_per_s']:>10,.0f}{label:>28}")
    print(f"analysis: {report['analysis_docs_per_s']:,.0f} docs/s in one process (not in the build figures)")
    print()
    print(f"LATENCY ms per query kind (median / p95 over queries x {report['runs']} runs, after one warm-up)")
    head = f"{'kind':<17}" + "".join(f"{e + ' med':>16}{e + ' p95':>16}" for e in engines)
    ratio_engines = [e for e in engines if e != "tantivy"] if "tantivy" in engines else []
    head += "".join(f"{'p95 ' + e[:4] + '/tant':>15}" for e in ratio_engines)
    print(head)
    kinds = list(dict.fromkeys(k for e in engines for k in report["latency_ms"][e]))
    for kind in kinds:
        row = f"{kind:<17}"
        for engine in engines:
            cell = report["latency_ms"][engine].get(kind)
            row += f"{cell['median']:>16.2f}{cell['p95']:>16.2f}" if cell else f"{'—':>16}{'—':>16}"
        base = report["latency_ms"].get("tantivy", {}).get(kind)
        for engine in ratio_engines:
            cell = report["latency_ms"][engine].get(kind)
            row += f"{cell['p95'] / base['p95']:>14.1f}x" if cell and base else f"{'—':>15}"
        print(row)
    if "hybrid_query_embedding_ms" in report:
        e = report["hybrid_query_embedding_ms"]
        print(f"  (hybrid includes the E5 query embedding: median {e['median']:.1f} ms, p95 {e['p95']:.1f} ms)")
    print()
    print("FRESHNESS (median of 5: upsert one changed doc + commit, then until a search sees it)")
    for engine, f in report["freshness"].items():
        print(
            f"  {engine:<12}" + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in f.items())
        )
    print()
    print("TOTALS per query (same corpus; PostgreSQL/FTS5 differ from tantivy when built on fewer docs)")
    labels = list(dict.fromkeys(label for e in engines for label in report["totals"][e]))
    print(f"{'query':<48}" + "".join(f"{e:>14}" for e in engines))
    for label in labels:
        cells = []
        for engine in engines:
            value = report["totals"][engine].get(label, "—")
            cells.append(f"{value:>14,}" if isinstance(value, int) else f"{str(value)[:13]:>14}")
        print(f"{label[:47]:<48}" + "".join(cells))
    errors = [(e, label, v) for e in engines for label, v in report["totals"][e].items() if isinstance(v, str)]
    for engine, label, value in errors:
        print(f"  {engine} {label}: {value}")


if __name__ == "__main__":
    main()
