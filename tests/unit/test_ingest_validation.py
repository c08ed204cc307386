"""Validation of canonical posting records: every rule names field, value and rule (docs/ingest.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lmis.ingest.model import Problem
from lmis.ingest.validation import Context, build_posting, content_hash, posting_id
from lmis.jobs.model import (
    Address,
    Employer,
    EmploymentType,
    JobPosting,
    PostingStatus,
    Salary,
    SalaryUnit,
)

CONTEXT = Context("demo", "raw-1", "run-1", datetime(2026, 11, 1, 12, tzinfo=UTC), "CC-BY-4.0")
BASE: dict[str, object] = {"external_id": "A-1", "title": "Staff Nurse"}


def posting(**fields: object) -> JobPosting:
    """The posting built from BASE plus `fields`; fails the test when validation rejects it."""
    result = build_posting({**BASE, **fields}, CONTEXT)
    assert isinstance(result, JobPosting), result
    return result


def problems(draft: Mapping[str, object]) -> list[Problem]:
    """The problems of `draft`; fails the test when it is accepted."""
    result = build_posting(draft, CONTEXT)
    assert isinstance(result, list), f"expected problems, got a posting for {draft}"
    return result


def only_problem(**fields: object) -> Problem:
    """The single problem of BASE plus `fields`."""
    found = problems({**BASE, **fields})
    assert len(found) == 1, found
    return found[0]


# Required fields and text


def test_a_record_without_external_id_and_title_names_both_as_required() -> None:
    found = problems({"description": "No id, no title"})
    assert [(p.field, p.value, p.rule) for p in found] == [
        ("external_id", "", "is required"),
        ("title", "", "is required"),
    ]


def test_a_title_of_only_spaces_is_required_and_the_spaces_are_reported() -> None:
    problem = only_problem(title="   ")
    assert (problem.field, problem.value, problem.rule) == ("title", "   ", "is required")


def test_an_object_where_text_is_expected_must_be_text() -> None:
    problem = only_problem(title={"en": "Nurse"})
    assert (problem.field, problem.rule) == ("title", "must be text")
    assert "Nurse" in problem.value


def test_a_boolean_external_id_is_not_text() -> None:
    problem = only_problem(external_id=True)
    assert (problem.field, problem.value, problem.rule) == ("external_id", "True", "must be text")


def test_a_numeric_external_id_is_read_as_its_text() -> None:
    assert posting(external_id=12345).external_id == "12345"


@pytest.mark.parametrize(
    ("field", "limit"),
    [("external_id", 200), ("title", 300), ("working_hours", 1_000), ("education", 1_000), ("description", 100_000)],
)
def test_text_longer_than_its_limit_names_the_limit_and_shows_the_start(field: str, limit: int) -> None:
    problem = only_problem(**{field: "x" * (limit + 1)})
    assert problem.field == field
    assert problem.rule == f"is longer than {limit} characters"
    assert problem.value == "x" * 100


def test_text_at_its_limit_is_accepted() -> None:
    assert posting(title="t" * 300).title == "t" * 300


def test_runs_of_whitespace_in_a_title_become_one_space() -> None:
    assert posting(title="  Staff \n Nurse\t(Ward 7) ").title == "Staff Nurse (Ward 7)"


# Numbers and ranges


@pytest.mark.parametrize("value", ["north", "nan", True, [53.8], {"lat": 1}])
def test_a_latitude_that_is_not_a_number_must_be_a_number(value: object) -> None:
    problem = only_problem(latitude=value)
    assert (problem.field, problem.value, problem.rule) == ("latitude", str(value), "must be a number")


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("latitude", 90.5, "must be between -90 and 90"),
        ("latitude", -91, "must be between -90 and 90"),
        ("longitude", 180.01, "must be between -180 and 180"),
        ("longitude", "-181", "must be between -180 and 180"),
        ("experience_months", 601, "must be between 0 and 600"),
        ("experience_months", -1, "must be between 0 and 600"),
        ("openings", 0, "must be between 1 and 100000"),
    ],
)
def test_a_number_out_of_range_names_the_range(field: str, value: object, rule: str) -> None:
    problem = only_problem(**{field: value})
    assert (problem.field, problem.value, problem.rule) == (field, str(value), rule)


def test_coordinates_given_as_text_are_read_as_numbers() -> None:
    built = posting(latitude="53.26", longitude="-2.14")
    assert (built.latitude, built.longitude) == (53.26, -2.14)


def test_the_edges_of_the_ranges_are_accepted() -> None:
    built = posting(latitude=-90, longitude=180, experience_months=0, openings=1)
    assert (built.latitude, built.longitude, built.experience_months, built.openings) == (-90, 180, 0, 1)


@pytest.mark.parametrize(("field", "value"), [("openings", 2.5), ("experience_months", "12.5")])
def test_a_fraction_where_a_whole_number_is_needed_must_be_a_whole_number(field: str, value: object) -> None:
    problem = only_problem(**{field: value})
    assert (problem.field, problem.value, problem.rule) == (field, str(value), "must be a whole number")


def test_whole_numbers_may_come_as_text_or_as_floats_without_a_fraction() -> None:
    built = posting(openings="3", experience_months=24.0)
    assert (built.openings, built.experience_months) == (3, 24)
    assert isinstance(built.experience_months, int)


# Dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-20T10:00:00+0000", datetime(2026, 10, 20, 10, tzinfo=UTC)),
        ("2026-10-20T10:00:00Z", datetime(2026, 10, 20, 10, tzinfo=UTC)),
        ("2027-01-31", datetime(2027, 1, 31, tzinfo=UTC)),
        ("2026-11-01T09:00:00", datetime(2026, 11, 1, 9, tzinfo=UTC)),
        ("2026-11-03T00:00:00+09:00", datetime(2026, 11, 2, 15, tzinfo=UTC)),
        (" 2026-11-03 ", datetime(2026, 11, 3, tzinfo=UTC)),
    ],
)
def test_iso_dates_and_date_times_are_read_with_a_time_zone(value: str, expected: datetime) -> None:
    built = posting(valid_through=value, date_posted=value, updated_at=value)
    for moment in (built.valid_through, built.date_posted, built.updated_at):
        assert moment == expected
        assert moment is not None
        assert moment.tzinfo is not None


def test_an_offset_given_by_the_partner_is_kept() -> None:
    built = posting(date_posted="2026-11-03T00:00:00+09:00")
    assert built.date_posted is not None
    assert built.date_posted.utcoffset() == timedelta(hours=9)
    assert built.date_posted.tzinfo == timezone(timedelta(hours=9))


@pytest.mark.parametrize("field", ["valid_through", "date_posted", "updated_at"])
@pytest.mark.parametrize("value", ["next Tuesday", "2026-02-30", "31/01/2027", "2026-13-01T00:00:00Z"])
def test_a_date_that_is_not_iso_8601_names_field_and_value(field: str, value: str) -> None:
    problem = only_problem(**{field: value})
    assert (problem.field, problem.value, problem.rule) == (field, value, "must be an ISO 8601 date or date-time")


# Enumerations


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FULL_TIME", EmploymentType.FULL_TIME),
        ("full-time", EmploymentType.FULL_TIME),
        ("Full time", EmploymentType.FULL_TIME),
        ("fulltime", EmploymentType.FULL_TIME),
        ("PART_TIME", EmploymentType.PART_TIME),
        ("contract", EmploymentType.CONTRACTOR),
        ("CONTRACTOR", EmploymentType.CONTRACTOR),
        ("internship", EmploymentType.INTERN),
        ("PER_DIEM", EmploymentType.PER_DIEM),
    ],
)
def test_employment_types_accept_schema_org_and_common_spellings(value: str, expected: EmploymentType) -> None:
    assert posting(employment_type=value).employment_types == (expected,)


def test_a_list_of_employment_types_keeps_each_type_once_in_order() -> None:
    built = posting(employment_type=["TEMPORARY", "full-time", "FULL_TIME", ""])
    assert built.employment_types == (EmploymentType.TEMPORARY, EmploymentType.FULL_TIME)


def test_an_unknown_employment_type_names_the_allowed_values() -> None:
    problem = only_problem(employment_type="sometimes")
    assert (problem.field, problem.value) == ("employment_type", "sometimes")
    assert problem.rule == "is not one of " + ", ".join(member.value for member in EmploymentType)


def test_an_unknown_type_inside_a_list_is_named_on_its_own() -> None:
    problem = only_problem(employment_type=["FULL_TIME", "gig"])
    assert (problem.field, problem.value) == ("employment_type", "gig")


def test_a_null_inside_an_employment_type_list_is_ignored_like_an_empty_one() -> None:
    assert posting(employment_type=["FULL_TIME", None]).employment_types == (EmploymentType.FULL_TIME,)


def test_the_status_defaults_to_published() -> None:
    assert posting().status is PostingStatus.PUBLISHED


@pytest.mark.parametrize(
    ("value", "expected"),
    [("removed", PostingStatus.REMOVED), ("CLOSED", PostingStatus.CLOSED), ("published", PostingStatus.PUBLISHED)],
)
def test_the_documented_statuses_are_accepted_in_any_case(value: str, expected: PostingStatus) -> None:
    assert posting(status=value).status is expected


def test_an_unknown_status_is_a_problem() -> None:
    problem = only_problem(status="deleted")
    assert (problem.field, problem.value) == ("status", "deleted")
    assert problem.rule.startswith("is not one of ")


def test_a_partner_cannot_set_the_derived_status_expired() -> None:
    assert only_problem(status="expired").field == "status"


# Employer


def test_an_employer_given_as_text_becomes_an_employer_with_a_normalised_name() -> None:
    assert posting(employer="  ACME Ltd. ").employer == Employer("ACME Ltd.", "acme")


def test_an_employer_object_keeps_its_details() -> None:
    built = posting(
        employer={
            "name": "Demo General Hospital Ltd",
            "registration_id": "DEMO-001",
            "industry": "Healthcare",
            "size": "1000+",
            "region": "West Yorkshire",
            "url": "https://hospital.example.org",
        }
    )
    assert built.employer == Employer(
        "Demo General Hospital Ltd",
        "demo general hospital",
        "DEMO-001",
        "Healthcare",
        "1000+",
        "West Yorkshire",
        "https://hospital.example.org",
    )


def test_an_employer_object_without_a_name_needs_one() -> None:
    problem = only_problem(employer={"industry": "Healthcare"})
    assert (problem.field, problem.value, problem.rule) == ("employer.name", "", "is required")


@pytest.mark.parametrize("value", [42, ["Demo"], True])
def test_an_employer_that_is_neither_text_nor_object_is_a_problem(value: object) -> None:
    problem = only_problem(employer=value)
    assert (problem.field, problem.rule) == ("employer", "must be a name or an object with a name")


def test_no_employer_gives_none() -> None:
    assert posting().employer is None
    assert posting(employer="").employer is None


# Address


def test_an_address_object_is_read_field_by_field() -> None:
    built = posting(address={"locality": "Leeds", "postal_code": "LS1 3EX", "country": "GB", "extra": "ignored"})
    assert built.address == Address(locality="Leeds", postal_code="LS1 3EX", country="GB")


def test_an_address_that_is_not_an_object_is_a_problem() -> None:
    problem = only_problem(address="1 High St, Leeds")
    assert (problem.field, problem.value) == ("address", "1 High St, Leeds")
    assert problem.rule.startswith("must be an object")


# Salary


def test_a_salary_given_as_text_is_kept_as_text() -> None:
    assert posting(salary=" Competitive ").salary == Salary(text="Competitive")


def test_a_salary_object_is_read_with_currency_range_and_unit() -> None:
    built = posting(salary={"currency": "gbp", "min": "28407", "max": 34581, "unit": "YEAR", "text": "plus benefits"})
    assert built.salary == Salary("GBP", 28407.0, 34581.0, SalaryUnit.YEAR, "plus benefits")


def test_a_salary_with_equal_minimum_and_maximum_is_accepted() -> None:
    salary = posting(salary={"min": 12, "max": 12, "unit": "hour"}).salary
    assert salary == Salary(None, 12.0, 12.0, SalaryUnit.HOUR)


def test_a_salary_minimum_above_its_maximum_names_both() -> None:
    problem = only_problem(salary={"currency": "GBP", "min": 50000, "max": 20000})
    assert (problem.field, problem.value, problem.rule) == ("salary.min", "50000.0", "is above salary.max (20000)")


@pytest.mark.parametrize("currency", ["£", "POUND", "GB", "12A"])
def test_a_currency_that_is_not_an_iso_4217_code_is_a_problem(currency: str) -> None:
    problem = only_problem(salary={"currency": currency, "min": 1})
    assert (problem.field, problem.value) == ("salary.currency", currency.upper())
    assert problem.rule == "must be an ISO 4217 code such as GBP"


def test_an_unknown_salary_unit_names_the_allowed_units() -> None:
    problem = only_problem(salary={"min": 1, "unit": "fortnight"})
    assert (problem.field, problem.value) == ("salary.unit", "fortnight")
    assert problem.rule == "is not one of hour, day, week, month, year"


@pytest.mark.parametrize(
    ("amounts", "field", "rule"),
    [
        ({"min": "lots"}, "salary.min", "must be a number"),
        ({"max": -5}, "salary.max", "must be between 0 and 1e+12"),
    ],
)
def test_salary_amounts_must_be_non_negative_numbers(amounts: dict[str, object], field: str, rule: str) -> None:
    problem = only_problem(salary=amounts)
    assert (problem.field, problem.rule) == (field, rule)


def test_a_salary_that_is_neither_text_nor_object_is_a_problem() -> None:
    problem = only_problem(salary=[20000, 30000])
    assert problem.field == "salary"
    assert problem.rule.startswith("must be text or an object")


def test_an_unrelated_top_level_field_named_unit_does_not_affect_the_salary() -> None:
    built = posting(unit="Intensive Care", salary={"currency": "GBP", "min": 1, "max": 2})
    assert built.salary == Salary("GBP", 1.0, 2.0)


# Language, url


@pytest.mark.parametrize(("value", "expected"), [("en", "en"), ("ko-KR", "ko-kr"), ("zh-Hant-TW", "zh-hant-tw")])
def test_language_tags_are_accepted_and_lower_cased(value: str, expected: str) -> None:
    assert posting(language=value).language == expected


@pytest.mark.parametrize("value", ["English", "e", "en_GB", "en-", "ko KR"])
def test_text_that_is_not_a_language_tag_is_a_problem(value: str) -> None:
    problem = only_problem(language=value)
    assert (problem.field, problem.value, problem.rule) == (
        "language",
        value,
        "must be a language tag such as en or ko-KR",
    )


@pytest.mark.parametrize("value", ["ftp://jobs.example.org/1", "javascript:alert(1)", "jobs.example.org/1"])
def test_a_url_must_be_http_or_https(value: str) -> None:
    problem = only_problem(url=value)
    assert (problem.field, problem.value, problem.rule) == ("url", value, "must be an http(s) address")


def test_an_http_url_is_kept_and_becomes_the_original_url_of_the_provenance() -> None:
    built = posting(url="HTTPS://jobs.example.org/A-1")
    assert built.url == "HTTPS://jobs.example.org/A-1"
    assert built.provenance.original_url == "HTTPS://jobs.example.org/A-1"


# Description


def test_a_description_with_script_is_a_problem_naming_the_description() -> None:
    problem = only_problem(description="<p>Hi</p><script>alert(1)</script>")
    assert (problem.field, problem.rule) == ("description", "contains script, frames or event handlers")
    assert problem.value == "<p>Hi</p><script>alert(1)</script>"


def test_an_escaped_script_is_found_after_unescaping() -> None:
    assert only_problem(description="&lt;script&gt;alert(1)&lt;/script&gt;").field == "description"


def test_a_description_is_sanitised_and_given_as_plain_text() -> None:
    built = posting(description='<p class="x">Join our <b>ward</b> team.</p><ul><li>Care</li><li>Rotas</li></ul>')
    assert built.description_html == "<p>Join our <b>ward</b> team.</p><ul><li>Care</li><li>Rotas</li></ul>"
    assert built.description_text == "Join our ward team.\nCare\nRotas"


def test_an_escaped_description_is_unescaped_once() -> None:
    built = posting(description="&lt;p&gt;Community physiotherapy &amp;amp; rehab.&lt;/p&gt;")
    assert built.description_html == "<p>Community physiotherapy &amp; rehab.</p>"
    assert built.description_text == "Community physiotherapy & rehab."


# All problems at once, provenance, ids and hashes


def test_every_problem_of_a_record_is_reported_at_once() -> None:
    found = problems(
        {
            "external_id": "A-1",
            "latitude": 100,
            "openings": "many",
            "employment_type": "sometimes",
            "valid_through": "next Tuesday",
            "salary": {"currency": "pounds", "min": 3, "max": 1},
            "language": "English",
            "url": "ftp://x",
        }
    )
    assert sorted(p.field for p in found) == sorted(
        [
            "title",
            "latitude",
            "openings",
            "employment_type",
            "valid_through",
            "salary.currency",
            "salary.min",
            "language",
            "url",
        ]
    )
    assert all(p.rule for p in found)


def test_a_problem_reads_as_field_rule_and_the_value_found() -> None:
    assert str(Problem("openings", "many", "must be a number")) == "openings: must be a number (got 'many')"
    assert str(Problem("title", "", "is required")) == "title: is required"
    assert str(Problem("title", "y" * 100, "is too long")).endswith("...')")


def test_the_provenance_records_source_raw_record_run_time_and_licence() -> None:
    provenance = posting().provenance
    assert (provenance.source, provenance.raw_id, provenance.run_id, provenance.licence) == (
        "demo",
        "raw-1",
        "run-1",
        "CC-BY-4.0",
    )
    assert provenance.retrieved_at == CONTEXT.retrieved_at


def test_unknown_fields_are_ignored_by_validation() -> None:
    assert posting(partner_score=99, tags=["x"]).title == "Staff Nurse"


def test_the_content_hash_does_not_depend_on_key_order() -> None:
    one = {"external_id": "A-1", "title": "Nurse", "salary": {"min": 1, "max": 2}, "employment_type": ["A", "B"]}
    two = {"employment_type": ["A", "B"], "salary": {"max": 2, "min": 1}, "title": "Nurse", "external_id": "A-1"}
    assert content_hash(one) == content_hash(two)


def test_the_content_hash_changes_with_any_value_or_list_order() -> None:
    base = {"external_id": "A-1", "title": "Nurse", "employment_type": ["A", "B"]}
    assert content_hash(base) != content_hash({**base, "title": "Nurse "})
    assert content_hash(base) != content_hash({**base, "employment_type": ["B", "A"]})
    assert content_hash(base) != content_hash({**base, "extra": None})


def test_a_posting_carries_the_content_hash_of_its_draft() -> None:
    draft = {**BASE, "openings": 2}
    built = build_posting(draft, CONTEXT)
    assert isinstance(built, JobPosting)
    assert built.content_hash == content_hash(draft)
    given = build_posting(draft, CONTEXT, "precomputed")
    assert isinstance(given, JobPosting)
    assert given.content_hash == "precomputed"


def test_posting_ids_are_stable_per_source_and_external_id() -> None:
    assert posting_id("demo", "A-1") == posting_id("demo", "A-1")
    assert posting_id("demo", "A-1") != posting_id("other", "A-1")
    assert posting_id("demo", "A-1") != posting_id("demo", "A-2")
    assert posting().id == posting_id("demo", "A-1")
    assert posting(title="Another title").id == posting().id


def test_the_posting_id_is_short_opaque_and_url_safe() -> None:
    identifier = posting_id("demo", "A-1")
    assert len(identifier) == 12
    assert identifier.isalnum()
    assert "A-1" not in identifier
