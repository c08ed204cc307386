"""Chaining crosswalks: from a code in one scheme to codes in another, and the path taken (pure)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from lmis.taxonomy.model import CodeMapping, MatchType

Node = tuple[str, str]
MAX_HOPS = 4
_PARTIAL_PENALTY = 0.9  # a partial correspondence loses some confidence at every hop
# Every hop after the first loses a little confidence too: a route up to a broader code and
# back down (O*NET 29-1141.00 -> SOC 29-1141 -> O*NET 29-1141.03) must rank below a direct one.
_HOP_DECAY = 0.9


@dataclass(frozen=True, slots=True)
class Step:
    """One hop: from (scheme, code) to (scheme, code) along a mapping of `crosswalk`.

    `reverse` is True when the published table maps the other way round.
    """

    from_scheme: str
    from_code: str
    to_scheme: str
    to_code: str
    crosswalk: str
    match: MatchType
    confidence: float
    reverse: bool


@dataclass(frozen=True, slots=True)
class Route:
    """A target code reached and the steps that led there; confidence is their product."""

    code: str
    steps: tuple[Step, ...]
    confidence: float


Neighbours = Callable[[Collection[Node]], list[tuple[CodeMapping, str]]]


def chain(start: Node, target_scheme: str, neighbours: Neighbours, max_hops: int = MAX_HOPS) -> list[Route]:
    """Every code of `target_scheme` reachable from `start`, by the best route to each.

    Breadth-first over mappings in both directions, never entering a scheme twice on one
    route, so the first routes found are the shortest; among equally short routes the one
    with the higher confidence wins. A route's confidence is the product of its mappings'
    confidences (partial matches count 0.9), times 0.9 for every hop after the first.
    Results: highest confidence first, then fewest hops, then code.
    """
    routes: dict[Node, Route] = {start: Route(start[1], (), 1.0)}
    frontier = [start]
    found: dict[str, Route] = {}
    for _hop in range(max_hops):
        if not frontier:
            break
        reached: dict[Node, Route] = {}
        for mapping, crosswalk in neighbours(frontier):
            for node, step in _steps(mapping, crosswalk):
                route = routes.get((step.from_scheme, step.from_code))
                if route is None or node in routes or _visits(route, node[0]) or node[0] == start[0]:
                    continue
                decay = _HOP_DECAY if route.steps else 1.0
                confidence = round(route.confidence * _weight(step) * decay, 4)
                candidate = Route(node[1], (*route.steps, step), confidence)
                if node not in reached or candidate.confidence > reached[node].confidence:
                    reached[node] = candidate
        routes.update(reached)
        for node, route in reached.items():
            if node[0] == target_scheme and node[1] not in found:
                found[node[1]] = route
        frontier = [node for node in reached if node[0] != target_scheme]
    return sorted(found.values(), key=lambda r: (-r.confidence, len(r.steps), r.code))


def _steps(mapping: CodeMapping, crosswalk: str) -> list[tuple[Node, Step]]:
    forward = Step(
        mapping.from_scheme,
        mapping.from_code,
        mapping.to_scheme,
        mapping.to_code,
        crosswalk,
        mapping.match,
        mapping.confidence,
        False,
    )
    backward = Step(
        mapping.to_scheme,
        mapping.to_code,
        mapping.from_scheme,
        mapping.from_code,
        crosswalk,
        mapping.match,
        mapping.confidence,
        True,
    )
    return [((forward.to_scheme, forward.to_code), forward), ((backward.to_scheme, backward.to_code), backward)]


def _visits(route: Route, scheme: str) -> bool:
    return any(step.from_scheme == scheme or step.to_scheme == scheme for step in route.steps)


def _weight(step: Step) -> float:
    return step.confidence * (_PARTIAL_PENALTY if step.match is MatchType.PARTIAL else 1.0)
