"""Enrichment through the platform hook: derived values with provenance, vacancy clusters, the review and
moderation queues, describing unstored documents, and the enrichment-steps setting."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import pydantic
import pytest
import sqlalchemy as sa

from lmis.bootstrap import Services, build, utc_now
from lmis.config import Settings
from lmis.enrich import services as enrichment
from lmis.enrich.building import occupation_labels
from lmis.enrich.coding import CodedExample
from lmis.enrich.enricher import Enricher, EnrichmentModels
from lmis.enrich.model import ModerationStatus, ReviewStatus
from lmis.ingest.model import IngestRun
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream, read_documents
from lmis.ingest.validation import posting_id
from lmis.jobs import services as jobs
from lmis.jobs.model import ChangeKind, JobPosting, PostingStatus
from lmis.shared.errors import Conflict, Invalid
from lmis.shared.progress import Progress, SilentProgress
from lmis.sources.ndjson import NdjsonFormat
from lmis.storage import tables as t
from tests.conftest import EMBEDDING_CACHE

NURSE_TEXT = (
    "Join our ward team in Leeds. You will provide professional care in nursing, make clinical decisions "
    "and keep patients safe. Infection control experience preferred."
)
NURSE: dict[str, object] = {
    "external_id": "N-1",
    "title": "Staff Nurse - Ward 7",
    "description": NURSE_TEXT,
    "employer": {"name": "Leeds Teaching Hospitals"},
    "address": {"locality": "Leeds", "country": "GB"},
    "salary": {"currency": "GBP", "min": 28407, "max": 34581, "unit": "year"},
    "date_posted": "2026-11-01",
}
DEVELOPER: dict[str, object] = {
    "external_id": "D-1",
    "title": "Software developer",
    "description": "Build web services in Java and SQL for our logistics platform. Debug software daily.",
    "employer": {"name": "Acme Logistics"},
    "address": {"locality": "Manchester", "country": "GB"},
    "date_posted": "2026-11-02",
}
SCAM: dict[str, object] = {
    "external_id": "F-1",
    "title": "Data entry clerk",
    "description": (
        "Start this week. Pay a registration fee of $50 to receive your starter materials, "
        "then message us on WhatsApp +62 812 3456 7890 for your first tasks."
    ),
    "employer": {"name": "Global Office Jobs"},
    "address": {"locality": "York", "country": "GB"},
}


def ingest(services: Services, *records: Mapping[str, object], source: str = "demo") -> IngestRun:
    """Run NDJSON canonical records through ingestion with the platform's enrichment hook."""
    feed = io.BytesIO("".join(json.dumps(record) + "\n" for record in records).encode())
    options = RunOptions(source, f"test:{source}", enrich=services.enrich)
    return ingest_stream(feed, NdjsonFormat(), options, uow=services.uow(), now=services.now, progress=SilentProgress())


def stored(services: Services, external_id: str, source: str = "demo") -> JobPosting:
    return jobs.get_posting(posting_id(source, external_id), uow=services.uow())


def derived(services: Services, external_id: str, source: str = "demo") -> dict[str, Any]:
    return cast(dict[str, Any], stored(services, external_id, source).derived)


