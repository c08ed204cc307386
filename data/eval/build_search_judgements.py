"""Build the graded relevance judgements for job search from the per-query criteria.

    python data/eval/build_search_judgements.py DEMO_DIR [--nhs NHS_JSONL_GZ]

DEMO_DIR is the output of `lmis demo generate --postings 2000 --seed 1 --country kr
--as-of 2026-11-01`; NHS_JSONL_GZ is `../shared/data/job_postings/nhs_jobs_2020/nhs_jobs_postings.jsonl.gz`
(its first 5,000 lines, the ones `lmis eval search` ingests; by default that file when it exists).
Reads `search_queries.json` next to this script, grades every ad of both corpora against every
query of its corpus and writes `search_judgements.csv` (`query_id,corpus,source,external_id,grade`,
grades >= 1 only, sorted). Prints the number of graded ads per query and warns about queries with
no grade-3 ad or with more than 500 graded ads. Standard library only; deterministic.

Criteria (per query, under `criteria`): for each grade "3", "2" and "1" a list of rules; an ad gets
the highest grade one of whose rules it satisfies, else 0. A rule is an object whose keys must all
hold: `title` (a regex matches the title), `title_also` (a second list, one of which must match
the title too: `title` AND `title_also`), `title_not` (no regex matches the title), `description`
(a regex matches the description as plain text), `text` (a regex matches title or description),
`place` (a regex matches the ad's region, locality or postcode), `occupation` (the ad's ESCO
occupation URI in truth.csv is listed), `isco` (the ESCO occupation's ISCO-08 code starts with a
listed prefix), `skill` (truth.csv lists one of these ESCO skill URIs for the ad). Regexes are
Python `re`, case-insensitive. `occupation`, `isco` and `skill` exist only for the demo corpus. A list
item "@name" stands for the values of the file's `sets[name]` (shared regexes, ESCO skill URIs).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_QUERIES = HERE / "search_queries.json"
DEFAULT_OUT = HERE / "search_judgements.csv"
DEFAULT_ESCO = REPO / "data" / "taxonomy" / "esco" / "occupations_en.csv.gz"
DEFAULT_NHS = REPO.parent / "shared" / "data" / "job_postings" / "nhs_jobs_2020" / "nhs_jobs_postings.jsonl.gz"
NHS_LINES = 5000
NHS_SOURCE = "nhs"
GRADES = (3, 2, 1)
TOO_BROAD = 500
RULE_KEYS = frozenset(
    {"title", "title_also", "title_not", "description", "text", "place", "occupation", "isco", "skill"}
)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Ad:
    """One job ad as the criteria see it: identity, plain text, place and (demo only) its truth."""

    corpus: str
    source: str
    external_id: str
    title: str
    description: str
    place: str
    occupation: str = ""
    isco: str = ""
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Rule:
    """A conjunction of conditions; regexes are compiled once."""

    title: tuple[re.Pattern[str], ...] | None
    title_also: tuple[re.Pattern[str], ...] | None
    title_not: tuple[re.Pattern[str], ...]
    description: tuple[re.Pattern[str], ...] | None
    text: tuple[re.Pattern[str], ...] | None
    place: tuple[re.Pattern[str], ...] | None
    occupation: frozenset[str] | None
    isco: tuple[str, ...] | None
    skill: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Query:
    """A query of the judgement set with its rules per grade (highest grade first)."""

    id: str
    corpus: str
    rules: tuple[tuple[int, tuple[Rule, ...]], ...]


def plain_text(markup: str) -> str:
    """HTML (possibly escaped twice, as in the NHS file) to one line of plain text."""
    text = html.unescape(markup)
    if "&lt;" in text or "&amp;" in text:
        text = html.unescape(text)
    return SPACE.sub(" ", html.unescape(TAG.sub(" ", text))).strip()


def _strings(value: object, sets: Mapping[str, Sequence[str]]) -> tuple[str, ...] | None:
    """A list of strings with every "@name" item replaced by the values of sets[name]."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of strings, got {value!r}")
    out: list[str] = []
    for item in value:
        if item.startswith("@"):
            if item[1:] not in sets:
                raise ValueError(f"unknown set {item!r}")
            out.extend(sets[item[1:]])
        else:
            out.append(item)
    return tuple(out)


def _patterns(value: object, sets: Mapping[str, Sequence[str]]) -> tuple[re.Pattern[str], ...] | None:
    strings = _strings(value, sets)
    return None if strings is None else tuple(re.compile(item, re.IGNORECASE) for item in strings)


