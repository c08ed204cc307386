"""Builds the occupation spaces of the next-occupation recommender from the shipped taxonomy files, cached as .npz.

O*NET-SOC: Skills and Knowledge importance, work activities (Tasks to DWAs), Technology Skills,
titles + description embeddings, Job Zone, SOC hierarchy. ESCO: IDF-weighted essential
and optional skills, label + description embeddings, ISCO hierarchy, and the O*NET similarity
carried through Nesta's ESCO -> O*NET-SOC crosswalk. ISCO-08 unit groups: their ESCO occupations
pooled. Ids are the importer's concept ids (`lmis.taxonomy.schemes.concept_id`). The cache file
is named by a hash of the input files, the embedder version and `SPACE_VERSION`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from lmis.recommend.pathways import (
    DEFAULT_WEIGHTS,
    Carried,
    FloatArray,
    OccupationSpace,
    SkillProfile,
    SparseRows,
    content_scores,
)
from lmis.shared.delimited import find_file, fingerprint, read_rows
from lmis.shared.errors import Invalid, NotFound
from lmis.shared.progress import Progress, SilentProgress
from lmis.storage.occupation_space_cache import Embed, cached_embed, load_space, save_space
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ESCO_SKILL, ISCO_08, ONET_SOC_2019, concept_id

SPACE_VERSION = "pathways-1"

SCHEMES = (ONET_SOC_2019.code, ESCO_OCCUPATION.code, ISCO_08.code)
# O*NET importance (1-5) at or above which a skill or knowledge area counts as essential ("important").
ESSENTIAL_IMPORTANCE = 3.0
_ONET = "O*NET-SOC Code"
_ONET_FILES = "Occupation Data|Skills|Knowledge|Tasks to DWAs|Technology Skills|Job Zones|Alternate Titles"
_ESCO_FILES = ("occupations_en.csv", "occupationSkillRelations.csv", "skills_en.csv")
_CROSSWALKS = ("esco_onet_crosswalk_nesta_Nov2020.csv", "onetsoc2010_to_onetsoc2019.csv")


def load_occupation_space(
    taxonomy_dir: Path,
    scheme: str,
    *,
    cache_dir: Path,
    embed: Embed | None = None,
    embedder_version: str = "",
    progress: Progress | None = None,
    label_vectors: Callable[[], Mapping[str, FloatArray]] | None = None,
) -> OccupationSpace:
    """The space of `scheme` (onet-soc-2019, esco-occupation, isco-08), from the cache when its inputs are unchanged.

    `embed` (passage embeddings, e.g. `E5Embedder().passages`) adds the title signal; without it
    the space has no title signal. `label_vectors` (ESCO concept id -> a unit vector of its labels,
    such as the occupation coder's, already embedded for enrichment) gives the ESCO space its title
    signal without embedding anything; the O*NET space it carries is then built without titles.
    Raises `Invalid` for another scheme, `NotFound` when the scheme's files are missing.
    """
    if scheme not in SCHEMES:
        raise Invalid(f"no occupation space for {scheme!r}", field="scheme", suggestions=list(SCHEMES))
    files = _inputs(taxonomy_dir, scheme)
    # The ESCO and ISCO spaces carry O*NET's weighted similarity, so O*NET's weights are part of their key.
    weights = json.dumps(DEFAULT_WEIGHTS[ONET_SOC_2019.code], sort_keys=True) if scheme != ONET_SOC_2019.code else ""
    titles = embedder_version if embed else ("labels" if label_vectors and scheme != ONET_SOC_2019.code else "none")
    key = fingerprint(files, extra=f"{SPACE_VERSION}|{scheme}|{titles}|{weights}")
    cache = cache_dir / f"occupation-space-{scheme}-{key[:16]}.npz"
    if cache.is_file():
        return load_space(cache)
    report = progress or SilentProgress()
    if embed is not None:
        embed = cached_embed(embed, f"{embedder_version}|{SPACE_VERSION}", cache_dir)
    if scheme == ONET_SOC_2019.code:
        space = _onet_space(taxonomy_dir / "onet", embed, report)
    else:
        onet = load_occupation_space(
            taxonomy_dir, ONET_SOC_2019.code, cache_dir=cache_dir, embed=embed, embedder_version=embedder_version
        )
        space = _esco_space(taxonomy_dir, onet, embed, report, label_vectors)
        if scheme == ISCO_08.code:
            space = _isco_space(taxonomy_dir / "isco", space)
    save_space(space, cache)
    return space


def _inputs(taxonomy_dir: Path, scheme: str) -> list[Path]:
    onet = [p for stem in _ONET_FILES.split("|") if (p := find_file(taxonomy_dir / "onet", f"{stem}.txt"))]
    if not any(p.name.startswith("Occupation Data") for p in onet):
        raise NotFound(f"O*NET's Occupation Data.txt is not in {taxonomy_dir / 'onet'}: is the taxonomy folder right?")
    if scheme == ONET_SOC_2019.code:
        return onet
    esco = [p for stem in _ESCO_FILES if (p := find_file(taxonomy_dir / "esco", stem))]
    if len(esco) < len(_ESCO_FILES):
        raise NotFound(f"ESCO's {', '.join(_ESCO_FILES)} are not all in {taxonomy_dir / 'esco'}")
    crosswalks = [p for stem in _CROSSWALKS if (p := find_file(taxonomy_dir / "crosswalks", stem))]
    isco = [p for p in [find_file(taxonomy_dir / "isco", "isco08_structure_ilo.csv")] if p]
    return onet + esco + crosswalks + (isco if scheme == ISCO_08.code else [])


# --- O*NET -----------------------------------------------------------------------------------------


def _onet_space(folder: Path, embed: Embed | None, progress: Progress) -> OccupationSpace:
    progress.begin("Building the O*NET occupation space", 6 + (1 if embed else 0))
    occupations = [
        (row.require(_ONET), row.require("Title"), row.get("Description"))
        for row in read_rows(folder / _name(folder, "Occupation Data.txt"), required=(_ONET, "Title"))
    ]
    codes = [code for code, _title, _description in occupations]
    row_of = {code: i for i, code in enumerate(codes)}
    skills, skill_names = _ratings(folder, ("Skills.txt", "Knowledge.txt"), row_of, "IM")
    progress.advance(2)
    # One cosine over the concatenated importance vectors: it beat Knowledge or Skills alone, centred
    # vectors and importance x level on the development sets (docs/recommend.md).
    dense = {"skills_knowledge": _normalised(skills)}
    sparse = {
        "activities": _idf_sets(_sets(folder, "Tasks to DWAs.txt", "DWA ID", row_of), len(codes)),
        "technology": _idf_sets(_sets(folder, "Technology Skills.txt", "Example", row_of), len(codes)),
    }
    progress.advance(2)
    if embed is not None:
        dense["titles"] = _normalised(embed(_onet_title_texts(folder, occupations, row_of)))
        progress.advance()
    zones = np.full(len(codes), np.nan, dtype=np.float32)
    for row in _rows(folder, "Job Zones.txt"):
        if (i := row_of.get(row.get(_ONET, ""))) is not None and row.get("Job Zone"):
            zones[i] = float(row["Job Zone"])
    profiles = tuple(
        SkillProfile({name: float(v) for name, v in zip(skill_names, values, strict=True) if v >= ESSENTIAL_IMPORTANCE})
        for values in skills
    )
    progress.advance(2)
    return OccupationSpace(
        scheme=ONET_SOC_2019.code,
        ids=tuple(concept_id(ONET_SOC_2019.code, code) for code in codes),
        codes=tuple(codes),
        labels=tuple(title for _code, title, _description in occupations),
        skills=profiles,
        skill_labels={name: name for name in skill_names},
        weights=DEFAULT_WEIGHTS[ONET_SOC_2019.code],
        dense=dense,
        sparse=sparse,
        job_zones=zones,
        hierarchy=tuple(code[:7] for code in codes),
    )


def _name(folder: Path, stem: str) -> str:
    found = find_file(folder, stem)
    if found is None:
        raise NotFound(f"{stem} is not in {folder}")
    return found.name


def _rows(folder: Path, stem: str) -> list[dict[str, str]]:
    found = find_file(folder, stem)
    return [] if found is None else [row.values for row in read_rows(found)]


def _ratings(folder: Path, stems: tuple[str, ...], row_of: dict[str, int], scale: str) -> tuple[FloatArray, list[str]]:
    """Occupation x element matrix of the `scale` ratings in the tables `stems` (element names as columns)."""
    values: dict[tuple[int, str], float] = {}
    for stem in stems:
        for row in _rows(folder, stem):
            if row.get("Scale ID") == scale and (i := row_of.get(row.get(_ONET, ""))) is not None:
                values[(i, row["Element Name"])] = float(row["Data Value"])
    names = sorted({name for _i, name in values})
    column = {name: j for j, name in enumerate(names)}
    matrix = np.zeros((len(row_of), len(names)), dtype=np.float32)
    for (i, name), value in values.items():
        matrix[i, column[name]] = value
    return matrix, names


def _normalised(matrix: FloatArray) -> FloatArray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def _sets(folder: Path, stem: str, column: str, row_of: dict[str, int]) -> list[set[str]]:
    members: list[set[str]] = [set() for _ in row_of]
    for row in _rows(folder, stem):
        if (i := row_of.get(row.get(_ONET, ""))) is not None and row.get(column):
            members[i].add(row[column])
    return members


def _idf_sets(members: Sequence[set[str] | dict[str, float]], n: int) -> SparseRows:
    """Sets (or {item: weight}) as rows weighted by inverse document frequency log(n / df)."""
    idf = _idf_of([m if isinstance(m, dict) else dict.fromkeys(m, 1.0) for m in members], n)
    column = {item: j for j, item in enumerate(sorted(idf))}
    rows = []
    for items in members:
        scale = items if isinstance(items, dict) else dict.fromkeys(items, 1.0)
        rows.append({column[i]: scale[i] * idf[i] for i in items if idf[i] > 0})
    return SparseRows.from_sets(rows, max(len(column), 1))


def _onet_title_texts(folder: Path, occupations: list[tuple[str, str, str]], row_of: dict[str, int]) -> list[str]:
    """'Title (alternate titles): description': what the occupation is called and what it does."""
    alternates: list[list[str]] = [[] for _ in occupations]
    for row in _rows(folder, "Alternate Titles.txt"):
        i = row_of.get(row.get(_ONET, ""))
        if i is not None and len(alternates[i]) < 8:
            alternates[i].append(row.get("Short Title") or row["Alternate Title"])
    return [
        f"{title} ({', '.join(alternates[i])}): {description}"
        for i, (_code, title, description) in enumerate(occupations)
    ]


# --- ESCO and ISCO --------------------------------------------------------------------------------


def _esco_space(
    taxonomy_dir: Path,
    onet: OccupationSpace,
    embed: Embed | None,
    progress: Progress,
    label_vectors: Callable[[], Mapping[str, FloatArray]] | None = None,
) -> OccupationSpace:
    folder = taxonomy_dir / "esco"
    progress.begin("Building the ESCO occupation space", 5)
    rows = [r for r in _rows(folder, "occupations_en.csv") if r.get("conceptUri")]
    uris = [r["conceptUri"] for r in rows]
    row_of = {uri: i for i, uri in enumerate(uris)}
    skill_labels = {
        concept_id(ESCO_SKILL.code, r["conceptUri"]): r.get("preferredLabel", "")
        for r in _rows(folder, "skills_en.csv")
    }
    essential: list[dict[str, float]] = [{} for _ in uris]
    optional: list[set[str]] = [set() for _ in uris]
    for r in _rows(folder, "occupationSkillRelations.csv"):
        if (i := row_of.get(r.get("occupationUri", ""))) is not None:
            skill = concept_id(ESCO_SKILL.code, r["skillUri"])
            if r.get("relationType") == "essential":
                essential[i][skill] = 1.0
            else:
                optional[i].add(skill)
    progress.advance(2)
    weighted = [{**dict.fromkeys(optional[i], 0.5), **essential[i]} for i in range(len(uris))]
    skill_sets = _idf_sets(weighted, len(uris))
    idf = _idf_of(weighted, len(uris))
    sparse = {"skills": skill_sets, "skill_set": _binary_sets([set(w) for w in weighted])}
    dense: dict[str, FloatArray] = {}
    if embed is not None:
        texts = [f"{r.get('preferredLabel', '')}: {r.get('description', '')[:300]}" for r in rows]
        dense["titles"] = _normalised(embed(texts))
    elif label_vectors is not None and (known := label_vectors()):
        empty = np.zeros(len(next(iter(known.values()))), dtype=np.float32)
        ids = [concept_id(ESCO_OCCUPATION.code, uri) for uri in uris]
        dense["titles"] = np.stack([known.get(i, empty) for i in ids]).astype(np.float32)
    progress.advance(3)
    return OccupationSpace(
        scheme=ESCO_OCCUPATION.code,
        ids=tuple(concept_id(ESCO_OCCUPATION.code, uri) for uri in uris),
        codes=tuple(r.get("code") or r["conceptUri"] for r in rows),
        labels=tuple(r.get("preferredLabel", "") for r in rows),
        skills=tuple(
            SkillProfile({s: idf.get(s, 0.0) for s in essential[i]}, frozenset(optional[i])) for i in range(len(uris))
        ),
        skill_labels=skill_labels,
        weights=DEFAULT_WEIGHTS[ESCO_OCCUPATION.code],
        dense=dense,
        sparse=sparse,
        carried={"onet": _carried_onet(taxonomy_dir / "crosswalks", onet, uris)},
        hierarchy=tuple(r.get("iscoGroup", "") for r in rows),
    )


def _binary_sets(members: Sequence[set[str]]) -> SparseRows:
    column = {item: j for j, item in enumerate(sorted(set().union(*members)))}
    return SparseRows.from_sets([dict.fromkeys((column[i] for i in m), 1.0) for m in members], max(len(column), 1))


def _idf_of(sets: Sequence[dict[str, float]], n: int) -> dict[str, float]:
    frequency: dict[str, int] = defaultdict(int)
    for items in sets:
        for item in items:
            frequency[item] += 1
    return {item: math.log(n / count) for item, count in frequency.items()}


def esco_to_onet(crosswalks: Path) -> dict[str, list[tuple[str, float]]]:
    """ESCO occupation URI -> [(O*NET-SOC 2019 code, confidence)], best first, via Nesta's crosswalk (2010 -> 2019)."""
    to_2019: dict[str, list[str]] = defaultdict(list)
    for r in _rows(crosswalks, "onetsoc2010_to_onetsoc2019.csv"):
        to_2019[r["O*NET-SOC 2010 Code"]].append(r["O*NET-SOC 2019 Code"])
    mapped: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in _rows(crosswalks, "esco_onet_crosswalk_nesta_Nov2020.csv"):
        for code in to_2019.get(r["onet_code"], [r["onet_code"]]):
            mapped[r["concept_uri"]].append((code, float(r.get("confidence") or 0)))
    return {uri: sorted(set(pairs), key=lambda pair: -pair[1]) for uri, pairs in mapped.items()}


def _carried_onet(crosswalks: Path, onet: OccupationSpace, uris: list[str]) -> Carried:
    """Each ESCO occupation's best O*NET match and the O*NET content similarity between matches."""
    onet_row, matches = onet.index(), esco_to_onet(crosswalks)
    best = [next((onet_row[c] for c, _conf in matches.get(uri, []) if c in onet_row), -1) for uri in uris]
    mapped = np.array(best, dtype=np.int32)
    used = sorted({int(m) for m in mapped if m >= 0})
    similarity = np.zeros((len(onet.ids), len(onet.ids)), dtype=np.float32)
    for i in used:
        similarity[i] = content_scores(onet, i)[0]
    return Carried(similarity, mapped)


def _isco_space(folder: Path, esco: OccupationSpace) -> OccupationSpace:
    """ISCO-08 unit groups as the pool of their ESCO occupations (skills summed, title vectors averaged)."""
    titles = {r["isco_code"]: r["title"] for r in _rows(folder, "isco08_structure_ilo.csv") if r.get("isco_code")}
    members: dict[str, list[int]] = defaultdict(list)
    for i, group in enumerate(esco.hierarchy or ()):
        if len(group) == 4:
            members[group].append(i)
    groups = sorted(members)
    pooled: list[dict[int, float]] = []
    profiles = []
    for group in groups:
        row: dict[int, float] = defaultdict(float)
        share: dict[str, float] = defaultdict(float)
        for i in members[group]:
            for column, weight in zip(*esco.sparse["skills"].row(i), strict=True):
                row[int(column)] += float(weight)
            for skill in esco.skills[i].essential:
                share[skill] += 1 / len(members[group])
        pooled.append(row)
        profiles.append(SkillProfile({s: v for s, v in share.items() if v >= 0.5}))
    dense = {
        name: _normalised(np.stack([vectors[members[g]].mean(axis=0) for g in groups]))
        for name, vectors in esco.dense.items()
    }
    return OccupationSpace(
        scheme=ISCO_08.code,
        ids=tuple(concept_id(ISCO_08.code, g) for g in groups),
        codes=tuple(groups),
        labels=tuple(titles.get(g, g) for g in groups),
        skills=tuple(profiles),
        skill_labels=esco.skill_labels,
        weights=DEFAULT_WEIGHTS[ISCO_08.code],
        dense=dense,
        sparse={"skills": SparseRows.from_sets(pooled, esco.sparse["skills"].width)},
        hierarchy=tuple(groups),
    )
