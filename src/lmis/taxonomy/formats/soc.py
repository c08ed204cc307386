"""Reader of the US SOC structure files (BLS SOC 2010; O*NET's SOC 2018 / O*NET-SOC 2019 listing)."""

from __future__ import annotations

from pathlib import Path

from lmis.shared.delimited import Row, UniqueKeys, read_header, read_rows
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress
from lmis.taxonomy.model import Broader, Concept, ConceptKind, Label, LabelType, Release, ReleaseBundle
from lmis.taxonomy.schemes import SOC_2010, SOC_2018, concept_id

# Column layouts of the two published structure files, from the most general level down.
_LAYOUTS = {
    SOC_2010.code: (
        ("major_group", "minor_group", "broad_group", "detailed_occupation"),
        "title",
    ),
    SOC_2018.code: (
        ("Major Group", "Minor Group", "Broad Occupation", "Detailed Occupation"),
        "SOC or O*NET-SOC 2019 Title",
    ),
}


def read_soc(path: Path, progress: Progress) -> ReleaseBundle:
    """Parse a SOC structure file; the edition (2010 or 2018) is told by its header.

    Each row fills exactly one level column; a row's parent is the nearest row above it
    at a higher level. Rows for O*NET-SOC detail codes (SOC 2018 file) are skipped: those
    occupations come from the O*NET release.
    """
    header = read_header(path)
    scheme = next((s for s, (levels, _) in _LAYOUTS.items() if levels[0] in header), None)
    if scheme is None:
        raise MalformedFile(
            "not a SOC 2010 (major_group, ...) or SOC 2018 (Major Group, ...) structure file",
            path=str(path),
            line=1,
        )
    levels, title_column = _LAYOUTS[scheme]
    year = scheme.rsplit("-", 1)[1]
    bundle = ReleaseBundle(
        Release(
            scheme,
            "soc",
            year,
            f"Standard Occupational Classification {year}",
            "U.S. Bureau of Labor Statistics",
            "Public domain (U.S. Government work)",
            "https://www.bls.gov/soc/",
        ),
        schemes=[SOC_2010 if scheme == SOC_2010.code else SOC_2018],
    )
    progress.begin(f"Reading SOC {year}", 1)
    parents: list[str | None] = [None] * len(levels)
    unique = UniqueKeys()
    for row in read_rows(path, required=(*levels, title_column)):
        filled = [(depth, row.get(column)) for depth, column in enumerate(levels) if row.get(column)]
        if not filled:
            continue  # an O*NET-SOC detail row of the 2018 listing
        depth, code = _single_level(row, filled)
        unique.check(row, code, levels[depth])
        cid = concept_id(scheme, code)
        kind = ConceptKind.OCCUPATION if depth == len(levels) - 1 else ConceptKind.OCCUPATION_GROUP
        title = row.require(title_column)
        bundle.concepts.append(Concept(cid, scheme, code, kind, title))
        bundle.labels.append(Label(cid, "en", LabelType.PREFERRED, title))
        parent = next((p for p in reversed(parents[:depth]) if p), None)
        if parent:
            bundle.broader.append(Broader(cid, parent))
        parents[depth:] = [cid] + [None] * (len(levels) - depth - 1)
    progress.advance()
    return bundle


def _single_level(row: Row, filled: list[tuple[int, str]]) -> tuple[int, str]:
    if len(filled) > 1:
        raise row.error("more than one level column is filled")
    return filled[0]
