"""Text out of an uploaded document (PDF, DOCX, plain text), within limits, with clear refusals.

The format is told by the file's first bytes, its name and content type only when the bytes say
nothing (plain text has no signature). Everything a reader library raises on a damaged or hostile
file becomes `Invalid`, so an upload never ends in a server error. Zip bombs are refused from the
DOCX's central directory before python-docx inflates anything; pypdf caps inflated streams itself.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import docx
from pypdf import PasswordType, PdfReader

from lmis.shared.errors import Invalid

MAX_BYTES = 5 * 1024 * 1024
MAX_PAGES = 20
MAX_CHARACTERS = 100_000
# DOCX archives: a CV with pictures inflates to a few MB; XML compresses ~10x, a bomb ~1000x.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 1_000
MIN_TEXT = 10  # letters or digits (Korean packs a word in two or three); fewer: no readable text
ACCEPTED = "PDF, DOCX (Word 2007 or later) or plain text (.txt)"
_FIELD = "file"
_TEXT_SUFFIXES = (".txt", ".text", ".md")
# Signatures of formats people upload by mistake (first bytes -> what to tell them).
_REFUSED_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word (.doc) or Hangul (.hwp) file"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"II*\x00", "an image (TIFF)"),
    (b"MM\x00*", "an image (TIFF)"),
    (b"{\\rtf", "a Rich Text (.rtf) file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


class DocumentFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class DocumentText:
    """The text of a document, its page count (None for formats without pages) and its format."""

    text: str
    pages: int | None
    format: DocumentFormat
    encoding: str | None = None  # plain text only: the encoding it was read in


def document_text(data: bytes, filename: str, content_type: str | None) -> DocumentText:
    """The text of an uploaded PDF, DOCX or plain-text file; `Invalid` (field "file") says what to do instead."""
    if not data:
        raise Invalid("the file is empty", field=_FIELD)
    if len(data) > MAX_BYTES:
        raise Invalid(
            f"the file has {len(data) / 1024 / 1024:.1f} MB; at most {MAX_BYTES // 1024 // 1024} MB are accepted "
            "(save the CV without pictures, or as a text-only PDF)",
            field=_FIELD,
        )
    kind = detect_format(data, filename, content_type)
    if kind is DocumentFormat.PDF:
        text, pages, encoding = *_pdf_text(data), None
    elif kind is DocumentFormat.DOCX:
        text, pages, encoding = _docx_text(data), None, None
    else:
        (text, encoding), pages = decode_text(data), None
    text = _tidy(text)
    _check_length(text, kind)
    return DocumentText(text, pages, kind, encoding)


def detect_format(data: bytes, filename: str, content_type: str | None) -> DocumentFormat:
    """PDF, DOCX or plain text from the first bytes, else from the name and content type; `Invalid` otherwise."""
    if b"%PDF-" in data[:1024]:  # the PDF header may follow a little junk (ISO 32000-1, 7.5.2)
        return DocumentFormat.PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, filename)
    for signature, what in _REFUSED_SIGNATURES:
        if data.startswith(signature):
            raise _refused(what, filename)
    if (data.startswith(b"RIFF") and data[8:12] == b"WEBP") or data[4:8] == b"ftyp":  # WebP; HEIC/AVIF photos
        raise _refused("an image", filename)
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return DocumentFormat.TEXT
    name, kind = filename.casefold(), (content_type or "").split(";")[0].strip().casefold()
    named_text = name.endswith(_TEXT_SUFFIXES) or kind.startswith("text/")
    unnamed = "." not in name.rsplit("/", 1)[-1] and kind in ("", "application/octet-stream")
    if (named_text or unnamed) and b"\x00" not in data[:4096]:
        return DocumentFormat.TEXT
    if named_text:  # NUL bytes: UTF-16 or UTF-32 without a byte order mark
        raise Invalid("the text file's encoding is not known; save it as UTF-8 and upload it again", field=_FIELD)
    what = f"a {name.rsplit('.', 1)[-1]} file" if "." in name else f"a file of type {kind or 'unknown'}"
    raise _refused(what, filename)


def _refused(what: str, filename: str) -> Invalid:
    advice = "save it as DOCX or PDF" if "image" not in what else "upload the CV itself, not a picture of it"
    return Invalid(
        f"{filename or 'the file'} is {what}, which cannot be read; {advice}. Accepted: {ACCEPTED}",
        field=_FIELD,
        suggestions=["pdf", "docx", "txt"],
    )


def _zip_format(data: bytes, filename: str) -> DocumentFormat:
    """DOCX when the archive is a safe Word document; `Invalid` for bombs and other archives (xlsx, odt, hwpx)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_archive(entries)
            names = {entry.filename for entry in entries}
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError) as error:
        raise Invalid(f"the file looks like a ZIP archive but cannot be opened ({error})", field=_FIELD) from error
    if b"wordprocessingml" in types and "word/document.xml" in names:
        return DocumentFormat.DOCX
    raise _refused("an archive that is not a Word (DOCX) document", filename)


