"""Cut the demo generator's distributions from ../shared/data (run once; the outputs are committed).

    python data/demo/make_extracts.py ../shared/data

Rows are copied with their published values; only rows and columns are selected.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OEWS_YEAR = "2023"  # the newest May reference year in ../shared/data/labor_timeseries
OEWS_COLUMNS = (
    "year",
    "occ_code",
    "occ_title",
    "o_group",
    "tot_emp",
    "a_mean",
    "a_median",
    "a_pct10",
    "a_pct25",
    "a_pct75",
    "a_pct90",
    "annual",
    "hourly",
    "soc_basis",
)
INDEED_FIRST_DAY = "2021-01-01"  # four whole years, after the 2020 pandemic shock


def cut_oews(shared: Path) -> None:
    """BLS OEWS national, newest year: the all-occupations row and every detailed occupation."""
    source = shared / "labor_timeseries" / "bls_oews_national_2011_2025.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["year"] == OEWS_YEAR and r["o_group"] in ("total", "detailed")]
    with (HERE / f"bls_oews_national_{OEWS_YEAR}.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(OEWS_COLUMNS)
        writer.writerows([r[c] for c in OEWS_COLUMNS] for r in rows)


def cut_indeed(shared: Path) -> None:
    """Indeed Hiring Lab, US aggregate, new postings, daily from 2021."""
    source = shared / "indeed_job_postings_index" / "US" / "aggregate_job_postings_US.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [r for r in reader if r[4] == "new postings" and r[0] >= INDEED_FIRST_DAY]
    with (HERE / "indeed_new_postings_us.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    shared_data = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data"
    cut_oews(shared_data)
    cut_indeed(shared_data)
