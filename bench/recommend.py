"""How fast The Work recommends: jobs for one jobseeker among N live postings, and the nightly batch.

    python -m bench.recommend [--postings 1000000] [--seekers 300] [--batch 2000] [--dir DIR] [--json FILE]

Builds (once, kept in DIR) an embedded install: the shipped taxonomy, N postings of the synthetic
search corpus (`bench.search_corpus`: Zipf titles over ESCO occupations, skills, 20 regions) stored
in SQLite with their enrichment and indexed in tantivy, jobseekers with profiles drawn from the
same occupations, skills and regions, and behaviour (saves and applications) for the
collaborative retriever, and the E5 vectors of the corpus's distinct titles. Then times, per
seeker, the whole service call the API makes (`recommend.services.recommend_jobs`: retrievers,
the profile text embedded for the title retriever, postings read from the database, scoring,
rules, the list and its impressions written) against a baseline in the same run: one search
for the seeker's occupation (what a jobseeker would do without recommendations). Reports median
and p95, the ratio, the candidates per request, and the nightly batch rate (seekers a second on
one process; the batch splits by `--shard` across processes or machines).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.measure import p95
from bench.search import load_corpus
from bench.search_corpus import NOW, Corpus
from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.identity.model import operator
from lmis.jobs.model import (
    Address,
    ChangeKind,
    Employer,
    EmploymentType,
    JobPosting,
    PostingStatus,
    Provenance,
)
from lmis.people.ports import StoredSeeker
from lmis.people.profile import JobWishes, ProfileDetails, ProfileSkill
from lmis.recommend.daily import nightly
from lmis.recommend.model import BehaviourEvent, EventKind
from lmis.recommend.services import recommend_jobs
from lmis.search.model import EngineQuery, Filters, SortOrder
from lmis.shared.ids import stable_id
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.importing import import_shipped

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "taxonomy"
SEEKERS, EVENTS = 20_000, 100_000


def _services(folder: Path) -> Services:
    settings = Settings(env="test", data_dir=folder / "data", taxonomy_dir=SHIPPED)
    built = build(settings)
    built.upgrade_database()
    return built


def _posting(doc: Any) -> JobPosting:
    place = {"region": {"id": doc.region}, "latitude": doc.latitude, "longitude": doc.longitude}
    isco = next((o[5:] for o in reversed(doc.occupations) if o.startswith("isco:")), "")
    derived = {
        "occupation": {"concept_id": doc.occupations[0], "isco_code": isco},
        "skills": {"items": [{"skill_id": s} for s in doc.skills]},
        "place": place,
        "cluster": {"cluster_id": doc.cluster_id},
        "salary": {"annual_min": doc.salary_min, "annual_max": doc.salary_max, "currency": doc.salary_currency},
    }
    return JobPosting(
        id=doc.posting_id, source=doc.source, external_id=doc.posting_id, title=doc.title, description_html="",
        description_text=doc.body[:400], employer=Employer(doc.employer_name, doc.employer),
        address=Address(region=doc.region), latitude=doc.latitude, longitude=doc.longitude,
        employment_types=tuple(EmploymentType(t) for t in doc.employment_types if t in set(EmploymentType)),
        working_hours="", salary=None, education=doc.education, experience_months=doc.experience_months,
        openings=None, valid_through=doc.valid_through, date_posted=doc.posted_at, updated_at=doc.posted_at,
        status=PostingStatus.PUBLISHED, language=doc.language, url="", provenance=Provenance(doc.source, NOW),
        content_hash=doc.posting_id, derived=derived,
    )  # fmt: skip


def build_install(folder: Path, corpus: Corpus) -> Services:
    """The install in `folder`, made on the first run (postings, index, seekers, behaviour)."""
    built = _services(folder)
    marker = folder / "data" / "bench-ready"
    if marker.exists():
        return built
    started = time.perf_counter()
    import_shipped(SHIPPED, uow=built.uow(), now=built.now, progress=SilentProgress())
    docs = corpus.documents
    for start in range(0, len(docs), 10_000):
        with built.uow() as uow:
            uow.jobs.save([(_posting(d), ChangeKind.CREATED) for d in docs[start : start + 10_000]], NOW)
            uow.commit()
        built.search.index.upsert(docs[start : start + 10_000])
    built.search.index.commit(len(docs))
    _people(built, corpus)
    marker.write_text(f"{time.perf_counter() - started:.0f} s")
    return built


def ensure_title_vectors(built: Services, corpus: Corpus) -> None:
    """The title vectors of the corpus (the embedding retriever's): embedded once, kept in the search folder."""
    titles = built.search.titles
    if titles is not None:
        titles.add({doc.title for doc in corpus.documents})
        titles.save()


def _people(built: Services, corpus: Corpus) -> None:
    rng = random.Random(11)
    docs = corpus.documents
    seekers = []
    for number in range(SEEKERS):
        doc = docs[rng.randrange(len(docs))]
        extra = docs[rng.randrange(len(docs))].skills[:2]
        details = ProfileDetails(
            skills=tuple(ProfileSkill(s) for s in (*doc.skills[:3], *extra)),
            wishes=JobWishes(max_commute_km=rng.choice([None, 30.0, 80.0])),
        )
        seekers.append(
            StoredSeeker(
                id=stable_id("bench-seeker", str(number)), account_id=None, region=doc.region, headline=doc.title,
                occupations=[doc.occupations[0]], skills=[], findable=number % 3 == 0, created_at=NOW,
                updated_at=NOW, encrypted={}, national_id_index=None, details=details.as_json(),
            )
        )  # fmt: skip
    with built.uow() as uow:
        for seeker in seekers:
            uow.people.save_seeker(seeker)
        events = [
            BehaviourEvent(
                seekers[rng.randrange(SEEKERS)].id,
                rng.choice([EventKind.SAVE, EventKind.APPLY]),
                "posting",
                docs[int(len(docs) ** rng.random()) - 1].posting_id,  # log-uniform rank: a heavy head
                NOW - timedelta(days=rng.randrange(60)),
            )
            for _ in range(EVENTS)
        ]
        uow.behaviour.add_events(events)
        uow.commit()


def time_requests(built: Services, count: int) -> dict[str, Any]:
    with built.uow() as uow:
        ids = [s.id for s in uow.people.every_seeker()][:count]
        occupations = {s.id: s.occupations[0] for s in uow.people.every_seeker() if s.id in set(ids)}
    actor, now = operator("bench"), NOW + timedelta(days=1)
    recommender = built.recommender
    served, warm, baseline, sizes = [], [], [], []
    for timings in (served, warm):  # first request of each seeker, then again (their profile text's titles known)
        for seeker_id in ids:
            started = time.perf_counter()
            answer = recommend_jobs(
                uow=built.uow(), recommender=recommender, locate=built.locate, actor=actor, seeker_id=seeker_id, now=now
            )
            timings.append((time.perf_counter() - started) * 1000)
            sizes.append(len(answer.items))
    for seeker_id in ids:
        started = time.perf_counter()
        query = EngineQuery(
            now=now, filters=Filters(terms={"occupation": (occupations[seeker_id],)}), sort=SortOrder.DATE
        )
        hits = built.search.index.search(query).hits
        built.live_documents([h.posting_id for h in hits], now)
        baseline.append((time.perf_counter() - started) * 1000)
    return {
        "requests": len(ids),
        "recommend_median_ms": round(statistics.median(served), 1),
        "recommend_p95_ms": round(p95(served), 1),
        "again_median_ms": round(statistics.median(warm), 1),
        "again_p95_ms": round(p95(warm), 1),
        "search_median_ms": round(statistics.median(baseline), 1),
        "search_p95_ms": round(p95(baseline), 1),
        "p95_ratio_to_search": round(p95(served) / p95(baseline), 2),
        "results_median": statistics.median(sizes),
    }


def time_batch(built: Services, count: int) -> dict[str, Any]:
    with built.uow() as uow:
        ids = [s.id for s in uow.people.every_seeker()][-count:]
    report = nightly(
        uow=built.uow, recommender=built.recommender, locate=built.locate, actor=operator("bench"), seeker_ids=ids,
        now=NOW + timedelta(days=2), base_url="http://localhost", clock=time.perf_counter, progress=SilentProgress(),
        mail=False,
    )  # fmt: skip
    hours = 1_000_000 / report.per_second / 3600 / 2  # two processes on the two cores
    return {
        "seekers": report.seekers,
        "seekers_per_second": round(report.per_second, 1),
        "hours_for_1m_on_2_cores": round(hours, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--seekers", type=int, default=300, help="timed requests (one per seeker)")
    parser.add_argument("--batch", type=int, default=2000, help="seekers in the timed nightly batch")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/lmis-bench-recommend"))  # noqa: S108
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir / str(args.postings)
    corpus = load_corpus(args.postings, 7, args.dir)
    built = build_install(folder, corpus)
    ensure_title_vectors(built, corpus)
    report = {"postings": args.postings, **time_requests(built, args.seekers), "batch": time_batch(built, args.batch)}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
