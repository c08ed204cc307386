"""Job search end to end at scale: postings in the database, the full reindex, the search service in process,
and GET /api/v1/postings/search over HTTP with concurrent clients.

    python -m bench.search_http --docs 1000000 --clients 10 --requests 1000

The postings are the synthetic corpus of `bench.search_corpus` (same seed, same documents),
written straight into a fresh SQLite database (ingestion has its own benchmark), with their
dates moved so that they are live today. `lmis search reindex` is timed from the database
(title vectors embedded cold), then the same query mix runs in process through
`SearchService.search` (folding, facets, vacancy counts, interpretation: what the API does) and
over HTTP against `lmis serve` in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.measure import p95
from bench.search import load_corpus
from bench.search_corpus import NOW, REGIONS, Corpus
from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.jobs.model import Address, ChangeKind, Employer, EmploymentType, JobPosting, PostingStatus, Provenance
from lmis.search import resolve
from lmis.search.interpret import SearchRequest
from lmis.search.model import SearchDocument, SortOrder
from lmis.search.services import complete
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.importing import import_shipped

BATCH = 5_000
# (kind, API parameters) — the same requests in process and over HTTP
MIX: list[tuple[str, dict[str, Any]]] = [
    ("keyword+facets", {"q": "manager", "semantic": "false"}),
    ("keyword+facets", {"q": "nurse", "semantic": "false"}),
    ("keyword+facets", {"q": "engineer", "semantic": "false"}),
    ("keyword+facets", {"q": "간호", "semantic": "false"}),
    ("keyword+facets", {"q": "관리", "semantic": "false"}),
    ("phrase", {"q": '"software developer"', "semantic": "false"}),
    ("filters", {"q": "간호", "region": "Seoul", "employment_type": "full_time", "semantic": "false"}),
    ("filters", {"q": "manager", "region": "London", "salary_min": "30000", "semantic": "false"}),
    ("date", {"sort": "date"}),
    ("geo", {"q": "nurse", "near": "Leeds", "radius_km": "20", "sort": "distance", "semantic": "false"}),
    ("hybrid", {"q": "간호사"}),
    ("hybrid", {"q": "nurse"}),
    ("hybrid", {"q": "welder"}),
]
TYPEAHEAD = ["m", "nu", "man", "soft", "간", "간호", "reg", "sen"]


def postings(corpus: Corpus, places: dict[str, tuple[str, str]], shift: Any) -> list[JobPosting]:
    """The corpus as stored postings, derived fields included, dated `shift` later."""
    return [_posting(doc, places, shift) for doc in corpus.documents]


def _posting(doc: SearchDocument, places: dict[str, tuple[str, str]], shift: Any) -> JobPosting:
    country, region = places[doc.region]
    isco = max((o[5:] for o in doc.occupations if o.startswith("isco:")), key=len, default="")
    derived: dict[str, object] = {
        "occupation": {"concept_id": doc.occupations[0], "isco_code": isco},
        "place": {
            "country": {"id": country},
            "region": {"id": region},
            "latitude": doc.latitude,
            "longitude": doc.longitude,
        },
        "salary": {"annual_min": doc.salary_min, "annual_max": doc.salary_max, "currency": doc.salary_currency},
        "cluster": {"cluster_id": doc.cluster_id},
    }
    posted = doc.posted_at + shift if doc.posted_at else None
    return JobPosting(
        id=doc.posting_id, source=doc.source, external_id=doc.posting_id, title=doc.title,
        description_html="", description_text=doc.body, employer=Employer(doc.employer_name, doc.employer),
        address=Address(), latitude=doc.latitude, longitude=doc.longitude,
        employment_types=tuple(EmploymentType(t) for t in doc.employment_types),
        working_hours="part-time" if doc.working_time == "part_time" else "", salary=None,
        education=doc.education, experience_months=doc.experience_months, openings=1,
        valid_through=doc.valid_through + shift if doc.valid_through else None, date_posted=posted,
        updated_at=None, status=PostingStatus.PUBLISHED, language=doc.language, url="",
        provenance=Provenance(doc.source, posted or NOW), content_hash=doc.posting_id, derived=derived,
    )  # fmt: skip


def fill_database(built: Services, corpus: Corpus) -> float:
    """Write the corpus's postings; the seconds it took."""
    gazetteer = built.search.vocabulary().places
    places = {}
    for region_id, city, _lat, _lon, country in REGIONS:
        named = [p for p in resolve.named_places(city, gazetteer) if p.country.lower() == country]
        place = resolve.broadest(named, gazetteer)[0]
        places[region_id] = (place.country, place.id)
    shift = datetime.now(UTC) - NOW
    started = time.perf_counter()
    stored = postings(corpus, places, shift)
    for start in range(0, len(stored), BATCH):
        with built.uow() as uow:
            uow.jobs.save([(p, ChangeKind.CREATED) for p in stored[start : start + BATCH]], datetime.now(UTC))
            uow.commit()
    return time.perf_counter() - started


