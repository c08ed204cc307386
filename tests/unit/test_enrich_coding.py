"""Occupation coding and its metrics, with a small deterministic embedder standing in for E5."""

from __future__ import annotations

import itertools

from lmis.enrich.coding import Candidate, OccupationCoder, OccupationLabel, clean_title
from lmis.enrich.evaluation import CodingGold, coding_metrics
from tests.fakes import BagOfWords

LABELS = [
    OccupationLabel("nurse", "nurse responsible for general care", "2221"),
    OccupationLabel("nurse", "staff nurse", "2221"),
    OccupationLabel("nurse", "ward nurse", "2221"),
    OccupationLabel("midwife", "midwife", "2222"),
    OccupationLabel("welder", "welder", "7212"),
    OccupationLabel("welder", "pipe welder", "7212"),
    OccupationLabel("developer", "software developer", "2512"),
    OccupationLabel("developer", "programmer", "2512"),
]


def coder() -> OccupationCoder:
    embedder = BagOfWords()
    return OccupationCoder(LABELS, embedder.passages([label.text for label in LABELS]), embedder)


def test_job_board_noise_is_removed_from_a_title() -> None:
    assert clean_title("URGENT Hiring: Staff Nurse (Night shift) - Leeds") == "Staff Nurse"
    assert clean_title("Software Developer, Python | Remote") == "Software Developer"
    assert clean_title("Internship") == "Internship"


def test_an_exact_label_wins_and_says_so() -> None:
    ((first, *_rest),) = coder().code(["Staff Nurse"])
    assert (first.concept_id, first.isco, first.evidence) == ("nurse", "2221", "exact label")
    assert first.matched_label == "staff nurse"


def test_a_title_close_to_labels_is_coded_by_similarity_with_one_candidate_per_occupation() -> None:
    candidates = coder().code(["senior pipe welder"], top=5)[0]
    assert candidates[0].concept_id == "welder"
    assert len({c.concept_id for c in candidates}) == len(candidates)
    assert all(a.score >= b.score for a, b in itertools.pairwise(candidates))


def test_confidence_is_a_share_that_falls_when_candidates_compete() -> None:
    clear = coder().code(["welder"])[0][0]
    vague = coder().code(["pipe nurse"])[0][0]
    assert 0 < vague.confidence < clear.confidence <= 1


def candidate(concept_id: str, isco: str, confidence: float) -> Candidate:
    return Candidate(concept_id, isco, confidence, confidence, concept_id, "embedding")


def test_coding_metrics_count_top1_top5_and_isco_levels() -> None:
    predictions = [
        [candidate("a", "2221", 0.9), candidate("b", "2222", 0.1)],
        [candidate("c", "7212", 0.8), candidate("d", "2512", 0.2)],
        [candidate("e", "2512", 0.3)],
    ]
    gold = [CodingGold("a", "2221"), CodingGold("d", "2512"), CodingGold(None, "2519")]
    metrics = coding_metrics(predictions, gold)
    assert metrics["n"] == 3
    assert metrics["occupation_top1"] == 0.5
    assert metrics["occupation_top5"] == 1.0
    assert metrics["isco4"] == 1 / 3
    assert metrics["isco1"] == 2 / 3
    assert metrics["coverage_at_95_precision"] == 1 / 3  # only the most confident title is right
