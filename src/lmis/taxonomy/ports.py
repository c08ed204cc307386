"""What the taxonomy context needs from storage: one repository and the unit of work holding it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

from lmis.shared.progress import Progress
from lmis.taxonomy.model import (
    CodeMapping,
    ConceptKind,
    ConceptRecord,
    ConceptRef,
    Label,
    LabelHit,
    Rating,
    ReleaseBundle,
    ReleaseInfo,
    Scheme,
    SkillRelevance,
    Task,
    TechnologySkill,
)


@dataclass(frozen=True, slots=True)
class StoredMapping:
    """A crosswalk mapping with the release (crosswalk) it comes from."""

    mapping: CodeMapping
    crosswalk: str


@dataclass(frozen=True, slots=True)
class LinkedConcept:
    """A concept reached through a relation, with the relation's relevance."""

    concept: ConceptRef
    relevance: SkillRelevance
    skill_type: str = ""


@dataclass(frozen=True, slots=True)
class OnetDetails:
    """O*NET descriptors of an occupation."""

    tasks: list[Task]
    technology: list[TechnologySkill]
    ratings: list[Rating]


class TaxonomyRepository(Protocol):
    """Stored releases and the concepts of the current ones.

    Read methods see only releases marked current unless they say otherwise; ids are the
    stable concept ids of `lmis.taxonomy.schemes.concept_id`.
    """

    def fingerprint_of(self, release_id: str) -> str | None:
        """The fingerprint of the stored release, or None when it is not stored."""

    def release_with_fingerprint(self, fingerprint: str) -> str | None:
        """The id of the stored release imported from input with this fingerprint, if any."""

    def store_release(self, bundle: ReleaseBundle, fingerprint: str, imported_at: datetime, progress: Progress) -> None:
        """Replace everything of `bundle.release` with the bundle and make it current for its family."""

    def releases(self) -> list[ReleaseInfo]:
        """Every stored release, newest import first."""

    def schemes(self) -> list[Scheme]:
        """Every scheme some stored release provides."""

    def crosswalk_schemes(self) -> set[str]:
        """Every scheme named on either side of a stored mapping."""

    def label_hits(
        self,
        words: Sequence[str],
        *,
        kinds: Collection[ConceptKind],
        schemes: Collection[str],
        language: str | None,
        limit: int,
    ) -> list[LabelHit]:
        """Labels (normalised) containing every word, of concepts of `kinds` in `schemes` (all when empty)."""

    def concepts_by_code(
        self, code: str, *, schemes: Collection[str], kinds: Collection[ConceptKind]
    ) -> list[ConceptRecord]:
        """Concepts whose code or URI is `code`, in `schemes` (all when empty)."""

    def codes_starting(self, scheme: str, prefix: str, *, limit: int) -> list[str]:
        """Codes of `scheme` (in concepts or crosswalks) that start with `prefix`, sorted."""

    def concept(self, concept_id: str) -> ConceptRecord | None:
        """The concept with this id in a current release, or None."""

    def records(self, concept_ids: Collection[str]) -> list[ConceptRecord]:
        """The stored concepts with these ids in current releases."""

    def refs(self, concept_ids: Collection[str]) -> dict[str, ConceptRef]:
        """Coded references of the given ids that exist in a current release."""

    def refs_by_code(self, scheme: str, codes: Collection[str]) -> dict[str, ConceptRef]:
        """Coded references of `codes` (codes or URIs) in `scheme`, keyed by the code asked."""

    def labels(self, concept_id: str) -> list[Label]:
        """Every label of the concept, in every language."""

    def broader_ids(self, concept_id: str) -> list[str]:
        """Ids of the concepts directly above this one."""

    def narrower(self, concept_id: str) -> list[ConceptRef]:
        """Concepts directly below this one, by code."""

    def skills_of(self, occupation_id: str) -> list[LinkedConcept]:
        """The ESCO skills an occupation needs, with essential/optional."""

    def occupations_needing(self, skill_id: str, offset: int, limit: int) -> tuple[list[LinkedConcept], int]:
        """A page of occupations that need the skill, essential first, and how many there are."""

    def related_skills(self, skill_id: str) -> list[LinkedConcept]:
        """Skills related to this one by skill-skill relations, in either direction."""

    def collections_of(self, concept_id: str) -> list[str]:
        """Names of the collections the concept belongs to."""

    def mappings_touching(self, nodes: Collection[tuple[str, str]]) -> list[StoredMapping]:
        """Mappings with (scheme, code) of `nodes` on either side."""

    def onet_details(self, concept_id: str) -> OnetDetails:
        """Tasks, technology skills and ratings of an O*NET occupation (empty for other schemes)."""


class TaxonomyUnitOfWork(Protocol):
    """One transaction over the taxonomy; leaving without `commit` rolls back."""

    @property
    def taxonomy(self) -> TaxonomyRepository:
        """The taxonomy repository on this unit of work's transaction."""

    def __enter__(self) -> TaxonomyUnitOfWork:
        """Begin the transaction."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back what was not committed and end the transaction."""

    def commit(self) -> None:
        """Make the transaction's writes durable."""
