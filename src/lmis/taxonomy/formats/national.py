"""Reader of a national occupation classification as CSV (KECO, KSCO, KBJI, ...).

One row per label: `code, label, parent, language` are required; optional columns are
`label_type` (preferred | alternative | hidden, default preferred), `description` and
`isco08` (the ISCO-08 group the code maps to). A code may appear on several rows, one per
label; its first preferred label is its name. A parent must be a code of the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lmis.shared.delimited import Row, read_rows
from lmis.shared.progress import Progress
from lmis.taxonomy.model import (
    Broader,
    CodeMapping,
    Concept,
    ConceptKind,
    Label,
    LabelType,
    MatchType,
    Release,
    ReleaseBundle,
    Scheme,
)
from lmis.taxonomy.schemes import ISCO_08, concept_id

REQUIRED = ("code", "label", "parent", "language")


@dataclass(frozen=True, slots=True)
class NationalScheme:
    """What the person importing says of the scheme: its code, title, version and owner."""

    code: str
    title: str
    version: str
    publisher: str = ""
    licence: str = ""


@dataclass(slots=True)
class _Entry:
    first_row: Row
    label: str = ""
    language: str = ""
    description: str = ""
    parent: str = ""
    isco: set[str] = field(default_factory=set)
    labels: list[Label] = field(default_factory=list)


def read_national(path: Path, scheme: NationalScheme, progress: Progress) -> ReleaseBundle:
    """Parse a national scheme CSV into a bundle; every error names file, line and column."""
    progress.begin(f"Reading {scheme.code} {scheme.version}", 1)
    entries = _entries(path, scheme.code)
    bundle = ReleaseBundle(
        Release(
            f"{scheme.code}-{scheme.version}",
            "national",
            scheme.version,
            scheme.title,
            scheme.publisher,
            scheme.licence,
            path.name,
        ),
        schemes=[Scheme(scheme.code, scheme.title, "national")],
    )
    parents = {entry.parent for entry in entries.values() if entry.parent}
    for code, entry in entries.items():
        if not entry.label:
            raise entry.first_row.error(f"code {code} has no preferred label", "label_type")
        if entry.parent and entry.parent not in entries:
            raise entry.first_row.error(f"parent {entry.parent!r} is not a code of this file", "parent")
        cid = concept_id(scheme.code, code)
        kind = ConceptKind.OCCUPATION_GROUP if code in parents else ConceptKind.OCCUPATION
        bundle.concepts.append(
            Concept(cid, scheme.code, code, kind, entry.label, entry.language, None, entry.description)
        )
        bundle.labels.extend(entry.labels)
        if entry.parent:
            bundle.broader.append(Broader(cid, concept_id(scheme.code, entry.parent)))
        bundle.mappings.extend(
            CodeMapping(scheme.code, code, ISCO_08.code, isco, MatchType.CLOSE, 1.0) for isco in sorted(entry.isco)
        )
    progress.advance()
    return bundle


def _entries(path: Path, scheme_code: str) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for row in read_rows(path, required=REQUIRED):
        code = row.require("code")
        entry = entries.setdefault(code, _Entry(row))
        label_type = _label_type(row)
        language = row.require("language").lower()
        text = row.require("label")
        if label_type is LabelType.PREFERRED and not entry.label:
            entry.label, entry.language = text, language
        entry.labels.append(Label(concept_id(scheme_code, code), language, label_type, text))
        entry.description = entry.description or row.get("description")
        parent = row.get("parent")
        if parent and entry.parent and parent != entry.parent:
            raise row.error(f"code {code} already has parent {entry.parent!r}", "parent")
        if parent == code:
            raise row.error("a code cannot be its own parent", "parent")
        entry.parent = entry.parent or parent
        if isco := row.get("isco08"):
            if not (isco.isdigit() and 1 <= len(isco) <= 4):
                raise row.error(f"{isco!r} is not a 1- to 4-digit ISCO-08 code", "isco08")
            entry.isco.add(isco)
    return entries


def _label_type(row: Row) -> LabelType:
    value = row.get("label_type") or LabelType.PREFERRED.value
    allowed = (LabelType.PREFERRED, LabelType.ALTERNATIVE, LabelType.HIDDEN)
    if value not in {t.value for t in allowed}:
        raise row.error(f"{value!r} is not one of {', '.join(t.value for t in allowed)}", "label_type")
    return LabelType(value)
