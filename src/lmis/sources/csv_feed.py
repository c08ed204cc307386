"""CSV and TSV feeds, read through a column-mapping file onto the canonical record.

The mapping is JSON: `{"columns": {"external_id": "Job Ref", "title": "Job Title",
"employer.name": "Company", ...}, "delimiter": ","}`. Dotted canonical names build nested
fields. Without a mapping the columns must carry the canonical names themselves.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from lmis.ingest.model import Draft, ParseError, Payload, Problem
from lmis.shared.errors import Invalid
from lmis.sources.ndjson import load_object

_EXTRA = "__extra_fields__"


class CsvFormat:
    """Rows of a delimited file; each row's raw payload is the row as a JSON object of its columns."""

    name = "csv"

    def __init__(self, columns: Mapping[str, str] | None = None, delimiter: str = ",") -> None:
        self.columns = dict(columns or {})
        self.delimiter = delimiter

    @classmethod
    def from_mapping_file(cls, path: Path) -> CsvFormat:
        """Read a mapping file; raises `Invalid` naming what is wrong with it."""
        try:
            mapping = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise Invalid(f"cannot read the column mapping {path}: {error}", field="mapping") from None
        columns = mapping.get("columns") if isinstance(mapping, dict) else None
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise Invalid(f"{path}: 'columns' must map canonical field names to column names", field="mapping")
        missing = [name for name in ("external_id", "title") if name not in columns]
        if missing:
            raise Invalid(f"{path}: the mapping lacks {', '.join(missing)}", field="mapping")
        return cls(columns, str(mapping.get("delimiter", cls().delimiter)))

    def options(self) -> dict[str, object]:
        """The column mapping and delimiter, so a replay reads the rows the same way."""
        return {"columns": dict(self.columns), "delimiter": self.delimiter}

    def payloads(self, data: BinaryIO) -> Iterator[Payload]:
        """One payload per row after the header; a row with more fields than the header keeps them under
        `__extra_fields__` so the row is stored whole and rejected with its reason."""
        text = io.TextIOWrapper(data, encoding="utf-8-sig", errors="replace", newline="")
        try:
            yield from self._rows(csv.reader(text, delimiter=self.delimiter))
        finally:
            text.detach()  # the caller owns `data`

    def _rows(self, reader: Iterator[list[str]]) -> Iterator[Payload]:
        header = next(reader, [])
        line = 2
        for fields in reader:
            start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
            if not any(field.strip() for field in fields):
                continue
            row: dict[str, object] = dict(zip(header, fields, strict=False))
            if len(fields) > len(header):
                row[_EXTRA] = fields[len(header) :]
            payload = json.dumps(row, ensure_ascii=False)
            flagged = "\ufffd" in payload
            yield Payload(f"row {start}", payload, "not UTF-8 text" if flagged else "")

    def parse(self, payload: str) -> list[Draft]:
        """The row mapped onto canonical names."""
        row = load_object(payload)
        if _EXTRA in row:
            extra = row[_EXTRA]
            count = len(extra) if isinstance(extra, list) else 1
            raise ParseError(Problem("row", str(extra)[:80], f"has {count} more field(s) than the header"))
        draft: dict[str, object] = {}
        for canonical, column in (self.columns or {name: name for name in row}).items():
            value = row.get(column)
            if value in (None, ""):
                continue
            target = draft
            *parents, leaf = canonical.split(".")
            for parent in parents:
                nested = target.setdefault(parent, {})
                target = nested if isinstance(nested, dict) else {}
            target[leaf] = value
        return [draft]


class TsvFormat(CsvFormat):
    """Tab-separated rows (same mapping rules as CSV)."""

    name = "tsv"

    def __init__(self, columns: Mapping[str, str] | None = None, delimiter: str = "\t") -> None:
        super().__init__(columns, delimiter)
