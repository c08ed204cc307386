"""Reading the files of official series: CSV, plain or gzipped, row by row with line numbers and progress by bytes.

Shared by the series importers (`bls_oews`, `indeed_index`, `canada_lmia`, `fred_series`,
`series_csv`). Bytes that are not UTF-8 are replaced (U+FFFD) rather than stopping the import:
a number spoiled that way fails its own check and is quarantined with its row.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import polars as pl

from lmis.analytics.series_model import Flag
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress

_GZIP_MAGIC = b"\x1f\x8b"
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_GROUPED = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # 1,234,567.8 as spreadsheets write it
_PROGRESS_ROWS = 20_000
_FIELD_LIMIT = 1 << 20


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One record: the line it starts on and its values by lower-cased, trimmed column name."""

    line: int
    values: dict[str, str]
    cells: list[str]

    def get(self, column: str) -> str:
        """The trimmed value of `column` ("" when absent)."""
        return (self.values.get(column) or "").strip()

    @property
    def payload(self) -> str:
        """The record as CSV text (what the quarantine keeps)."""
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(self.cells)
        return out.getvalue()


def is_gzip(path: Path) -> bool:
    """Whether `path` holds gzip data (by its first bytes, whatever its name)."""
    with path.open("rb") as raw:
        return raw.read(2) == _GZIP_MAGIC


def read_csv(path: Path, progress: Progress, *, bar: bool = True) -> tuple[list[str], Iterator[CsvRow]]:
    """The lower-cased header of `path` and an iterator over its records.

    Progress is counted in kB of the file read: on a bar of its own, or (`bar=False`) on the bar
    the caller began for several files (`begin_files`). Raises `MalformedFile` for a missing
    file or one without a header.
    """
    if not path.is_file():
        raise MalformedFile("no such file", path=str(path), line=0)
    header = _header(path)
    if bar:
        progress.begin(f"Reading {path.name} (kB)", max(1, path.stat().st_size // 1024))
    return header, _rows(path, header, progress)


def begin_files(paths: list[Path], progress: Progress, label: str) -> None:
    """One bar over the kB of all `paths` (then read each with `bar=False`)."""
    progress.begin(f"{label} (kB)", max(1, sum(p.stat().st_size for p in paths) // 1024))


def _text(path: Path) -> tuple[IO[bytes], io.TextIOWrapper]:
    raw = path.open("rb")
    gzipped = raw.read(2) == _GZIP_MAGIC
    raw.seek(0)
    data = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if gzipped else raw
    return raw, io.TextIOWrapper(data, encoding="utf-8-sig", errors="replace", newline="")


def _header(path: Path) -> list[str]:
    raw, text = _text(path)
    with raw, text:
        first = next(csv.reader(text), None)
    if not first or not any(cell.strip() for cell in first):
        raise MalformedFile("the file is empty or has no header row", path=str(path), line=1)
    return [cell.strip().lower() for cell in first]


def _rows(path: Path, header: list[str], progress: Progress) -> Iterator[CsvRow]:
    csv.field_size_limit(_FIELD_LIMIT)
    size = path.stat().st_size
    raw, text = _text(path)
    done = 0
    with raw, text:
        reader = csv.reader(text)
        next(reader, None)
        line = reader.line_num + 1
        for count, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield CsvRow(line, dict(zip(header, cells, strict=False)), cells)
            line = reader.line_num + 1
            if count % _PROGRESS_ROWS == 0:
                now = raw.tell() // 1024
                progress.advance(now - done)
                done = now
    progress.advance(max(0, size // 1024 - done))


LINE = "_line"


def read_frame(path: Path, progress: Progress, *, bar: bool = True) -> pl.DataFrame:
    """Every record of `path` as text columns (lower-cased, trimmed names; empty cells null) and its line.

    For big files: Polars parses in C, where a Python row loop takes seconds. `LINE` numbers
    records from 2 (the header is line 1), which is the file line unless a quoted value spans
    lines. Raises `MalformedFile` for a missing file or one Polars cannot parse (a record with
    more fields than the header).
    """
    if not path.is_file():
        raise MalformedFile("no such file", path=str(path), line=0)
    size = max(1, path.stat().st_size // 1024)
    if bar:
        progress.begin(f"Reading {path.name} (kB)", size)
    data = path.read_bytes()
    if data[:2] == _GZIP_MAGIC:
        data = gzip.decompress(data)
    try:
        frame = pl.read_csv(data, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as error:
        raise MalformedFile(f"cannot be read as CSV: {str(error).splitlines()[0]}", path=str(path), line=0) from None
    if not frame.columns:
        raise MalformedFile("the file is empty or has no header row", path=str(path), line=1)
    frame = frame.rename({name: name.strip().lstrip("\ufeff").strip().lower() for name in frame.columns})
    progress.advance(size)
    return frame.with_row_index(LINE, offset=2)


def payload_of(record: dict[str, object]) -> str:
    """A record of `read_frame` as CSV text (its cells in column order, without the line)."""
    out = io.StringIO()
    cells = ["" if value is None else str(value) for name, value in record.items() if name != LINE]
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def as_numbers(column: str) -> pl.Expr:
    """`column` read as numbers (null where the text is none: see `number` for the accepted forms)."""
    text = pl.col(column).str.strip_chars()
    grouped = text.str.contains(r"^[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")
    cleaned = pl.when(grouped).then(text.str.replace_all(",", "")).otherwise(text)
    plain = cleaned.str.contains(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
    return pl.when(plain).then(cleaned.cast(pl.Float64, strict=False)).otherwise(None)


def number(text: str) -> float:
    """A number as statistics files write it ("1234", "-0.5", "1,234,567"); `ValueError` otherwise."""
    cleaned = text.strip()
    if _GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not a number")
    return float(cleaned)


def value_or_flag(text: str, flags: dict[str, Flag]) -> tuple[float | None, Flag]:
    """The number in `text`, or (None, flag) for a publisher's symbol in `flags`; `ValueError` otherwise."""
    symbol = text.strip()
    if symbol in flags:
        return None, flags[symbol]
    return number(symbol), Flag.NONE


def csv_files(path: Path) -> list[Path]:
    """`path` itself, or the CSV files (plain or .gz) anywhere under the folder `path`, sorted."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise MalformedFile("no such file or folder", path=str(path), line=0)
    return sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith((".csv", ".csv.gz")))
