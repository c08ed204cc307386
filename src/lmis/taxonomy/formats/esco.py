"""Reader of the official ESCO CSV download (classification per language + language-independent relations).

Columns follow ESCO v1.1.1's CSV export (`occupations_en.csv`: conceptUri, iscoGroup,
preferredLabel, altLabels, hiddenLabels, ...; `occupationSkillRelations.csv`: occupationUri,
relationType, skillUri). Alternative labels are newline-separated inside one field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lmis.shared.delimited import Row, UniqueKeys, find_file, read_rows
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress
from lmis.taxonomy.model import (
    AttributeValue,
    Broader,
    CodeMapping,
    CollectionMember,
    Concept,
    ConceptKind,
    Label,
    LabelType,
    OccupationSkill,
    Release,
    ReleaseBundle,
    SkillLink,
    SkillRelevance,
)
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ESCO_SKILL, ISCO_08, concept_id, isco_id

COLLECTIONS = {
    "digital": "digitalSkillsCollection",
    "digcomp": "digCompSkillsCollection",
    "green": "greenSkillsCollection",
    "language": "languageSkillsCollection",
    "transversal": "transversalSkillsCollection",
    "research": "researchSkillsCollection",
    "research-occupations": "researchOccupationsCollection",
}
_LANGUAGE_FILE = re.compile(r"^occupations_([a-z]{2,3})\.csv(\.gz)?$")
_ISCO_URI = re.compile(r"/isco/C(\d{1,4})$")


def read_esco(folder: Path, version: str, progress: Progress) -> ReleaseBundle:
    """Parse an ESCO CSV folder into a bundle; labels are read for every language present.

    Raises `MalformedFile` (file, line, column) on the first bad record; nothing is returned
    half-read.
    """
    languages = _languages(folder)
    progress.begin(f"Reading ESCO {version}", 6 + len(COLLECTIONS))
    bundle = ReleaseBundle(
        Release(
            id=f"esco-{version}",
            family="esco",
            version=version,
            title=f"ESCO classification v{version}",
            publisher="European Commission",
            licence="Commission Decision 2011/833/EU (reuse with attribution)",
            source="https://esco.ec.europa.eu/en/use-esco/download",
        ),
        schemes=[ESCO_OCCUPATION, ESCO_SKILL],
    )
    _read_occupations(folder, languages, bundle)
    progress.advance()
    _read_pillar(folder, "skills", languages, bundle, _skill)
    progress.advance()
    _read_pillar(folder, "skillGroups", languages, bundle, _skill_group)
    progress.advance()
    _read_broader(folder, bundle)
    progress.advance(2)
    _read_relations(folder, bundle)
    progress.advance()
    for name, stem in COLLECTIONS.items():
        _read_collection(folder, name, stem, bundle)
        progress.advance()
    return bundle


def _languages(folder: Path) -> list[str]:
    found = sorted(m.group(1) for p in folder.iterdir() if (m := _LANGUAGE_FILE.match(p.name)))
    if not found:
        raise MalformedFile("no occupations_<language>.csv file here", path=str(folder), line=0)
    return sorted(found, key=lambda lang: lang != "en")


def _required(folder: Path, stem: str) -> Path:
    path = find_file(folder, stem)
    if path is None:
        raise MalformedFile(f"{stem} (or {stem}.gz) is missing", path=str(folder), line=0)
    return path


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("\n") if part.strip()]


def _labels(row: Row, cid: str, language: str) -> list[Label]:
    labels = [Label(cid, language, LabelType.PREFERRED, row.require("preferredLabel"))]
    labels += [Label(cid, language, LabelType.ALTERNATIVE, t) for t in _split(row.get("altLabels"))]
    labels += [Label(cid, language, LabelType.HIDDEN, t) for t in _split(row.get("hiddenLabels"))]
    return labels


ConceptMaker = Callable[[Row, str, str], Concept]


def _read_pillar(folder: Path, stem: str, languages: list[str], bundle: ReleaseBundle, make: ConceptMaker) -> None:
    """Read `stem_<lang>.csv` for each language: concepts from the first, labels from all."""
    for language in languages:
        path = find_file(folder, f"{stem}_{language}.csv")
        if path is None:
            continue
        unique = UniqueKeys()
        for row in read_rows(path, required=("conceptUri", "preferredLabel")):
            unique.check(row, row.require("conceptUri"), "conceptUri")
            concept = make(row, row.require("conceptUri"), language)
            if language == languages[0]:
                bundle.concepts.append(concept)
            bundle.labels.extend(_labels(row, concept.id, language))


def _occupation(row: Row, uri: str, language: str) -> Concept:
    isco = row.get("iscoGroup")
    if isco and not isco.isdigit():
        raise row.error(f"ISCO group {isco!r} is not a number", "iscoGroup")
    attributes: dict[str, AttributeValue] = {"isco_group": isco} if isco else {}
    if regulated := row.get("regulatedProfessionNote").rsplit("/", 1)[-1]:
        attributes["regulated"] = regulated
    return _concept(row, ESCO_OCCUPATION.code, row.get("code") or uri, ConceptKind.OCCUPATION, language, attributes)


def _skill(row: Row, uri: str, language: str) -> Concept:
    attributes: dict[str, AttributeValue] = {
        key: value
        for key, value in (("skill_type", row.get("skillType")), ("reuse_level", row.get("reuseLevel")))
        if value
    }
    return _concept(row, ESCO_SKILL.code, uri, ConceptKind.SKILL, language, attributes)


def _skill_group(row: Row, uri: str, language: str) -> Concept:
    return _concept(row, ESCO_SKILL.code, row.get("code") or uri, ConceptKind.SKILL_GROUP, language, {})


def _concept(
    row: Row,
    scheme: str,
    code: str,
    kind: ConceptKind,
    language: str,
    attributes: dict[str, AttributeValue],
) -> Concept:
    uri = row.require("conceptUri")
    return Concept(
        concept_id(scheme, uri),
        scheme,
        code,
        kind,
        row.require("preferredLabel"),
        language,
        uri,
        row.get("description"),
        row.get("status") or "released",
        attributes=attributes,
    )


def _read_occupations(folder: Path, languages: list[str], bundle: ReleaseBundle) -> None:
    _required(folder, f"occupations_{languages[0]}.csv")
    _read_pillar(folder, "occupations", languages, bundle, _occupation)
    bundle.mappings.extend(
        CodeMapping(ESCO_OCCUPATION.code, str(c.uri), ISCO_08.code, str(c.attributes["isco_group"]))
        for c in bundle.concepts
        if "isco_group" in c.attributes
    )


def _broader_id(row: Row, uri: str, scheme: str) -> str:
    if match := _ISCO_URI.search(uri):
        return isco_id(match.group(1))
    if "/isco/" in uri:
        raise row.error(f"cannot read an ISCO code from {uri!r}", "broaderUri")
    return concept_id(scheme, uri)


def _read_broader(folder: Path, bundle: ReleaseBundle) -> None:
    for stem, scheme in (
        ("broaderRelationsOccPillar.csv", ESCO_OCCUPATION.code),
        ("broaderRelationsSkillPillar.csv", ESCO_SKILL.code),
    ):
        for row in read_rows(_required(folder, stem), required=("conceptUri", "broaderUri")):
            child_uri = row.require("conceptUri")
            if "/isco/" in child_uri:
                continue  # the ISCO hierarchy itself comes from the ISCO-08 release
            child = concept_id(scheme, child_uri)
            bundle.broader.append(Broader(child, _broader_id(row, row.require("broaderUri"), scheme)))


def _relevance(row: Row, column: str) -> SkillRelevance:
    value = row.require(column)
    try:
        return SkillRelevance(value)
    except ValueError:
        raise row.error(f"{value!r} is neither 'essential' nor 'optional'", column) from None


def _read_relations(folder: Path, bundle: ReleaseBundle) -> None:
    path = _required(folder, "occupationSkillRelations.csv")
    for row in read_rows(path, required=("occupationUri", "relationType", "skillUri")):
        bundle.occupation_skills.append(
            OccupationSkill(
                concept_id(ESCO_OCCUPATION.code, row.require("occupationUri")),
                concept_id(ESCO_SKILL.code, row.require("skillUri")),
                _relevance(row, "relationType"),
            )
        )
    links = find_file(folder, "skillSkillRelations.csv")
    if links is None:
        return
    columns = ("originalSkillUri", "relationType", "relatedSkillUri")
    for row in read_rows(links, required=columns):
        bundle.skill_links.append(
            SkillLink(
                concept_id(ESCO_SKILL.code, row.require("originalSkillUri")),
                concept_id(ESCO_SKILL.code, row.require("relatedSkillUri")),
                _relevance(row, "relationType"),
            )
        )


def _read_collection(folder: Path, name: str, stem: str, bundle: ReleaseBundle) -> None:
    path = find_file(folder, f"{stem}_en.csv")
    if path is None:
        return
    scheme = ESCO_OCCUPATION.code if "Occupations" in stem else ESCO_SKILL.code
    for row in read_rows(path, required=("conceptUri",)):
        bundle.collections.append(CollectionMember(name, concept_id(scheme, row.require("conceptUri"))))
