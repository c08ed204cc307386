"""The next-occupation service the API and portal call: validate the request, rank, explain."""

from __future__ import annotations

from lmis.recommend.pathways import NextOccupation, OccupationSpace, Transitions, rank_next
from lmis.shared.errors import Invalid, NotFound, did_you_mean

MAX_K = 200


def next_occupations(
    space: OccupationSpace,
    occupation_id: str,
    *,
    k: int = 10,
    transitions: Transitions | None = None,
    include_source: bool = False,
) -> list[NextOccupation]:
    """The `k` most likely next occupations after `occupation_id`, best first, each with its reasons.

    `space` is the scheme's `OccupationSpace` (`lmis.storage.occupation_space.load_occupation_space`,
    built once per process and reused). `occupation_id` is the taxonomy concept id of an occupation
    of that scheme (the id of `/api/v1/taxonomy/concepts/{id}`); its code (e.g. "15-1252.00",
    "2512") is accepted too. `transitions` maps a source concept id to {next concept id: count}
    observed in work histories; when the source has some, they are blended in (see
    `lmis.recommend.pathways`). The source itself is left out unless `include_source`.

    Each `NextOccupation` carries the target's id, code and label, a `score` in [0, 1] (an estimated
    probability of the step), the share of the target's essential skills the source has, the
    skills to gain (most important first), the shared skills, the observed transition count and
    each signal's standardised similarity. Raises `NotFound` (with close codes or labels as
    suggestions) for an unknown occupation and `Invalid` for `k` outside 1..200.
    """
    if not 1 <= k <= MAX_K:
        raise Invalid(f"k must be between 1 and {MAX_K}, not {k}", field="k", suggestions=["10"])
    row = space.index().get(occupation_id.strip())
    if row is None:
        choices = [*space.codes, *space.labels]
        raise NotFound(
            f"{occupation_id!r} is not an occupation of {space.scheme}: give its concept id or code",
            suggestions=did_you_mean(occupation_id, choices),
        )
    return rank_next(space, row, k=k, transitions=transitions, include_source=include_source)
