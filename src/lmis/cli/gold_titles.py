"""Gold title files (CSV: a title column and an ESCO URI or ISCO code column) read for `lmis eval` and `lmis enrich`."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from lmis.bootstrap import Services
    from lmis.enrich.coding_eval import GoldTitle

TITLE_COLUMNS = ("title", "text", "vacancyTitle")
ESCO_COLUMNS = ("esco_uri", "conceptUri")


def read_title_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a (gzipped) CSV gold file; a usage error names a missing title or gold column."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    if not rows or not any(column in rows[0] for column in TITLE_COLUMNS):
        raise click.UsageError(f"{path} needs a column named one of {', '.join(TITLE_COLUMNS)}")
    if not any(column in rows[0] for column in (*ESCO_COLUMNS, "isco_code")):
        raise click.UsageError(f"{path} needs a gold column: esco_uri or isco_code")
    return rows


def first_of(row: dict[str, str], columns: tuple[str, ...]) -> str:
    """The first non-empty value among `columns`."""
    return next((row[c] for c in columns if row.get(c)), "")


def gold_titles(rows: list[dict[str, str]], built: Services) -> list[GoldTitle]:
    """Each row with its gold: the stored ESCO occupation of its URI (None when unknown) and ISCO-08 group."""
    from lmis.enrich.coding_eval import GoldTitle
    from lmis.enrich.evaluation import CodingGold
    from lmis.taxonomy.schemes import ESCO_OCCUPATION, concept_id

    uris = {first_of(row, ESCO_COLUMNS) for row in rows} - {""}
    with built.uow() as uow:
        ids = {concept_id(ESCO_OCCUPATION.code, uri) for uri in uris}
        records = {r.concept.uri: r.concept for r in uow.taxonomy.records(ids)}
    gold = []
    for row in rows:
        concept = records.get(first_of(row, ESCO_COLUMNS))
        isco = row.get("isco_code") or (str(concept.attributes.get("isco_group", "")) if concept else "")
        gold.append(
            GoldTitle(row_key(row), first_of(row, TITLE_COLUMNS), CodingGold(concept.id if concept else None, isco))
        )
    return gold


def row_key(row: dict[str, str]) -> str:
    """A gold row's id in its source file: the `row` column, or the file's unnamed first column."""
    return row.get("row") or row.get("", "")
