"""Uploaded CVs: real PDF, DOCX and text files made here are read, hostile or unreadable ones refused with a
reason; and a CV drafted with the running system's enrichment models on the sample taxonomy."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from pypdf import PdfReader, PdfWriter

from lmis.bootstrap import Services
from lmis.enrich.resumes import draft_profile
from lmis.people.profile import Evidence, check_details
from lmis.shared.errors import Invalid
from lmis.sources.documents import MAX_BYTES, MAX_CHARACTERS, MAX_PAGES, DocumentFormat, document_text
from lmis.sources.resume_upload import draft_from_document

CV_LINES = ["Jane Doe", "Experience", "Software developer, Acme Ltd 2019 - present", "Skills: JavaScript, SQL"]


def pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds `lines` (Helvetica, one Tj per line)."""
    escaped = (line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines)
    content = ("BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({line}) Tj T*" for line in escaped) + " ET").encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def rewritten(pdf: bytes, *, user_password: str | None = None, owner_password: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password or "", owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Jane Doe")
    document.add_paragraph("Experience")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "2019 - present"
    table.cell(0, 1).text = "Software developer, Acme Ltd"
    table.cell(1, 0).text = "2016 - 2019"
    table.cell(1, 1).text = "Junior developer, Beta Corp"
    document.add_paragraph("Skills: JavaScript, SQL")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


WORD_TYPES = b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'  # noqa: E501


def refusal(data: bytes, filename: str, content_type: str | None = None) -> str:
    with pytest.raises(Invalid) as caught:
        document_text(data, filename, content_type)
    assert caught.value.field == "file"
    return caught.value.detail


# PDF ---------------------------------------------------------------------------------------


def test_the_text_layer_of_a_pdf_is_read_line_by_line() -> None:
    document = document_text(pdf_with_text(CV_LINES), "cv.pdf", "application/pdf")
    assert (document.format, document.pages) == (DocumentFormat.PDF, 1)
    assert [line.strip() for line in document.text.split("\n")] == CV_LINES


def test_a_pdf_is_told_by_its_bytes_whatever_its_name() -> None:
    assert document_text(pdf_with_text(CV_LINES), "cv.txt", "text/plain").format is DocumentFormat.PDF


def test_a_pdf_locked_only_against_editing_is_read() -> None:
    locked = rewritten(pdf_with_text(CV_LINES), owner_password="owner-secret")
    assert "Software developer" in document_text(locked, "cv.pdf", None).text


def test_a_pdf_that_needs_a_password_to_open_is_refused_with_what_to_do() -> None:
    detail = refusal(rewritten(pdf_with_text(CV_LINES), user_password="open-sesame"), "cv.pdf")
    assert "password" in detail
    assert "without the password" in detail


def test_a_pdf_without_a_text_layer_is_refused_as_images_only() -> None:
    detail = refusal(blank_pdf(2), "scan.pdf")
    assert "images only" in detail
    assert "DOCX or text version" in detail


def test_a_pdf_with_too_many_pages_is_refused() -> None:
    assert f"at most {MAX_PAGES} pages" in refusal(blank_pdf(MAX_PAGES + 1), "book.pdf")


def test_a_damaged_pdf_is_refused_not_a_server_error() -> None:
    damaged = pdf_with_text(CV_LINES)[:300] + b"\x00garbage" * 20
    assert "the PDF cannot be read" in refusal(damaged, "cv.pdf")
    assert "the PDF cannot be read" in refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog", "cv.pdf")


# DOCX --------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_rows_are_read_in_document_order() -> None:
    document = document_text(docx_bytes(), "cv.docx", None)
    assert document.format is DocumentFormat.DOCX
    assert document.text.split("\n") == [
        "Jane Doe",
        "Experience",
        "2019 - present | Software developer, Acme Ltd",
        "2016 - 2019 | Junior developer, Beta Corp",
        "Skills: JavaScript, SQL",
    ]


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated() -> None:
    too_big = zip_of({"[Content_Types].xml": WORD_TYPES, "word/document.xml": b" " * (60 * 1024 * 1024)})
    assert len(too_big) < MAX_BYTES
    assert "inflates to" in refusal(too_big, "cv.docx")
    dense = zip_of({"[Content_Types].xml": WORD_TYPES, "word/document.xml": b"\x00" * (20 * 1024 * 1024)})
    assert "compressed suspiciously well" in refusal(dense, "cv.docx")


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    detail = refusal(zip_of({"xl/workbook.xml": b"<workbook/>"}), "cv.xlsx")
    assert "not a Word (DOCX) document" in detail
    assert "PDF, DOCX" in detail


def test_a_damaged_docx_is_refused_not_a_server_error() -> None:
    broken = zip_of({"[Content_Types].xml": WORD_TYPES, "word/document.xml": b"<not-closed"})
    assert "cannot be read" in refusal(broken, "cv.docx")


# Refused formats and limits ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "what"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "cv.doc", "old Word (.doc)"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cv.png", "an image (PNG)"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "photo.jpg", "an image (JPEG)"),
        (b"{\\rtf1\\ansi Jane Doe}", "cv.rtf", "Rich Text"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "IMG_0001.HEIC", "an image"),
        (b"\x00\x01binary", "cv.pages", "a pages file"),
    ],
    ids=["doc", "png", "jpeg", "rtf", "heic", "pages"],
)
def test_other_formats_are_refused_naming_the_accepted_ones(data: bytes, filename: str, what: str) -> None:
    detail = refusal(data, filename)
    assert what in detail
    assert "Accepted: PDF, DOCX (Word 2007 or later) or plain text (.txt)" in detail


