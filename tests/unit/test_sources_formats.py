"""Feed formats on the recorded fixtures: the payloads they cut, the drafts they read, the errors they name."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from lmis.ingest.model import Draft, ParseError, Payload
from lmis.ingest.ports import FeedFormat
from lmis.shared.errors import Invalid
from lmis.sources.csv_feed import CsvFormat, TsvFormat
from lmis.sources.jsonld import JsonLdFormat
from lmis.sources.ndjson import JsonArrayFormat, NdjsonFormat
from lmis.sources.registry import create, format_class, formats, guess_format
from lmis.sources.rss import RssFormat
from lmis.sources.text import decode

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
# feedparser warns when `updated` is read from an item that only has `published` (see the xfail below).
FEEDPARSER_FALLBACK = "ignore:To avoid breaking existing software:DeprecationWarning"


def payloads(fmt: FeedFormat, data: bytes) -> list[Payload]:
    return list(fmt.payloads(io.BytesIO(data)))


def read(fmt: FeedFormat, data: bytes) -> list[tuple[str, list[Draft]]]:
    """(position, drafts) of every payload of `data`."""
    return [(p.position, fmt.parse(p.text)) for p in payloads(fmt, data)]


def parse_error(fmt: FeedFormat, payload: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        fmt.parse(payload)
    return caught.value


# NDJSON


def test_ndjson_gives_one_draft_per_line_positioned_by_line_number() -> None:
    found = read(NdjsonFormat(), (FEEDS / "canonical.ndjson").read_bytes())
    assert [(position, [d["external_id"] for d in drafts]) for position, drafts in found] == [
        ("line 1", ["A-1"]),
        ("line 2", ["A-2"]),
        ("line 3", ["A-3"]),
    ]
    first = found[0][1][0]
    assert first["employer"] == {
        "name": "Demo General Hospital Ltd",
        "registration_id": "DEMO-001",
        "industry": "Healthcare",
    }
    assert first["title"] == "Staff Nurse – Ward 7"


def test_ndjson_payloads_keep_the_exact_line_text() -> None:
    lines = (FEEDS / "canonical.ndjson").read_text(encoding="utf-8").splitlines()
    assert [p.text for p in payloads(NdjsonFormat(), (FEEDS / "canonical.ndjson").read_bytes())] == lines


def test_ndjson_skips_blank_lines_but_keeps_the_file_line_numbers_and_strips_crlf() -> None:
    data = b'\n{"external_id": "X-1", "title": "a"}\r\n   \r\n{"external_id": "X-2", "title": "b"}'
    found = payloads(NdjsonFormat(), data)
    assert [(p.position, p.text) for p in found] == [
        ("line 2", '{"external_id": "X-1", "title": "a"}'),
        ("line 4", '{"external_id": "X-2", "title": "b"}'),
    ]


def test_invalid_json_names_the_line_and_column_where_it_breaks() -> None:
    error = parse_error(NdjsonFormat(), '{"external_id": "B-2", "title": "Broken JSON", ')
    assert error.problem.field == "payload"
    assert error.problem.rule.startswith("is not valid JSON: ")
    assert error.problem.rule.endswith("at line 1, column 48")
    assert error.problem.value.startswith('{"external_id": "B-2"')


@pytest.mark.parametrize(("payload", "kind"), [('["not", "an", "object"]', "list"), ("42", "int"), ('"x"', "str")])
def test_a_json_value_that_is_not_an_object_is_rejected_by_its_type(payload: str, kind: str) -> None:
    error = parse_error(NdjsonFormat(), payload)
    assert (error.problem.field, error.problem.value) == ("payload", payload)
    assert error.problem.rule == f"must be a JSON object, not {kind}"


def test_every_line_of_the_broken_fixture_is_cut_and_the_non_utf8_line_is_flagged() -> None:
    found = payloads(NdjsonFormat(), (FEEDS / "broken.ndjson").read_bytes())
    assert [p.position for p in found] == [f"line {n}" for n in range(1, 13)]
    flagged = [p for p in found if p.decode_error]
    assert [p.position for p in flagged] == ["line 12"]
    assert flagged[0].decode_error.startswith("not UTF-8 at byte ")
    assert "\ufffd" in flagged[0].text


# JSON array


def test_a_json_array_gives_one_payload_per_item() -> None:
    found = read(JsonArrayFormat(), (FEEDS / "canonical.json").read_bytes())
    assert [(position, drafts[0]["external_id"]) for position, drafts in found] == [
        ("item 1", "J-1"),
        ("item 2", "J-2"),
    ]
    assert found[1][1][0]["employer"] == {"name": "Demo Care"}


def test_a_json_file_that_does_not_parse_is_one_payload_whose_parse_names_line_and_column() -> None:
    (whole,) = payloads(JsonArrayFormat(), b'[\n  {"external_id": "x"},\n  {"external_id" "y"}\n]')
    assert whole.position == "file"
    error = parse_error(JsonArrayFormat(), whole.text)
    assert error.problem.rule.endswith("at line 3, column 18")


def test_a_json_file_that_is_not_utf8_is_flagged() -> None:
    (whole,) = payloads(JsonArrayFormat(), b'[{"title": "caf\xe9"}]')
    assert whole.position == "file"
    assert whole.decode_error == "not UTF-8 at byte 15"


def test_an_array_of_non_objects_gives_items_that_are_rejected() -> None:
    (first, second) = payloads(JsonArrayFormat(), b'[1, {"external_id": "x"}]')
    assert parse_error(JsonArrayFormat(), first.text).problem.rule == "must be a JSON object, not int"
    assert JsonArrayFormat().parse(second.text) == [{"external_id": "x"}]


def test_a_json_file_holding_one_object_instead_of_an_array_is_read_as_one_posting() -> None:
    (whole,) = payloads(JsonArrayFormat(), b'{"external_id": "J-1", "title": "x"}')
    assert JsonArrayFormat().parse(whole.text) == [{"external_id": "J-1", "title": "x"}]


# JSON-LD


def test_json_ld_lines_are_mapped_onto_the_canonical_record() -> None:
    found = read(JsonLdFormat(), (FEEDS / "jobposting.jsonld").read_bytes())
    assert [position for position, _ in found] == ["line 1", "line 2"]
    ((first,), (second,)) = (drafts for _, drafts in found)
    assert first == {
        "external_id": "NHS-9001",
        "title": "Physiotherapist",
        "description": "&lt;p&gt;Community physiotherapy team.&lt;/p&gt;",
        "employer": {"name": "Demo NHS Trust", "url": ""},
        "address": {"street": "", "locality": "Macclesfield", "region": "", "postal_code": "SK10 3BL", "country": "GB"},
        "latitude": "53.26",
        "longitude": "-2.14",
        "employment_type": "FULL_TIME",
        "salary": {"currency": "GBP", "min": 31365, "max": 37890, "unit": "YEAR", "text": ""},
        "date_posted": "2026-10-20T10:00:00+0000",
        "valid_through": "2027-01-10T23:59:59+0000",
        "url": "https://jobs.example.org/NHS-9001",
    }
    assert second["external_id"] == "NHS-9002"  # from `fileid` when there is no identifier
    assert second["salary"] == {"currency": "GBP", "min": None, "max": None, "unit": "YEAR", "text": "negotiable"}


def test_an_html_page_is_one_payload_whose_graph_holds_two_postings() -> None:
    with (FEEDS / "careers_page.html").open("rb") as data:  # a real file: the format peeks at its head
        found = list(JsonLdFormat().payloads(data))
    assert [p.position for p in found] == ["file"]
    drafts = JsonLdFormat().parse(found[0].text)
    assert [d["external_id"] for d in drafts] == ["LOG-1", "LOG-2"]
    assert drafts[0]["employment_type"] == ["FULL_TIME", "TEMPORARY"]
    assert drafts[0]["employer"] == {"name": "Demo Logistics", "url": ""}
    assert drafts[1]["title"] == "Warehouse Supervisor"


def test_a_json_ld_array_gives_one_payload_per_document() -> None:
    documents = [
        {"@type": "JobPosting", "identifier": "X-1", "title": "A"},
        {"@type": ["JobPosting", "Thing"], "@id": "https://x.example/2", "title": "B"},
    ]
    found = read(JsonLdFormat(), json.dumps(documents).encode())
    assert [(position, drafts[0]["external_id"]) for position, drafts in found] == [
        ("item 1", "X-1"),
        ("item 2", "https://x.example/2"),
    ]


def test_json_ld_without_a_job_posting_names_the_types_it_found() -> None:
    error = parse_error(JsonLdFormat(), '{"@context": "https://schema.org", "@type": "Organization", "name": "Demo"}')
    assert (error.problem.field, error.problem.value, error.problem.rule) == (
        "@type",
        "Organization",
        "holds no schema.org JobPosting",
    )


def test_an_html_page_without_json_ld_holds_no_posting() -> None:
    error = parse_error(JsonLdFormat(), "<html><body><h1>Jobs</h1></body></html>")
    assert (error.problem.field, error.problem.value) == ("@type", "none")


def test_an_html_page_with_broken_json_ld_names_the_script() -> None:
    page = '<html><script type="application/ld+json">{"@type": "JobPosting",</script></html>'
    error = parse_error(JsonLdFormat(), page)
    assert error.problem.field == "script"
    assert error.problem.rule.startswith("is not valid JSON-LD: ")


def test_an_html_page_with_a_byte_order_mark_is_read_as_one_page() -> None:
    data = b"\xef\xbb\xbf" + (FEEDS / "careers_page.html").read_bytes()
    assert [p.position for p in payloads(JsonLdFormat(), data)] == ["file"]


# CSV


def test_csv_rows_are_mapped_through_the_column_mapping_with_dotted_names() -> None:
    fmt = create("csv", FEEDS / "partner_mapping.json")
    found = read(fmt, (FEEDS / "partner.csv").read_bytes())
    assert [position for position, _ in found] == ["row 2", "row 4"]  # row 2 spans lines 2 and 3
    ((first,), (second,)) = (drafts for _, drafts in found)
    assert first == {
        "external_id": "C-100",
        "title": "Accountant",
        "employer": {"name": "Demo Finance plc"},
        "address": {"locality": "Bristol", "country": "GB"},
        "employment_type": "Full time",
        "salary": {"min": "38000", "max": "45000", "currency": "GBP", "unit": "year"},
        "valid_through": "2027-01-20",
        "description": "Month-end close,\nreconciliations and VAT returns.",
    }
    assert "salary" not in second  # empty cells are left out


def test_the_raw_payload_of_a_row_is_the_row_by_its_own_column_names() -> None:
    fmt = create("csv", FEEDS / "partner_mapping.json")
    first = payloads(fmt, (FEEDS / "partner.csv").read_bytes())[0]
    assert json.loads(first.text)["Job Ref"] == "C-100"


def test_csv_without_a_mapping_reads_canonical_column_names() -> None:
    data = "\ufeffexternal_id,title,employer.name,salary.min\nX-1,Cook,Demo Kitchen,12\n\n,,,\nX-2,Chef,,\n"
    found = read(CsvFormat(), data.encode())
    assert found == [
        (
            "row 2",
            [{"external_id": "X-1", "title": "Cook", "employer": {"name": "Demo Kitchen"}, "salary": {"min": "12"}}],
        ),
        ("row 5", [{"external_id": "X-2", "title": "Chef"}]),
    ]


def test_a_csv_row_with_more_fields_than_the_header_is_rejected() -> None:
    (row,) = payloads(CsvFormat(), b"external_id,title\nX-1,Cook,surplus,more\n")
    error = parse_error(CsvFormat(), row.text)
    assert (error.problem.field, error.problem.rule) == ("row", "has 2 more field(s) than the header")
    assert "surplus" in error.problem.value


def test_reading_csv_payloads_leaves_the_callers_stream_open() -> None:
    data = io.BytesIO(b"external_id,title\nX-1,Cook\n")
    assert len(list(CsvFormat().payloads(data))) == 1
    assert not data.closed


def test_a_csv_row_that_is_not_utf8_is_flagged() -> None:
    (row,) = payloads(CsvFormat(), b"external_id,title\nX-1,Caf\xe9\n")
    assert row.decode_error == "not UTF-8 text"


def test_tsv_rows_are_split_on_tabs() -> None:
    assert read(TsvFormat(), b"external_id\ttitle\nT-1\tCook, Chef\n") == [
        ("row 2", [{"external_id": "T-1", "title": "Cook, Chef"}])
    ]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json", "cannot read the column mapping"),
        ('{"columns": ["external_id"]}', "'columns' must map"),
        ('{"columns": {"title": "Job Title"}}', "lacks external_id"),
    ],
)
def test_a_bad_mapping_file_is_invalid_and_says_why(tmp_path: Path, content: str, says: str) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(content, encoding="utf-8")
    with pytest.raises(Invalid) as caught:
        create("csv", mapping)
    assert caught.value.field == "mapping"
    assert says in caught.value.detail


def test_a_tsv_format_built_from_a_mapping_file_still_splits_on_tabs(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"external_id": "Ref", "title": "Job"}}), encoding="utf-8")
    fmt = create("tsv", mapping)
    assert read(fmt, b"Ref\tJob\nT-1\tCook\n") == [("row 2", [{"external_id": "T-1", "title": "Cook"}])]


# RSS and Atom


@pytest.mark.filterwarnings(FEEDPARSER_FALLBACK)
def test_rss_items_use_the_guid_as_external_id_and_unescape_the_description() -> None:
    found = read(RssFormat(), (FEEDS / "feed.rss").read_bytes())
    assert [(position, drafts[0]["external_id"]) for position, drafts in found] == [
        ("item 1", "R-1"),
        ("item 2", "R-2"),
    ]
    first = found[0][1][0]
    assert first["title"] == "Electrician"
    assert first["description"] == "<p>Domestic and commercial installs.</p>"
    assert first["url"] == "https://board.example.org/jobs/R-1"
    assert first["date_posted"] == "2026-11-02T09:00:00Z"


def test_atom_entries_use_the_id_as_external_id_and_the_author_as_employer() -> None:
    found = read(RssFormat(), (FEEDS / "feed.atom").read_bytes())
    assert found == [
        (
            "item 1",
            [
                {
                    "external_id": "urn:demo:job:T-1",
                    "title": "Bus Driver",
                    "description": "Urban routes, PCV licence.",
                    "url": "https://atom.example.org/T-1",
                    "updated_at": "2026-11-04T09:00:00Z",
                    "employer": "Demo Transit",
                }
            ],
        )
    ]


def test_reading_an_rss_feed_with_only_publication_dates_warns_of_nothing() -> None:
    payloads(RssFormat(), (FEEDS / "feed.rss").read_bytes())


def test_an_unreadable_feed_is_one_payload_rejected_as_not_rss() -> None:
    (whole,) = payloads(RssFormat(), b"this is not a feed")
    assert whole.position == "feed"
    error = parse_error(RssFormat(), whole.text)
    assert (error.problem.field, error.problem.rule) == ("feed", "is not a readable RSS or Atom feed")


# Decoding


def test_utf8_text_decodes_without_a_flag_and_loses_its_byte_order_mark() -> None:
    assert decode("line 1", "\ufeff간호사".encode()) == Payload("line 1", "간호사")


def test_bytes_that_are_not_utf8_are_kept_as_replacement_characters_and_flagged() -> None:
    found = decode("line 12", b"ab\xff\xfecd")
    assert found == Payload("line 12", "ab\ufffd\ufffdcd", "not UTF-8 at byte 2")


def test_the_offset_of_a_bad_byte_counts_the_byte_order_mark() -> None:
    assert decode("line 1", b"\xef\xbb\xbfab\xff").decode_error == "not UTF-8 at byte 5"


# Registry


@pytest.mark.parametrize(
    ("location", "head", "expected"),
    [
        ("feed.ndjson", b'{"external_id": "A-1"}', "ndjson"),
        ("feed.jsonl", b"", "ndjson"),
        ("FEED.JSON", b'[{"external_id": "A-1"}]', "json"),
        ("feed.json", b'[{"@context": "https://schema.org", "@type": "JobPosting"}]', "jsonld"),
        ("feed.ndjson.gz", b'{"@type": "JobPosting"}', "jsonld"),
        ("partner.csv", b"Job Ref,Job Title", "csv"),
        ("partner.tsv", b"", "tsv"),
        ("feed.rss", b"", "rss"),
        ("feed.atom", b"", "rss"),
        ("feed.xml", b"", "rss"),
        ("careers_page.html", b"<!doctype html>", "jsonld"),
        ("jobs.htm", b"", "jsonld"),
        ("jobposting.jsonld", b"", "jsonld"),
    ],
)
def test_the_format_is_guessed_from_the_suffix(location: str, head: bytes, expected: str) -> None:
    assert guess_format(location, head) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'  {"external_id": "A-1", "title": "x"}', "ndjson"),
        (b'{"@context": "https://schema.org", "@type": "JobPosting"}', "jsonld"),
        (b'<?xml version="1.0"?><rss version="2.0">', "rss"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', "rss"),
        (b"<!doctype html><html>", "jsonld"),
    ],
)
def test_without_a_known_suffix_the_format_is_guessed_from_the_content(head: bytes, expected: str) -> None:
    assert guess_format("https://partner.example.org/export?id=7", head) == expected


@pytest.mark.parametrize(("location", "head"), [("export.bin", b"PK\x03\x04"), ("data", b""), ("feed.txt", b"hello")])
def test_a_format_that_cannot_be_told_is_invalid(location: str, head: bytes) -> None:
    with pytest.raises(Invalid) as caught:
        guess_format(location, head)
    assert caught.value.field == "format"
    assert "give --format" in caught.value.detail


def test_every_built_in_format_is_registered_under_its_own_name() -> None:
    known = formats()
    for name in ("ndjson", "json", "jsonld", "csv", "tsv", "rss", "push"):
        assert known[name].name == name
        assert create(name).name == name


def test_an_unknown_format_is_invalid_with_suggestions() -> None:
    with pytest.raises(Invalid) as caught:
        format_class("ndjsn")
    assert caught.value.field == "format"
    assert "ndjson" in caught.value.suggestions
    assert "known formats are" in caught.value.detail


@pytest.mark.parametrize("name", ["ndjson", "json", "jsonld", "rss"])
def test_a_mapping_for_a_format_that_takes_none_is_invalid(name: str) -> None:
    with pytest.raises(Invalid) as caught:
        create(name, FEEDS / "partner_mapping.json")
    assert caught.value.field == "mapping"
    assert "takes no column mapping" in caught.value.detail


def test_a_csv_format_is_created_with_its_mapping() -> None:
    fmt = create("csv", FEEDS / "partner_mapping.json")
    assert isinstance(fmt, CsvFormat)
    assert fmt.columns["salary.min"] == "Pay From"
