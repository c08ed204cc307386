"""The enrichment repository on SQLite and PostgreSQL: vacancy clusters, wage observations, coded examples,
and the review and moderation queues (round trips, ordering, paging)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from lmis.bootstrap import Services
from lmis.enrich import services as enrichment
from lmis.enrich.coding import CodedExample
from lmis.enrich.dedup import DedupInput
from lmis.enrich.model import CodingReview, ModerationCase, ModerationStatus, ReviewStatus
from lmis.enrich.vacancies import assign_clusters
from lmis.shared.errors import NotFound

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
CARE_TEXT = (
    "We are looking for a caring support worker to join our residential home. You will help residents with "
    "daily living, keep care records up to date and work with families. Full training is provided."
)


def care_ad(posting_id: str, employer: str, source: str = "demo", locality: str = "Leeds") -> DedupInput:
    """The same care-home ad; who posts it, where and under which employer name varies."""
    return DedupInput(
        id=posting_id,
        source=source,
        title="Support worker",
        description_text=CARE_TEXT,
        employer=employer,
        locality=locality,
        date_posted=date(2026, 11, 2),
    )


# Vacancy clusters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bridge_id", "cluster_id"),
    [("b-1", "a-1"), ("0-1", "0-1")],
    ids=["the-smaller-cluster-id-wins", "the-bridge-has-the-smallest-id"],
)
def test_a_posting_that_joins_two_vacancies_relabels_the_members_of_the_larger_cluster_id(
    services: Services, bridge_id: str, cluster_id: str
) -> None:
    with services.uow() as uow:
        store = uow.enrichment
        # One text for two homes: two vacancies (two known places veto the match).
        first = assign_clusters(
            [care_ad("a-1", "Sunrise Homes"), care_ad("c-1", "Sunrise Homes", locality="York")], store
        )
        repost = assign_clusters([care_ad("c-2", "Sunrise Homes Limited", "jobboard", "York")], store)
        assert [record.cluster_id for record in [*first, *repost]] == ["a-1", "c-1", "c-1"]

        # A copy that names no place verifies against both.
        (bridge,) = assign_clusters([care_ad(bridge_id, "Sunrise Homes", "aggregator", "")], store)

        assert bridge.cluster_id == cluster_id
        assert bridge.matched_id in {"a-1", "c-1", "c-2"}
        assert bridge.method == "exact"
        members = [record.posting_id for record in store.cluster(cluster_id)]
        assert members == sorted(["a-1", "c-1", "c-2", bridge_id])
        for stale in {"a-1", "c-1"} - {cluster_id}:
            assert store.cluster(stale) == []
        relabelled = store.cluster_of("c-2")
        assert relabelled is not None
        assert relabelled.cluster_id == cluster_id


def test_a_copy_that_does_not_name_the_employer_joins_the_vacancy_it_repeats(services: Services) -> None:
    with services.uow() as uow:
        (original,) = assign_clusters([care_ad("p-1", "Sunrise Homes")], uow.enrichment)
        (copy,) = assign_clusters([care_ad("p-2", "", source="aggregator")], uow.enrichment)
    assert copy.matched_id == original.posting_id
    assert copy.cluster_id == original.cluster_id


def test_a_stored_signature_reads_back_as_it_was_written(services: Services) -> None:
    posting = replace(
        care_ad("p-1", "Northern Care Ltd"), region="West Yorkshire", skills=frozenset({"uri:b", "uri:a"})
    )
    with services.uow() as uow:
        (written,) = assign_clusters([posting], uow.enrichment)
        uow.commit()
    with services.uow() as uow:
        read = uow.enrichment.cluster_of("p-1")
    assert read == written
    assert read.skills == ("uri:a", "uri:b")
    assert (read.employer, read.locality, read.region) == ("northern care", "leeds", "west yorkshire")
    assert len(read.minhash) == 128 * 8


def test_employers_posting_the_same_text_are_counted_once_each(services: Services) -> None:
    with services.uow() as uow:
        records = assign_clusters(
            [
                care_ad("p-1", "Acme Care Ltd"),
                care_ad("p-2", "ACME CARE LIMITED", source="jobboard"),  # the same employer, spelt another way
                care_ad("p-3", "Zenith Homes"),
                care_ad("p-4", ""),  # no employer named: not counted
            ],
            uow.enrichment,
        )
        assert len({record.text_hash for record in records}) == 1
        counts = uow.enrichment.employers_with_texts([records[0].text_hash, "0" * 32])
        assert counts == {records[0].text_hash: 2, "0" * 32: 0}


def test_an_unknown_vacancy_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound, match="no-such-cluster"):
        enrichment.vacancy("no-such-cluster", uow=services.uow())


# Wage observations -----------------------------------------------------------------------------


def test_the_wage_quantile_needs_the_minimum_sample_and_is_read_by_nearest_rank(services: Services) -> None:
    annual = [1000.0 * rank for rank in range(1, 31)]
    random.Random(7).shuffle(annual)
    with services.uow() as uow:
        wages = uow.enrichment
        wages.add_wages([(f"w-{i}", "2", "GBP", pay) for i, pay in enumerate(annual[:29])])
        wages.add_wages([("other-group", "5", "GBP", 10.0**6), ("other-money", "2", "EUR", 10.0**6)])
        assert wages.wage_quantile("2", "GBP", 0.9, 30) is None  # 29 observations

        wages.add_wages([("w-29", "2", "GBP", annual[29])])
        assert wages.wage_quantile("2", "GBP", 0.9, 30) == 27_000.0  # rank ceil(0.9 x 30) = 27
        assert wages.wage_quantile("2", "GBP", 0.5, 30) == 15_000.0
        assert wages.wage_quantile("2", "GBP", 1.0, 30) == 30_000.0
        assert wages.wage_quantile("2", "GBP", 0.0, 30) == 1_000.0
        assert wages.wage_quantile("2", "USD", 0.9, 1) is None


def test_the_nearest_rank_quantile_is_never_below_the_share_it_names(services: Services) -> None:
    with services.uow() as uow:
        uow.enrichment.add_wages([(f"w-{rank}", "7", "GBP", float(rank)) for rank in range(1, 37)])
        # 0.9 x 36 = 32.4: the 32nd of 36 values has only 88.9% of the observations at or below it.
        assert uow.enrichment.wage_quantile("7", "GBP", 0.9, 30) == 33.0


def test_a_postings_new_wage_observation_replaces_its_earlier_one(services: Services) -> None:
    with services.uow() as uow:
        wages = uow.enrichment
        wages.add_wages([("p-1", "2", "GBP", 30_000.0), ("p-2", "2", "GBP", 20_000.0)])
        wages.add_wages([("p-1", "2", "GBP", 90_000.0)])
        assert wages.wage_quantile("2", "GBP", 1.0, 2) == 90_000.0
        assert wages.wage_quantile("2", "GBP", 1.0, 3) is None  # still two observations

        wages.add_wages([("p-2", "3", "GBP", 1.0), ("p-2", "3", "GBP", 25_000.0)])  # the last of a batch counts
        assert wages.wage_quantile("2", "GBP", 0.0, 1) == 90_000.0
        assert wages.wage_quantile("3", "GBP", 0.0, 1) == 25_000.0


# Coded examples --------------------------------------------------------------------------------


def test_coded_examples_are_stored_once_per_title_and_occupation(services: Services) -> None:
    examples = [CodedExample("staff nurse", "occ-1", "2221"), CodedExample("간호사", "occ-1", "2221")]
    assert enrichment.import_examples(examples, origin="gold", uow=services.uow(), now=services.now) == 2
    again = [*examples, CodedExample("staff nurse", "occ-2", "2222"), CodedExample("staff nurse", "occ-2", "2222")]
    assert enrichment.import_examples(again, origin="gold", uow=services.uow(), now=services.now) == 1
    with services.uow() as uow:
        assert uow.enrichment.examples() == [*examples, CodedExample("staff nurse", "occ-2", "2222")]


# The review queue ------------------------------------------------------------------------------


def review(review_id: str, confidence: float, posting_id: str | None = None) -> CodingReview:
    candidates = (
        {
            "concept_id": "occ-1",
            "isco_code": "2221",
            "score": 0.91,
            "confidence": confidence,
            "matched_label": "간호사",
            "evidence": "label similarity",
            "support": [{"kind": "label similarity", "text": "간호사", "score": 0.91}],
        },
        {"concept_id": "occ-2", "isco_code": "3221", "score": 0.88, "confidence": 0.2, "support": []},
    )
    return CodingReview(review_id, posting_id or f"p-{review_id}", "간호사 (병동)", confidence, candidates, AT)


def test_a_review_reads_back_with_its_candidates_and_times(services: Services) -> None:
    written = review("r-1", 0.31)
    with services.uow() as uow:
        uow.enrichment.save_reviews([written])
        uow.commit()
    read = enrichment.get_review("r-1", uow=services.uow())
    assert read == written
    assert read.created_at.utcoffset() == timedelta(0)

    decided = read.decide("occ-2", "ana", AT + timedelta(hours=1))
    with services.uow() as uow:
        uow.enrichment.save_reviews([decided])
        assert uow.enrichment.open_reviews_of(["p-r-1"]) == {}
        uow.commit()
    assert enrichment.get_review("r-1", uow=services.uow()) == decided
    with pytest.raises(NotFound, match="r-2"):
        enrichment.get_review("r-2", uow=services.uow())


def test_open_reviews_come_least_confident_first_and_decided_ones_newest_first(services: Services) -> None:
    with services.uow() as uow:
        for review_id, confidence in [("r-1", 0.4), ("r-2", 0.1), ("r-3", 0.3), ("r-4", 0.45)]:
            uow.enrichment.save_reviews([review(review_id, confidence)])
        uow.enrichment.save_reviews([review("r-1", 0.2)])  # the posting changed: its review is updated, not added
        for hours, review_id in [(1, "r-3"), (2, "r-4")]:
            decided = review(review_id, 0.3).decide("occ-1", "ana", AT + timedelta(hours=hours))
            uow.enrichment.save_reviews([decided])
        uow.commit()

    def page(status: ReviewStatus, offset: int, limit: int) -> tuple[list[str], int]:
        items, total = enrichment.list_reviews(status=status, offset=offset, limit=limit, uow=services.uow())
        return [item.id for item in items], total

    assert page(ReviewStatus.OPEN, 0, 10) == (["r-2", "r-1"], 2)
    assert page(ReviewStatus.OPEN, 1, 1) == (["r-1"], 2)
    assert page(ReviewStatus.OPEN, 2, 1) == ([], 2)
    assert page(ReviewStatus.DECIDED, 0, 10) == (["r-4", "r-3"], 2)
    with services.uow() as uow:
        open_review = uow.enrichment.open_reviews_of(["p-r-1"]).get("p-r-1")
    assert open_review is not None
    assert (open_review.id, open_review.confidence) == ("r-1", 0.2)


# The moderation queue --------------------------------------------------------------------------


def case(case_id: str, score: float) -> ModerationCase:
    flags = (
        {
            "flag": "upfront_fee",
            "weight": 0.55,
            "evidence": "등록비",
            "start": 3,
            "end": 6,
            "field": "description_text",
        },
        {"flag": "missing_employer", "weight": 0.15, "evidence": "no employer named", "start": None, "end": None},
    )
    return ModerationCase(case_id, f"p-{case_id}", "Data entry (remote)", score, flags, AT)


def test_a_moderation_case_reads_back_with_its_flags_and_decision(services: Services) -> None:
    written = case("m-1", 0.62)
    with services.uow() as uow:
        uow.enrichment.save_cases([written])
        uow.commit()
    read = enrichment.get_case("m-1", uow=services.uow())
    assert read == written
    assert read.flag_names() == {"upfront_fee", "missing_employer"}

    decided = read.decide(ModerationStatus.LEGITIMATE, "mo", " a real agency ", AT + timedelta(days=1))
    with services.uow() as uow:
        uow.enrichment.save_cases([decided])
        assert uow.enrichment.open_cases_of(["p-m-1"]) == {}
        uow.commit()
    assert enrichment.get_case("m-1", uow=services.uow()) == decided
    assert decided.note == "a real agency"
    assert enrichment.moderation_labels(uow=services.uow()) == [(frozenset({"upfront_fee", "missing_employer"}), False)]
    with pytest.raises(NotFound, match="m-2"):
        enrichment.get_case("m-2", uow=services.uow())


def test_open_cases_come_riskiest_first_and_decided_ones_newest_first(services: Services) -> None:
    with services.uow() as uow:
        for case_id, score in [("m-1", 0.6), ("m-2", 0.9), ("m-3", 0.75), ("m-4", 0.8), ("m-5", 0.7)]:
            uow.enrichment.save_cases([case(case_id, score)])
        for hours, case_id, status in [
            (1, "m-4", ModerationStatus.FRAUD),
            (2, "m-5", ModerationStatus.FRAUD),
            (3, "m-1", ModerationStatus.LEGITIMATE),
        ]:
            uow.enrichment.save_cases([case(case_id, 0.5).decide(status, "mo", "", AT + timedelta(hours=hours))])
        uow.commit()

    def page(status: ModerationStatus, offset: int, limit: int) -> tuple[list[str], int]:
        items, total = enrichment.list_cases(status=status, offset=offset, limit=limit, uow=services.uow())
        return [item.id for item in items], total

    assert page(ModerationStatus.OPEN, 0, 10) == (["m-2", "m-3"], 2)
    assert page(ModerationStatus.OPEN, 1, 5) == (["m-3"], 2)
    assert page(ModerationStatus.FRAUD, 0, 10) == (["m-5", "m-4"], 2)
    assert page(ModerationStatus.LEGITIMATE, 0, 10) == (["m-1"], 1)
    assert sorted(enrichment.moderation_labels(uow=services.uow()), key=lambda label: label[1]) == [
        (frozenset({"upfront_fee", "missing_employer"}), False),
        (frozenset({"upfront_fee", "missing_employer"}), True),
        (frozenset({"upfront_fee", "missing_employer"}), True),
    ]
