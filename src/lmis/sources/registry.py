"""The feed formats LMIS knows, found as plugins of the `lmis.sources` entry-point group."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from pathlib import Path

from lmis.ingest.ports import FeedFormat
from lmis.shared.errors import Invalid, did_you_mean

GROUP = "lmis.sources"
_SUFFIXES = {
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".rss": "rss",
    ".atom": "rss",
    ".xml": "rss",
    ".html": "jsonld",
    ".htm": "jsonld",
    ".jsonld": "jsonld",
}


def formats() -> dict[str, type[FeedFormat]]:
    """Every registered format class by name (built-ins are registered in pyproject.toml too)."""
    found: dict[str, type[FeedFormat]] = {}
    for entry in entry_points(group=GROUP):
        found[entry.name] = entry.load()
    return found


def format_class(name: str) -> type[FeedFormat]:
    """The format called `name`; raises `Invalid` with the known names."""
    known = formats()
    if name not in known:
        raise Invalid(
            f"unknown format {name!r}; known formats are {', '.join(sorted(known))}",
            field="format",
            suggestions=did_you_mean(name, known),
        )
    return known[name]


def guess_format(location: str, head: bytes) -> str:
    """Guess a feed's format from its name, then from its first bytes; raises `Invalid` when unsure."""
    name = location.lower().removesuffix(".gz")
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return _refine(fmt, head)
    start = head.lstrip()[:200]
    if start.startswith(b"{"):
        return "jsonld" if b'"@type"' in start or b'"@context"' in start else "ndjson"
    if start.startswith(b"<"):
        return "rss" if b"<rss" in start or b"<feed" in start or b"<?xml" in start else "jsonld"
    raise Invalid(f"cannot tell the format of {Path(location).name}; give --format", field="format")


def _refine(fmt: str, head: bytes) -> str:
    """Tell schema.org JSON-LD from canonical JSON by the first record."""
    start = head.lstrip()[:400]
    if fmt in {"ndjson", "json"} and (b'"@type"' in start or b'"@context"' in start):
        return "jsonld"
    return fmt


def create(name: str, mapping: Path | None = None, options: Mapping[str, object] | None = None) -> FeedFormat:
    """A ready format: CSV and TSV take a column mapping file (or the `options` a run recorded), others none."""
    cls = format_class(name)
    if options:
        rebuilt: FeedFormat = cls(**options)
        return rebuilt
    if mapping is not None:
        from_mapping = getattr(cls, "from_mapping_file", None)
        if from_mapping is None:
            raise Invalid(f"format {name!r} takes no column mapping", field="mapping")
        built: FeedFormat = from_mapping(mapping)
        return built
    return cls()
