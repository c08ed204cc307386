"""`lmis eval recommend DIR`: the job-recommendation ladder on a small folder in the Kaggle job-views layout."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from lmis.recommend.jobs_data import read_job_data
from lmis.recommend.jobs_eval import RUNGS, evaluate_ladder

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "career_paths_kaggle_jobreco"
VIEW_COLUMNS = [
    "Applicant.ID", "Job.ID", "Title", "Position", "Company", "City", "State.Name", "State.Code", "Industry",
    "View.Start", "View.End", "View.Duration", "Created.At", "Updated.At",
]  # fmt: skip
TRADES = [
    ("Cashier", "Shopmart", "Retail"),
    ("Security Officer", "Guardall", "Security"),
    ("Line Cook", "Grill House", "Food and Beverages"),
    ("Truck Driver", "Haulers", "Transportation"),
]
PLACES = [("Fresno", "California"), ("Albany", "New York")]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(gzip.compress(text.getvalue().encode()))


def write_folder(folder: Path) -> None:
    """24 postings (4 trades x 2 places x 3 ids rising over time) and 16 applicants who view their trade nearby."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    views, experience, interests = [], [], []
    for applicant in range(16):
        trade, (city, state) = TRADES[applicant % 4], PLACES[(applicant // 4) % 2]
        user = str(10001 + applicant)
        experience.append([user, trade[0], "Old Employer", city, state, "", "NA"])
        if applicant % 2:
            interests.append([user, trade[0].lower()])
        for wave in range(3):  # wave w's posting appears (and is viewed) in the w-th third of the span
            job = str(1000 * (wave + 1) + 10 * TRADES.index(trade) + PLACES.index((city, state)))
            when = start + timedelta(days=30 * wave + applicant % 7, hours=applicant)
            title = f"{trade[0]} @ {trade[1]}"
            stamp = when.strftime("%Y-%m-%d %H:%M:%S UTC")
            views.append(
                [user, job, title, trade[0], trade[1], city, state, "XX", trade[2], stamp, stamp, "30", stamp, stamp]
            )
    _write(folder / "Job_Views.csv.gz", VIEW_COLUMNS, views)
    columns = ["Applicant.ID", "Position.Name", "Employer.Name", "City", "State.Name", "Start.Date", "Job.Description"]
    _write(folder / "Experience.csv.gz", columns, experience)
    _write(folder / "Positions_Of_Interest.csv.gz", ["Applicant.ID", "Position.Of.Interest"], interests)


def lmis(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LMIS_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    environment.pop("LMIS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "lmis", "eval", "recommend", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def test_the_command_prints_one_json_object_with_every_rung_the_split_and_the_ratio(tmp_path: Path) -> None:
    write_folder(tmp_path / "jobs")

    result = lmis(str(tmp_path / "jobs"), "--json", "--cache-dir", str(tmp_path / "cache"), tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert set(RUNGS) | {"users", "split", "full_vs_best_single"} <= set(metrics)
    assert metrics["users"] == 16
    for rung in RUNGS:
        assert 0.0 <= metrics[rung]["recall_at_10"] <= 1.0
        low, high = metrics[rung]["recall_at_10_ci"]
        assert low <= metrics[rung]["recall_at_10"] <= high
        assert 0.0 <= metrics[rung]["employer_gini"] < 1.0
    # each applicant's test posting is the newest one of their trade and place: text and place find it
    assert metrics["bm25"]["recall_at_10"] > metrics["popularity"]["recall_at_10"]
    assert metrics["full"]["recall_at_10"] >= metrics["bm25"]["recall_at_10"]
    assert metrics["split"]["test_views"] == 16
    assert list((tmp_path / "cache").glob("jobreco-*.npy"))


def test_the_table_names_every_rung_and_the_second_run_reads_the_embedding_cache(tmp_path: Path) -> None:
    write_folder(tmp_path / "jobs")
    args = (str(tmp_path / "jobs"), "--cache-dir", str(tmp_path / "cache"))
    lmis(*args, "--json", tmp_path=tmp_path)
    cached = sorted(path.stat().st_mtime_ns for path in (tmp_path / "cache").iterdir())

    result = lmis(*args, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("rung "))  # after the progress bars
    assert lines[header].split()[:2] == ["rung", "recall@10"]
    assert [line.split()[0] for line in lines[header + 1 : header + 5]] == list(RUNGS)
    assert "users: 16" in result.stdout
    assert sorted(path.stat().st_mtime_ns for path in (tmp_path / "cache").iterdir()) == cached


def test_a_missing_file_or_column_is_a_usage_error_that_names_it(tmp_path: Path) -> None:
    write_folder(tmp_path / "jobs")
    (tmp_path / "jobs" / "Positions_Of_Interest.csv.gz").unlink()

    missing_file = lmis(str(tmp_path / "jobs"), tmp_path=tmp_path)

    assert missing_file.returncode == 2
    assert "Positions_Of_Interest.csv.gz (or Positions_Of_Interest.csv) is missing" in missing_file.stderr

    _write(tmp_path / "jobs" / "Positions_Of_Interest.csv.gz", ["Applicant.ID", "Interest"], [["1", "cook"]])
    missing_column = lmis(str(tmp_path / "jobs"), tmp_path=tmp_path)

    assert missing_column.returncode == 2
    assert "lacks column(s) Position.Of.Interest" in missing_column.stderr


class HashingEmbedder:
    """A cheap stand-in for E5: hashed bags of words (enough to run the ladder on the real files in seconds)."""

    version = "hashing-test"

    def _embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        rows = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows[row, zlib.crc32(word.encode()) % 256] += 1.0
        return rows

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._embed(texts)

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._embed(texts)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/career_paths_kaggle_jobreco is not here")
def test_on_the_real_views_content_beats_popularity_and_the_learned_ranker_beats_every_single_retriever() -> None:
    data = read_job_data(REAL)
    assert len(data.views) > 5_000
    assert len(data.postings) > 3_000

    metrics = evaluate_ladder(data, HashingEmbedder())

    assert metrics["bm25"]["recall_at_10"] > 2 * metrics["popularity"]["recall_at_10"]  # type: ignore[index]
    assert metrics["full_vs_best_single"] > 1.5  # type: ignore[operator]
