"""Reading the skills a provider names (ESCO URIs, concept ids or labels) as ESCO skill concept ids."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lmis.shared.text import normalise, tokens
from lmis.taxonomy.matching import rank, spelling_suggestions
from lmis.taxonomy.model import ConceptKind, LabelType
from lmis.taxonomy.ports import TaxonomyRepository
from lmis.taxonomy.schemes import ESCO_SKILL

ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"
_CONCEPT_ID = re.compile(r"[a-z2-7]{12}")
_KINDS = frozenset({ConceptKind.SKILL})
_HITS = 200


class SkillResolver:
    """Resolves skill references against the current ESCO release, remembering every answer.

    A URI (`http://data.europa.eu/esco/skill/...`) or concept id must name a stored ESCO skill; any
    other text must be one of a skill's labels (preferred, alternative or hidden, any language,
    compared normalised: case, accents and punctuation aside). Call `prepare` with a batch's
    references first, so URIs and ids are looked up in two queries, not one each.
    """

    def __init__(self, taxonomy: TaxonomyRepository) -> None:
        self._taxonomy = taxonomy
        self._known: dict[str, str | None] = {}

    def prepare(self, references: Iterable[str]) -> None:
        """Look up the URIs and ids among `references` at once."""
        fresh = {r for r in references if r not in self._known}
        uris = {r for r in fresh if r.startswith(ESCO_SKILL_URI)}
        ids = {r for r in fresh - uris if _CONCEPT_ID.fullmatch(r)}
        by_uri = self._taxonomy.refs_by_code(ESCO_SKILL.code, uris) if uris else {}
        by_id = {i: ref for i, ref in self._taxonomy.refs(ids).items() if ref.scheme == ESCO_SKILL.code} if ids else {}
        for uri in uris:
            self._known[uri] = by_uri[uri].id if uri in by_uri else None
        for concept_id in ids:
            if concept_id in by_id:
                self._known[concept_id] = concept_id

    def resolve(self, reference: str) -> str | None:
        """The concept id of the skill `reference` names, or None."""
        if reference not in self._known:
            self.prepare([reference])
        if reference not in self._known:
            self._known[reference] = self._by_label(reference)
        return self._known[reference]

    def _by_label(self, label: str) -> str | None:
        wanted = normalise(label)
        if not wanted or wanted.startswith("http"):
            return None
        hits = self._taxonomy.label_hits(
            wanted.split(), kinds=_KINDS, schemes=[ESCO_SKILL.code], language=None, limit=_HITS
        )
        exact = [hit for hit in hits if normalise(hit.text) == wanted]
        exact.sort(key=lambda hit: (hit.label_type is not LabelType.PREFERRED, hit.concept.id))
        return exact[0].concept.id if exact else None

    def suggest(self, reference: str) -> list[str]:
        """Up to three preferred labels of skills close to `reference` (a label that found nothing)."""
        words = tokens(reference)
        if not words or reference.startswith("http"):
            return []
        hits = self._taxonomy.label_hits(words, kinds=_KINDS, schemes=[ESCO_SKILL.code], language=None, limit=_HITS)
        if hits:
            return list(dict.fromkeys(match.concept.label for match in rank(reference, hits)))[:3]
        labels: list[str] = []
        for word in words:
            stem = word[:3] if len(word) > 3 else word[:2]
            found = self._taxonomy.label_hits(
                [stem], kinds=_KINDS, schemes=[ESCO_SKILL.code], language=None, limit=2_000
            )
            labels += [hit.text for hit in found]
        return spelling_suggestions(reference, labels)
