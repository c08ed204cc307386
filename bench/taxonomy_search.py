"""Benchmark: occupation and skill look-ups over every shipped release, as the API runs them.

Reports median and p95 latency per query kind. The baseline in the same run is a bare SQL
LIKE over the label table (no ranking), so the table shows what ranking and ISCO enrichment
cost. Run after `make init` (it reads the database of LMIS_DATA_DIR / LMIS_DATABASE_URL).

    python -m bench.taxonomy_search [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench.measure import p95, timed
from lmis.bootstrap import build
from lmis.config import load_settings
from lmis.shared.text import normalise
from lmis.taxonomy import services
from lmis.taxonomy.services import ConceptQuery

QUERIES = [
    "nurse",
    "software developer",
    "welder",
    "teacher",
    "truck driver",
    "accountant",
    "chef",
    "electrician",
    "data scientist",
    "care worker",
    "sales assistant",
    "mechanic",
    "pharmacist",
    "civil engineer",
    "cleaner",
    "infirmier",
    "nurce",
    "project manager",
    "web designer",
    "police officer",
]
SKILLS = ["python", "customer service", "teamwork", "forklift", "welding", "accounting", "first aid", "english"]
RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    built = build(load_settings())
    like = sa.text("SELECT concept_id FROM taxonomy_label WHERE kind = 'occupation' AND search_text LIKE :p LIMIT 5000")

    def bare_like(text: str) -> Callable[[], object]:
        def run() -> object:
            with built.engine.connect() as connection:
                return connection.execute(like, {"p": f"%{normalise(text)}%"}).fetchall()

        return run

    cases: dict[str, list[float]] = {"bare SQL LIKE (baseline)": [], "find_occupations": [], "find_skills": []}
    for text in QUERIES:
        cases["bare SQL LIKE (baseline)"] += timed(bare_like(text), args.repeat, scale=1000)
        query = ConceptQuery(text)
        cases["find_occupations"] += timed(
            lambda q=query: services.find_occupations(q, cursor=None, limit=20, uow=built.uow()),
            args.repeat,
            scale=1000,
        )
    for text in SKILLS:
        query = ConceptQuery(text)
        cases["find_skills"] += timed(
            lambda q=query: services.find_skills(q, cursor=None, limit=20, uow=built.uow()), args.repeat, scale=1000
        )
    cases["crosswalk 29-1141.00 -> isco-08"] = timed(
        lambda: services.crosswalk("29-1141.00", "onet-soc-2019", "isco-08", uow=built.uow()),
        args.repeat * 10,
        scale=1000,
    )
    baseline = statistics.median(cases["bare SQL LIKE (baseline)"])
    url = built.settings.resolved_database_url().split("@")[-1]
    print(f"database: {url}")
    print(f"{'case':<34} {'median ms':>10} {'p95 ms':>8} {'x base':>7} {'n':>5}")
    for name, timings in cases.items():
        median = statistics.median(timings)
        print(f"{name:<34} {median:>10.1f} {p95(timings):>8.1f} {median / baseline:>7.1f} {len(timings):>5}")
    RESULTS.mkdir(exist_ok=True)
    report = {name: {"median_ms": statistics.median(t), "p95_ms": p95(t), "n": len(t)} for name, t in cases.items()}
    (RESULTS / "taxonomy_search.json").write_text(json.dumps({"database": url, "cases": report}, indent=2))


if __name__ == "__main__":
    main()
