"""SOC employment onto ESCO occupations, and ESCO occupations onto O*NET, over loaded crosswalk mappings (pure).

The routes are those of `lmis.taxonomy.crosswalk.chain`, the same chaining the crosswalk
service uses, run on mappings read once instead of one query per code.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from lmis.demo.model import Occupation, SocOccupation, WagePercentiles, WeightedOccupation
from lmis.taxonomy.crosswalk import Neighbours, Node, chain
from lmis.taxonomy.model import CodeMapping
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ONET_SOC_2019, SOC_2010, SOC_2018

Edge = tuple[CodeMapping, str]


def neighbours_of(edges: Sequence[Edge]) -> Neighbours:
    """A `chain` neighbour function over `edges`, in a fixed order whatever order they came in."""
    index: dict[Node, list[Edge]] = {}
    ordered = sorted(set(edges), key=lambda e: (*_key(e[0]), e[1]))
    for edge in ordered:
        mapping = edge[0]
        index.setdefault((mapping.from_scheme, mapping.from_code), []).append(edge)
        index.setdefault((mapping.to_scheme, mapping.to_code), []).append(edge)

    def neighbours(nodes: Collection[Node]) -> list[Edge]:
        found = dict.fromkeys(edge for node in sorted(set(nodes)) for edge in index.get(node, ()))
        return list(found)

    return neighbours


def _key(m: CodeMapping) -> tuple[str, str, str, str, str, float]:
    return (m.from_scheme, m.from_code, m.to_scheme, m.to_code, m.match.value, m.confidence)


def soc_start_nodes(code: str) -> tuple[Node, Node]:
    """Where a SOC 2018 code of OEWS enters the crosswalks: as SOC 2018, else as the same SOC 2010 code.

    Most detailed codes did not change between SOC 2010 and 2018, so a database holding only
    SOC 2010 crosswalks still reaches ESCO for them.
    """
    return ((SOC_2018.code, code), (SOC_2010.code, code))


@dataclass(frozen=True, slots=True)
class Weighting:
    """Occupations with employment weights, how they were weighted and how much employment reached ESCO."""

    occupations: tuple[WeightedOccupation, ...]
    method: str
    soc_matched: int
    employment_matched: int
    employment_total: int


def weight_occupations(
    occupations: Sequence[Occupation],
    soc: Sequence[SocOccupation],
    *,
    neighbours: Neighbours,
    fallback_wages: WagePercentiles,
) -> Weighting:
    """Give each ESCO occupation its share of the employment of the SOC occupations that reach it.

    A SOC occupation's employment is split over the ESCO occupations of its shortest routes, in
    proportion to route confidence. An ESCO occupation takes the wages of the SOC occupation that
    gave it most employment. When no SOC occupation reaches ESCO, every occupation weighs the same.
    """
    by_uri = {o.uri: o for o in occupations}
    shares: dict[str, dict[str, float]] = {}
    matched = [s for s in soc if _spread(s, neighbours, by_uri, shares)]
    wages = {s.code: s.wages for s in soc}
    total = sum(s.employment for s in soc)
    if not shares:
        uniform = tuple(WeightedOccupation(o, 1.0, fallback_wages, "") for o in sorted(occupations, key=_order))
        return Weighting(uniform, "uniform: no SOC occupation reached an ESCO occupation", 0, 0, total)
    weighted = []
    for uri in sorted(shares, key=lambda u: _order(by_uri[u])):
        code, _ = max(shares[uri].items(), key=lambda item: (item[1], item[0]))
        weight = sum(shares[uri].values())
        weighted.append(WeightedOccupation(by_uri[uri], weight, wages.get(code) or fallback_wages, code))
    employment = sum(s.employment for s in matched)
    return Weighting(tuple(weighted), "employment", len(matched), employment, total)


def _order(occupation: Occupation) -> tuple[str, str]:
    return (occupation.code, occupation.uri)


def _spread(
    soc: SocOccupation, neighbours: Neighbours, by_uri: dict[str, Occupation], shares: dict[str, dict[str, float]]
) -> bool:
    """Add `soc`'s employment to the ESCO occupations it reaches; False when it reaches none."""
    for start in soc_start_nodes(soc.code):
        routes = [r for r in chain(start, ESCO_OCCUPATION.code, neighbours) if r.code in by_uri]
        if not routes:
            continue
        shortest = min(len(r.steps) for r in routes)
        best = [r for r in routes if len(r.steps) == shortest]
        confidence = sum(r.confidence for r in best) or 1.0
        for route in best:
            per_soc = shares.setdefault(route.code, {})
            per_soc[soc.code] = per_soc.get(soc.code, 0.0) + soc.employment * route.confidence / confidence
        return True
    return False


def onet_code(occupation: Occupation, *, neighbours: Neighbours) -> str:
    """The O*NET-SOC 2019 code best matching an ESCO occupation, or "" when no crosswalk leads there."""
    routes = chain((ESCO_OCCUPATION.code, occupation.uri), ONET_SOC_2019.code, neighbours)
    return routes[0].code if routes else ""
