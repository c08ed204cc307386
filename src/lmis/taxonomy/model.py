"""What a taxonomy is made of: releases, schemes, concepts, labels, relations and crosswalk mappings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from lmis.shared.errors import Invalid

AttributeValue = str | int | float | bool


class ConceptKind(StrEnum):
    """What a concept stands for; groups are the upper levels of a hierarchy."""

    OCCUPATION = "occupation"
    OCCUPATION_GROUP = "occupation_group"
    SKILL = "skill"
    SKILL_GROUP = "skill_group"


OCCUPATION_KINDS = frozenset({ConceptKind.OCCUPATION, ConceptKind.OCCUPATION_GROUP})
SKILL_KINDS = frozenset({ConceptKind.SKILL, ConceptKind.SKILL_GROUP})


class LabelType(StrEnum):
    """How a label names its concept (SKOS preferred/alternative/hidden, O*NET reported titles)."""

    PREFERRED = "preferred"
    ALTERNATIVE = "alternative"
    HIDDEN = "hidden"
    REPORTED = "reported"


class SkillRelevance(StrEnum):
    """ESCO's occupation-skill relation type."""

    ESSENTIAL = "essential"
    OPTIONAL = "optional"


class MatchType(StrEnum):
    """How closely one code of a crosswalk corresponds to the other."""

    EXACT = "exact"
    PARTIAL = "partial"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class Scheme:
    """A code system, e.g. `isco-08` or `esco-occupation`; `family` groups a publisher's schemes."""

    code: str
    title: str
    family: str


@dataclass(frozen=True, slots=True)
class Release:
    """One published version of a classification or crosswalk, stored beside the others."""

    id: str
    family: str
    version: str
    title: str
    publisher: str
    licence: str
    source: str


@dataclass(frozen=True, slots=True)
class Concept:
    """An occupation, skill or group in one scheme; `id` is opaque and stable across releases."""

    id: str
    scheme: str
    code: str
    kind: ConceptKind
    label: str
    language: str = "en"
    uri: str | None = None
    description: str = ""
    status: str = "released"
    replaced_by: str | None = None
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise Invalid(f"concept {self.id} has no code", field="code")
        if not self.label.strip():
            raise Invalid(f"concept {self.scheme}:{self.code} has no label", field="label")


@dataclass(frozen=True, slots=True)
class Label:
    """A name of a concept in one language."""

    concept_id: str
    language: str
    label_type: LabelType
    text: str


@dataclass(frozen=True, slots=True)
class Broader:
    """`concept_id` sits directly under `broader_id` (which may belong to another scheme)."""

    concept_id: str
    broader_id: str


@dataclass(frozen=True, slots=True)
class OccupationSkill:
    """An occupation needs a skill, essentially or optionally (ESCO)."""

    occupation_id: str
    skill_id: str
    relevance: SkillRelevance


@dataclass(frozen=True, slots=True)
class SkillLink:
    """Two skills related by ESCO's skill-skill relations."""

    skill_id: str
    related_id: str
    relevance: SkillRelevance


@dataclass(frozen=True, slots=True)
class CollectionMember:
    """A concept belongs to a named collection (digital, green, transversal, language...)."""

    collection: str
    concept_id: str


@dataclass(frozen=True, slots=True)
class Task:
    """A task statement of an O*NET occupation."""

    concept_id: str
    task_id: str
    statement: str
    task_type: str


@dataclass(frozen=True, slots=True)
class Rating:
    """An O*NET descriptor rating: importance (IM) or level (LV) of a skill or knowledge area."""

    concept_id: str
    domain: str
    element_id: str
    element_name: str
    scale: str
    value: float
    suppress: bool


@dataclass(frozen=True, slots=True)
class TechnologySkill:
    """A software or technology example used in an O*NET occupation, with its UNSPSC commodity."""

    concept_id: str
    example: str
    commodity_code: str
    commodity_title: str
    hot: bool
    in_demand: bool


@dataclass(frozen=True, slots=True)
class CodeMapping:
    """One row of a crosswalk: `from_code` in `from_scheme` corresponds to `to_code` in `to_scheme`."""

    from_scheme: str
    from_code: str
    to_scheme: str
    to_code: str
    match: MatchType = MatchType.EXACT
    confidence: float = 1.0


BUNDLE_PARTS = (
    "concepts",
    "labels",
    "broader",
    "occupation_skills",
    "skill_links",
    "collections",
    "tasks",
    "ratings",
    "technology",
    "mappings",
)


@dataclass(slots=True)
class ReleaseBundle:
    """Everything one release contributes, parsed and validated, ready to be stored at once."""

    release: Release
    schemes: list[Scheme] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    broader: list[Broader] = field(default_factory=list)
    occupation_skills: list[OccupationSkill] = field(default_factory=list)
    skill_links: list[SkillLink] = field(default_factory=list)
    collections: list[CollectionMember] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    technology: list[TechnologySkill] = field(default_factory=list)
    mappings: list[CodeMapping] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many records of each part the bundle holds."""
        return {part: len(getattr(self, part)) for part in BUNDLE_PARTS}


@dataclass(frozen=True, slots=True)
class ReleaseInfo:
    """A stored release with what it holds; `current` releases answer queries by default."""

    release: Release
    imported_at: datetime
    fingerprint: str
    current: bool
    concept_count: int
    mapping_count: int


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did: `changed` is False when the same input was already stored."""

    release_id: str
    changed: bool
    counts: Mapping[str, int]
    warnings: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class ConceptRef:
    """The coded form every API field takes: `{id, code, scheme, label, release}`."""

    id: str
    code: str
    scheme: str
    label: str
    release: str


@dataclass(frozen=True, slots=True)
class ConceptRecord:
    """A stored concept with the release it was read from."""

    concept: Concept
    release: str

    @property
    def ref(self) -> ConceptRef:
        """This concept as a coded field."""
        c = self.concept
        return ConceptRef(c.id, c.code, c.scheme, c.label, self.release)


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A stored label that matched the words of a query, with its concept."""

    concept: ConceptRef
    kind: ConceptKind
    text: str
    language: str
    label_type: LabelType


@dataclass(frozen=True, slots=True)
class Match:
    """A concept found by text, its score in [0, 1] and the label that matched."""

    concept: ConceptRef
    score: float
    matched_label: str
    language: str
    label_type: LabelType
    isco: ConceptRef | None = None
