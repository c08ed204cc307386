"""Finding, reading and crosswalking occupations and skills in the sample taxonomy, on every database."""

from __future__ import annotations

import pytest

from lmis.bootstrap import Services
from lmis.shared.errors import Invalid, NotFound
from lmis.taxonomy import services as taxonomy
from lmis.taxonomy.model import ConceptKind, LabelType, SkillRelevance
from lmis.taxonomy.schemes import concept_id, isco_id
from lmis.taxonomy.services import ConceptQuery

NURSE_URI = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"
NURSE = concept_id("esco-occupation", NURSE_URI)
ADVANCED_NURSE = concept_id(
    "esco-occupation", "http://data.europa.eu/esco/occupation/36494988-69d2-4420-9db4-eb56605ac983"
)
SOFTWARE_DEVELOPER = concept_id(
    "esco-occupation", "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
)
HASKELL = concept_id("esco-skill", "http://data.europa.eu/esco/skill/000f1d3d-220f-4789-9c0a-cc742521fb02")
HOMECARE = concept_id("esco-skill", "http://data.europa.eu/esco/skill/04880044-9668-45b8-b888-f3d9894bac9f")
REGISTERED_NURSES = concept_id("onet-soc-2019", "29-1141.00")


def find(
    services: Services, limit: int | None = 100, cursor: str | None = None, **query: object
) -> taxonomy.ConceptSearch:
    return taxonomy.find_occupations(ConceptQuery(**query), cursor=cursor, limit=limit, uow=services.uow())  # type: ignore[arg-type]


# -- finding occupations ---------------------------------------------------------------------


def test_nurse_finds_the_esco_nursing_occupations_with_their_isco_group(sample_services: Services) -> None:
    found = find(sample_services, text="nurse")
    ids = [m.concept.id for m in found.page.items]
    assert set(ids) == {NURSE, ADVANCED_NURSE}
    assert found.page.total == 2
    assert all(m.isco is not None and m.isco.code == "2221" for m in found.page.items)
    assert [m.score for m in found.page.items] == sorted((m.score for m in found.page.items), reverse=True)
    assert found.suggestions == []


def test_searches_without_a_scheme_leave_out_onet_and_soc(sample_services: Services) -> None:
    schemes = {m.concept.scheme for m in find(sample_services, text="nurse").page.items}
    assert schemes <= {"esco-occupation", "isco-08"}


def test_french_text_finds_occupations_by_their_french_labels(sample_services: Services) -> None:
    found = find(sample_services, text="infirmier")
    assert {m.concept.id for m in found.page.items} == {NURSE, ADVANCED_NURSE}
    assert all(m.language == "fr" for m in found.page.items)
    assert all("infirmier" in m.matched_label for m in found.page.items)
    assert {m.concept.label for m in found.page.items} == {
        "nurse responsible for general care",
        "advanced nurse practitioner",
    }


def test_text_is_matched_without_its_accents(sample_services: Services) -> None:
    found = find(sample_services, text="INFIRMIERE de soins generaux")
    assert found.page.items[0].concept.id == NURSE


def test_a_language_filter_keeps_only_labels_of_that_language(sample_services: Services) -> None:
    assert find(sample_services, text="infirmier", language="en").page.total == 0
    assert find(sample_services, text="infirmier", language="fr").page.total == 2


def test_a_code_finds_the_isco_unit_group(sample_services: Services) -> None:
    found = find(sample_services, code="2221", schemes=("isco-08",))
    (match,) = found.page.items
    assert (match.concept.id, match.concept.code, match.concept.scheme) == (isco_id("2221"), "2221", "isco-08")
    assert match.concept.label == "Nursing professionals"
    assert match.score == 1.0
    assert match.isco is not None
    assert match.isco.code == "2221"


def test_scheme_aliases_are_accepted(sample_services: Services) -> None:
    by_alias = find(sample_services, code="2221", schemes=("ISCO",))
    assert [m.concept.id for m in by_alias.page.items] == [isco_id("2221")]


def test_an_esco_occupation_is_found_by_its_uri(sample_services: Services) -> None:
    assert [m.concept.id for m in find(sample_services, code=NURSE_URI).page.items] == [NURSE]


