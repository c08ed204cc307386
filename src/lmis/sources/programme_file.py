"""Episode files of programme evaluation: CSV (optionally .gz), one registered jobseeker's episode a row.

A row that cannot be read (more fields than the header, bytes that are not UTF-8) is still yielded
with its raw text and the reason, so the import quarantines it rather than losing it. Only a file
that cannot be read at all (missing, empty, required columns absent, unknown columns) stops with
`MalformedFile`. Columns: docs/evaluation.md.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lmis.analytics.programme_ports import EpisodeRecord
from lmis.analytics.programme_validation import COLUMNS, REQUIRED_COLUMNS
from lmis.shared.errors import MalformedFile, did_you_mean


def count_rows(path: Path) -> int:
    """Roughly how many rows `path` holds (non-blank lines less the header), for a progress bar."""
    with _open(path) as data:
        return max(0, sum(1 for line in data if line.strip()) - 1)


def read_episodes(path: Path) -> Iterator[EpisodeRecord]:
    """The episode records of the CSV file `path`; the header is checked before the first record."""
    if not path.is_file():
        raise MalformedFile("no such file", path=str(path), line=0)
    data = _open(path)
    try:
        reader = csv.reader(line.decode("utf-8", "replace") for line in data)
        header = _header(reader, path)
    except BaseException:
        data.close()
        raise
    return _records(data, reader, header)


def _open(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]  # a GzipFile reads bytes like any IO[bytes]
    return path.open("rb")


def _header(reader: Iterator[list[str]], path: Path) -> list[str]:
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        raise MalformedFile("the file is empty", path=str(path), line=1) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
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
    return header


def _records(data: IO[bytes], reader: Iterator[list[str]], header: list[str]) -> Iterator[EpisodeRecord]:
    line = 2
    with data:
        for fields in reader:
            start, line = line, getattr(reader, "line_num", line) + 1
            if not any(value.strip() for value in fields):
                continue
            values = dict(zip(header, fields, strict=False))
            payload = json.dumps(values if len(fields) <= len(header) else fields, ensure_ascii=False)
            position = f"line {start}"
            if len(fields) > len(header):
                yield EpisodeRecord(
                    position, payload, None, f"has {len(fields)} fields where the header has {len(header)}"
                )
            elif any("\ufffd" in value for value in fields):
                yield EpisodeRecord(position, payload, None, "has bytes that are not UTF-8 text")
            else:
                yield EpisodeRecord(position, payload, {k: v for k, v in values.items() if v.strip()})
