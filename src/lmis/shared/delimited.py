"""Reading delimited text files (CSV, TSV, optionally gzipped) with positions for errors."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lmis.shared.errors import MalformedFile

_FIELD_LIMIT = 1 << 24  # ESCO descriptions with embedded lists exceed csv's 128 KiB default


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a delimited file: its values by column and the line it starts on."""

    path: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The trimmed value of `column`, or "" when the column is absent or empty."""
        return (self.values.get(column) or "").strip()

    def require(self, column: str) -> str:
        """The trimmed value of `column`; raises `MalformedFile` when it is empty."""
        value = self.get(column)
        if not value:
            raise self.error("a value is required", column)
        return value

    def error(self, detail: str, column: str | None = None) -> MalformedFile:
        """A `MalformedFile` pointing at this row (and `column`)."""
        return MalformedFile(detail, path=self.path, line=self.line, column=column)


def find_file(folder: Path, stem: str) -> Path | None:
    """The file `stem` in `folder`, plain or gzipped (`stem.gz`), or None when neither exists."""
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def read_header(path: Path, *, delimiter: str | None = None) -> list[str]:
    """The column names of `path`; raises `MalformedFile` for an empty or undecodable file."""
    with _open_lines(path) as lines:
        return _header(csv.reader(lines, **_dialect(path, delimiter)), path)


def read_rows(path: Path, *, required: Iterable[str] = (), delimiter: str | None = None) -> Iterator[Row]:
    """Yield the records of `path` as `Row`s, checking the header first.

    The delimiter is a tab for `.txt`/`.tsv` files and a comma otherwise unless given.
    Raises `MalformedFile` naming the file and line when a required column is missing,
    a record has more fields than the header, or the bytes of a line are not UTF-8.
    """
    with _open_lines(path) as lines:
        reader = csv.reader(lines, **_dialect(path, delimiter))
        header = _header(reader, path)
        missing = [name for name in required if name not in header]
        if missing:
            raise MalformedFile(
                f"the header lacks column(s) {', '.join(missing)}; it has {', '.join(header)}",
                path=str(path),
                line=1,
            )
        yield from _records(reader, header, str(path))


class UniqueKeys:
    """Remembers where each key of a file was first seen, to reject a key listed twice."""

    def __init__(self) -> None:
        self._first_line: dict[str, int] = {}

    def check(self, row: Row, key: str, column: str) -> None:
        """Raise `MalformedFile` at `row` when `key` was already seen in the file."""
        first = self._first_line.setdefault(key, row.line)
        if first != row.line:
            raise row.error(f"{key!r} is listed twice (first on line {first})", column)


def _dialect(path: Path, delimiter: str | None) -> dict[str, Any]:
    csv.field_size_limit(_FIELD_LIMIT)
    sep = delimiter or ("\t" if _bare_suffix(path) in {".txt", ".tsv"} else ",")
    return {"delimiter": sep, "quoting": csv.QUOTE_NONE if sep == "\t" else csv.QUOTE_MINIMAL}


def _header(reader: Iterator[list[str]], path: Path) -> list[str]:
    try:
        return [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        raise MalformedFile("the file is empty", path=str(path), line=1) from None


def _records(reader: Iterator[list[str]], header: list[str], path: str) -> Iterator[Row]:
    line = 2
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise MalformedFile(f"unreadable record ({error})", path=path, line=line) from None
        start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
        if not fields or fields == [""]:
            continue
        if len(fields) > len(header):
            raise MalformedFile(
                f"{len(fields)} fields where the header has {len(header)}",
                path=path,
                line=start,
                column=f"#{len(header) + 1}",
            )
        yield Row(path, start, dict(zip(header, fields, strict=False)))


def fingerprint(paths: Iterable[Path], *, extra: str = "") -> str:
    """A SHA-256 over `extra` and the names and bytes of `paths`: equal fingerprints mean equal input."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(path.name.encode())
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _bare_suffix(path: Path) -> str:
    return Path(path.stem).suffix if path.suffix == ".gz" else path.suffix


@contextmanager
def _open_lines(path: Path) -> Iterator[Iterator[str]]:
    """The decoded lines of `path` (gzipped or plain), decoded one line at a time so that a
    byte that is not UTF-8 is reported on its own line."""
    if not path.is_file():
        raise MalformedFile("no such file", path=str(path), line=0)
    with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as raw:
        yield _decoded(raw, str(path))


def _decoded(raw: Iterable[bytes], path: str) -> Iterator[str]:
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise MalformedFile(f"not UTF-8 text ({error.reason})", path=path, line=number) from None