def test_a_file_over_the_size_limit_or_with_too_much_text_is_refused() -> None:
    assert "at most 5 MB" in refusal(b"a" * (MAX_BYTES + 1), "cv.txt")
    assert f"more than {MAX_CHARACTERS:,} characters" in refusal(b"word " * (MAX_CHARACTERS // 4), "cv.txt")
    assert "no text" in refusal(b"  \n\n ", "cv.txt")
    assert "empty" in refusal(b"", "cv.txt")


# Plain text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("경력사항\n2019년 3월 ~ 현재 간호사".encode(), "utf-8"),
        ("\ufeff경력사항\n2019년 3월 ~ 현재 간호사".encode(), "utf-8-sig"),
        ("\ufeff경력사항\n2019년 3월 ~ 현재 간호사".encode("utf-16-le"), "utf-16"),
        ("경력사항\n2019년 3월 ~ 현재 간호사".encode("cp949"), "cp949"),
        ("경력사항\n2019년 3월 ~ 현재 간호사".encode("euc-kr"), "cp949"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 with BOM", "cp949", "euc-kr"],
)
def test_korean_text_files_are_read_in_their_encoding(data: bytes, encoding: str) -> None:
    document = document_text(data, "이력서.txt", "text/plain")
    assert (document.format, document.encoding, document.pages) == (DocumentFormat.TEXT, encoding, None)
    assert document.text == "경력사항\n2019년 3월 ~ 현재 간호사"


def test_western_text_that_is_not_utf8_falls_back_to_windows_1252_then_latin_1() -> None:
    text = "Jürgen Müller – café owner in Köln, 2019 – 2021"
    assert document_text(text.encode("cp1252"), "cv.txt", None).text == text
    latin = "Jürgen Müller\x81 café owner in Köln"  # 0x81 is unassigned in Windows-1252
    document = document_text(latin.encode("latin-1"), "cv.txt", None)
    assert (document.text, document.encoding) == (latin, "latin-1")


def test_a_text_file_in_utf16_without_a_byte_order_mark_asks_for_utf8() -> None:
    assert "save it as UTF-8" in refusal("Jane Doe, nurse".encode("utf-16-le"), "cv.txt", "text/plain")


def test_windows_line_ends_and_runs_of_blank_lines_are_tidied() -> None:
    document = document_text(b"Jane Doe\r\nSkills:   \r\n\r\n\r\n\r\nJavaScript, SQL and more", "cv.txt", None)
    assert document.text == "Jane Doe\nSkills:\n\nJavaScript, SQL and more"


# With the running system's models ------------------------------------------------------------


def test_a_cv_drafted_with_the_sample_taxonomy_finds_its_occupation_and_skills(sample_services: Services) -> None:
    text = "\n".join(
        [
            "Jane Doe",
            "Work experience",
            "Software Developer, Acme Ltd    2019-03 – present",
            "- Wrote web services in JavaScript and PHP with SQL databases",
            "- Used software design patterns and debugged software",
            "Skills: JavaScript, SQL, PHP, Drupal",
        ]
    )
    models = sample_services.enricher.models
    draft = draft_profile(text, coder=models.coder, skills=models.extractor)
    assert [o.label for o in draft.occupations] == ["software developer"]
    assert draft.occupations[0].isco_code == "2512"
    assert draft.details.work_history[0].occupation_id == draft.occupations[0].concept_id
    labels = {skill.label for skill in draft.skills}
    assert {"JavaScript", "SQL", "PHP", "Drupal"} <= labels
    assert all(skill.evidence is Evidence.CV for skill in draft.details.skills)
    check_details(draft.details)

    # The same models behind the function the web layer calls with an upload (models are loaded once).
    uploaded = draft_from_document(docx_bytes(), "cv.docx", None, enricher=sample_services.enricher)
    assert [job.title for job in uploaded.details.work_history] == ["Software developer", "Junior developer"]
    assert uploaded.occupations[0].label == "software developer"
    assert uploaded.taxonomy_release == "esco-1.1.1"
    assert uploaded.version == models.model_version
