"""Response models of the training endpoints: courses with their ESCO skills, cost, subsidy and place."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lmis.training.model import Mode, Subsidy
from lmis.training.services import CourseView
from lmis.web.api.schemas import CodedOut, PageOut

_SKILL = {
    "id": "wm3bdpbbyjyu",
    "code": "http://data.europa.eu/esco/skill/000f1d3d-220f-4789-9c0a-cc742521fb02",
    "scheme": "esco-skill",
    "label": "Haskell",
    "release": "esco-1.2.0",
}
_EXAMPLE: dict[str, Any] = {
    "id": "bmbhns4wwwog",
    "source": "kr-hrd",
    "external_id": "C-1",
    "title": "Functional programming with Haskell",
    "provider": "Demo Seoul Digital Academy",
    "description": "Eight weeks of evening classes, with a project.",
    "skills": [_SKILL],
    "region": {"id": "KR-11", "name": "Seoul"},
    "mode": "in_person",
    "duration_hours": 40.0,
    "cost": 500000.0,
    "currency": "KRW",
    "net_cost": 100000.0,
    "subsidy": {
        "programme": "National Tomorrow Learning Card (국민내일배움카드)",
        "text": "80% of the fee for registered jobseekers",
        "share": 0.8,
        "amount": None,
    },
    "starts_on": "2026-12-07",
    "ends_on": "2027-01-29",
    "url": "https://courses.example.invalid/c-1",
    "language": "ko",
    "created_at": "2026-11-26T06:40:00Z",
    "updated_at": "2026-11-26T06:40:00Z",
}


class PlaceOut(BaseModel):
    """A gazetteer place: its id (`KR-11`) and name."""

    id: str
    name: str | None


class SubsidyOut(BaseModel):
    """Public money towards the fee: the programme, its terms, and the share (0-1) or amount it covers."""

    programme: str
    text: str
    share: float | None = Field(description="Share of the fee covered, 0 to 1.")
    amount: float | None = Field(description="Amount covered, in the course's currency.")

    @classmethod
    def of(cls, subsidy: Subsidy | None) -> SubsidyOut | None:
        """The API form of a subsidy (None without one)."""
        if subsidy is None:
            return None
        return cls(programme=subsidy.programme, text=subsidy.text, share=subsidy.share, amount=subsidy.amount)


class CourseOut(BaseModel):
    """A course or training programme and the ESCO skills it teaches."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: str = Field(description="Stable id of the course (from its source and external id).")
    source: str = Field(description="The provider or catalogue the course came from.")
    external_id: str = Field(description="The source's own id of the course.")
    title: str
    provider: str
    description: str
    skills: list[CodedOut] = Field(description="ESCO skills the course teaches, most central first.")
    region: PlaceOut | None = Field(description="Where it is held (gazetteer place); null: nationwide or online.")
    mode: Mode
    duration_hours: float | None
    cost: float | None = Field(description="The fee before any subsidy (null: not stated; 0: free).")
    currency: str | None = Field(description="ISO 4217 currency of cost and subsidy amount.")
    net_cost: float | None = Field(description="What the learner pays after the subsidy.")
    subsidy: SubsidyOut | None
    starts_on: date | None
    ends_on: date | None
    url: str
    language: str = Field(description="Language of instruction (BCP 47), empty when not stated.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: CourseView) -> CourseOut:
        """The API form of a course."""
        c = view.course
        return cls(
            id=c.id,
            source=c.source,
            external_id=c.external_id,
            title=c.title,
            provider=c.provider,
            description=c.description,
            skills=[CodedOut.of(ref) for ref in view.skills],
            region=PlaceOut(id=c.region, name=view.region_name) if c.region else None,
            mode=c.mode,
            duration_hours=c.duration_hours,
            cost=c.cost,
            currency=c.currency,
            net_cost=c.net_cost,
            subsidy=SubsidyOut.of(c.subsidy),
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            url=c.url,
            language=c.language,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class CoursePageOut(PageOut[CourseOut]):
    """A page of courses, by title."""
