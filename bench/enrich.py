"""Benchmark: ingestion through the enrichment hook, every step on, against the same feed without it.

The feed is the NHS Jobs ads (schema.org JSON-LD lines, ../shared/data) or any JSON-LD lines
file. Each case ingests it into a fresh SQLite database with the full shipped taxonomy:

- baseline: the pipeline with no enrichment;
- enriched: the pipeline with the platform's hook (salary, place, occupation, skills, cluster,
  fraud), label embeddings already cached (a first start embeds them once, ~6 minutes).

Reports ads/s of each, each step's ads/s, and the share of ads that got each result.
Target (enrichment issue): >= 100 ads/s through the hook on 2 cores.

    python -m bench.enrich [--feed PATH] [--limit 3000] [--cache-dir var/cache]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream
from lmis.shared.progress import SilentProgress
from lmis.sources.registry import create
from lmis.taxonomy.importing import import_shipped

ROOT = Path(__file__).resolve().parents[1]
NHS = ROOT.parent / "shared" / "data" / "job_postings" / "nhs_jobs_2020" / "nhs_jobs_postings.jsonl.gz"
RESULTS = Path(__file__).resolve().parent / "results"


def fresh(folder: Path, cache_dir: Path) -> Services:
    """Services on a new SQLite database in `folder` with the shipped taxonomy imported."""
    built = build(Settings(data_dir=folder, cache_dir=cache_dir))
    built.upgrade_database()
    import_shipped(built.taxonomy_dir, uow=built.uow(), now=built.now, progress=SilentProgress())
    return built


def feed_bytes(path: Path, limit: int) -> bytes:
    """The first `limit` lines of a (gzipped) JSON lines file."""
    import gzip

    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return b"".join(line + b"\n" for line in raw.split(b"\n")[:limit] if line.strip())


def ingest(built: Services, data: bytes, *, enrich: bool) -> float:
    """Seconds to ingest `data` as JSON-LD lines (with or without the platform's hook)."""
    import io

    options = RunOptions("nhs", "bench", enrich=built.enrich if enrich else None)
    start = time.perf_counter()
    ingest_stream(
        io.BytesIO(data), create("jsonld"), options, uow=built.uow(), now=built.now, progress=SilentProgress()
    )
    return time.perf_counter() - start


def coverage(built: Services) -> Counter[str]:
    """How many stored postings got each result: an occupation, skills, a region, a duplicate link, a fraud
    flag, a review, a moderation case."""
    from lmis.storage import tables as t

    counts: Counter[str] = Counter()
    with built.engine.connect() as connection:
        for (derived,) in connection.execute(t.posting.select().with_only_columns(t.posting.c.derived)):
            counts["postings"] += 1
            counts["salary"] += "salary" in derived
            counts["occupation"] += bool((derived.get("occupation") or {}).get("concept_id"))
            counts["occupation_needs_review"] += bool((derived.get("occupation") or {}).get("needs_review"))
            counts["skills"] += bool((derived.get("skills") or {}).get("items"))
            counts["region"] += bool((derived.get("place") or {}).get("region"))
            counts["district"] += bool((derived.get("place") or {}).get("district"))
            counts["duplicate_of_another"] += bool((derived.get("cluster") or {}).get("matched_id"))
            counts["fraud_flagged"] += bool((derived.get("fraud") or {}).get("flags"))
            counts["fraud_needs_moderation"] += bool((derived.get("fraud") or {}).get("needs_moderation"))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feed", type=Path, default=NHS)
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "cache")
    args = parser.parse_args()
    data = feed_bytes(args.feed, args.limit)
    ads = data.count(b"\n")
    with tempfile.TemporaryDirectory() as tmp:
        baseline = fresh(Path(tmp) / "baseline", args.cache_dir)
        plain = ingest(baseline, data, enrich=False)
        enriched = fresh(Path(tmp) / "enriched", args.cache_dir)
        enriched.enricher.prepare(SilentProgress())  # embeddings from the cache, models in memory
        hooked = ingest(enriched, data, enrich=True)
        seconds = dict(enriched.enricher.seconds)
        counts = coverage(enriched)
    result = {
        "ads": ads,
        "baseline_ads_per_second": round(ads / plain, 1),
        "enriched_ads_per_second": round(ads / hooked, 1),
        "slowdown": round(hooked / plain, 2),
        "step_ads_per_second": {name: round(ads / s, 1) for name, s in seconds.items() if s},
        "share_of_ads": {name: round(count / counts["postings"], 3) for name, count in counts.items()},
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "enrich.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