def _check_archive(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse archives that would inflate past the limits (declared sizes bound what zipfile inflates)."""
    if len(entries) > MAX_ENTRIES:
        raise Invalid(f"the DOCX holds {len(entries):,} parts; at most {MAX_ENTRIES:,} are accepted", field=_FIELD)
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED:
        raise Invalid(
            f"the DOCX inflates to {total / 1024 / 1024:,.0f} MB; at most {MAX_UNCOMPRESSED // 1024 // 1024} MB "
            "are accepted (remove large pictures or save as PDF)",
            field=_FIELD,
        )
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(1, entry.compress_size):
            raise Invalid(f"the DOCX part {entry.filename} is compressed suspiciously well; refused", field=_FIELD)


def _pdf_text(data: bytes) -> tuple[str, int]:
    """The text of every page, pages separated by blank lines, and the page count."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise Invalid(
                "the PDF is protected by a password; save or print it again without the password and upload that",
                field=_FIELD,
            )
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise Invalid(f"the PDF has {pages} pages; a CV of at most {MAX_PAGES} pages is accepted", field=_FIELD)
        texts: list[str] = []
        for page in reader.pages:
            texts.append(page.extract_text() or "")
            if sum(map(len, texts)) > MAX_CHARACTERS:
                break
    except Invalid:
        raise
    except Exception as error:  # pypdf raises many kinds (PdfReadError, KeyError, ValueError...) on bad files
        raise Invalid(
            f"the PDF cannot be read ({type(error).__name__}); save it again from your word processor "
            "or upload a DOCX or text version",
            field=_FIELD,
        ) from error
    text = "\n\n".join(texts)
    if pages and len(re.findall(r"\w", text)) < MIN_TEXT:
        raise Invalid(
            "this PDF holds images only (a scan?), no text; upload a DOCX or text version, "
            "or a PDF saved from a word processor",
            field=_FIELD,
        )
    return text, pages


def _docx_text(data: bytes) -> str:
    """Paragraphs and table cells in document order (a table row of one-line cells on one line, " | " between)."""
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _container_lines(document, lines)
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors... on damaged files
        raise Invalid(
            f"the DOCX cannot be read ({type(error).__name__}); save it again from Word or upload a PDF",
            field=_FIELD,
        ) from error
    return "\n".join(lines)


def _container_lines(container: Any, lines: list[str], depth: int = 0) -> None:
    """Append the lines of a document or table cell (nested tables down to a few levels)."""
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            if depth < 4:
                _table_lines(block, lines, depth)
        else:
            lines.append(block.text)
        if sum(map(len, lines)) > MAX_CHARACTERS:
            return


def _table_lines(table: Any, lines: list[str], depth: int) -> None:
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:  # a merged cell comes back once per grid column it spans
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
        texts = [cell.text.strip() for cell in cells]
        if all("\n" not in text for text in texts) and not any(cell.tables for cell in cells):
            lines.append(" | ".join(text for text in texts if text))
            continue
        for cell in cells:
            _container_lines(cell, lines, depth + 1)


def decode_text(data: bytes) -> tuple[str, str]:
    """Plain text and the encoding it was read in: a BOM's, else UTF-8, else Korean (cp949), else Windows-1252,
    else Latin-1 (which reads any byte)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decoded(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decoded(data, "utf-16"), "utf-16"
    for encoding in ("utf-8", "cp949", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "cp949" or _mostly_hangul(text):
            return text, encoding
    return data.decode("latin-1"), "latin-1"


def _decoded(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise Invalid(f"the text file is not valid {encoding} at byte {error.start}", field=_FIELD) from error


def _mostly_hangul(text: str) -> bool:
    """cp949 decodes many Latin-1 byte pairs too; real Korean text is mostly Hangul syllables."""
    wide = [char for char in text if ord(char) > 0x7F]
    hangul = sum(1 for char in wide if "\uac00" <= char <= "\ud7a3")
    return bool(wide) and hangul >= 0.8 * len(wide)


def _tidy(text: str) -> str:
    """Unix line ends, no NULs or trailing spaces, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\u00a0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _check_length(text: str, kind: DocumentFormat) -> None:
    if len(text) > MAX_CHARACTERS:
        raise Invalid(
            f"the document holds more than {MAX_CHARACTERS:,} characters of text; a CV is much shorter: "
            "upload the CV alone",
            field=_FIELD,
        )
    if len(re.findall(r"\w", text)) < MIN_TEXT:
        what = "the document" if kind is not DocumentFormat.TEXT else "the text file"
        raise Invalid(f"{what} holds (almost) no text; upload a CV with text", field=_FIELD)