def parse_rule(raw: Mapping[str, object], sets: Mapping[str, Sequence[str]]) -> Rule:
    """One rule object of the queries file; unknown keys are an error, not ignored."""
    unknown = set(raw) - RULE_KEYS
    if unknown or not raw:
        raise ValueError(f"bad rule {dict(raw)!r}: unknown keys {sorted(unknown)}")
    occupation, skill = _strings(raw.get("occupation"), sets), _strings(raw.get("skill"), sets)
    return Rule(
        title=_patterns(raw.get("title"), sets),
        title_also=_patterns(raw.get("title_also"), sets),
        title_not=_patterns(raw.get("title_not"), sets) or (),
        description=_patterns(raw.get("description"), sets),
        text=_patterns(raw.get("text"), sets),
        place=_patterns(raw.get("place"), sets),
        occupation=None if occupation is None else frozenset(occupation),
        isco=_strings(raw.get("isco"), sets),
        skill=None if skill is None else frozenset(skill),
    )


def parse_query(raw: Mapping[str, object], sets: Mapping[str, Sequence[str]]) -> Query:
    """One query record; checks the fields the eval runner relies on."""
    for name in ("id", "query", "language", "corpus", "kind", "intent", "criteria"):
        if name not in raw:
            raise ValueError(f"query {raw.get('id')!r} has no {name!r}")
    if raw["language"] not in ("en", "ko") or raw["corpus"] not in ("demo", "nhs"):
        raise ValueError(f"query {raw['id']!r}: bad language or corpus")
    criteria = raw["criteria"]
    if not isinstance(criteria, dict) or not set(criteria) <= {"3", "2", "1"} or "3" not in criteria:
        raise ValueError(f"query {raw['id']!r}: criteria need grade '3' and only grades 3, 2, 1")
    rules = tuple((grade, tuple(parse_rule(rule, sets) for rule in criteria.get(str(grade), []))) for grade in GRADES)
    return Query(id=str(raw["id"]), corpus=str(raw["corpus"]), rules=rules)


def load_queries(path: Path) -> list[Query]:
    """All queries of the file, ids unique."""
    document = json.loads(path.read_text(encoding="utf-8"))
    sets = document.get("sets", {})
    queries = [parse_query(record, sets) for record in document["queries"]]
    ids = Counter(query.id for query in queries)
    duplicated = sorted(qid for qid, count in ids.items() if count > 1)
    if duplicated:
        raise ValueError(f"duplicate query ids: {duplicated}")
    return queries


