"""Filter values as people give them (names, codes, ids) -> the ids the index holds.

Unknown values are `Invalid` with did-you-mean suggestions; a name that fits several concepts
or places is `Invalid` listing the choices, never a silent guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lmis.jobs.employers import normalise_employer_name
from lmis.jobs.model import EmploymentType
from lmis.search.lexicon import Lexicon
from lmis.search.model import GeoFilter
from lmis.search.ports import PlaceDirectory, PlaceLike
from lmis.shared.errors import Invalid, did_you_mean

_ISCO = re.compile(r"^(?:isco[:\- ]?)?(\d{1,4})$", re.IGNORECASE)
_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
WORKING_TIMES = ("full_time", "part_time")
_SPLIT = re.compile(r"[_\- ]")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A filter value and what it was read as (echoed in the interpretation)."""

    given: str
    value: str
    label: str


def occupation(value: str, lexicon: Lexicon, isco_labels: dict[str, str]) -> Resolved:
    """An ESCO occupation (id or name) or an ISCO-08 group at any level (code)."""
    code = _ISCO.match(value.strip())
    if code:
        digits = code.group(1)
        if digits not in isco_labels:
            near = [c for c in isco_labels if c.startswith(digits[:-1])][:8]
            raise Invalid(f"no ISCO-08 group has code {digits!r}", field="occupation", suggestions=near)
        return Resolved(value, f"isco:{digits}", f"ISCO-08 {digits} {isco_labels[digits]}".strip())
    return _concept(value, "occupation", lexicon)


def skill(value: str, lexicon: Lexicon) -> Resolved:
    """An ESCO skill by id or name."""
    return _concept(value, "skill", lexicon)


def _concept(value: str, kind: str, lexicon: Lexicon) -> Resolved:
    entry = lexicon.entry(value.strip())
    if entry is not None and entry.kind == kind:
        return Resolved(value, entry.concept_id, entry.label)
    named = {e.concept_id: e for e in lexicon.named(value, kind)}
    if len(named) == 1:
        (found,) = named.values()
        return Resolved(value, found.concept_id, found.label)
    if len(named) > 1:
        choices = [f"{e.label} ({e.concept_id})" for e in named.values()]
        raise Invalid(
            f"{kind} {value!r} names {len(named)} {kind}s; give one of their ids", field=kind, suggestions=choices
        )
    suggestions = [label for label, _ in lexicon.complete(value, {kind}, 5)]
    suggestions = suggestions or did_you_mean(value.lower(), lexicon.labels(kind))
    raise Invalid(f"no {kind} is called or has the id {value!r}", field=kind, suggestions=suggestions)


def place(value: str, places: PlaceDirectory, field: str = "region") -> PlaceLike:
    """A place by gazetteer id or by name (any language it is known in); ambiguous names list the choices."""
    found = places.get(value.strip())
    if found is not None:
        return found
    named = broadest(named_places(value, places), places)
    if len({p.id for p in named}) == 1 or (named and _dominant(named)):
        return max(named, key=lambda p: p.population)
    if named:
        choices = [f"{p.name}, {p.country} ({p.id})" for p in named[:10]]
        raise Invalid(f"{value!r} names {len(named)} places; give one of their ids", field=field, suggestions=choices)
    nearby = places.complete(value.strip()[:3], 10) if len(value.strip()) >= 3 else []
    suggestions = list(dict.fromkeys(p.name for p in nearby))[:5]
    raise Invalid(f"no place is called or has the id {value!r}", field=field, suggestions=suggestions)


def _dominant(found: list[PlaceLike]) -> bool:
    """One place is at least ten times as populous as every other of the same name (London, GB)."""
    sizes = sorted((p.population for p in found), reverse=True)
    return sizes[0] > 0 and sizes[0] >= 10 * sizes[1]


def named_places(value: str, places: PlaceDirectory) -> list[PlaceLike]:
    """Places with `value` as one of their names (any language), biggest first."""
    wanted = value.strip().casefold()
    return [p for p in places.complete(value.strip(), 50) if wanted in (n.casefold() for n in (p.name, *p.names))]


def broadest(found: list[PlaceLike], places: PlaceDirectory) -> list[PlaceLike]:
    """Leave out places inside another of `found` (Seoul the city inside Seoul the region)."""
    ids = {p.id for p in found}
    return [p for p in found if not any(a.id in ids for a in places.ancestors(p.id))]


def near(value: str, radius_km: float | None, places: PlaceDirectory) -> tuple[GeoFilter, str]:
    """A point ('lat,lon') or a place name, and the radius around it."""
    if radius_km is not None and not 0 < radius_km <= 2_000:
        raise Invalid(f"radius must be between 0 and 2000 km, got {radius_km}", field="radius_km")
    point = _POINT.match(value)
    if point:
        lat, lon = float(point.group(1)), float(point.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Invalid(f"{value!r} is not a latitude,longitude pair", field="near")
        return GeoFilter(lat, lon, radius_km), f"{lat:.4f},{lon:.4f}"
    found = place(value, places, field="near")
    if found.latitude is None or found.longitude is None:
        raise Invalid(f"{found.name} has no coordinates; give 'latitude,longitude'", field="near")
    return GeoFilter(found.latitude, found.longitude, radius_km), found.name


def employment_type(value: str) -> str:
    """A schema.org employment type (FULL_TIME, full-time and full_time all work)."""
    return _choice(value, [t.value for t in EmploymentType], "employment_type")


def working_time(value: str) -> str:
    """full_time or part_time."""
    return _choice(value, list(WORKING_TIMES), "working_time")


def _choice(value: str, choices: Sequence[str], field: str) -> str:
    key = _SPLIT.sub("_", value.strip().lower())
    if key in choices:
        return key
    raise Invalid(
        f"{field} {value!r} is not one of {', '.join(choices)}",
        field=field,
        suggestions=did_you_mean(key, choices) or list(choices),
    )


def known(value: str, choices: Sequence[str], field: str) -> str:
    """`value` when it is one of `choices` (sources, languages, education levels in the index)."""
    if value in choices:
        return value
    raise Invalid(
        f"no live posting has {field} {value!r}",
        field=field,
        suggestions=did_you_mean(value, choices) or list(choices)[:10],
    )


def employer(value: str) -> str:
    """The normalised employer name the index holds ('ACME Ltd.' -> 'acme')."""
    return normalise_employer_name(value)
