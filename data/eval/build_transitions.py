"""Build development sets of occupation transitions for `lmis eval transitions` (docs/recommend.md).

Run from the repository root:

    python data/eval/build_transitions.py OUT_DIR [--shared ../shared/data]

Writes to OUT_DIR (CSV, one pair per row; several targets of one source are several rows):

- `onet_isco_groups.csv` (from_onet_soc, to_onet_soc): O*NET-SOC occupations whose SOC 2010 codes the
  BLS ISCO-08 -> SOC 2010 crosswalk puts in the same ISCO-08 unit group (groups of 2 to 8 SOC codes):
  another classification's judgement that the occupations are alike. Open data (BLS public domain,
  O*NET CC BY 4.0); `data/eval/transitions_onet_isco_groups.csv` is this file.
- `onet_esco_groups.csv` (from_onet_soc, to_onet_soc): O*NET-SOC occupations that Nesta's crosswalk
  matches to ESCO occupations of the same ISCO-08 unit group (2 to 8 distinct O*NET codes per group):
  ESCO's and Nesta's judgement instead of BLS's. Open data (ESCO, O*NET, Nesta MIT).
- `esco_siblings.csv` (from_esco_uri, to_esco_uri): ESCO occupations under the same broader ESCO
  occupation (not an ISCO group).
- `kaggle_titles.csv` (from_title, to_title), only with --shared: consecutive jobs of one applicant
  in the Kaggle "Job Recommendation" work histories (earlier start date -> later one). Licence
  unknown: never write it into the repository. `lmis eval transitions --scheme onet` codes the
  titles with the occupation coder.
- `kaggle_onet.csv` (from_onet_soc, to_onet_soc), only with --shared: the same pairs with both titles
  matched lexically to an O*NET title, alternate or reported title (rapidfuzz token-sort ratio >= 95
  after lower-casing; unmatched pairs are left out): a cheap coding independent of the embedder.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
from collections import defaultdict
from pathlib import Path

TAXONOMY = Path("data/taxonomy")


def rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def onet_2010_to_2019() -> dict[str, list[str]]:
    mapped: dict[str, list[str]] = defaultdict(list)
    for r in rows(TAXONOMY / "crosswalks" / "onetsoc2010_to_onetsoc2019.csv"):
        mapped[r["O*NET-SOC 2010 Code"]].append(r["O*NET-SOC 2019 Code"])
    return mapped


def pairs_within(groups: dict[str, set[str]], low: int = 2, high: int = 8) -> list[tuple[str, str]]:
    """Every ordered pair of distinct members of each group of `low` to `high` members."""
    found = set()
    for members in groups.values():
        if low <= len(members) <= high:
            found.update(itertools.permutations(sorted(members), 2))
    return sorted(found)


def onet_isco_groups() -> list[tuple[str, str]]:
    to_2019 = onet_2010_to_2019()
    soc_to_onet: dict[str, set[str]] = defaultdict(set)
    for r in rows(TAXONOMY / "crosswalks" / "onetsoc2010_to_soc2010.csv"):
        soc_to_onet[r["2010 SOC Code"]].update(to_2019.get(r["O*NET-SOC 2010 Code"], []))
    groups: dict[str, set[str]] = defaultdict(set)
    for r in rows(TAXONOMY / "crosswalks" / "isco08_to_soc2010_bls.csv"):
        groups[r["isco08_code"]].update(soc_to_onet.get(r["soc2010_code"], set()))
    return pairs_within(groups)


def esco_parents() -> dict[str, set[str]]:
    """Broader ESCO occupation URI -> its narrower occupations (ISCO parents left out)."""
    children: dict[str, set[str]] = defaultdict(set)
    for r in rows(TAXONOMY / "esco" / "broaderRelationsOccPillar.csv.gz"):
        if r["conceptType"] == "Occupation" and r["broaderType"] == "Occupation":
            children[r["broaderUri"]].add(r["conceptUri"])
    return children


def onet_esco_groups() -> list[tuple[str, str]]:
    to_2019 = onet_2010_to_2019()
    groups: dict[str, set[str]] = defaultdict(set)
    for r in rows(TAXONOMY / "crosswalks" / "esco_onet_crosswalk_nesta_Nov2020.csv"):
        groups[r["isco_code"]].update(to_2019.get(r["onet_code"], [r["onet_code"]]))
    return pairs_within(groups)


def esco_siblings() -> list[tuple[str, str]]:
    return pairs_within(dict(esco_parents().items()))


def kaggle_titles(shared: Path) -> list[tuple[str, str]]:
    jobs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows(shared / "career_paths_kaggle_jobreco" / "Experience.csv.gz"):
        title, start = r["Position.Name"].strip(), r["Start.Date"].strip()
        if title and title != "NA" and start and start != "NA":
            jobs[r["Applicant.ID"]].append((start, title))
    pairs = []
    for history in jobs.values():
        ordered = [title for _start, title in sorted(history)]
        pairs += [(a, b) for a, b in itertools.pairwise(ordered) if a.casefold() != b.casefold()]
    return pairs


def onet_titles() -> dict[str, str]:
    """Lower-cased O*NET titles, alternate and reported titles -> O*NET-SOC code (the first one listed wins)."""
    folder = TAXONOMY / "onet"
    titles: dict[str, str] = {}
    for stem, columns in (
        ("Occupation Data", ("Title",)),
        ("Sample of Reported Titles", ("Reported Job Title",)),
        ("Alternate Titles", ("Alternate Title", "Short Title")),
    ):
        with gzip.open(folder / f"{stem}.txt.gz", "rt", encoding="utf-8") as stream:
            for r in csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE):
                for column in columns:
                    if r.get(column):
                        titles.setdefault(r[column].strip().lower(), r["O*NET-SOC Code"])
    return titles


def code_lexically(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    from rapidfuzz import fuzz, process

    titles = onet_titles()
    choices = list(titles)
    coded: dict[str, str | None] = {}
    for title in {t for pair in pairs for t in pair}:
        found = process.extractOne(title.lower(), choices, scorer=fuzz.token_sort_ratio, score_cutoff=95)
        coded[title] = titles[found[0]] if found else None
    return [(coded[a] or "", coded[b] or "") for a, b in pairs if coded[a] and coded[b] and coded[a] != coded[b]]


def write(path: Path, header: tuple[str, str], pairs: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shared", type=Path, help="../shared/data, for the Kaggle work histories")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "onet_isco_groups.csv", ("from_onet_soc", "to_onet_soc"), onet_isco_groups())
    write(args.out / "onet_esco_groups.csv", ("from_onet_soc", "to_onet_soc"), onet_esco_groups())
    write(args.out / "esco_siblings.csv", ("from_esco_uri", "to_esco_uri"), esco_siblings())
    if args.shared:
        pairs = kaggle_titles(args.shared)
        write(args.out / "kaggle_titles.csv", ("from_title", "to_title"), pairs)
        write(args.out / "kaggle_onet.csv", ("from_onet_soc", "to_onet_soc"), code_lexically(pairs))


if __name__ == "__main__":
    main()