def rows(services: Services, table: sa.Table, **where: str) -> int:
    """How many rows of `table` match the column values in `where`."""
    query = sa.select(sa.func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with services.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def occupation_id(services: Services, label: str) -> str:
    """The concept id of the stored ESCO occupation with this label."""
    return next(o.concept_id for o in occupation_labels(uow=services.uow()) if o.text == label)


def describe(services: Services, *records: Mapping[str, object]) -> list[dict[str, Any]]:
    """What `POST /api/v1/enrich` derives for canonical records that are not stored."""
    read = read_documents([dict(record) for record in records], source="enrich", now=services.now)
    postings = [item for item in read if isinstance(item, JobPosting)]
    assert len(postings) == len(records), read
    return cast(list[dict[str, Any]], services.describe(postings))


# Derived values and their provenance -------------------------------------------------------


def test_an_ingested_posting_carries_every_derived_value_with_its_method_and_version(
    sample_services: Services,
) -> None:
    ingest(sample_services, NURSE)
    posting = stored(sample_services, "N-1")
    values = cast(dict[str, Any], posting.derived)
    assert set(values) == {"salary", "place", "occupation", "skills", "cluster", "fraud"}
    for step in ("salary", "place", "occupation", "skills", "fraud"):
        assert values[step]["method"], step
    for step in ("salary", "place", "occupation", "skills", "cluster", "fraud"):
        assert values[step]["version"], step

    salary = values["salary"]
    assert (salary["currency"], salary["period"], salary["annual_min"], salary["annual_max"]) == (
        "GBP",
        "year",
        28407,
        34581,
    )

    place = values["place"]
    assert (place["locality"]["name"], place["region"]["name"], place["country"]["id"]) == ("Leeds", "England", "GB")
    assert 0.0 <= place["confidence"] <= 1.0

    occupation = values["occupation"]
    assert occupation["concept_id"] == occupation_id(sample_services, "nurse responsible for general care")
    assert occupation["isco_code"] == "2221"
    assert 0.0 <= occupation["confidence"] <= 1.0
    assert occupation["method"] == "occupation-coding-2"
    assert occupation["version"] == sample_services.enricher.models.model_version
    assert occupation["taxonomy_release"] == "esco-1.1.1"
    assert occupation["read_from"] == {"field": "title", "text": "Staff Nurse"}  # the ward number is noise
    assert 1 <= len(occupation["candidates"]) <= 5
    assert occupation["candidates"][0]["concept_id"] == occupation["concept_id"]
    for candidate in occupation["candidates"]:
        assert candidate["evidence"]
        assert candidate["support"]
        assert 0.0 <= candidate["confidence"] <= occupation["confidence"]

    skills = values["skills"]
    assert skills["taxonomy_release"] == "esco-1.1.1"
    for skill in skills["items"]:
        span = skill["read_from"]
        assert span["field"] == "description_text"
        assert posting.description_text[span["start"] : span["end"]] == skill["text"]
    lexical = {
        skill["text"]: skill["read_from"]["start"] for skill in skills["items"] if skill["evidence"] == "lexical"
    }
    assert lexical["make clinical decisions"] == NURSE_TEXT.index("make clinical decisions")
    assert lexical["Infection control"] == NURSE_TEXT.index("Infection control")

    assert values["cluster"]["cluster_id"] == posting.id  # alone in its vacancy
    assert values["fraud"]["score"] == 0.0
    assert values["fraud"]["needs_moderation"] is False


# Vacancy clusters through ingestion ----------------------------------------------------------


def test_the_same_ad_from_two_sources_is_one_vacancy_and_a_different_ad_stays_apart(services: Services) -> None:
    ingest(services, NURSE, DEVELOPER, source="nhs-jobs")
    ingest(services, {**NURSE, "external_id": "99-nurse", "date_posted": "2026-11-04"}, source="jobboard")
    first, repeat = stored(services, "N-1", "nhs-jobs"), stored(services, "99-nurse", "jobboard")
    cluster = cast(dict[str, Any], repeat.derived["cluster"])
    assert cluster["cluster_id"] == min(first.id, repeat.id)
    assert (cluster["matched_id"], cluster["method"]) == (first.id, "exact")

    view = enrichment.vacancy(cluster["cluster_id"], uow=services.uow())
    assert {member.posting_id for member in view.members} == {first.id, repeat.id}
    assert view.sources == ("jobboard", "nhs-jobs")
    assert (str(view.first_seen), str(view.last_seen)) == ("2026-11-01", "2026-11-04")

    developer = stored(services, "D-1", "nhs-jobs")
    assert cast(dict[str, Any], developer.derived["cluster"])["cluster_id"] == developer.id
    assert [m.posting_id for m in enrichment.vacancy(developer.id, uow=services.uow()).members] == [developer.id]


def test_re_ingesting_an_updated_posting_signs_it_again_instead_of_adding_a_second_signature(
    services: Services,
) -> None:
    ingest(services, NURSE)
    posting = stored(services, "N-1")
    with services.uow() as uow:
        before = uow.enrichment.cluster_of(posting.id)
    blocks = rows(services, t.dedup_block, posting_id=posting.id)

    ingest(services, {**NURSE, "description": NURSE_TEXT + " Flexible shifts and free parking on site."})
    with services.uow() as uow:
        after = uow.enrichment.cluster_of(posting.id)
    assert before is not None
    assert after is not None
    assert after.text_hash != before.text_hash
    assert rows(services, t.dedup_signature, posting_id=posting.id) == 1
    assert rows(services, t.dedup_block, posting_id=posting.id) == blocks


def test_a_vacancys_first_posting_rewritten_as_another_ad_leaves_the_vacancy_it_headed(services: Services) -> None:
    ingest(services, NURSE, source="nhs-jobs")
    ingest(services, NURSE, source="jobboard")
    ids = sorted([stored(services, "N-1", "nhs-jobs").id, stored(services, "N-1", "jobboard").id])
    head_source = "nhs-jobs" if stored(services, "N-1", "nhs-jobs").id == ids[0] else "jobboard"
    rewritten = {**DEVELOPER, "external_id": "N-1"}  # the partner reused the id for a different job
    ingest(services, rewritten, source=head_source)

    assert cast(dict[str, Any], stored(services, "N-1", head_source).derived["cluster"])["cluster_id"] == ids[0]
    members = enrichment.vacancy(ids[0], uow=services.uow()).members
    assert [member.posting_id for member in members] == [ids[0]]  # the nurse ad is no longer in this vacancy


def test_every_posting_of_a_merged_vacancy_still_leads_to_that_vacancy(services: Services) -> None:
    ingest(services, NURSE, source="leeds-board")
    ingest(services, {**NURSE, "address": {"locality": "York", "country": "GB"}}, source="york-board")
    ingest(services, {**NURSE, "address": {"country": "GB"}}, source="national-board")  # names no town: joins both
    postings = [stored(services, "N-1", source) for source in ("leeds-board", "york-board", "national-board")]
    everyone = sorted(posting.id for posting in postings)
    for posting in postings:
        cluster_id = cast(dict[str, Any], posting.derived["cluster"])["cluster_id"]
        members = enrichment.vacancy(cluster_id, uow=services.uow()).members
        assert sorted(member.posting_id for member in members) == everyone


# The occupation review queue -----------------------------------------------------------------


def test_an_uncertain_occupation_opens_one_review_that_a_reviewer_decides(sample_services: Services) -> None:
    services = sample_services
    ingest(services, NURSE, DEVELOPER)
    reviews, total = enrichment.list_reviews(status=ReviewStatus.OPEN, offset=0, limit=10, uow=services.uow())
    nurse = stored(services, "N-1")
    assert total == 1
    assert [review.posting_id for review in reviews] == [nurse.id]  # the developer code is sure
    review = reviews[0]
    assert review.confidence < services.enricher.review_threshold
    assert cast(dict[str, Any], nurse.derived["occupation"])["needs_review"] is True
    assert [c["concept_id"] for c in review.candidates] == [
        c["concept_id"] for c in cast(dict[str, Any], nurse.derived["occupation"])["candidates"]
    ]

    ingest(services, NURSE, DEVELOPER)  # unchanged: not enriched again, no second review
    ingest(services, {**NURSE, "title": "Theatre nurse"})  # updated: its open review follows it
    reviews, total = enrichment.list_reviews(status=ReviewStatus.OPEN, offset=0, limit=10, uow=services.uow())
    assert total == 1
    assert (reviews[0].id, reviews[0].title, reviews[0].created_at) == (review.id, "Theatre nurse", review.created_at)

    chosen = occupation_id(services, "advanced nurse practitioner")
    with pytest.raises(Invalid) as unknown:
        enrichment.decide_review(
            review.id, "no-such-id", reviewer="ana", uow=services.uow(), taxonomy_uow=services.uow(), now=services.now
        )
    assert unknown.value.field == "concept_id"

    decided = enrichment.decide_review(
        review.id, chosen, reviewer=" ana ", uow=services.uow(), taxonomy_uow=services.uow(), now=services.now
    )
    assert (decided.status, decided.chosen_concept_id, decided.reviewer) == (ReviewStatus.DECIDED, chosen, "ana")
    assert enrichment.list_reviews(status=ReviewStatus.OPEN, offset=0, limit=10, uow=services.uow())[1] == 0
    assert enrichment.get_review(review.id, uow=services.uow()).decided_at is not None

    occupation = derived(services, "N-1")["occupation"]
    assert (occupation["concept_id"], occupation["isco_code"], occupation["method"]) == (chosen, "2221", "review")
    assert occupation["confidence"] == 1.0
    assert "reviewer" not in occupation  # staff names stay in the queue, not on the public posting
    feed = jobs.changes(None, limit=100, uow=services.uow()).changes
    latest = next(change for change in reversed(feed) if change.posting.id == nurse.id)
    assert latest.kind is ChangeKind.UPDATED
    assert latest.sequence == feed[-1].sequence
    assert cast(dict[str, Any], latest.posting.derived["occupation"])["method"] == "review"
    with services.uow() as uow:
        assert CodedExample("Theatre nurse", chosen, "2221") in uow.enrichment.examples()

    with pytest.raises(Conflict):
        enrichment.decide_review(
            review.id, chosen, reviewer="ben", uow=services.uow(), taxonomy_uow=services.uow(), now=services.now
        )


def test_a_reviewers_decision_teaches_the_coder_that_title_once_the_models_reload(sample_services: Services) -> None:
    services = sample_services
    ingest(services, {**NURSE, "title": "Theatre nurse"})
    review = enrichment.list_reviews(status=ReviewStatus.OPEN, offset=0, limit=1, uow=services.uow())[0][0]
    chosen = occupation_id(services, "advanced nurse practitioner")
    assert review.candidates[0]["concept_id"] != chosen
    enrichment.decide_review(
        review.id, chosen, reviewer="ana", uow=services.uow(), taxonomy_uow=services.uow(), now=services.now
    )
    document = {**NURSE, "external_id": "doc", "title": "Theatre nurse"}
    assert describe(services, document)[0]["occupation"]["concept_id"] != chosen  # models loaded before the decision

    services.enricher.forget_models()
    occupation = describe(services, document)[0]["occupation"]
    assert occupation["concept_id"] == chosen
    assert "coded title" in {piece["kind"] for piece in occupation["candidates"][0]["support"]}


def test_an_update_that_codes_the_posting_confidently_takes_it_out_of_the_review_queue(
    sample_services: Services,
) -> None:
    ingest(sample_services, NURSE)
    assert enrichment.list_reviews(status=ReviewStatus.OPEN, offset=0, limit=10, uow=sample_services.uow())[1] == 1
    ingest(sample_services, {**NURSE, "title": "Ward nurse"})  # the partner named the post precisely
    assert derived(sample_services, "N-1")["occupation"]["needs_review"] is False
    assert enrichment.list_reviews(status=ReviewStatus.OPEN, offset=0, limit=10, uow=sample_services.uow())[1] == 0


# The moderation queue ------------------------------------------------------------------------


def test_a_scam_ad_opens_a_moderation_case_and_a_fraud_decision_closes_the_posting(services: Services) -> None:
    ingest(services, SCAM, NURSE)
    cases, total = enrichment.list_cases(status=ModerationStatus.OPEN, offset=0, limit=10, uow=services.uow())
    scam = stored(services, "F-1")
    assert total == 1
    assert cases[0].posting_id == scam.id  # the clean ad opens none
    case = cases[0]
    assert case.flag_names() == {"upfront_fee", "off_platform_contact"}
    assert case.score == cast(dict[str, Any], scam.derived["fraud"])["score"] >= 0.5
    assert cast(dict[str, Any], scam.derived["fraud"])["needs_moderation"] is True
    fee = next(flag for flag in case.flags if flag["flag"] == "upfront_fee")
    assert scam.description_text[cast(int, fee["start"]) : cast(int, fee["end"])] == fee["evidence"]

    ingest(services, SCAM, NURSE)  # unchanged: no second case
    assert enrichment.list_cases(status=ModerationStatus.OPEN, offset=0, limit=10, uow=services.uow())[1] == 1

    with pytest.raises(Invalid) as unknown:
        enrichment.decide_case(case.id, "frod", moderator="mo", uow=services.uow(), now=services.now)
    assert unknown.value.field == "decision"
    assert "fraud" in unknown.value.suggestions
    with pytest.raises(Invalid):
        enrichment.decide_case(case.id, "open", moderator="mo", uow=services.uow(), now=services.now)

    decided = enrichment.decide_case(case.id, "fraud", moderator="mo", note="fee", uow=services.uow(), now=services.now)
    assert (decided.status, decided.moderator, decided.note) == (ModerationStatus.FRAUD, "mo", "fee")
    closed = stored(services, "F-1")
    assert closed.status is PostingStatus.CLOSED
    assert cast(dict[str, Any], closed.derived["fraud"])["moderation"] == "fraud"
    assert stored(services, "N-1").status is PostingStatus.PUBLISHED
    assert enrichment.moderation_labels(uow=services.uow()) == [
        (frozenset({"upfront_fee", "off_platform_contact"}), True)
    ]
    with pytest.raises(Conflict):
        enrichment.decide_case(case.id, "legitimate", moderator="mo", uow=services.uow(), now=services.now)


# Describing documents that are not stored ----------------------------------------------------


def test_describing_documents_stores_nothing_but_names_the_stored_vacancy_they_repeat(
    sample_services: Services,
) -> None:
    services = sample_services
    ingest(services, NURSE)
    original = stored(services, "N-1")
    tables = (t.dedup_signature, t.dedup_block, t.coding_review, t.moderation_case, t.wage_observation)
    before = {table.name: rows(services, table) for table in tables}

    copy, scam = describe(services, {**NURSE, "external_id": "copy"}, SCAM)

    assert {table.name: rows(services, table) for table in tables} == before
    assert copy["cluster"]["matched_id"] == original.id
    assert copy["cluster"]["cluster_id"] == min(original.id, posting_id("enrich", "copy"))
    assert copy["occupation"]["needs_review"] is True  # uncertain, yet no review is opened
    assert scam["fraud"]["score"] >= 0.5
    assert scam["cluster"]["matched_id"] is None
    with services.uow() as uow:
        assert uow.enrichment.cluster_of(posting_id("enrich", "copy")) is None


def test_a_described_scam_ad_says_it_needs_moderation_as_an_ingested_one_does(services: Services) -> None:
    (scam,) = describe(services, SCAM)
    assert scam["fraud"]["score"] >= 0.5
    assert scam["fraud"]["needs_moderation"] is True


# The enrichment-steps setting ----------------------------------------------------------------


def test_only_the_configured_enrichment_steps_run(tmp_path: Path, database_url: str) -> None:
    settings = Settings(
        env="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        cache_dir=EMBEDDING_CACHE,
        enrich_steps=["salary"],
    )
    services = build(settings)
    services.upgrade_database()
    try:
        ingest(services, NURSE, SCAM)
        assert set(derived(services, "N-1")) == {"salary"}
        assert derived(services, "F-1") == {}  # no salary stated, and fraud is not a configured step
        assert rows(services, t.dedup_signature) == rows(services, t.moderation_case) == 0
    finally:
        services.engine.dispose()


def test_an_unknown_enrichment_step_is_refused_by_the_enricher_and_by_the_settings(tmp_path: Path) -> None:
    def never(progress: Progress) -> EnrichmentModels:
        raise AssertionError("models are not loaded to check the steps")

    with pytest.raises(ValueError, match="salry"):
        Enricher(never, now=utc_now, steps=["salary", "salry"])
    with pytest.raises(pydantic.ValidationError, match="enrich_steps"):
        Settings(env="test", data_dir=tmp_path, enrich_steps=["salry"])