def test_a_scheme_filter_keeps_only_that_scheme(sample_services: Services) -> None:
    found = find(sample_services, text="nurse", schemes=("onet-soc-2019",))
    assert {m.concept.code for m in found.page.items} == {"29-1141.00", "29-1141.01"}
    assert {m.concept.scheme for m in found.page.items} == {"onet-soc-2019"}


def test_the_all_scheme_searches_every_scheme(sample_services: Services) -> None:
    schemes = {m.concept.scheme for m in find(sample_services, text="nurse", schemes=("all",)).page.items}
    assert schemes == {"esco-occupation", "onet-soc-2019", "soc-2010"}


def test_an_unknown_scheme_is_invalid_with_suggestions(sample_services: Services) -> None:
    with pytest.raises(Invalid) as caught:
        find(sample_services, text="nurse", schemes=("isco-8",))
    assert caught.value.field == "scheme"
    assert "isco-08" in caught.value.suggestions
    assert "isco-08" in caught.value.detail  # the message lists what is stored


@pytest.mark.parametrize("query", [{}, {"text": "   "}, {"text": "", "code": " "}, {"text": "?!"}])
def test_an_empty_query_is_invalid(sample_services: Services, query: dict[str, str]) -> None:
    with pytest.raises(Invalid) as caught:
        find(sample_services, **query)
    assert caught.value.field == "q"


def test_a_misspelt_query_finds_nothing_and_suggests_the_right_spelling(sample_services: Services) -> None:
    found = find(sample_services, text="nurce")
    assert found.page.items == []
    assert found.page.total == 0
    assert found.page.next_cursor is None
    assert "nurse" in found.suggestions


