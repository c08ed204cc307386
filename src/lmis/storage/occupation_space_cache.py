"""The occupation spaces' cache files: the built space as one `.npz`, and embedded texts by their hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np

from lmis.recommend.pathways import DEFAULT_WEIGHTS, Carried, FloatArray, OccupationSpace, SkillProfile, SparseRows
from lmis.shared.files import replaced_atomically

Embed = Callable[[Sequence[str]], FloatArray]


def cached_embed(embed: Embed, version: str, cache_dir: Path) -> Embed:
    """`embed` keeping its result for the same texts and model in `cache_dir` (new weights need no re-embedding)."""

    def cached(texts: Sequence[str]) -> FloatArray:
        digest = hashlib.sha256(version.encode())
        for text in texts:
            digest.update(text.encode() + b"\x1e")
        path = cache_dir / f"occupation-texts-{digest.hexdigest()[:16]}.npy"
        if path.is_file():
            stored: FloatArray = np.load(path)
            return stored
        vectors = embed(texts)
        with replaced_atomically(path) as partial:
            np.save(partial, vectors)
        return vectors

    return cached


def save_space(space: OccupationSpace, path: Path) -> None:
    """Write the space as one `.npz` (arrays, and its names and skills as JSON), atomically."""
    arrays: dict[str, np.ndarray] = {f"dense.{name}": v for name, v in space.dense.items()}
    for name, rows in space.sparse.items():
        arrays |= {f"sparse.{name}.indptr": rows.indptr, f"sparse.{name}.indices": rows.indices}
        arrays |= {f"sparse.{name}.data": rows.data, f"sparse.{name}.width": np.array(rows.width)}
    for name, carried in space.carried.items():
        arrays |= {f"carried.{name}.similarity": carried.similarity, f"carried.{name}.mapped": carried.mapped}
    if space.job_zones is not None:
        arrays["job_zones"] = space.job_zones
    meta = {
        "scheme": space.scheme,
        "ids": space.ids,
        "codes": space.codes,
        "labels": space.labels,
        "skills": [[dict(p.essential), sorted(p.optional)] for p in space.skills],
        "skill_labels": dict(space.skill_labels),
        "hierarchy": space.hierarchy,
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with replaced_atomically(path) as partial:  # a concurrent reader never sees half a file
        np.savez(partial, **cast("dict[str, Any]", arrays))


def load_space(path: Path) -> OccupationSpace:
    """The space `save_space` wrote."""
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    meta = json.loads(arrays.pop("meta").tobytes().decode())
    dense = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("dense.")}
    sparse_names = {k.split(".")[1] for k in arrays if k.startswith("sparse.")}
    sparse = {
        n: SparseRows(
            arrays[f"sparse.{n}.indptr"],
            arrays[f"sparse.{n}.indices"],
            arrays[f"sparse.{n}.data"],
            int(arrays[f"sparse.{n}.width"]),
        )
        for n in sparse_names
    }
    carried_names = {k.split(".")[1] for k in arrays if k.startswith("carried.")}
    carried = {n: Carried(arrays[f"carried.{n}.similarity"], arrays[f"carried.{n}.mapped"]) for n in carried_names}
    return OccupationSpace(
        scheme=meta["scheme"],
        ids=tuple(meta["ids"]),
        codes=tuple(meta["codes"]),
        labels=tuple(meta["labels"]),
        skills=tuple(SkillProfile(essential, frozenset(optional)) for essential, optional in meta["skills"]),
        skill_labels=meta["skill_labels"],
        weights=DEFAULT_WEIGHTS[meta["scheme"]],
        dense=dense,
        sparse=sparse,
        carried=carried,
        job_zones=arrays.get("job_zones"),
        hierarchy=tuple(meta["hierarchy"]) if meta["hierarchy"] is not None else None,
    )
