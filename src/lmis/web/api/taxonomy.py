"""/api/v1 taxonomy endpoints: occupations, skills, crosswalks, schemes and releases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from lmis.shared.paging import MAX_PAGE_SIZE
from lmis.taxonomy import services
from lmis.taxonomy.crosswalk import Route
from lmis.taxonomy.model import Match
from lmis.taxonomy.ports import LinkedConcept
from lmis.taxonomy.services import ConceptQuery, ConceptSearch, ConceptView, CrosswalkAnswer
from lmis.web.api.params import INTEGER_TEXT
from lmis.web.api.schemas import (
    CodedOut,
    ConceptOut,
    CrosswalkOut,
    CrosswalkTargetOut,
    LabelOut,
    LinkedOut,
    MatchOut,
    OccupationOut,
    PageOut,
    RatingOut,
    ReleaseOut,
    SchemeOut,
    SearchOut,
    SkillOut,
    StepOut,
    TaskOut,
    TechnologyOut,
)
from lmis.web.deps import UowDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["taxonomy"])

Text = Annotated[
    str, Query(description="Text in any stored language; matches preferred, alternative and hidden labels.")
]
Code = Annotated[str, Query(description="An exact code or URI in any scheme (instead of q).")]
Schemes = Annotated[
    list[str],
    Query(
        description="Restrict to these schemes (repeat the parameter). Default: ESCO, ISCO-08 and "
        "national schemes; `all` searches every scheme."
    ),
]
Language = Annotated[str | None, Query(description="Only labels in this language (ISO 639-1).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1 to {MAX_PAGE_SIZE}."), INTEGER_TEXT]
CrosswalkTo = Annotated[list[str], Query(description="Schemes to give the occupation's codes in (repeatable).")]


def _concept_query(q: Text = "", code: Code = "", scheme: Schemes = [], language: Language = None) -> ConceptQuery:
    return ConceptQuery(q, code, tuple(scheme), language)


QueryDep = Annotated[ConceptQuery, Depends(_concept_query)]


@router.get(
    "/occupations",
    response_model=SearchOut,
    summary="Find occupations by text or code",
    responses=problem_responses(422),
)
def find_occupations(uow: UowDep, query: QueryDep, cursor: Cursor = None, limit: Limit = 20) -> SearchOut:
    """Occupations whose labels contain every word of `q` (or whose code is `code`), best first."""
    return _search_out(services.find_occupations(query, cursor=cursor, limit=limit, uow=uow))


@router.get(
    "/occupations/{concept_id}",
    response_model=OccupationOut,
    summary="One occupation",
    responses=problem_responses(404, 422),
)
def get_occupation(
    concept_id: str,
    uow: UowDep,
    crosswalk_to: CrosswalkTo = ["isco-08", "esco-occupation", "onet-soc-2019"],
) -> OccupationOut:
    """The occupation with its ISCO path, essential and optional skills and crosswalked codes."""
    view = services.get_occupation(concept_id, uow=uow, crosswalk_to=crosswalk_to)
    return OccupationOut(
        **_concept_out(view.concept).model_dump(),
        essential_skills=[_linked_out(s) for s in view.essential_skills],
        optional_skills=[_linked_out(s) for s in view.optional_skills],
        crosswalks=[_crosswalk_out(a) for a in view.crosswalks],
        tasks=[TaskOut(task_id=t.task_id, statement=t.statement, task_type=t.task_type) for t in view.onet.tasks],
        technology=[
            TechnologyOut(
                example=t.example,
                commodity_code=t.commodity_code,
                commodity_title=t.commodity_title,
                hot=t.hot,
                in_demand=t.in_demand,
            )
            for t in view.onet.technology
        ],
        ratings=[
            RatingOut(
                domain=r.domain, element_id=r.element_id, element_name=r.element_name, scale=r.scale, value=r.value
            )
            for r in view.onet.ratings
        ],
    )


@router.get("/skills", response_model=SearchOut, summary="Find skills by text or URI", responses=problem_responses(422))
def find_skills(uow: UowDep, query: QueryDep, cursor: Cursor = None, limit: Limit = 20) -> SearchOut:
    """ESCO skills, knowledge and skill groups whose labels contain every word of `q`."""
    return _search_out(services.find_skills(query, cursor=cursor, limit=limit, uow=uow))


@router.get("/skills/{concept_id}", response_model=SkillOut, summary="One skill", responses=problem_responses(404, 422))
def get_skill(concept_id: str, uow: UowDep) -> SkillOut:
    """The skill with its hierarchy, collections (digital, green, ...) and related skills."""
    view = services.get_skill(concept_id, uow=uow)
    return SkillOut(**_concept_out(view.concept).model_dump(), related=[_linked_out(s) for s in view.related])


@router.get(
    "/skills/{concept_id}/occupations",
    response_model=PageOut[LinkedOut],
    summary="Occupations that need a skill",
    responses=problem_responses(404, 422),
)
def occupations_for_skill(concept_id: str, uow: UowDep, cursor: Cursor = None, limit: Limit = 20) -> PageOut[LinkedOut]:
    """Occupations for which the skill is essential, then those for which it is optional."""
    page = services.occupations_for_skill(concept_id, cursor=cursor, limit=limit, uow=uow)
    return PageOut[LinkedOut](
        items=[_linked_out(i) for i in page.items], total=page.total, next_cursor=page.next_cursor
    )


@router.get(
    "/skills/{concept_id}/related",
    response_model=list[LinkedOut],
    summary="Skills related to a skill",
    responses=problem_responses(404, 422),
)
def related_skills(concept_id: str, uow: UowDep) -> list[LinkedOut]:
    """Skills ESCO relates to this one (essential or optional for it)."""
    return [_linked_out(s) for s in services.get_skill(concept_id, uow=uow).related]


@router.get(
    "/crosswalk",
    response_model=CrosswalkOut,
    summary="Translate a code into another scheme",
    responses=problem_responses(404, 422),
)
def crosswalk(
    uow: UowDep,
    code: Annotated[str, Query(description="The code (or ESCO URI) to translate.")],
    from_: Annotated[str, Query(alias="from", description="Its scheme, e.g. onet-soc-2019.")],
    to: Annotated[str, Query(description="The target scheme, e.g. isco-08.")],
) -> CrosswalkOut:
    """Every code of `to` the code corresponds to, chaining crosswalks (up to 4 steps), with the path taken."""
    return _crosswalk_out(services.crosswalk(code, from_, to, uow=uow))


@router.get("/schemes", response_model=list[SchemeOut], summary="Schemes")
def list_schemes(uow: UowDep) -> list[SchemeOut]:
    """The code systems of the stored releases."""
    return [SchemeOut(code=s.code, title=s.title, family=s.family) for s in services.list_schemes(uow=uow)]


@router.get("/releases", response_model=list[ReleaseOut], summary="Taxonomy releases")
def list_releases(uow: UowDep) -> list[ReleaseOut]:
    """Every stored release, with its licence and whether it answers queries (current)."""
    return [
        ReleaseOut(
            id=info.release.id,
            family=info.release.family,
            version=info.release.version,
            title=info.release.title,
            publisher=info.release.publisher,
            licence=info.release.licence,
            source=info.release.source,
            imported_at=info.imported_at,
            current=info.current,
            concepts=info.concept_count,
            mappings=info.mapping_count,
        )
        for info in services.list_releases(uow=uow)
    ]


def _match_out(match: Match) -> MatchOut:
    return MatchOut(
        concept=CodedOut.of(match.concept),
        score=match.score,
        matched_label=match.matched_label,
        language=match.language,
        label_type=match.label_type.value,
        isco=CodedOut.of(match.isco) if match.isco else None,
    )


def _search_out(found: ConceptSearch) -> SearchOut:
    page = found.page
    return SearchOut(
        items=[_match_out(m) for m in page.items],
        total=page.total,
        next_cursor=page.next_cursor,
        suggestions=found.suggestions,
    )


def _linked_out(linked: LinkedConcept) -> LinkedOut:
    return LinkedOut(
        concept=CodedOut.of(linked.concept), relevance=linked.relevance.value, skill_type=linked.skill_type
    )


def _concept_out(view: ConceptView) -> ConceptOut:
    concept = view.record.concept
    return ConceptOut(
        concept=CodedOut.of(view.record.ref),
        kind=concept.kind.value,
        uri=concept.uri,
        description=concept.description,
        status=concept.status,
        replaced_by=concept.replaced_by,
        attributes=dict(concept.attributes),
        labels=[LabelOut(language=lb.language, label_type=lb.label_type.value, text=lb.text) for lb in view.labels],
        broader=[CodedOut.of(r) for r in view.path],
        narrower=[CodedOut.of(r) for r in view.narrower],
        collections=view.collections,
    )


def _route_out(route: Route) -> list[StepOut]:
    return [
        StepOut(
            from_scheme=s.from_scheme,
            from_code=s.from_code,
            to_scheme=s.to_scheme,
            to_code=s.to_code,
            crosswalk=s.crosswalk,
            match=s.match.value,
            confidence=s.confidence,
            reverse=s.reverse,
        )
        for s in route.steps
    ]


def _crosswalk_out(answer: CrosswalkAnswer) -> CrosswalkOut:
    return CrosswalkOut(
        source=CodedOut.of(answer.source) if answer.source else None,
        from_scheme=answer.source_scheme,
        code=answer.source_code,
        to_scheme=answer.target_scheme,
        results=[
            CrosswalkTargetOut(
                code=t.code,
                concept=CodedOut.of(t.concept) if t.concept else None,
                confidence=t.route.confidence,
                path=_route_out(t.route),
            )
            for t in answer.routes
        ],
    )
