"""Builds a duplicate-detection evaluation set from real NHS Jobs ads, then scores `lmis.enrich.dedup` on it.

Recipe (every random choice from `--seed`):

1. Read ../shared/data/job_postings/nhs_jobs_2020/nhs_jobs_postings.jsonl.gz (schema.org
   JobPosting JSON-LD; description HTML-escaped) as canonical records: external_id = fileid,
   source "nhs_jobs", title, description (unescaped HTML), employer = hiringOrganization.name,
   address.locality = jobLocation.address.addressLocality, date_posted = datePosted (date).
2. Originals: `--originals` ads (default 3,000) in seeded order, at most one per (employer,
   title), none with the same normalised text as another, and no two of one employer with
   description 3-shingle Jaccard >= 0.7 (the real data holds reposts and near-identical ward
   templates; keeping them as "different" would score true duplicates as errors).
3. Copies (`lmis.enrich.dedup_eval.build_perturbation_set`), each with probability 0.35 per
   original, on another source with another external id:
   - exact: same text;
   - near: 2-3 of case change of the title, doubled spaces, punctuation edits, a sentence
     dropped, boilerplate added, a salary line replaced; 25% are reposts on the same source
     7-30 days later;
   - rewritten: title synonyms and reordering ("Staff Nurse" -> "Registered Nurse (Staff)",
     "A - B" -> "B - A"), paragraphs shuffled, 20-40% of sentences paraphrased by phrase and
     word-synonym rules, date 1-14 days later.
4. Distractors: real ads of the same employer and title as an original (at most one per
   original) that are different vacancies: in another locality, or in the same locality at
   least 30 days apart with description Jaccard < 0.6 (closer ones may be reposts: left out).

Writes NDJSON to OUT (never inside the repository), prints counts, then `evaluate_dedup`'s
table. Thresholds were tuned on seed 1; report another seed.

    python -m bench.dedup_perturbations /tmp/dedup_seed2.ndjson --seed 2 [--throughput 10000]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from lmis.enrich.dedup import find_clusters
from lmis.enrich.dedup_eval import build_perturbation_set, evaluate_dedup, record_input, shingle_jaccard, text_of
from lmis.shared.text import normalise

REPOSITORY = Path(__file__).resolve().parent.parent
NHS = REPOSITORY.parent / "shared" / "data" / "job_postings" / "nhs_jobs_2020" / "nhs_jobs_postings.jsonl.gz"
Record = dict[str, object]


def nhs_records(path: Path = NHS) -> Iterator[Record]:
    """The NHS JSON-LD ads as canonical posting records."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            ad = json.loads(line)
            yield {
                "external_id": ad["fileid"],
                "source": "nhs_jobs",
                "title": ad["title"],
                "description": html.unescape(ad["description"]),
                "employer": ad["hiringOrganization"]["name"],
                "address": {"locality": ad["jobLocation"]["address"].get("addressLocality", ""), "region": ""},
                "date_posted": ad["datePosted"][:10],
            }


def _key(record: Record) -> tuple[str, str]:
    return normalise(str(record["employer"])), normalise(str(record["title"]))


def _days(a: Record, b: Record) -> int:
    return abs((date.fromisoformat(str(a["date_posted"])) - date.fromisoformat(str(b["date_posted"]))).days)


def _is_distractor(original: Record, other: Record, texts: dict[str, str]) -> bool:
    jaccard = shingle_jaccard(texts[str(original["external_id"])], texts[str(other["external_id"])])
    if normalise(str(other["address"]["locality"])) != normalise(str(original["address"]["locality"])):  # type: ignore[index]
        return True
    return _days(original, other) >= 30 and jaccard < 0.6


def select(records: list[Record], count: int, seed: int) -> tuple[list[Record], list[Record]]:
    """Seeded originals (pairwise distinct vacancies) and distractors of the same employer and title."""
    rng = random.Random(seed)
    order = list(records)
    rng.shuffle(order)
    texts = {str(r["external_id"]): text_of(str(r["description"])) for r in order}
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in order:
        groups[_key(record)].append(record)
    chosen: list[Record] = []
    by_employer: dict[str, list[str]] = defaultdict(list)
    seen_text: set[str] = set()
    used_groups: set[tuple[str, str]] = set()
    for record in order:
        key, text = _key(record), texts[str(record["external_id"])]
        if len(chosen) == count or key in used_groups or normalise(text) in seen_text:
            continue
        if any(shingle_jaccard(text, other) >= 0.7 for other in by_employer[key[0]]):
            continue
        chosen.append(record)
        used_groups.add(key)
        seen_text.add(normalise(text))
        by_employer[key[0]].append(text)
    chosen_ids = {str(r["external_id"]) for r in chosen}
    distractors = []
    for original in chosen:
        for other in groups[_key(original)]:
            if str(other["external_id"]) not in chosen_ids and _is_distractor(original, other, texts):
                distractors.append(other)
                break
    return chosen, distractors


def throughput(records: list[Record], count: int) -> float:
    """Postings per second of `find_clusters` on the first `count` real ads."""
    inputs = [record_input(record) for record in records[:count]]
    start = time.perf_counter()
    find_clusters(inputs)
    return len(inputs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="NDJSON file to write (outside the repository)")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--originals", type=int, default=3000)
    parser.add_argument("--throughput", type=int, default=0, help="also time find_clusters on this many real ads")
    args = parser.parse_args()
    if args.out.resolve().is_relative_to(REPOSITORY):
        parser.error(f"{args.out} is inside the repository; write the evaluation set elsewhere")
    records = list(nhs_records())
    originals, distractors = select(records, args.originals, args.seed)
    evaluation = build_perturbation_set(originals, distractors, args.seed)
    with args.out.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in evaluation)
    kinds = Counter(str(record["perturbation"]) for record in evaluation)
    print(f"wrote {len(evaluation)} records to {args.out}: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    start = time.perf_counter()
    metrics = evaluate_dedup(evaluation)
    elapsed = time.perf_counter() - start
    print(f"\n{'metric':<20}{'value':>8}")
    for name, value in metrics.items():
        print(f"{name:<20}{value:>8.4f}" if name != "n" else f"{name:<20}{int(value):>8}")
    print(f"evaluation took {elapsed:.1f} s")
    if args.throughput:
        rate = throughput(records, args.throughput)
        print(f"find_clusters on {min(args.throughput, len(records))} real ads: {rate:,.0f} postings/s")


if __name__ == "__main__":
    main()
