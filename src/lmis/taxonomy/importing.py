"""Importing classification files from disk: one kind at a time, or every shipped release at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from functools import partial
from pathlib import Path

from lmis.shared.delimited import find_file, fingerprint
from lmis.shared.errors import Invalid
from lmis.shared.progress import Progress
from lmis.taxonomy.formats.crosswalks import read_crosswalk
from lmis.taxonomy.formats.esco import read_esco
from lmis.taxonomy.formats.isco import read_isco
from lmis.taxonomy.formats.national import NationalScheme, read_national
from lmis.taxonomy.formats.onet import read_onet
from lmis.taxonomy.formats.soc import read_soc
from lmis.taxonomy.model import ImportOutcome, ReleaseBundle
from lmis.taxonomy.ports import TaxonomyUnitOfWork
from lmis.taxonomy.services import import_release


class ReleaseKind(StrEnum):
    """The kinds of file `lmis taxonomy import` reads."""

    ESCO = "esco"
    ISCO = "isco"
    ONET = "onet"
    SOC = "soc"
    CROSSWALK = "crosswalk"
    NATIONAL = "national"


# Shipped folders under data/taxonomy, in the order they are imported.
SHIPPED = (
    (ReleaseKind.ISCO, "isco"),
    (ReleaseKind.ESCO, "esco"),
    (ReleaseKind.ONET, "onet"),
    (ReleaseKind.SOC, "soc"),
    (ReleaseKind.CROSSWALK, "crosswalks"),
)


def import_path(
    kind: ReleaseKind,
    path: Path,
    *,
    uow: TaxonomyUnitOfWork,
    now: Callable[[], datetime],
    progress: Progress,
    version: str | None = None,
    national: NationalScheme | None = None,
    name: str | None = None,
) -> list[ImportOutcome]:
    """Import `path` (a folder or a file, as the kind requires) and return one outcome per release.

    A folder of SOC structure or crosswalk files imports each file. Raises `MalformedFile`
    (nothing stored) or `Invalid` for a missing option.
    """
    if not path.exists():
        raise Invalid(f"{path} does not exist", field="path")
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    outcomes = []
    for read, inputs in _readers(kind, path, files, progress, version, national, name):
        key = fingerprint(inputs, extra=f"{kind}|{version}|{national}|{name}")
        with uow:
            stored = uow.taxonomy.release_with_fingerprint(key)
        if stored is not None:
            outcomes.append(ImportOutcome(stored, changed=False, counts={}))
        else:
            outcomes.append(import_release(read(), key, uow=uow, now=now, progress=progress))
    return outcomes


def import_shipped(
    folder: Path, *, uow: TaxonomyUnitOfWork, now: Callable[[], datetime], progress: Progress
) -> list[ImportOutcome]:
    """Import every release shipped in `folder` (LMIS's `data/taxonomy`), skipping unchanged ones."""
    if not folder.is_dir():
        raise Invalid(f"the shipped taxonomy folder {folder} does not exist", field="taxonomy_dir")
    outcomes: list[ImportOutcome] = []
    for kind, sub in SHIPPED:
        outcomes += import_path(kind, folder / sub, uow=uow, now=now, progress=progress)
    return outcomes


def _readers(
    kind: ReleaseKind,
    path: Path,
    files: list[Path],
    progress: Progress,
    version: str | None,
    national: NationalScheme | None,
    name: str | None,
) -> list[tuple[Callable[[], ReleaseBundle], list[Path]]]:
    """For each release in `path`: how to read it, and the files it is read from."""
    if kind is ReleaseKind.ESCO:
        esco_version = _version(path, version, "ESCO")
        return [(lambda: read_esco(_folder(path), esco_version, progress), files)]
    if kind is ReleaseKind.ISCO:
        return [(lambda: read_isco(_folder(path), progress), files)]
    if kind is ReleaseKind.ONET:
        return [(lambda: read_onet(_folder(path), version or _version_file(path), progress), files)]
    if kind is ReleaseKind.SOC:
        return [(partial(read_soc, f, progress), [f]) for f in _data_files(files)]
    if kind is ReleaseKind.CROSSWALK:
        return [(partial(read_crosswalk, f, name, progress), [f]) for f in _data_files(files)]
    if national is None:
        raise Invalid("a national scheme needs --scheme, --title and --version", field="scheme")
    scheme = national
    return [(lambda: read_national(path, scheme, progress), [path])]


def _folder(path: Path) -> Path:
    if not path.is_dir():
        raise Invalid(f"{path} is a file; this kind is imported from the folder of its tables", field="path")
    return path


def _data_files(files: list[Path]) -> list[Path]:
    return [f for f in files if f.name.endswith((".csv", ".csv.gz", ".tsv", ".txt"))]


def _version_file(path: Path) -> str | None:
    found = find_file(path, "VERSION") if path.is_dir() else None
    return found.read_text(encoding="utf-8").strip() if found else None


def _version(path: Path, given: str | None, what: str) -> str:
    version = given or _version_file(path)
    if not version:
        raise Invalid(f"{what} files do not say their version: give --version (e.g. 1.1.1)", field="version")
    return version
