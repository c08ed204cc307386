"""The demo's taxonomy port on the taxonomy repository: only its existing read methods, no SQL."""

from __future__ import annotations

from collections.abc import Collection

from lmis.demo.model import Occupation, OccupationDetails, Skill
from lmis.taxonomy.crosswalk import Node
from lmis.taxonomy.model import CodeMapping, ConceptKind, LabelType, SkillRelevance
from lmis.taxonomy.ports import TaxonomyRepository
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ONET_SOC_2019

_EVERY_LABEL = 10_000_000  # `label_hits` with no words lists every label; this limit means "all of them"
_TASK_TYPES = {"Core": 0, "Supplemental": 1}


class RepositoryDemoTaxonomy:
    """`DemoTaxonomy` read through a `TaxonomyRepository` inside the caller's unit of work."""

    def __init__(self, repository: TaxonomyRepository) -> None:
        self._repository = repository

    def occupations(self) -> list[Occupation]:
        """See `DemoTaxonomy.occupations`."""
        hits = self._repository.label_hits(
            [], kinds={ConceptKind.OCCUPATION}, schemes=[ESCO_OCCUPATION.code], language="en", limit=_EVERY_LABEL
        )
        alternatives: dict[str, set[str]] = {}
        for hit in hits:
            names = alternatives.setdefault(hit.concept.id, set())
            if hit.label_type is LabelType.ALTERNATIVE:
                names.add(hit.text)
        found = []
        for record in self._repository.records(list(alternatives)):
            concept = record.concept
            found.append(
                Occupation(
                    id=concept.id,
                    uri=concept.uri or concept.code,
                    code=concept.code,
                    isco_group=str(concept.attributes.get("isco_group", "")),
                    label=concept.label,
                    alternative_labels=tuple(sorted(alternatives[concept.id] - {concept.label})),
                    description=concept.description,
                )
            )
        return sorted(found, key=lambda o: (o.code, o.uri))

    def mappings_near(self, nodes: Collection[Node], hops: int) -> list[tuple[CodeMapping, str]]:
        """See `DemoTaxonomy.mappings_near`: breadth-first, one batched look-up per step."""
        seen: set[Node] = set(nodes)
        frontier = sorted(seen)
        edges: dict[tuple[CodeMapping, str], None] = {}
        for _hop in range(hops):
            if not frontier:
                break
            reached: set[Node] = set()
            for stored in self._repository.mappings_touching(frontier):
                m = stored.mapping
                edges[(m, stored.crosswalk)] = None
                reached.update({(m.from_scheme, m.from_code), (m.to_scheme, m.to_code)})
            frontier = sorted(reached - seen)
            seen |= reached
        return list(edges)

    def details(self, occupation: Occupation, onet_code: str) -> OccupationDetails:
        """See `DemoTaxonomy.details`."""
        linked = sorted(self._repository.skills_of(occupation.id), key=lambda s: (s.concept.label, s.concept.code))
        skills = [Skill(s.concept.code, s.concept.label, s.relevance is SkillRelevance.ESSENTIAL) for s in linked]
        tasks: tuple[str, ...] = ()
        ref = self._repository.refs_by_code(ONET_SOC_2019.code, [onet_code]).get(onet_code) if onet_code else None
        if ref is not None:
            stored = self._repository.onet_details(ref.id).tasks
            ordered = sorted(stored, key=lambda t: (_TASK_TYPES.get(t.task_type, 2), t.task_id))
            tasks = tuple(t.statement for t in ordered)
        essential = tuple(s for s in skills if s.essential)
        optional = tuple(s for s in skills if not s.essential)
        return OccupationDetails(essential, optional, tasks, onet_code if ref is not None else "")
