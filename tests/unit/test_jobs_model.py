"""Employer names, posting lifecycle rules and change-feed cursors (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lmis.ingest.validation import Context, build_posting
from lmis.jobs.employers import normalise_employer_name
from lmis.jobs.model import JobPosting, PostingStatus, Salary, effective_status
from lmis.jobs.services import decode_cursor, encode_cursor
from lmis.shared.errors import Invalid
from lmis.shared.paging import PageRequest, make_page

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ACME Ltd.", "Acme Limited"),
        ("ACME Ltd.", "acme"),
        ("Acme Inc", "ACME, Incorporated"),
        ("Demo Finance plc", "DEMO FINANCE PLC"),
        ("Siemens AG", "Siemens"),
        ("PT Maju Jaya Tbk", "Maju Jaya"),
        ("데모 병원 주식회사", "데모 병원"),
        ("(주)데모", "데모"),
        ("Société Générale SA", "Societe Generale"),
    ],
)
def test_spellings_of_one_organisation_normalise_to_the_same_name(one: str, other: str) -> None:
    assert normalise_employer_name(one) == normalise_employer_name(other)


def test_legal_forms_are_dropped_and_the_rest_is_folded() -> None:
    assert normalise_employer_name("ACME Ltd.") == "acme"
    assert normalise_employer_name("데모 병원 주식회사") == "데모 병원"
    assert normalise_employer_name("Demo General Hospital Ltd") == "demo general hospital"


def test_different_organisations_keep_different_names() -> None:
    assert normalise_employer_name("Acme Ltd") != normalise_employer_name("Acme Logistics Ltd")


def test_a_name_that_is_only_a_legal_form_is_kept_rather_than_emptied() -> None:
    assert normalise_employer_name("Limited") == "limited"
    assert normalise_employer_name("Co. Ltd.") == "co ltd"


def test_a_hyphenated_word_is_not_mistaken_for_a_legal_form() -> None:
    assert normalise_employer_name("The Co-operative Bank plc") == "the co operative bank"


def _posting(status: str = "published", valid_through: str | None = None) -> JobPosting:
    draft: dict[str, object] = {"external_id": "A-1", "title": "Nurse", "status": status}
    if valid_through:
        draft["valid_through"] = valid_through
    built = build_posting(draft, Context("demo", "raw", "run", NOW))
    assert isinstance(built, JobPosting)
    return built


def test_a_published_posting_past_its_deadline_reads_as_expired() -> None:
    assert effective_status(PostingStatus.PUBLISHED, NOW - timedelta(seconds=1), NOW) is PostingStatus.EXPIRED


@pytest.mark.parametrize(
    ("status", "valid_through", "expected"),
    [
        (PostingStatus.PUBLISHED, None, PostingStatus.PUBLISHED),
        (PostingStatus.PUBLISHED, NOW, PostingStatus.PUBLISHED),
        (PostingStatus.PUBLISHED, NOW + timedelta(days=1), PostingStatus.PUBLISHED),
        (PostingStatus.CLOSED, NOW - timedelta(days=1), PostingStatus.CLOSED),
        (PostingStatus.REMOVED, NOW - timedelta(days=1), PostingStatus.REMOVED),
        (PostingStatus.REMOVED, None, PostingStatus.REMOVED),
    ],
)
def test_only_published_postings_expire(
    status: PostingStatus, valid_through: datetime | None, expected: PostingStatus
) -> None:
    assert effective_status(status, valid_through, NOW) is expected


def test_a_published_posting_before_its_deadline_is_searchable() -> None:
    posting = _posting(valid_through="2027-01-31")
    assert posting.is_searchable(NOW)
    assert not posting.has_expired(NOW)


def test_a_published_posting_without_a_deadline_is_searchable() -> None:
    assert _posting().is_searchable(NOW)


def test_an_expired_posting_is_not_searchable() -> None:
    posting = _posting(valid_through="2026-11-30")
    assert posting.has_expired(NOW)
    assert not posting.is_searchable(NOW)


def test_the_deadline_itself_is_still_open() -> None:
    posting = replace(_posting(), valid_through=NOW)
    assert posting.is_searchable(NOW)


@pytest.mark.parametrize("status", ["removed", "closed"])
def test_removed_and_closed_postings_are_not_searchable(status: str) -> None:
    assert not _posting(status=status, valid_through="2099-01-01").is_searchable(NOW)


def test_a_salary_cannot_be_made_with_its_minimum_above_its_maximum() -> None:
    with pytest.raises(Invalid) as caught:
        Salary("GBP", 3.0, 1.0)
    assert caught.value.field == "salary"


@pytest.mark.parametrize("sequence", [0, 1, 42, 9_876_543_210])
def test_a_change_cursor_decodes_to_the_sequence_it_was_made_from(sequence: int) -> None:
    assert decode_cursor(encode_cursor(sequence)) == sequence


def test_a_change_cursor_is_opaque_and_url_safe() -> None:
    cursor = encode_cursor(12345)
    assert "12345" not in cursor
    assert all(c.isalnum() or c in "-_" for c in cursor)


@pytest.mark.parametrize("cursor", [None, ""])
def test_no_cursor_starts_from_the_beginning(cursor: str | None) -> None:
    assert decode_cursor(cursor) == 0


def _page_cursor() -> str:
    page = make_page([1, 2], 10, PageRequest(0, 2), context="postings|x")
    assert page.next_cursor is not None
    return page.next_cursor


@pytest.mark.parametrize("cursor", ["not a cursor!", "Yw", "eDEy", "////", "cXXX"])
def test_a_cursor_this_api_did_not_issue_is_invalid(cursor: str) -> None:
    with pytest.raises(Invalid) as caught:
        decode_cursor(cursor)
    assert caught.value.field == "cursor"


def test_a_list_page_cursor_is_not_a_change_cursor() -> None:
    with pytest.raises(Invalid) as caught:
        decode_cursor(_page_cursor())
    assert caught.value.field == "cursor"
    assert "snapshot" in caught.value.detail
