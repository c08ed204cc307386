"""Pick the 240 JobBERT validation rows behind the Korean and Indonesian title-coding check sets.

    python data/eval/select_rows.py [../shared/data/title_coding/jobbert_titles_val.csv.gz] [--csv]

Prints the chosen rows (row, English title, gold ESCO URI) in check-set order, for reviewers; the
English titles are read from the shared file and are not stored in this repository. `--csv` prints
them as CSV with the check sets' columns (row, title, esco_uri), so the English baseline on the same
rows is `python data/eval/select_rows.py --csv > /tmp/title_coding_en.csv` and then
`lmis eval coding /tmp/title_coding_en.csv`. Standard library only.

Rule: shuffle all row indices with random.Random(20261125); walk the shuffled list and keep a row
when (1) its title passes `is_job_title` and is not in `SKIPPED` (hand-judged: codes, programme
names, not English, several jobs in one), (2) its `dedup_key` has not been kept yet (so every kept
title is distinct case-insensitively, ignoring punctuation, word order, repeated words, bracketed
parts such as locations, a plural -s, and seniority, trainee, part-time and sex words), and
(3) fewer than 2 rows with the same conceptUri have been kept. Stop at 240.
"""

from __future__ import annotations

import csv
import gzip
import random
import re
import sys
from collections import Counter
from pathlib import Path

SEED = 20261125
N_ROWS = 240
MAX_PER_OCCUPATION = 2
DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "title_coding" / "jobbert_titles_val.csv.gz"

# Rows met on the walk and left out by hand after reading them: the title is mostly codes or a
# programme name, is not English, lumps several jobs together, or misspells a title already kept.
# Filled in while reviewing the walk; it reads past them.
SKIPPED: frozenset[int] = frozenset(
    {
        10376,  # an unexplained acronym is most of the title
        5389,  # Malay, not English
        9400,  # Malay, not English
        13556,  # Malay, and several jobs in one
        14638,  # a training-programme name
        8302,  # four jobs in one
        14229,  # a misspelt near-duplicate of row 1559, already kept
    }
)

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[a-z]+")
# Words that do not make a different job: seniority, trainee status, hours, and sex.
_IGNORED = frozenset(
    {"junior", "jr", "senior", "sr", "snr", "intern", "internship", "trainee", "part", "time"}
    | {"male", "female", "man", "men", "only"}
)


def is_job_title(title: str) -> bool:
    """Mechanical part of "a real job title": Latin script, short, mostly letters, no money/dates."""
    t = title.strip()
    if not 3 <= len(t) < 60:  # the source cuts titles at 60 characters: those are truncated
        return False
    if any(ord(ch) > 0x24F for ch in t):  # CJK, Tamil, Arabic ... (mixed-script titles)
        return False
    letters = sum(ch.isalpha() for ch in t)
    if letters < 3 or letters / len(t.replace(" ", "")) < 0.8:
        return False
    return not re.search(r"\bRM\s?\d|\d{2,}|@|https?:|www\.|\.com", t, re.I)  # money, dates, contacts


def dedup_key(title: str) -> str:
    words = _WORD.findall(_BRACKETS.sub(" ", title.lower()))
    stems = {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}
    stems -= _IGNORED
    return " ".join(sorted(stems)) or title.strip().lower()


def load(source: Path) -> list[tuple[int, str, str]]:
    with gzip.open(source, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)  # ",vacancyTitle,conceptUri"
        return [(int(r[0]), r[1], r[2]) for r in reader]


def select(rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    by_row = {r[0]: r for r in rows}
    order = sorted(by_row)
    random.Random(SEED).shuffle(order)  # noqa: S311 - a reproducible sample, not a secret
    chosen: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    per_uri: Counter[str] = Counter()
    for idx in order:
        row, title, uri = by_row[idx]
        if row in SKIPPED or not is_job_title(title):
            continue
        key = dedup_key(title)
        if key in seen or per_uri[uri] >= MAX_PER_OCCUPATION:
            continue
        seen.add(key)
        per_uri[uri] += 1
        chosen.append(by_row[idx])
        if len(chosen) == N_ROWS:
            break
    return chosen


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    source = Path(args[0]) if args else DEFAULT_SOURCE
    chosen = select(load(source))
    if "--csv" in argv:
        w = csv.writer(sys.stdout)
        w.writerow(["row", "title", "esco_uri"])  # the English twin of the check sets: `lmis eval coding` reads it
        w.writerows((row, title.strip(), uri) for row, title, uri in chosen)
    else:
        for row, title, uri in chosen:
            sys.stdout.write(f"{row}\t{title.strip()}\t{uri}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
