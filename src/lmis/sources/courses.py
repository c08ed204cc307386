"""Course files from training providers: CSV (one course a row) and NDJSON (one JSON object a line).

A record that cannot be read (bad JSON, bytes that are not UTF-8, more fields than the header)
is still yielded, with its raw text and the reason, so the import quarantines it rather than
losing it. Only a file that cannot be read at all (missing, no header, required columns absent)
stops with `MalformedFile`. Columns: docs/training.md.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lmis.shared.errors import Invalid, MalformedFile, did_you_mean
from lmis.training.ports import CourseRecord
from lmis.training.validation import COLUMNS, REQUIRED

FORMATS = ("csv", "ndjson")


def course_format(path: Path, name: str | None = None) -> str:
    """`name` checked, or the format `path`'s suffix says (`.csv`, `.ndjson`/`.jsonl`, optionally `.gz`)."""
    if name is not None:
        if name not in FORMATS:
            raise Invalid(
                f"{name!r} is not a course file format", field="format", suggestions=did_you_mean(name, FORMATS)
            )
        return name
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    if suffix == ".csv":
        return "csv"
    if suffix in {".ndjson", ".jsonl"}:
        return "ndjson"
    raise Invalid(f"cannot tell the format of {path.name}: name it .csv or .ndjson, or give --format", field="format")


def count_records(path: Path, fmt: str) -> int:
    """Roughly how many records `path` holds (non-blank lines, less the CSV header), for a progress bar."""
    with _open(path) as data:
        lines = sum(1 for line in data if line.strip())
    return max(0, lines - 1) if fmt == "csv" else lines


def read_courses(path: Path, fmt: str) -> Iterator[CourseRecord]:
    """The course records of `path` in format `fmt` (`csv` or `ndjson`)."""
    if not path.is_file():
        raise MalformedFile("no such file", path=str(path), line=0)
    return _csv(path) if fmt == "csv" else _ndjson(path)


def _open(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]  # a GzipFile reads bytes like any IO[bytes]
    return path.open("rb")


def _ndjson(path: Path) -> Iterator[CourseRecord]:
    with _open(path) as data:
        for number, raw in enumerate(data, start=1):
            if not raw.strip():
                continue
            position = f"line {number}"
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                yield CourseRecord(
                    position, raw.decode("utf-8", "replace").rstrip("\r\n"), None, f"is not UTF-8 text ({error.reason})"
                )
                continue
            yield _json_record(position, text)


def _json_record(position: str, text: str) -> CourseRecord:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return CourseRecord(position, text, None, f"is not valid JSON: {error.msg} at column {error.colno}")
    if not isinstance(value, dict):
        return CourseRecord(position, text, None, f"must be a JSON object, not {type(value).__name__}")
    return CourseRecord(position, text, value)


def _csv(path: Path) -> Iterator[CourseRecord]:
    with _open(path) as raw:
        lines = _decoded_lines(raw)
        reader = csv.reader(lines)
        try:
            header = [name.strip().lstrip("\ufeff") for name in next(reader)]
        except StopIteration:
            raise MalformedFile("the file is empty", path=str(path), line=1) from None
        _check_header(header, path)
        line = 2
        for fields in reader:
            start, line = line, reader.line_num + 1
            if not any(value.strip() for value in fields):
                continue
            values = dict(zip(header, fields, strict=False))
            payload = json.dumps(values if len(fields) <= len(header) else fields, ensure_ascii=False)
            if len(fields) > len(header):
                yield CourseRecord(
                    f"line {start}", payload, None, f"has {len(fields)} fields where the header has {len(header)}"
                )
            elif any("\ufffd" in value for value in fields):
                yield CourseRecord(f"line {start}", payload, None, "has bytes that are not UTF-8 text")
            else:
                yield CourseRecord(
                    f"line {start}", payload, {k: v for k, v in values.items() if v.strip() or k in REQUIRED}
                )


def _check_header(header: list[str], path: Path) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise MalformedFile(
            f"the header lacks column(s) {', '.join(missing)}; it has {', '.join(header)}", path=str(path), line=1
        )
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        hints = "; ".join(
            f"{name} (did you mean {', '.join(did_you_mean(name, COLUMNS)) or 'nothing close'}?)" for name in unknown
        )
        raise MalformedFile(f"unknown column(s): {hints}", path=str(path), line=1)


def _decoded_lines(raw: IO[bytes]) -> Iterator[str]:
    """Lines as text; a line that is not UTF-8 is decoded with replacement characters (its record keeps them)."""
    for line in raw:
        yield line.decode("utf-8", "replace")
