"""Reader of the O*NET database text files (tab-separated, O*NET 29.x column names)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from lmis.shared.delimited import Row, UniqueKeys, find_file, read_rows
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress
from lmis.taxonomy.model import (
    Broader,
    Concept,
    ConceptKind,
    Label,
    LabelType,
    Rating,
    Release,
    ReleaseBundle,
    Task,
    TechnologySkill,
)
from lmis.taxonomy.schemes import ONET_SOC_2019, concept_id

_CODE = "O*NET-SOC Code"
_CODE_PATTERN = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
_VERSION = re.compile(r"O\*NET\s+(\d+\.\d+)\s+Database")


def read_onet(folder: Path, version: str | None, progress: Progress) -> ReleaseBundle:
    """Parse the O*NET tables LMIS uses: occupations, alternate and reported titles, job zones,
    tasks, skill and knowledge ratings and technology skills.

    The version is read from `Read Me.txt` when not given. `Occupation Data.txt` is required;
    the other tables are read when present. Codes outside the occupation list are an error.
    """
    version = version or _version_from_readme(folder)
    bundle = ReleaseBundle(
        Release(
            f"onet-{version}",
            "onet",
            version,
            f"O*NET {version} Database (O*NET-SOC 2019 taxonomy)",
            "U.S. Department of Labor, Employment and Training Administration (USDOL/ETA)",
            "CC BY 4.0",
            "https://www.onetcenter.org/database.html",
        ),
        schemes=[ONET_SOC_2019],
    )
    readers: list[tuple[str, Callable[[Row, str, ReleaseBundle], None]]] = [
        ("Alternate Titles.txt", _alternate_title),
        ("Sample of Reported Titles.txt", _reported_title),
        ("Task Statements.txt", _task),
        ("Skills.txt", _rating("skill")),
        ("Knowledge.txt", _rating("knowledge")),
        ("Technology Skills.txt", _technology),
    ]
    progress.begin(f"Reading O*NET {version}", 2 + len(readers))
    codes = _read_occupations(folder, bundle)
    progress.advance()
    for stem, read in readers:
        for row in _rows_of_known_codes(folder, stem, codes):
            read(row, concept_id(ONET_SOC_2019.code, row.get(_CODE)), bundle)
        progress.advance()
    zones = {row.get(_CODE): _int(row, "Job Zone") for row in _rows_of_known_codes(folder, "Job Zones.txt", codes)}
    bundle.concepts = [_with_job_zone(c, zones[c.code]) if c.code in zones else c for c in bundle.concepts]
    progress.advance()
    return bundle


def _rows_of_known_codes(folder: Path, stem: str, codes: set[str]) -> Iterator[Row]:
    """The rows of table `stem` (none when the table is absent), each checked to name a known code."""
    path = find_file(folder, stem)
    if path is None:
        return
    for row in read_rows(path, required=(_CODE,)):
        if row.require(_CODE) not in codes:
            raise row.error(f"{row.get(_CODE)} is not in Occupation Data.txt", _CODE)
        yield row


def _version_from_readme(folder: Path) -> str:
    readme = find_file(folder, "Read Me.txt")
    if readme is not None:
        raw = readme.read_bytes()
        text = gzip.decompress(raw) if readme.suffix == ".gz" else raw
        if match := _VERSION.search(text.decode("utf-8", "replace")):
            return match.group(1)
    raise MalformedFile("no version given and none found in 'Read Me.txt'", path=str(folder), line=0)


def _read_occupations(folder: Path, bundle: ReleaseBundle) -> set[str]:
    path = find_file(folder, "Occupation Data.txt")
    if path is None:
        raise MalformedFile("Occupation Data.txt (or .gz) is missing", path=str(folder), line=0)
    codes: set[str] = set()
    unique = UniqueKeys()
    for row in read_rows(path, required=(_CODE, "Title", "Description")):
        code = row.require(_CODE)
        unique.check(row, code, _CODE)
        if not _CODE_PATTERN.match(code):
            raise row.error(f"{code!r} is not an O*NET-SOC code (NN-NNNN.NN)", _CODE)
        cid = concept_id(ONET_SOC_2019.code, code)
        title = row.require("Title")
        bundle.concepts.append(
            Concept(cid, ONET_SOC_2019.code, code, ConceptKind.OCCUPATION, title, "en", None, row.get("Description"))
        )
        bundle.labels.append(Label(cid, "en", LabelType.PREFERRED, title))
        codes.add(code)
    for code in codes:
        parent = code[:-2] + "00"
        if parent != code and parent in codes:
            bundle.broader.append(Broader(concept_id(ONET_SOC_2019.code, code), concept_id(ONET_SOC_2019.code, parent)))
    return codes


def _with_job_zone(concept: Concept, zone: int) -> Concept:
    return Concept(
        concept.id,
        concept.scheme,
        concept.code,
        concept.kind,
        concept.label,
        concept.language,
        concept.uri,
        concept.description,
        attributes={**concept.attributes, "job_zone": zone},
    )


def _int(row: Row, column: str) -> int:
    value = row.require(column)
    try:
        return int(float(value))
    except ValueError:
        raise row.error(f"{value!r} is not a number", column) from None


def _float(row: Row, column: str) -> float:
    value = row.require(column)
    try:
        return float(value)
    except ValueError:
        raise row.error(f"{value!r} is not a number", column) from None


def _alternate_title(row: Row, cid: str, bundle: ReleaseBundle) -> None:
    title = row.require("Alternate Title")
    bundle.labels.append(Label(cid, "en", LabelType.ALTERNATIVE, title))
    short = row.get("Short Title")
    if short and short != title:
        bundle.labels.append(Label(cid, "en", LabelType.ALTERNATIVE, short))


def _reported_title(row: Row, cid: str, bundle: ReleaseBundle) -> None:
    bundle.labels.append(Label(cid, "en", LabelType.REPORTED, row.require("Reported Job Title")))


def _task(row: Row, cid: str, bundle: ReleaseBundle) -> None:
    bundle.tasks.append(Task(cid, row.require("Task ID"), row.require("Task"), row.get("Task Type")))


def _rating(domain: str) -> Callable[[Row, str, ReleaseBundle], None]:
    def read(row: Row, cid: str, bundle: ReleaseBundle) -> None:
        if row.get("Not Relevant") == "Y":
            return  # O*NET marks level ratings of irrelevant elements; they carry no information
        bundle.ratings.append(
            Rating(
                cid,
                domain,
                row.require("Element ID"),
                row.require("Element Name"),
                row.require("Scale ID"),
                _float(row, "Data Value"),
                row.get("Recommend Suppress") == "Y",
            )
        )

    return read


def _technology(row: Row, cid: str, bundle: ReleaseBundle) -> None:
    bundle.technology.append(
        TechnologySkill(
            cid,
            row.require("Example"),
            row.get("Commodity Code"),
            row.get("Commodity Title"),
            row.get("Hot Technology") == "Y",
            row.get("In Demand") == "Y",
        )
    )
