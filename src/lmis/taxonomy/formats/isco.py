"""Reader of the ISCO-08 structure (ILO `struct08` as CSV), with ESCO's ISCO group labels and descriptions."""

from __future__ import annotations

import re
from pathlib import Path

from lmis.shared.delimited import UniqueKeys, find_file, read_rows
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress
from lmis.taxonomy.model import Broader, Concept, ConceptKind, Label, LabelType, Release, ReleaseBundle
from lmis.taxonomy.schemes import ISCO_08, isco_id

_STRUCTURE = "isco08_structure_ilo.csv"
_ESCO_GROUPS = re.compile(r"^ISCOGroups_([a-z]{2,3})\.csv(\.gz)?$")


def read_isco(folder: Path, progress: Progress) -> ReleaseBundle:
    """Parse ISCO-08: `isco08_structure_ilo.csv` (isco_code, title) gives the 619 groups; any
    `ISCOGroups_<lang>.csv` from ESCO adds descriptions and labels in that language.

    1- to 3-digit groups are occupation groups; 4-digit unit groups are occupations.
    """
    structure = find_file(folder, _STRUCTURE)
    if structure is None:
        raise MalformedFile(f"{_STRUCTURE} (or .gz) is missing", path=str(folder), line=0)
    progress.begin("Reading ISCO-08", 2)
    descriptions, labels = _esco_groups(folder)
    bundle = ReleaseBundle(
        Release(
            "isco-08",
            "isco",
            "2008",
            "ISCO-08 International Standard Classification of Occupations",
            "International Labour Organization",
            "ILO: freely reproducible with the source cited",
            "https://www.ilo.org/public/english/bureau/stat/isco/isco08/",
        ),
        schemes=[ISCO_08],
    )
    unique = UniqueKeys()
    for row in read_rows(structure, required=("isco_code", "title")):
        code = row.require("isco_code")
        unique.check(row, code, "isco_code")
        if not (code.isdigit() and 1 <= len(code) <= 4):
            raise row.error(f"{code!r} is not a 1- to 4-digit ISCO-08 code", "isco_code")
        cid = isco_id(code)
        kind = ConceptKind.OCCUPATION if len(code) == 4 else ConceptKind.OCCUPATION_GROUP
        title = row.require("title")
        bundle.concepts.append(Concept(cid, ISCO_08.code, code, kind, title, "en", None, descriptions.get(code, "")))
        bundle.labels.append(Label(cid, "en", LabelType.PREFERRED, title))
        bundle.labels.extend(label for label in labels.get(code, []) if label.text != title)
        if len(code) > 1:
            bundle.broader.append(Broader(cid, isco_id(code[:-1])))
    progress.advance(2)
    return bundle


def _esco_groups(folder: Path) -> tuple[dict[str, str], dict[str, list[Label]]]:
    descriptions: dict[str, str] = {}
    labels: dict[str, list[Label]] = {}
    for path in sorted(folder.iterdir(), key=lambda p: "_en." not in p.name):
        match = _ESCO_GROUPS.match(path.name)
        if not match:
            continue
        language = match.group(1)
        for row in read_rows(path, required=("code", "preferredLabel")):
            code = row.require("code")
            if language == "en" and row.get("description"):
                descriptions[code] = row.get("description")
            entry = labels.setdefault(code, [])
            label_type = LabelType.PREFERRED if language != "en" else LabelType.ALTERNATIVE
            entry.append(Label(isco_id(code), language, label_type, row.require("preferredLabel")))
            entry.extend(
                Label(isco_id(code), language, LabelType.ALTERNATIVE, alt.strip())
                for alt in row.get("altLabels").split("\n")
                if alt.strip()
            )
    return descriptions, labels
