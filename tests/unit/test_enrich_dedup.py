"""Duplicate vacancy clusters on small hand-made postings, and the metrics that score them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lmis.enrich.dedup import DedupInput, DuplicateIndex, MatchMethod, find_clusters, summarise_clusters
from lmis.enrich.dedup_eval import bcubed_scores, evaluate_dedup, pairwise_scores
from lmis.shared.errors import Invalid

NURSE_TEXT = (
    "We are looking for a caring and motivated staff nurse to join our busy surgical ward. "
    "You will deliver high quality care to adult patients before and after their operations. "
    "The ward has twenty eight beds and a friendly multidisciplinary team. "
    "Applicants must hold current NMC registration and have good communication skills. "
    "We offer flexible shifts, a generous pension and support for further study."
)
PORTER_TEXT = (
    "Our facilities department needs a reliable hospital porter for day and night shifts. "
    "Duties include moving patients between departments, delivering specimens to the laboratory "
    "and collecting equipment from the wards. No qualifications are needed but you must be fit, "
    "punctual and able to follow safety procedures at all times."
)


def posting(posting_id: str, **changes: object) -> DedupInput:
    base = DedupInput(
        id=posting_id,
        source="nhs",
        title="Staff Nurse - Surgical Ward",
        description_text=NURSE_TEXT,
        employer="Leeds Teaching Hospitals NHS Trust",
        locality="Leeds",
        region="West Yorkshire",
        date_posted=date(2020, 3, 2),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def clusters_of(postings: list[DedupInput]) -> dict[str, str]:
    return {assignment.posting_id: assignment.cluster_id for assignment in find_clusters(postings)}


def test_exact_duplicates_across_sources_form_one_cluster_named_by_the_smallest_id() -> None:
    assignments = find_clusters([posting("b-2", source="partner"), posting("a-1")])
    assert [a.cluster_id for a in assignments] == ["a-1", "a-1"]
    assert assignments[1].method is MatchMethod.EXACT
    assert assignments[1].matched_id == "b-2"
    assert assignments[1].confidence == pytest.approx(1.0)


def test_near_duplicates_with_case_punctuation_and_a_dropped_sentence_cluster() -> None:
    edited = NURSE_TEXT.replace("The ward has twenty eight beds and a friendly", "").replace(",", "").upper()
    near = posting("p-2", source="partner", title="STAFF NURSE, SURGICAL WARD", description_text=edited)
    assignments = find_clusters([posting("p-1"), near])
    assert {a.cluster_id for a in assignments} == {"p-1"}
    assert assignments[1].method is MatchMethod.NEAR


def test_different_vacancies_of_one_employer_stay_apart() -> None:
    porter = posting("p-2", title="Hospital Porter", description_text=PORTER_TEXT)
    same_ad_other_town = posting("p-3", locality="Bradford", region="West Yorkshire")
    assert len(set(clusters_of([posting("p-1"), porter, same_ad_other_town]).values())) == 3


def test_the_same_text_from_another_employer_is_another_vacancy() -> None:
    other = posting("p-2", employer="Royal Devon University Healthcare", locality="Exeter", region="Devon")
    assert len(set(clusters_of([posting("p-1"), other]).values())) == 2


def test_the_incremental_index_gives_the_same_clusters_as_the_batch() -> None:
    postings = [
        posting("p-4"),
        posting("p-2", title="Hospital Porter", description_text=PORTER_TEXT),
        posting("p-3", source="partner"),
        posting("p-1", source="partner", title="Hospital Porter", description_text=PORTER_TEXT),
        posting("p-5", locality="York"),
    ]
    index = DuplicateIndex()
    first = index.add(postings[:2])
    second = index.add(postings[2:])
    assert {a.posting_id: a.cluster_id for a in index.assignments()} == clusters_of(postings)
    assert [a.cluster_id for a in first] == ["p-4", "p-2"]
    assert [a.cluster_id for a in second] == ["p-3", "p-1", "p-5"]
    assert [(a.posting_id, a.cluster_id) for a in index.relabelled] == [("p-2", "p-1"), ("p-4", "p-3")]


def test_cluster_ids_do_not_depend_on_the_input_order() -> None:
    postings = [posting("p-3"), posting("p-1", source="partner"), posting("p-2", source="other")]
    assert clusters_of(postings) == clusters_of(list(reversed(postings))) == dict.fromkeys(["p-1", "p-2", "p-3"], "p-1")


def test_a_cluster_reports_its_sources_dates_and_reposts() -> None:
    postings = [
        posting("p-1", date_posted=date(2020, 3, 2)),
        posting("p-2", date_posted=date(2020, 3, 12)),
        posting("p-3", source="partner", date_posted=date(2020, 3, 5)),
        posting("p-9", title="Hospital Porter", description_text=PORTER_TEXT),
    ]
    [cluster] = summarise_clusters(postings)
    assert cluster.members == ("p-1", "p-2", "p-3")
    assert cluster.sources == ("nhs", "partner")
    assert (cluster.first_seen, cluster.last_seen) == (date(2020, 3, 2), date(2020, 3, 12))
    assert cluster.repost_count == 1


def test_adding_a_posting_twice_is_refused() -> None:
    index = DuplicateIndex()
    index.add([posting("p-1")])
    with pytest.raises(Invalid, match="already indexed"):
        index.add([posting("p-1")])


def test_pairwise_scores_count_pairs_put_together() -> None:
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y"}
    scores = pairwise_scores(gold, predicted)  # gold pairs ab ac bc, predicted ab cd: one right
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((1 / 2, 1 / 3, 0.4))


def test_bcubed_scores_average_per_posting() -> None:
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y"}
    scores = bcubed_scores(gold, predicted)  # precision (1+1+1/2+1/2)/4, recall (2/3+2/3+1/3+1)/4
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((3 / 4, 2 / 3, 12 / 17))


def test_perfect_clusters_score_one_and_singletons_need_no_pairs() -> None:
    gold = {"a": "1", "b": "1", "c": "2"}
    assert pairwise_scores(gold, {"a": "q", "b": "q", "c": "r"}).f1 == 1.0
    assert bcubed_scores(gold, {"a": "q", "b": "q", "c": "r"}).f1 == 1.0
    assert pairwise_scores({"a": "1"}, {"a": "x"}).f1 == 1.0


def test_evaluate_dedup_scores_canonical_records_per_perturbation_kind() -> None:
    def record(external_id: str, source: str, kind: str, cluster: str, **changes: object) -> dict[str, object]:
        base: dict[str, object] = {
            "external_id": external_id,
            "source": source,
            "title": "Staff Nurse",
            "description": f"<p>{NURSE_TEXT}</p>",
            "employer": {"name": "Leeds Teaching Hospitals NHS Trust"},
            "address": {"locality": "Leeds"},
            "date_posted": "2020-03-02",
            "cluster": cluster,
            "perturbation": kind,
        }
        return base | changes

    records = [
        record("1", "nhs", "original", "A"),
        record("1", "partner", "exact", "A"),
        record("2", "nhs", "original", "B", title="Porter", description=f"<p>{PORTER_TEXT}</p>"),
    ]
    result = evaluate_dedup(records)
    assert result["n"] == 3
    assert result["f1"] == result["bcubed_f1"] == result["f1_exact"] == 1.0
    assert "f1_near" not in result