def _any(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def satisfies(rule: Rule, ad: Ad) -> bool:
    """Whether every condition of the rule holds for the ad."""
    checks = (
        rule.title is None or _any(rule.title, ad.title),
        rule.title_also is None or _any(rule.title_also, ad.title),
        not _any(rule.title_not, ad.title),
        rule.description is None or _any(rule.description, ad.description),
        rule.text is None or _any(rule.text, ad.title) or _any(rule.text, ad.description),
        rule.place is None or _any(rule.place, ad.place),
        rule.occupation is None or ad.occupation in rule.occupation,
        rule.isco is None or (bool(ad.isco) and ad.isco.startswith(rule.isco)),
        rule.skill is None or bool(rule.skill & ad.skills),
    )
    return all(checks)


def grade(query: Query, ad: Ad) -> int:
    """The highest grade whose rules the ad satisfies, 0 when none does."""
    for value, rules in query.rules:
        if any(satisfies(rule, ad) for rule in rules):
            return value
    return 0


def _esco_isco(path: Path) -> dict[str, str]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return {row["conceptUri"]: row["iscoGroup"] for row in csv.DictReader(handle)}


def _truth(folder: Path) -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    with (folder / "truth.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (row["source"], row["external_id"]): (row["occupation_uri"], frozenset(row["skill_uris"].split()))
            for row in csv.DictReader(handle)
        }


def _ndjson(path: Path) -> Iterator[tuple[str, str, str, str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            address = record.get("address") or {}
            place = f"{address.get('region', '')} {address.get('locality', '')}"
            yield record["external_id"], record["title"], record.get("description", ""), place


def _jsonld(path: Path) -> Iterator[tuple[str, str, str, str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            address = (record.get("jobLocation") or {}).get("address") or {}
            place = f"{address.get('addressRegion', '')} {address.get('addressLocality', '')}"
            yield record["identifier"]["value"], record["title"], record.get("description", ""), place


def _csv(path: Path, mapping_path: Path) -> Iterator[tuple[str, str, str, str]]:
    mapping = json.loads(mapping_path.read_text(encoding="utf-8"))
    columns, delimiter = mapping["columns"], mapping.get("delimiter", ",")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            place = (
                f"{row.get(columns.get('address.region', ''), '')} {row.get(columns.get('address.locality', ''), '')}"
            )
            yield row[columns["external_id"]], row[columns["title"]], row.get(columns.get("description", ""), ""), place


def _rss(path: Path) -> Iterator[tuple[str, str, str, str]]:
    root = ET.parse(path).getroot()  # noqa: S314 - the RSS file LMIS's own demo generator wrote
    for item in root.iter("item"):
        ident = item.findtext("guid") or item.findtext("link") or ""
        place = " ".join(category.text or "" for category in item.findall("category"))
        yield ident, item.findtext("title") or "", item.findtext("description") or "", place


def _feed(folder: Path, entry: Mapping[str, str]) -> Iterator[tuple[str, str, str, str]]:
    """(external id, title, description, place) of every record of one manifest file."""
    path, kind = folder / entry["path"], entry["format"]
    if kind == "ndjson":
        return _ndjson(path)
    if kind == "jsonld":
        return _jsonld(path)
    if kind == "rss":
        return _rss(path)
    if kind == "csv":
        return _csv(path, folder / entry["mapping"])
    raise ValueError(f"{entry['path']}: unknown feed format {kind!r}")


def read_demo(folder: Path, esco_occupations: Path) -> list[Ad]:
    """Every ad of the demo feeds named in manifest.json, joined with truth.csv and ESCO's ISCO codes."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    truth, isco_of = _truth(folder), _esco_isco(esco_occupations)
    ads: list[Ad] = []
    for entry in manifest["files"]:
        source = entry.get("source")
        if not source:  # jobseekers and ground-truth files
            continue
        for external_id, title, description, place in _feed(folder, entry):
            occupation, skills = truth[(source, external_id)]
            isco = isco_of.get(occupation, "")
            ads.append(Ad("demo", source, external_id, title.strip(), plain_text(description), place.strip(),
                          occupation, isco, skills))  # fmt: skip
    if len(ads) != len(truth):
        raise ValueError(f"{len(ads)} ads in the feeds but {len(truth)} rows in truth.csv")
    return ads


def read_nhs(path: Path, lines: int = NHS_LINES) -> list[Ad]:
    """The first `lines` NHS ads; `fileid` is the external id, place is locality plus postcode."""
    ads: list[Ad] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= lines:
                break
            record = json.loads(line)
            address = ((record.get("jobLocation") or {}).get("address")) or {}
            place = f"{address.get('addressLocality', '')} {address.get('postalCode', '')}"
            ads.append(
                Ad("nhs", NHS_SOURCE, str(record["fileid"]), plain_text(record.get("title", "")),
                   plain_text(record.get("description", "")), plain_text(place))
            )  # fmt: skip
    return ads


def judge(queries: Sequence[Query], ads_by_corpus: Mapping[str, Sequence[Ad]]) -> list[tuple[str, str, str, str, int]]:
    """Rows (query_id, corpus, source, external_id, grade) with grade >= 1, sorted."""
    rows = [
        (query.id, ad.corpus, ad.source, ad.external_id, value)
        for query in queries
        for ad in ads_by_corpus.get(query.corpus, ())
        if (value := grade(query, ad)) > 0
    ]
    return sorted(rows)


def report(queries: Sequence[Query], rows: Sequence[tuple[str, str, str, str, int]], corpora: set[str]) -> int:
    """Print graded ads per query and grade; return how many queries need attention."""
    counts: Counter[tuple[str, int]] = Counter((row[0], row[4]) for row in rows)
    problems = 0
    sys.stdout.write(f"{'query':<11} {'corpus':<6} {'g3':>5} {'g2':>5} {'g1':>5} {'all':>5}\n")
    for query in queries:
        if query.corpus not in corpora:
            continue
        per = [counts[(query.id, value)] for value in GRADES]
        sys.stdout.write(f"{query.id:<11} {query.corpus:<6} {per[0]:>5} {per[1]:>5} {per[2]:>5} {sum(per):>5}\n")
        if per[0] == 0 or sum(per) > TOO_BROAD:
            problems += 1
            why = "no grade-3 ad" if per[0] == 0 else f"{sum(per)} graded ads (> {TOO_BROAD}): too broad"
            sys.stderr.write(f"warning: {query.id}: {why}\n")
    return problems


def write_csv(rows: Sequence[tuple[str, str, str, str, int]], out: Path) -> None:
    """The judgements file, LF line ends, UTF-8."""
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("query_id", "corpus", "source", "external_id", "grade"))
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the judgements; exit status 1 when a query has no grade-3 ad or too many graded ads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("demo", type=Path, help="folder written by `lmis demo generate` (see this file's docstring)")
    parser.add_argument("--nhs", type=Path, default=DEFAULT_NHS if DEFAULT_NHS.exists() else None)
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--esco", type=Path, default=DEFAULT_ESCO, help="ESCO occupations_en.csv.gz")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)
    corpora: dict[str, list[Ad]] = {"demo": read_demo(args.demo, args.esco)}
    if args.nhs is not None:
        corpora["nhs"] = read_nhs(args.nhs)
    else:
        sys.stderr.write("warning: no NHS file: only the demo queries are judged\n")
    rows = judge(queries, corpora)
    problems = report(queries, rows, set(corpora))
    write_csv(rows, args.out)
    grades = Counter(row[4] for row in rows)
    sys.stdout.write(f"{len(rows)} judgements ({dict(sorted(grades.items()))}) -> {args.out}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
