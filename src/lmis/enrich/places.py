"""Place resolution: place text, addresses and coordinates to country, region, district and locality of a gazetteer."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from lmis.enrich import place_text
from lmis.enrich.place_text import Span, Token

PLACE_METHOD = "place-resolution-1"
EXACT = "exact name"
FUZZY = "fuzzy name"
NAME_AND_COORDINATES = "name and coordinates"
COORDINATES = "coordinates"
COUNTRY_ONLY = "country only"

EARTH_RADIUS_KM = 6371.0088
_MAX_WORDS = 6  # the longest place name looked up, in words
_MAX_HITS = 200  # places kept per name, most populous first ("Springfield" has about 40)
_NEAREST_KM = 50.0  # text failed: the nearest locality this close to the coordinates
_REFINE_KM = 25.0  # text gave a region or district: its locality this close to the coordinates
_FAR_KM = 100.0  # text and coordinates this far apart halve the confidence
_FUZZY_CUTOFF = 88.0  # rapidfuzz ratio: one slip in a nine-letter name
_SCAN = 5000  # keys read per typeahead prefix
# Match qualities: a locality's own name, a curated or alternate name, a name without its unit word, a fuzzy name.
_PRIMARY, _NAME, _STRIPPED, _FUZZY = 3, 2, 1, 0
_BASE_CONFIDENCE = {_PRIMARY: 0.95, _NAME: 0.9, _STRIPPED: 0.8, _FUZZY: 0.65}


class PlaceKind(StrEnum):
    COUNTRY = "country"
    REGION = "region"
    DISTRICT = "district"
    LOCALITY = "locality"


_LEVEL = {PlaceKind.COUNTRY: 0, PlaceKind.REGION: 1, PlaceKind.DISTRICT: 2, PlaceKind.LOCALITY: 3}


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    kind: PlaceKind
    country: str
    parent_id: str | None
    name: str
    names: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    source: str = ""


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    country: Place | None
    region: Place | None
    district: Place | None
    locality: Place | None
    latitude: float | None
    longitude: float | None
    confidence: float
    method: str
    matched_text: str

    def hierarchy(self) -> list[Place]:
        """The resolved places from the country down."""
        return [p for p in (self.country, self.region, self.district, self.locality) if p is not None]

    def as_dict(self) -> dict[str, object]:
        levels = {"country": self.country, "region": self.region, "district": self.district, "locality": self.locality}
        found: dict[str, object] = {k: None if p is None else {"id": p.id, "name": p.name} for k, p in levels.items()}
        return {**found, "latitude": self.latitude, "longitude": self.longitude, "confidence": self.confidence,
                "method": self.method, "matched_text": self.matched_text, "method_version": PLACE_METHOD}  # fmt: skip


def haversine_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b_lon - a_lon) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True, slots=True)
class _Candidate:
    place: int
    span: Span
    quality: int
    parts: int  # comma parts in which the place or an ancestor is named
    covered: int  # words naming the place and its ancestors
    support: tuple[Span, ...]


class Gazetteer:
    """Places with their hierarchy, indexed once for name, prefix and radius look-ups."""

    def __init__(self, places: Iterable[Place], version: str) -> None:
        self.version = version
        self._places = list(places)
        self._by_id = {p.id: i for i, p in enumerate(self._places)}
        self._children: dict[int, list[int]] = defaultdict(list)
        for i, p in enumerate(self._places):
            if p.parent_id in self._by_id:
                self._children[self._by_id[p.parent_id]].append(i)
        self._lineage = [self._walk_up(i) for i in range(len(self._places))]
        self._coords = [self._inherited_coords(i) for i in range(len(self._places))]
        self._index: dict[str, list[tuple[int, int]]] = {}
        self._codes: dict[str, list[int]] = defaultdict(list)
        self._build_name_index()
        self._keys = sorted(self._index)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for key in self._keys:
            self._by_initial[key[0]].append(key)
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, p in enumerate(self._places):
            if p.latitude is not None and p.longitude is not None:
                self._grid[(math.floor(p.latitude), math.floor(p.longitude))].append(i)

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

    def _walk_up(self, index: int) -> tuple[int, ...]:
        chain = [index]
        while len(chain) < 8 and (parent := self._by_id.get(self._places[chain[-1]].parent_id or "")) is not None:
            if parent in chain:
                break
            chain.append(parent)
        return tuple(chain)

    def _inherited_coords(self, index: int) -> tuple[float, float] | None:
        for i in self._lineage[index]:
            place = self._places[i]
            if place.latitude is not None and place.longitude is not None:
                return place.latitude, place.longitude
        return None

    def _build_name_index(self) -> None:
        best: dict[str, dict[int, int]] = defaultdict(dict)
        keys: dict[str, str] = {}
        for i, place in enumerate(self._places):
            for n, name in enumerate((place.name, *place.names)):
                if place_text.is_code(name):
                    self._codes[name.lower()].append(i)
                    continue
                key = keys[name] if name in keys else keys.setdefault(name, place_text.place_key(name))
                quality = _PRIMARY if n == 0 or place.kind != PlaceKind.LOCALITY else _NAME
                for k, q in ((key, quality), (place_text.stripped_key(key), _STRIPPED)):
                    if k and not k.isdigit() and best[k].get(i, -1) < q:
                        best[k][i] = q
        by_size = self._by_size
        self._index = {k: sorted(hits.items(), key=lambda h: by_size(h[0]))[:_MAX_HITS] for k, hits in best.items()}

    def _by_size(self, index: int) -> tuple[int, str]:
        return -self._places[index].population, self._places[index].id

    def get(self, place_id: str) -> Place | None:
        index = self._by_id.get(place_id)
        return None if index is None else self._places[index]

    def children(self, place_id: str) -> list[Place]:
        index = self._by_id.get(place_id)
        return [] if index is None else [self._places[i] for i in self._children.get(index, [])]

    def ancestors(self, place_id: str) -> list[Place]:
        """From the parent up to the country."""
        index = self._by_id.get(place_id)
        return [] if index is None else [self._places[i] for i in self._lineage[index][1:]]

    def country_code(self, country: str) -> str | None:
        """ISO alpha-2 of a country code or name ('GB', 'GBR', 'UK', 'United Kingdom', 'England'), else None."""
        key = place_text.place_key(country)
        found = [i for i in self._codes.get(key, []) if self._places[i].kind == PlaceKind.COUNTRY]
        found += [i for i, _ in self._index.get(key, []) if _LEVEL[self._places[i].kind] <= 1]
        return self._places[found[0]].country if found else None

    def near(
        self, latitude: float, longitude: float, radius_km: float, kind: PlaceKind | None = PlaceKind.LOCALITY
    ) -> list[tuple[Place, float]]:
        """Places within `radius_km` of a point, nearest first, with their distance in km."""
        found = []
        for i in self._cells(latitude, longitude, radius_km):
            place = self._places[i]
            if kind is None or place.kind == kind:
                km = haversine_km(latitude, longitude, place.latitude or 0.0, place.longitude or 0.0)
                if km <= radius_km:
                    found.append((place, km))
        return sorted(found, key=lambda f: (f[1], f[0].id))

    def _cells(self, latitude: float, longitude: float, radius_km: float) -> Iterator[int]:
        dlat = radius_km / 111.19
        low, high = max(-90, math.floor(latitude - dlat)), min(89, math.floor(latitude + dlat))
        widest = max(abs(low), abs(high + 1))
        dlon = 360.0 if widest >= 89 else radius_km / (111.19 * math.cos(math.radians(widest)))
        lons = (
            range(-180, 180) if dlon >= 180 else range(math.floor(longitude - dlon), math.floor(longitude + dlon) + 1)
        )
        for row in range(low, high + 1):
            for col in lons:
                yield from self._grid.get((row, (col + 180) % 360 - 180), [])

    def complete(self, prefix: str, limit: int = 10, country: str | None = None) -> list[Place]:
        """Places whose name or other name starts with `prefix`, most populous first."""
        key, code = place_text.place_key(prefix), self.country_code(country) if country else None
        found: dict[int, int] = {}  # place -> best quality: places whose own name starts so come first
        start = bisect_left(self._keys, key) if key else len(self._keys)
        for name in self._keys[start : start + _SCAN]:
            if not name.startswith(key):
                break
            for i, quality in self._index[name]:
                if (code is None or self._places[i].country == code) and found.get(i, -1) < quality:
                    found[i] = quality
        return [self._places[i] for i in sorted(found, key=lambda i: (-found[i], *self._by_size(i)))[:limit]]

    def resolve(
        self,
        text: str,
        *,
        country: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> ResolvedPlace | None:
        """The most specific place the text names (checked against its other parts), else the nearest locality
        to the coordinates, else the country; None when nothing matches."""
        code = self.country_code(country) if country else None
        point = _point(latitude, longitude)
        tokens = place_text.tokenise(text if isinstance(text, str) else "", self._index)
        spans, method = self._spans(tokens, code), EXACT
        if not spans:
            spans, method = self._fuzzy_spans(tokens, code), FUZZY
        candidates = self._drop_ancestors(self._candidates(spans))
        found = self._from_text(candidates, len(tokens), point, method) if candidates else None
        if found:
            return found
        nearest = self._nearest_locality(point, code) if point else None
        if point and nearest:
            km = haversine_km(*point, *(self._coords[nearest] or point))
            return self._result(nearest, max(0.3, 0.9 - km / 100), COORDINATES, "")
        return self._result(self._by_id[code], 0.3, COUNTRY_ONLY, "") if code in self._by_id else None

    def resolve_address(
        self,
        locality: str | None = None,
        region: str | None = None,
        postal_code: str | None = None,
        country: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> ResolvedPlace | None:
        """Structured address fields (schema.org PostalAddress and geo); the postal code is not looked up."""
        text = ", ".join(p for p in (locality, region) if p and p.strip())
        del postal_code  # the shipped gazetteer has no postal codes; kept for callers that pass whole addresses
        return self.resolve(text, country=country, latitude=latitude, longitude=longitude)

    def _spans(self, tokens: list[Token], code: str | None) -> list[Span]:
        spans = []
        for start, end, text, whole in place_text.ngrams(tokens, _MAX_WORDS):
            hits = self._lookup(text, end - start == 1 and tokens[start].code_ok, code)
            spans += [Span(start, end, tokens[start].part, whole, text, hits)] if hits else []
        return spans

    def _lookup(self, text: str, code_ok: bool, country: str | None) -> dict[int, int]:
        hits = dict(self._index.get(text, []))
        short = place_text.stripped_key(text)
        for i, _ in self._index.get(short, []) if short else []:
            hits.setdefault(i, _STRIPPED)
        for i in self._codes.get(text, []) if code_ok else []:
            hits[i] = _NAME
        return {i: q for i, q in hits.items() if country is None or self._places[i].country == country}

    def _fuzzy_spans(self, tokens: list[Token], code: str | None) -> list[Span]:
        spans = []
        for start, end in place_text.fuzzy_windows(tokens):
            text = " ".join(t.key for t in tokens[start:end])
            keys = self._by_initial.get(text[:1], [])
            match = process.extractOne(text, keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF) if keys else None
            if match:
                hits = {i: _FUZZY for i, _ in self._index[match[0]] if code is None or self._places[i].country == code}
                whole = place_text.is_whole(tokens, start, end)
                spans += [Span(start, end, tokens[start].part, whole, text, hits)] if hits else []
        return spans

    def _candidates(self, spans: list[Span]) -> list[_Candidate]:
        # Only the longest names count: 'weston' inside 'weston super mare' names nothing of its own.
        maximal = [s for s in spans if not any(o != s and o.start <= s.start and s.end <= o.end for o in spans)]
        longest_first = sorted(maximal, key=lambda s: (s.start - s.end, s.start))
        found = []
        for span in maximal:
            for place, quality in span.hits.items():
                lineage, used = self._lineage[place], [span]
                for other in longest_first:
                    if not any(other.overlaps(u) for u in used) and any(a in other.hits for a in lineage):
                        used.append(other)
                parts, covered = len({u.part for u in used}), sum(u.end - u.start for u in used)
                found.append(_Candidate(place, span, quality, parts, covered, tuple(used[1:])))
        return found

    def _drop_ancestors(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """A place named as well as one of its own places gives way to it ('Leeds' the city, not the borough);
        a locality's own and other names count alike here, a name without its unit word counts less."""
        below: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for c in candidates:
            for ancestor in self._lineage[c.place][1:]:
                below[ancestor].append((c.covered, min(c.quality, _NAME)))
        return [
            c for c in candidates if not any(v >= c.covered and q >= min(c.quality, _NAME) for v, q in below[c.place])
        ]

    def _choose(self, candidates: list[_Candidate], point: tuple[float, float] | None) -> tuple[_Candidate, bool]:
        """Best per matched span (parts and words explained, name quality, size or nearness), then best overall
        preferring a whole comma part, more words, the more specific kind. Also says whether an equal rival remains."""

        def nearness(c: _Candidate) -> float:
            coords = self._coords[c.place]
            if point is None or coords is None:  # a place's own name counts as three times its population
                return math.log10(self._places[c.place].population + 10) + (0.5 if c.quality == _PRIMARY else 0.0)
            return -haversine_km(*point, *coords)

        groups: dict[tuple[int, int], list[_Candidate]] = defaultdict(list)
        for c in candidates:
            groups[(c.span.start, c.span.end)].append(c)
        winners = [
            max(g, key=lambda c: (c.parts, c.covered, min(c.quality, _NAME), nearness(c))) for g in groups.values()
        ]
        best = max(
            winners,
            key=lambda c: (c.parts, c.span.whole, c.covered, min(c.quality, _NAME), self._level(c), nearness(c)),
        )
        rivals = groups[(best.span.start, best.span.end)]
        same = [c for c in rivals if (c.parts, c.covered, c.quality) == (best.parts, best.covered, best.quality)]
        return best, len(same) > 1 and point is None

    def _level(self, candidate: _Candidate) -> int:
        return _LEVEL[self._places[candidate.place].kind]

    def _from_text(
        self, candidates: list[_Candidate], words: int, point: tuple[float, float] | None, method: str
    ) -> ResolvedPlace | None:
        """The chosen place; a fuzzy match far from the coordinates is dropped (None) in favour of them."""
        best, ambiguous = self._choose(candidates, point)
        coords = self._coords[best.place]
        far = point is not None and coords is not None and haversine_km(*point, *coords) > _FAR_KM
        if far and best.quality == _FUZZY:
            return None
        confidence = _BASE_CONFIDENCE[best.quality] * (0.6 + 0.4 * best.covered / max(words, 1))
        confidence *= (0.85 if ambiguous else 1.0) * (0.5 if far else 1.0)
        matched = ", ".join(s.text for s in sorted((best.span, *best.support), key=lambda s: s.start))
        place = best.place
        if point and self._places[place].kind != PlaceKind.LOCALITY:
            refined = self._nearest_locality(point, None, within=place, radius_km=_REFINE_KM)
            place, method = (refined, NAME_AND_COORDINATES) if refined is not None else (place, method)
        if self._places[place].kind == PlaceKind.COUNTRY:
            method = COUNTRY_ONLY
        return self._result(place, confidence, method, matched)

    def _nearest_locality(
        self, point: tuple[float, float], country: str | None, within: int | None = None, radius_km: float = _NEAREST_KM
    ) -> int | None:
        for place, _ in self.near(*point, radius_km):
            index = self._by_id[place.id]
            if (country is None or place.country == country) and (within is None or within in self._lineage[index]):
                return index
        return None

    def _result(self, index: int, confidence: float, method: str, matched: str) -> ResolvedPlace:
        levels: dict[PlaceKind, Place] = {}
        for i in reversed(self._lineage[index]):
            levels[self._places[i].kind] = self._places[i]
        coords = self._coords[index]
        return ResolvedPlace(
            country=levels.get(PlaceKind.COUNTRY),
            region=levels.get(PlaceKind.REGION),
            district=levels.get(PlaceKind.DISTRICT),
            locality=levels.get(PlaceKind.LOCALITY),
            latitude=coords[0] if coords else None,
            longitude=coords[1] if coords else None,
            confidence=round(confidence, 3),
            method=method,
            matched_text=matched,
        )


def _point(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """Usable coordinates: both given, in range, and not the (0, 0) that stands for 'unknown'."""
    if latitude is None or longitude is None or (latitude == 0.0 and longitude == 0.0):
        return None
    return (latitude, longitude) if -90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0 else None