def test_paging_walks_every_match_once(sample_services: Services) -> None:
    everything = find(sample_services, text="nurse", schemes=("all",))
    assert everything.page.total > 10
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = find(sample_services, limit=4, cursor=cursor, text="nurse", schemes=("all",)).page
        assert page.total == everything.page.total
        assert len(page.items) <= 4
        seen += [m.concept.id for m in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == everything.page.total
    assert seen == [m.concept.id for m in everything.page.items]
    assert pages == -(-everything.page.total // 4)


def test_a_cursor_of_another_search_is_invalid(sample_services: Services) -> None:
    cursor = find(sample_services, limit=2, text="nurse", schemes=("all",)).page.next_cursor
    assert cursor is not None
    with pytest.raises(Invalid) as caught:
        find(sample_services, limit=2, cursor=cursor, text="welder", schemes=("all",))
    assert caught.value.field == "cursor"


@pytest.mark.parametrize("limit", [0, 101])
def test_a_page_size_outside_1_to_100_is_invalid(sample_services: Services, limit: int) -> None:
    with pytest.raises(Invalid) as caught:
        find(sample_services, limit=limit, text="nurse")
    assert caught.value.field == "limit"


def test_skills_are_found_by_text_and_occupations_are_not(sample_services: Services) -> None:
    found = taxonomy.find_skills(ConceptQuery(text="haskell"), cursor=None, limit=None, uow=sample_services.uow())
    assert found.page.items[0].concept.id == HASKELL
    assert found.page.items[0].score == 1.0
    assert find(sample_services, text="haskell").page.total == 0


# -- reading one occupation ------------------------------------------------------------------


def test_an_esco_occupation_has_its_isco_path_root_first(sample_services: Services) -> None:
    view = taxonomy.get_occupation(NURSE, uow=sample_services.uow())
    assert [ref.code for ref in view.concept.path] == ["2", "22", "222", "2221"]
    assert all(ref.scheme == "isco-08" for ref in view.concept.path)


def test_an_esco_occupation_lists_essential_and_optional_skills(sample_services: Services) -> None:
    view = taxonomy.get_occupation(NURSE, uow=sample_services.uow())
    assert len(view.essential_skills) == 88
    assert len(view.optional_skills) == 10
    assert {s.relevance for s in view.essential_skills} == {SkillRelevance.ESSENTIAL}
    assert {s.relevance for s in view.optional_skills} == {SkillRelevance.OPTIONAL}
    assert {s.concept.scheme for s in view.essential_skills} == {"esco-skill"}
    assert {s.skill_type for s in view.essential_skills} <= {"knowledge", "skill/competence"}
    labels = [s.concept.label for s in view.essential_skills]
    assert labels == sorted(labels)


def test_an_esco_occupation_has_its_labels_in_every_language(sample_services: Services) -> None:
    view = taxonomy.get_occupation(NURSE, uow=sample_services.uow())
    preferred = {(lb.language, lb.text) for lb in view.concept.labels if lb.label_type is LabelType.PREFERRED}
    assert ("en", "nurse responsible for general care") in preferred
    assert ("fr", "infirmier de soins généraux/infirmière de soins généraux") in preferred


def test_an_occupation_is_crosswalked_to_the_schemes_asked_for(sample_services: Services) -> None:
    view = taxonomy.get_occupation(NURSE, uow=sample_services.uow(), crosswalk_to=["onet-soc-2019"])
    (answer,) = view.crosswalks
    assert answer.target_scheme == "onet-soc-2019"
    assert [t.code for t in answer.routes] == ["29-1141.00"]
    assert answer.routes[0].concept is not None
    assert answer.routes[0].concept.label == "Registered Nurses"


def test_an_isco_group_lists_the_occupations_under_it(sample_services: Services) -> None:
    view = taxonomy.get_occupation(isco_id("2221"), uow=sample_services.uow())
    assert view.concept.record.concept.kind is ConceptKind.OCCUPATION
    assert {ref.id for ref in view.concept.narrower} == {NURSE, ADVANCED_NURSE}
    assert [ref.code for ref in view.concept.path] == ["2", "22", "222"]


def test_an_onet_occupation_has_its_job_zone_tasks_and_ratings(sample_services: Services) -> None:
    view = taxonomy.get_occupation(REGISTERED_NURSES, uow=sample_services.uow())
    assert view.concept.record.concept.attributes["job_zone"] == 4
    assert view.onet.tasks
    assert {r.domain for r in view.onet.ratings} == {"skill", "knowledge"}
    assert [ref.code for ref in view.concept.narrower] == ["29-1141.01"]


def test_an_unknown_occupation_id_is_not_found(sample_services: Services) -> None:
    with pytest.raises(NotFound):
        taxonomy.get_occupation("aaaaaaaaaaaa", uow=sample_services.uow())


def test_a_skill_id_is_not_an_occupation(sample_services: Services) -> None:
    with pytest.raises(NotFound) as caught:
        taxonomy.get_occupation(HASKELL, uow=sample_services.uow())
    assert "skill" in caught.value.detail


def test_crosswalking_an_occupation_to_an_unknown_scheme_is_invalid(sample_services: Services) -> None:
    with pytest.raises(Invalid):
        taxonomy.get_occupation(NURSE, uow=sample_services.uow(), crosswalk_to=["onet-soc-2099"])


# -- skills ----------------------------------------------------------------------------------


def test_a_digital_skill_is_in_the_digital_collection(sample_services: Services) -> None:
    view = taxonomy.get_skill(HASKELL, uow=sample_services.uow())
    assert view.concept.record.concept.label == "Haskell"
    assert view.concept.record.concept.attributes["skill_type"] == "knowledge"
    assert "digital" in view.concept.collections
    assert [ref.label for ref in view.concept.path] == ["computer programming"]


def test_a_skill_lists_its_related_skills(sample_services: Services) -> None:
    view = taxonomy.get_skill(HOMECARE, uow=sample_services.uow())
    assert [(r.concept.label, r.relevance) for r in view.related] == [("patient autonomy", SkillRelevance.OPTIONAL)]


def test_related_skills_are_found_from_either_end(sample_services: Services) -> None:
    autonomy = concept_id("esco-skill", "http://data.europa.eu/esco/skill/2b1ce548-4e16-45fb-bfb2-f3141c8efe8d")
    view = taxonomy.get_skill(autonomy, uow=sample_services.uow())
    assert HOMECARE in {r.concept.id for r in view.related}


def test_occupations_needing_a_skill_are_listed(sample_services: Services) -> None:
    page = taxonomy.occupations_for_skill(HASKELL, cursor=None, limit=None, uow=sample_services.uow())
    assert [(o.concept.id, o.relevance) for o in page.items] == [(SOFTWARE_DEVELOPER, SkillRelevance.OPTIONAL)]
    assert (page.total, page.next_cursor) == (1, None)


def test_occupations_needing_a_skill_are_paged(sample_services: Services) -> None:
    nurse_skill = taxonomy.get_occupation(NURSE, uow=sample_services.uow()).essential_skills[0].concept.id
    everything = taxonomy.occupations_for_skill(nurse_skill, cursor=None, limit=None, uow=sample_services.uow())
    seen, cursor = [], None
    while True:
        page = taxonomy.occupations_for_skill(nurse_skill, cursor=cursor, limit=1, uow=sample_services.uow())
        seen += [o.concept.id for o in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert NURSE in seen
    assert seen == [o.concept.id for o in everything.items]
    assert len(seen) == everything.total


def test_an_occupation_id_is_not_a_skill(sample_services: Services) -> None:
    with pytest.raises(NotFound) as caught:
        taxonomy.get_skill(NURSE, uow=sample_services.uow())
    assert "occupation" in caught.value.detail
    with pytest.raises(NotFound):
        taxonomy.occupations_for_skill("aaaaaaaaaaaa", cursor=None, limit=None, uow=sample_services.uow())


# -- crosswalks ------------------------------------------------------------------------------


def test_an_onet_code_is_crosswalked_to_isco_through_a_chain(sample_services: Services) -> None:
    answer = taxonomy.crosswalk("29-1141.00", "onet-soc-2019", "isco-08", uow=sample_services.uow())
    assert (answer.source_scheme, answer.target_scheme) == ("onet-soc-2019", "isco-08")
    assert answer.source is not None
    assert answer.source.id == REGISTERED_NURSES
    assert [t.code for t in answer.routes] == ["2221"]
    target = answer.routes[0]
    assert target.concept is not None
    assert target.concept.label == "Nursing professionals"
    steps = target.route.steps
    assert (steps[0].from_scheme, steps[0].from_code) == ("onet-soc-2019", "29-1141.00")
    assert (steps[-1].to_scheme, steps[-1].to_code) == ("isco-08", "2221")
    releases = {info.release.id for info in taxonomy.list_releases(uow=sample_services.uow())}
    assert all(step.crosswalk in releases for step in steps)
    assert 0 < target.route.confidence <= 1


def test_scheme_aliases_work_in_crosswalks(sample_services: Services) -> None:
    answer = taxonomy.crosswalk("29-1141.00", "onet", "isco", uow=sample_services.uow())
    assert (answer.source_scheme, answer.target_scheme) == ("onet-soc-2019", "isco-08")
    assert [t.code for t in answer.routes] == ["2221"]


def test_partial_bls_matches_come_with_lower_confidence(sample_services: Services) -> None:
    answer = taxonomy.crosswalk("2221", "isco-08", "soc-2010", uow=sample_services.uow())
    routes = {t.code: t.route for t in answer.routes}
    assert {"29-1141", "29-1151", "29-1171"} <= set(routes)
    assert routes["29-1151"].confidence < 1.0
    assert routes["29-1151"].steps[0].crosswalk == "crosswalk-bls-isco08-soc2010"


def test_an_esco_occupation_is_crosswalked_by_its_code_or_its_uri(sample_services: Services) -> None:
    by_code = taxonomy.crosswalk("2221.2", "esco", "onet", uow=sample_services.uow())
    by_uri = taxonomy.crosswalk(NURSE_URI, "esco", "onet", uow=sample_services.uow())
    assert [t.code for t in by_code.routes] == [t.code for t in by_uri.routes] == ["29-1141.00"]


def test_an_unknown_code_is_not_found_with_close_codes_suggested(sample_services: Services) -> None:
    with pytest.raises(NotFound) as caught:
        taxonomy.crosswalk("29-1141", "onet-soc-2019", "isco-08", uow=sample_services.uow())
    assert "29-1141.00" in caught.value.suggestions


def test_a_known_code_without_a_route_is_not_found(sample_services: Services) -> None:
    with pytest.raises(NotFound) as caught:
        taxonomy.crosswalk("15-1111", "soc-2010", "isco-08", uow=sample_services.uow())  # stored, but in no crosswalk
    assert "15-1111" in caught.value.detail


@pytest.mark.parametrize(("source", "target", "field"), [("onett", "isco-08", "from"), ("onet", "iscoo", "to")])
def test_an_unknown_scheme_in_a_crosswalk_is_invalid(
    sample_services: Services, source: str, target: str, field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        taxonomy.crosswalk("29-1141.00", source, target, uow=sample_services.uow())
    assert caught.value.field == field
    assert caught.value.suggestions