def request_of(params: dict[str, Any]) -> SearchRequest:
    """The API parameters as the service's request."""
    fields: dict[str, Any] = {"text": params.get("q", ""), "semantic": params.get("semantic", "true") == "true"}
    for name in ("region", "employment_type"):
        if name in params:
            fields[name] = (params[name],)
    if "salary_min" in params:
        fields["salary_min"] = float(params["salary_min"])
    if "near" in params:
        fields |= {"near": params["near"], "radius_km": float(params["radius_km"])}
    if "sort" in params:
        fields["sort"] = SortOrder(params["sort"])
    return SearchRequest(**fields)


def in_process(built: Services, runs: int) -> dict[str, dict[str, float]]:
    """Median and p95 ms per kind of `SearchService.search` and of `complete`."""
    service = built.search.service()
    timings: dict[str, list[float]] = {}
    for params in [p for _, p in MIX]:
        service.search(request_of(params), datetime.now(UTC))  # warm caches
    for _ in range(runs):
        for kind, params in MIX:
            started = time.perf_counter()
            response = service.search(request_of(params), datetime.now(UTC))
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            assert response.total > 0, params
        vocabulary = service.vocabulary
        for prefix in TYPEAHEAD:
            started = time.perf_counter()
            complete(
                prefix, ("title", "occupation", "skill", "place"), 10, index=built.search.index, vocabulary=vocabulary
            )
            timings.setdefault("typeahead", []).append((time.perf_counter() - started) * 1000)
    return {kind: _summary(values) for kind, values in timings.items()}


def over_http(data_dir: Path, clients: int, requests: int, workers: int) -> dict[str, dict[str, float]]:
    """Latency of the mix through `lmis serve --workers W` with `clients` concurrent keep-alive clients."""
    port = _free_port()
    env = {
        **os.environ,
        "LMIS_DATA_DIR": str(data_dir),
        "LMIS_SEARCH_SYNC_SECONDS": "3600",
        "LMIS_ANONYMOUS_RATE_PER_MINUTE": "1000000",  # the load comes from one address; measure search, not limits
    }
    log = (data_dir / "server.log").open("w")  # the server's own account, for when a request fails
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "lmis", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        work = [MIX[i % len(MIX)] for i in range(requests)]
        with httpx.Client(base_url=base, timeout=60) as warm:
            for _, params in MIX:
                warm.get("/api/v1/postings/search", params=params).raise_for_status()

        local = threading.local()

        def one(item: tuple[str, dict[str, Any]]) -> tuple[str, float]:
            if not hasattr(local, "client"):  # one keep-alive connection per client, as a browser or SDK holds
                local.client = httpx.Client(base_url=base, timeout=60)
            started = time.perf_counter()
            local.client.get("/api/v1/postings/search", params=item[1]).raise_for_status()
            return item[0], (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(one, work))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    by_kind: dict[str, list[float]] = {}
    for kind, ms in results:
        by_kind.setdefault(kind, []).append(ms)
    summary = {kind: _summary(values) for kind, values in by_kind.items()}
    summary["all"] = {**_summary([ms for _, ms in results]), "requests_per_second": len(results) / elapsed}
    return summary


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": ordered[len(ordered) // 2], "p95": p95(ordered), "n": len(ordered)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(base: str) -> None:
    for _ in range(600):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("lmis serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2, help="server processes (this machine has 2 cores)")
    parser.add_argument("--runs", type=int, default=10, help="in-process rounds of the query mix")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/lmis-bench-search"))  # noqa: S108
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    data_dir = args.dir / f"install-{args.docs}"
    built = build(Settings(data_dir=data_dir, enrich_steps=["salary"]))
    report: dict[str, Any] = {"docs": args.docs}
    if not (data_dir / "lmis.db").is_file():
        built.upgrade_database()
        import_shipped(built.taxonomy_dir, uow=built.uow(), now=built.now, progress=SilentProgress())
        corpus = load_corpus(args.docs, args.seed, args.dir)
        report["database_write_seconds"] = fill_database(built, corpus)
        del corpus
    if built.search.index.size() == 0:
        started = time.perf_counter()
        indexed = built.search.reindex(built.now, SilentProgress())
        report["reindex_seconds"] = time.perf_counter() - started
        report["reindexed"] = indexed.indexed
        print(f"reindexed {indexed.indexed:,} live postings in {report['reindex_seconds']:.0f} s")
    report["in_process_ms"] = in_process(built, args.runs)
    built.engine.dispose()
    report["http_ms"] = over_http(data_dir, args.clients, args.requests, args.workers)
    report["workers"] = args.workers
    _print(report, args.clients)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))


def _print(report: dict[str, Any], clients: int) -> None:
    print(
        f"\n{report['docs']:,} postings — in process (SearchService.search) and HTTP "
        f"({clients} clients, {report['workers']} server processes), ms"
    )
    print(f"{'kind':<16}{'proc med':>10}{'proc p95':>10}{'http med':>10}{'http p95':>10}")
    for kind in [*dict.fromkeys(k for k, _ in MIX), "typeahead", "all"]:
        proc = report["in_process_ms"].get(kind, {})
        http = report["http_ms"].get(kind, {})
        cells = [proc.get("median"), proc.get("p95"), http.get("median"), http.get("p95")]
        print(f"{kind:<16}" + "".join(f"{c:>10.1f}" if c is not None else f"{'—':>10}" for c in cells))
    print(f"HTTP throughput: {report['http_ms']['all']['requests_per_second']:.1f} requests/s")


if __name__ == "__main__":
    main()
