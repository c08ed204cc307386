"""Benchmark: `POST /api/v1/enrich` latency over real HTTP, one ad per request, beside a cheap API call.

The app runs under uvicorn on a free local port (shipped taxonomy in a fresh SQLite database,
label embeddings from the cache, models loaded before timing); requests go through httpx.
Cases, each `--requests` times with a different NHS Jobs ad (../shared/data):

- baseline: `GET /api/v1/occupations?q=nurse` (taxonomy look-up, no model);
- enrich one ad: every step, skills as configured (lexical by default);
- enrich one ad asking for semantic skill extraction (`"skill_extraction": "semantic"`);
- enrich ten ads in one request (per-request time).

Target (enrichment issue): p95 under 300 ms for one ad on 2 cores.

    python -m bench.enrich_api [--requests 100] [--cache-dir var/cache]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bench.enrich import NHS, RESULTS, ROOT, fresh
from bench.measure import p95
from lmis.shared.progress import SilentProgress
from lmis.web.app import create_app


def documents(count: int) -> list[dict[str, Any]]:
    """`count` NHS ads as canonical documents (title, description, employer, place, pay text)."""
    found = []
    with gzip.open(NHS, "rt", encoding="utf-8") as lines:
        for line in lines:
            ad = json.loads(line)
            address = (ad.get("jobLocation") or {}).get("address") or {}
            found.append(
                {
                    "title": ad.get("title", ""),
                    "description": html.unescape(ad.get("description", "")),
                    "employer": {"name": (ad.get("hiringOrganization") or {}).get("name", "")},
                    "address": {"locality": address.get("addressLocality", ""), "country": "GB"},
                }
            )
            if len(found) == count:
                break
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def timings(client: httpx.Client, requests: list[tuple[str, str, Any]]) -> list[float]:
    """Milliseconds of each request; any answer but 200 stops the benchmark."""
    spent = []
    for method, url, body in requests:
        start = time.perf_counter()
        response = client.request(method, url, json=body)
        spent.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:300]}")
    return spent


def summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(values), 1), "p95_ms": round(p95(values), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "cache")
    args = parser.parse_args()
    ads = documents(args.requests * 11)
    with tempfile.TemporaryDirectory() as tmp:
        built = fresh(Path(tmp), args.cache_dir)
        unlimited = built.settings.model_copy(update={"anonymous_rate_per_minute": 1_000_000})  # one address
        built = replace(built, settings=unlimited)
        built.enricher.prepare(SilentProgress())
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(built), port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=60) as client:
            timings(client, [("POST", "/enrich", {"documents": ads[:2]})])  # warm-up
            baseline = timings(client, [("GET", "/occupations?q=nurse", None)] * args.requests)
            single = timings(client, [("POST", "/enrich", {"documents": [ad]}) for ad in ads[: args.requests]])
            semantic = timings(
                client,
                [("POST", "/enrich", {"documents": [ad], "skill_extraction": "semantic"}) for ad in ads[:20]],
            )
            batches = [ads[args.requests + 10 * i : args.requests + 10 * (i + 1)] for i in range(args.requests // 10)]
            ten = timings(client, [("POST", "/enrich", {"documents": batch}) for batch in batches])
        server.should_exit = True
        thread.join()
    result = {
        "requests": args.requests,
        "baseline_occupation_search": summary(baseline),
        "enrich_one_ad": summary(single),
        "enrich_one_ad_semantic_skills": summary(semantic),
        "enrich_ten_ads": summary(ten),
        "one_ad_p95_vs_baseline_p95": round(p95(single) / p95(baseline), 1),
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "enrich_api.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
