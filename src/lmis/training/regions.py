"""Where courses are held: gazetteer countries, regions and districts by id and by name (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from lmis.shared.text import normalise

LEVELS = ("country", "region", "district")  # the place kinds a course may be held in, widest first
_CLOSE = 75  # fuzz.ratio of a close spelling ("Seol" and "Seoul": 89)


@dataclass(frozen=True, slots=True)
class Area:
    """A place a course can be held in: gazetteer id, kind (one of `LEVELS`), name, other names, population."""

    id: str
    kind: str
    name: str
    names: tuple[str, ...] = ()
    population: int = 0


class RegionDirectory:
    """Reads a place id (`KR-11`, any letter case) or name (`Seoul`, `서울`, `DKI Jakarta`) as a gazetteer id.

    A name several places share goes to the widest of them, then the most populous (`Jakarta` is the
    province, not a district of it).
    """

    def __init__(self, areas: Iterable[Area]) -> None:
        self._areas = {area.id: area for area in areas if area.kind in LEVELS}
        self._ids = {key.casefold(): key for key in self._areas}
        self._names: dict[str, str] = {}
        ranked = sorted(self._areas.values(), key=lambda a: (LEVELS.index(a.kind), -a.population, a.id))
        for area in ranked:
            for name in (area.name, *area.names):
                self._names.setdefault(normalise(name), area.id)

    def __len__(self) -> int:
        return len(self._areas)

    def resolve(self, text: str) -> str | None:
        """The id of the place `text` names or codes, or None."""
        value = text.strip()
        return self._ids.get(value.casefold()) or self._names.get(normalise(value))

    def name(self, place_id: str) -> str | None:
        """The English name of a place id, or None for an unknown id."""
        area = self._areas.get(place_id)
        return area.name if area else None

    def suggest(self, text: str) -> list[str]:
        """Up to three ids of places whose id or name is spelt like `text`, countries and regions first."""
        wanted = normalise(text)
        found: list[str] = []
        for level in LEVELS:
            names = {name: place for name, place in self._names.items() if self._areas[place].kind == level}
            ids = {key: place for key, place in self._ids.items() if self._areas[place].kind == level}
            for pool, key in ((names, wanted), (ids, text.strip().casefold())):
                close = process.extract(key, list(pool), scorer=fuzz.ratio, limit=3, score_cutoff=_CLOSE)
                found += [pool[choice] for choice, _score, _index in close]
            if found:
                break
        return list(dict.fromkeys(found))[:3]
