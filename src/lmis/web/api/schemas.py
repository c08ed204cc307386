"""Response models of the API: what clients see, never domain objects or table rows."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from lmis.taxonomy.model import ConceptRef

T = TypeVar("T")


class CodedOut(BaseModel):
    """A coded value: the stable concept id, its code in its scheme, its label and release."""

    id: str = Field(description="Opaque stable concept id; the same in every release.")
    code: str = Field(description="The code (or URI, for ESCO skills) in its scheme.")
    scheme: str = Field(description="The scheme, e.g. esco-occupation, isco-08, onet-soc-2019.")
    label: str = Field(description="The preferred label.")
    release: str = Field(description="The taxonomy release this value was read from.")

    @classmethod
    def of(cls, ref: ConceptRef) -> CodedOut:
        """The coded value of a concept reference."""
        return cls(id=ref.id, code=ref.code, scheme=ref.scheme, label=ref.label, release=ref.release)


class PageOut(BaseModel, Generic[T]):
    """A page of results with the cursor to the next one (None on the last page)."""

    items: list[T]
    total: int = Field(description="How many results there are in all (text search: at most 1,000).")
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page.")


class MatchOut(BaseModel):
    """A concept found by text or code, with the label that matched."""

    concept: CodedOut
    score: float = Field(description="How well the label matched, 0 to 1.")
    matched_label: str
    language: str
    label_type: str = Field(description="preferred, alternative, hidden or reported")
    isco: CodedOut | None = Field(None, description="The ISCO-08 group (occupations only).")


class SearchOut(PageOut[MatchOut]):
    """Search results; `suggestions` are spellings to try when nothing matched."""

    suggestions: list[str] = Field(default_factory=list)


class LabelOut(BaseModel):
    """A name of a concept in one language."""

    language: str
    label_type: str
    text: str


class LinkedOut(BaseModel):
    """A related concept with the relation's relevance (essential or optional)."""

    concept: CodedOut
    relevance: str
    skill_type: str = ""


class StepOut(BaseModel):
    """One hop of a crosswalk chain."""

    from_scheme: str
    from_code: str
    to_scheme: str
    to_code: str
    crosswalk: str = Field(description="The release (crosswalk table) the mapping comes from.")
    match: str = Field(description="exact, partial or close")
    confidence: float
    reverse: bool = Field(description="True when the table maps the other way round.")


class CrosswalkTargetOut(BaseModel):
    """A code reached in the target scheme and the path that led there."""

    code: str
    concept: CodedOut | None
    confidence: float
    path: list[StepOut]


class CrosswalkOut(BaseModel):
    """The codes of one code in another scheme, best first."""

    source: CodedOut | None
    from_scheme: str
    code: str
    to_scheme: str
    results: list[CrosswalkTargetOut]


class ConceptOut(BaseModel):
    """One concept with its labels, hierarchy and collections."""

    concept: CodedOut
    kind: str
    uri: str | None
    description: str
    status: str
    replaced_by: str | None
    attributes: dict[str, str | int | float | bool]
    labels: list[LabelOut]
    broader: list[CodedOut] = Field(description="Ancestors, from the root down to the parent.")
    narrower: list[CodedOut]
    collections: list[str]


class TaskOut(BaseModel):
    """An O*NET task statement."""

    task_id: str
    statement: str
    task_type: str


class TechnologyOut(BaseModel):
    """An O*NET technology skill example."""

    example: str
    commodity_code: str
    commodity_title: str
    hot: bool
    in_demand: bool


class RatingOut(BaseModel):
    """An O*NET skill or knowledge rating."""

    domain: str
    element_id: str
    element_name: str
    scale: str
    value: float


class OccupationOut(ConceptOut):
    """An occupation: the concept, the skills it needs and its codes in other schemes."""

    essential_skills: list[LinkedOut]
    optional_skills: list[LinkedOut]
    crosswalks: list[CrosswalkOut]
    tasks: list[TaskOut]
    technology: list[TechnologyOut]
    ratings: list[RatingOut]


class SkillOut(ConceptOut):
    """A skill with its related skills."""

    related: list[LinkedOut]


class ReleaseOut(BaseModel):
    """A stored taxonomy release."""

    id: str
    family: str
    version: str
    title: str
    publisher: str
    licence: str
    source: str
    imported_at: datetime
    current: bool
    concepts: int
    mappings: int


class SchemeOut(BaseModel):
    """A code system LMIS holds."""

    code: str
    title: str
    family: str
