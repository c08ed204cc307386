"""`lmis eval transitions FILE` as an analyst runs it, on the sample taxonomy (4 O*NET, 3 ESCO occupations)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.e2e.test_cli import lmis

NURSE, PRACTITIONER, DEVELOPER, WELDER = "29-1141.00", "29-1141.01", "15-1252.00", "51-4121.00"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_onet_pairs_give_one_json_object_with_metrics_baselines_and_skipped_rows_by_reason(tmp_path: Path) -> None:
    pairs = _write(
        tmp_path / "pairs.csv",
        f"from_onet_soc,to_onet_soc\n{NURSE},{PRACTITIONER}\n{PRACTITIONER},{NURSE}\n{DEVELOPER},{WELDER}\n"
        f"99-9999.00,{NURSE}\n{NURSE},{NURSE}\n",
    )
    result = lmis("eval", "transitions", str(pairs), "--json", data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert {"recall_at_10", "mrr", "ndcg_at_10", "pairs_recall_at_10", "rows", "skipped", "baselines"} <= set(metrics)
    assert set(metrics["baselines"]) == {"popularity", "skills_cosine"}
    assert set(metrics["baselines"]["popularity"]) >= {"recall_at_10", "mrr", "ndcg_at_10"}
    assert metrics["rows"] == 3
    assert metrics["skipped"] == {
        "count": 2,
        "by_reason": {"unknown code (from_onet_soc)": 1, "same occupation on both sides": 1},
    }
    # With 3 candidates per source every target is in the top 10; the nurses rank each other first.
    assert metrics["recall_at_10"] == 1.0
    assert metrics["mrr"] > 0.8


def test_the_metric_table_names_the_recommender_and_both_baselines(tmp_path: Path) -> None:
    pairs = _write(tmp_path / "pairs.csv", f"from_onet_soc,to_onet_soc\n{NURSE},{PRACTITIONER}\n")
    result = lmis("eval", "transitions", str(pairs), data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if line.startswith("metric"))
    assert "recommender" in header
    assert "skills_cosine" in header
    assert "popularity" in header
    assert "1 pairs from 1 sources" in result.stdout


def test_an_unknown_column_is_a_usage_error_naming_the_accepted_columns(tmp_path: Path) -> None:
    pairs = _write(tmp_path / "pairs.csv", f"from_soc,to_onet_soc\n{NURSE},{PRACTITIONER}\n")
    result = lmis("eval", "transitions", str(pairs), data_dir=tmp_path)

    assert result.returncode == 2
    assert "unknown column(s) from_soc" in result.stderr
    assert "from_onet_soc" in result.stderr
    assert "to_title" in result.stderr


def test_codes_of_two_different_schemes_are_refused(tmp_path: Path) -> None:
    pairs = _write(tmp_path / "pairs.csv", "from_isco_code,to_onet_soc\n2221,29-1141.00\n")
    result = lmis("eval", "transitions", str(pairs), data_dir=tmp_path)

    assert result.returncode == 2
    assert "different schemes" in result.stderr


def test_free_titles_are_coded_into_the_scheme_of_the_other_side(tmp_path: Path) -> None:
    assert lmis("init", "--demo-postings", "0", data_dir=tmp_path).returncode == 0
    pairs = _write(
        tmp_path / "pairs.csv",
        f"from_title,to_onet_soc\nnurse responsible for general care,{DEVELOPER}\n,{DEVELOPER}\n",
    )
    result = lmis("eval", "transitions", str(pairs), "--json", data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["rows"] == 1
    assert metrics["skipped"]["by_reason"] == {"empty from_title": 1}


def test_the_development_set_builder_writes_the_open_sets_from_the_shipped_taxonomy(tmp_path: Path) -> None:
    script = ROOT / "data" / "eval" / "build_transitions.py"
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    header = (tmp_path / "onet_isco_groups.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "from_onet_soc,to_onet_soc"
    assert not (tmp_path / "kaggle_titles.csv").exists()


def test_esco_uris_and_isco_codes_are_evaluated_in_their_own_schemes(tmp_path: Path) -> None:
    esco = "http://data.europa.eu/esco/occupation/"
    nurse, practitioner = f"{esco}8d3e8aaa-791b-4c75-a465-f3f827028f50", f"{esco}36494988-69d2-4420-9db4-eb56605ac983"
    uris = _write(tmp_path / "esco.csv", f"from_esco_uri,to_esco_uri\n{nurse},{practitioner}\n{nurse},{esco}nope\n")
    isco = _write(tmp_path / "isco.csv", "from_isco_code,to_isco_code\n2221,2512\n9999,2512\n")

    by_uri = json.loads(lmis("eval", "transitions", str(uris), "--json", data_dir=tmp_path).stdout)
    by_code = json.loads(lmis("eval", "transitions", str(isco), "--json", data_dir=tmp_path).stdout)

    assert (by_uri["scheme"], by_uri["rows"], by_uri["mrr"]) == ("esco-occupation", 1, 1.0)
    assert by_uri["skipped"]["by_reason"] == {"unknown code (to_esco_uri)": 1}
    assert (by_code["scheme"], by_code["rows"]) == ("isco-08", 1)
    assert by_code["skipped"]["by_reason"] == {"unknown code (from_isco_code)": 1}
