"""Reading the published classification files: ESCO, ISCO-08, O*NET, SOC and crosswalk tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lmis.shared.errors import MalformedFile
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.formats.crosswalks import read_crosswalk
from lmis.taxonomy.formats.esco import read_esco
from lmis.taxonomy.formats.isco import read_isco
from lmis.taxonomy.formats.onet import read_onet
from lmis.taxonomy.formats.soc import read_soc
from lmis.taxonomy.model import Concept, ConceptKind, Label, LabelType, MatchType, ReleaseBundle, SkillRelevance
from lmis.taxonomy.schemes import concept_id, isco_id

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "taxonomy"
NURSE_URI = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"
ADVANCED_NURSE_URI = "http://data.europa.eu/esco/occupation/36494988-69d2-4420-9db4-eb56605ac983"
SKILL = "http://data.europa.eu/esco/skill/"
PROGRESS = SilentProgress()


def copy_sample(folder: str, tmp_path: Path) -> Path:
    """A writable copy of one sample folder."""
    return Path(shutil.copytree(SAMPLE / folder, tmp_path / folder))


def replace_line(path: Path, number: int, text: str) -> None:
    """Replace physical line `number` (1-based) of `path`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = text
    path.write_text("\n".join(lines), encoding="utf-8")


def append_line(path: Path, text: str) -> int:
    """Append a record to `path` and return the line it is on."""
    content = path.read_text(encoding="utf-8")
    if not content.endswith("\n"):
        content += "\n"
    path.write_text(content + text + "\n", encoding="utf-8")
    return content.count("\n") + 1


def assert_points_at(error: MalformedFile, path: Path, line: int, column: str) -> None:
    """The error names the file, line and column, in its fields and in its message."""
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert str(error).startswith(f"{path}, line {line}, column {column!r}: ")


def concept_by_code(bundle: ReleaseBundle, code: str) -> Concept:
    return next(c for c in bundle.concepts if c.code == code)


def broader_of(bundle: ReleaseBundle, cid: str) -> list[str]:
    return [b.broader_id for b in bundle.broader if b.concept_id == cid]


# -- ESCO ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def esco() -> ReleaseBundle:
    return read_esco(SAMPLE / "esco", "1.1.1", PROGRESS)


def test_esco_release_is_named_by_its_version(esco: ReleaseBundle) -> None:
    assert esco.release.id == "esco-1.1.1"
    assert esco.release.family == "esco"
    assert {s.code for s in esco.schemes} == {"esco-occupation", "esco-skill"}


def test_esco_occupation_gets_its_isco_mapping(esco: ReleaseBundle) -> None:
    nurse = concept_by_code(esco, "2221.2")
    assert nurse.label == "nurse responsible for general care"
    assert nurse.uri == NURSE_URI
    assert nurse.id == concept_id("esco-occupation", NURSE_URI)
    assert nurse.attributes["isco_group"] == "2221"
    assert ("esco-occupation", NURSE_URI, "isco-08", "2221") in {
        (m.from_scheme, m.from_code, m.to_scheme, m.to_code) for m in esco.mappings
    }
    assert len(esco.mappings) == 3  # one per occupation of the sample


def test_esco_occupation_sits_under_its_isco_unit_group(esco: ReleaseBundle) -> None:
    assert broader_of(esco, concept_id("esco-occupation", NURSE_URI)) == [isco_id("2221")]


def test_esco_regulated_profession_note_becomes_an_attribute(esco: ReleaseBundle) -> None:
    assert concept_by_code(esco, "2221.2").attributes["regulated"] == "regulated"


def test_esco_concepts_are_read_once_whatever_the_number_of_languages(esco: ReleaseBundle) -> None:
    occupations = [c for c in esco.concepts if c.kind is ConceptKind.OCCUPATION]
    assert sorted(c.code for c in occupations) == ["2221.1", "2221.2", "2512.4"]
    assert all(c.language == "en" for c in occupations)


def test_esco_french_labels_are_read_from_occupations_fr(esco: ReleaseBundle) -> None:
    nurse = concept_id("esco-occupation", NURSE_URI)
    french = [lb for lb in esco.labels if lb.concept_id == nurse and lb.language == "fr"]
    assert Label(nurse, "fr", LabelType.PREFERRED, "infirmier de soins généraux/infirmière de soins généraux") in french
    assert any(lb.label_type is LabelType.ALTERNATIVE for lb in french)


def test_esco_alternative_labels_are_split_on_newlines(esco: ReleaseBundle) -> None:
    nurse = concept_id("esco-occupation", NURSE_URI)
    english = {(lb.text, lb.label_type) for lb in esco.labels if lb.concept_id == nurse and lb.language == "en"}
    assert ("nurse responsible for general care", LabelType.PREFERRED) in english
    assert ("ward nurse", LabelType.ALTERNATIVE) in english
    assert ("practice nurse", LabelType.ALTERNATIVE) in english
    assert not any("\n" in text for text, _type in english)


def test_esco_skills_carry_their_skill_type(esco: ReleaseBundle) -> None:
    skills = {c.label: c for c in esco.concepts if c.kind is ConceptKind.SKILL}
    assert skills["Haskell"].attributes["skill_type"] == "knowledge"
    assert skills["Haskell"].attributes["reuse_level"] == "sector-specific"
    assert skills["migrate existing data"].attributes["skill_type"] == "skill/competence"
    assert all(s.scheme == "esco-skill" for s in skills.values())


def test_esco_occupation_skills_are_essential_or_optional(esco: ReleaseBundle) -> None:
    nurse = concept_id("esco-occupation", NURSE_URI)
    relevances = [r.relevance for r in esco.occupation_skills if r.occupation_id == nurse]
    assert relevances.count(SkillRelevance.ESSENTIAL) == 88
    assert relevances.count(SkillRelevance.OPTIONAL) == 10


def test_esco_skill_to_skill_relations_are_read(esco: ReleaseBundle) -> None:
    homecare = concept_id("esco-skill", SKILL + "04880044-9668-45b8-b888-f3d9894bac9f")
    autonomy = concept_id("esco-skill", SKILL + "2b1ce548-4e16-45fb-bfb2-f3141c8efe8d")
    assert any(
        (link.skill_id, link.related_id, link.relevance) == (homecare, autonomy, SkillRelevance.OPTIONAL)
        for link in esco.skill_links
    )


def test_esco_digital_collection_lists_digital_skills(esco: ReleaseBundle) -> None:
    haskell = concept_id("esco-skill", SKILL + "000f1d3d-220f-4789-9c0a-cc742521fb02")
    digital = {m.concept_id for m in esco.collections if m.collection == "digital"}
    assert haskell in digital
    assert len(digital) == 92


def test_esco_relation_type_other_than_essential_or_optional_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("esco", tmp_path)
    relations = folder / "occupationSkillRelations.csv"
    replace_line(relations, 3, f"{ADVANCED_NURSE_URI},sometimes,knowledge,{SKILL}04880044-9668-45b8-b888-f3d9894bac9f")
    with pytest.raises(MalformedFile) as caught:
        read_esco(folder, "1.1.1", PROGRESS)
    assert_points_at(caught.value, relations, 3, "relationType")
    assert "'sometimes'" in caught.value.detail


def test_esco_isco_group_that_is_not_a_number_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("esco", tmp_path)
    occupations = folder / "occupations_en.csv"
    text = occupations.read_text(encoding="utf-8")
    occupations.write_text(text.replace(f"{NURSE_URI},2221,", f"{NURSE_URI},22x1,"), encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        read_esco(folder, "1.1.1", PROGRESS)
    assert_points_at(caught.value, occupations, 24, "iscoGroup")


def test_esco_folder_without_occupations_file_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("esco", tmp_path)
    (folder / "occupations_en.csv").unlink()
    (folder / "occupations_fr.csv").unlink()
    with pytest.raises(MalformedFile) as caught:
        read_esco(folder, "1.1.1", PROGRESS)
    assert caught.value.path == str(folder)


# -- ISCO-08 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def isco() -> ReleaseBundle:
    return read_isco(SAMPLE / "isco", PROGRESS)


def test_isco_unit_groups_are_occupations_and_upper_levels_are_groups(isco: ReleaseBundle) -> None:
    assert isco.release.id == "isco-08"
    assert len(isco.concepts) == 11
    assert concept_by_code(isco, "2221").kind is ConceptKind.OCCUPATION
    assert concept_by_code(isco, "2221").label == "Nursing professionals"
    for group in ("2", "22", "222"):
        assert concept_by_code(isco, group).kind is ConceptKind.OCCUPATION_GROUP


def test_isco_group_sits_under_the_code_one_digit_shorter(isco: ReleaseBundle) -> None:
    assert broader_of(isco, isco_id("2221")) == [isco_id("222")]
    assert broader_of(isco, isco_id("222")) == [isco_id("22")]
    assert broader_of(isco, isco_id("22")) == [isco_id("2")]
    assert broader_of(isco, isco_id("2")) == []


def test_isco_descriptions_come_from_escos_isco_groups(isco: ReleaseBundle) -> None:
    assert concept_by_code(isco, "2").description.startswith("Professionals increase the existing stock of knowledge")


def test_isco_code_that_is_not_1_to_4_digits_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("isco", tmp_path)
    structure = folder / "isco08_structure_ilo.csv"
    line = append_line(structure, "22a1,Nursing somebody")
    with pytest.raises(MalformedFile) as caught:
        read_isco(folder, PROGRESS)
    assert_points_at(caught.value, structure, line, "isco_code")
    assert "'22a1'" in caught.value.detail


def test_isco_folder_without_the_structure_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("isco", tmp_path)
    (folder / "isco08_structure_ilo.csv").unlink()
    with pytest.raises(MalformedFile):
        read_isco(folder, PROGRESS)


# -- O*NET -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def onet() -> ReleaseBundle:
    return read_onet(SAMPLE / "onet", "29.3", PROGRESS)


def test_onet_occupations_are_read_with_their_titles(onet: ReleaseBundle) -> None:
    assert onet.release.id == "onet-29.3"
    assert sorted(c.code for c in onet.concepts) == ["15-1252.00", "29-1141.00", "29-1141.01", "51-4121.00"]
    assert concept_by_code(onet, "29-1141.00").label == "Registered Nurses"


def test_onet_job_zone_becomes_an_attribute(onet: ReleaseBundle) -> None:
    assert concept_by_code(onet, "29-1141.00").attributes["job_zone"] == 4
    assert concept_by_code(onet, "29-1141.01").attributes["job_zone"] == 3


def test_onet_detailed_occupation_sits_under_its_00_code(onet: ReleaseBundle) -> None:
    acute = concept_id("onet-soc-2019", "29-1141.01")
    assert broader_of(onet, acute) == [concept_id("onet-soc-2019", "29-1141.00")]


def test_onet_alternate_and_reported_titles_become_labels(onet: ReleaseBundle) -> None:
    nurse = concept_id("onet-soc-2019", "29-1141.00")
    labels = {lb.text: lb.label_type for lb in onet.labels if lb.concept_id == nurse}
    assert labels["Registered Nurses"] is LabelType.PREFERRED
    assert labels["Cardiac Care Unit Nurse (CCU Nurse)"] is LabelType.ALTERNATIVE
    assert labels["CCU Nurse"] is LabelType.ALTERNATIVE  # the short title
    assert LabelType.REPORTED in labels.values()


def test_onet_tasks_ratings_and_technology_are_read(onet: ReleaseBundle) -> None:
    nurse = concept_id("onet-soc-2019", "29-1141.00")
    assert any(t.concept_id == nurse for t in onet.tasks)
    reading = [r for r in onet.ratings if r.concept_id == nurse and r.element_name == "Reading Comprehension"]
    assert {(r.domain, r.scale, r.value) for r in reading} == {("skill", "IM", 3.88), ("skill", "LV", 4.25)}
    assert any(r.domain == "knowledge" for r in onet.ratings)
    assert any(t.example == "3M Post-it App" and t.commodity_code == "43232104" for t in onet.technology)


def test_onet_version_is_read_from_the_read_me_when_not_given(tmp_path: Path) -> None:
    folder = copy_sample("onet", tmp_path)
    (folder / "Read Me.txt").write_text("This is the O*NET 29.3 Database, released August 2025.\n")
    assert read_onet(folder, None, PROGRESS).release.id == "onet-29.3"


def test_onet_without_a_version_anywhere_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("onet", tmp_path)
    with pytest.raises(MalformedFile):
        read_onet(folder, None, PROGRESS)


def test_onet_row_of_an_unknown_code_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("onet", tmp_path)
    zones = folder / "Job Zones.txt"
    line = append_line(zones, "99-9999.00\tMystery Workers\t3\t08/2021\tAnalyst")
    with pytest.raises(MalformedFile) as caught:
        read_onet(folder, "29.3", PROGRESS)
    assert_points_at(caught.value, zones, line, "O*NET-SOC Code")
    assert "99-9999.00" in caught.value.detail


def test_onet_code_of_the_wrong_shape_is_malformed(tmp_path: Path) -> None:
    folder = copy_sample("onet", tmp_path)
    data = folder / "Occupation Data.txt"
    line = append_line(data, "29-1141\tRegistered Nurses\tNo detail suffix")
    with pytest.raises(MalformedFile) as caught:
        read_onet(folder, "29.3", PROGRESS)
    assert_points_at(caught.value, data, line, "O*NET-SOC Code")


# -- SOC -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def soc() -> ReleaseBundle:
    return read_soc(SAMPLE / "soc" / "soc2010_structure_bls.csv", PROGRESS)


def test_soc_2010_is_recognised_by_its_header(soc: ReleaseBundle) -> None:
    assert soc.release.id == "soc-2010"
    assert [s.code for s in soc.schemes] == ["soc-2010"]


def test_soc_2010_detailed_occupation_has_its_hierarchy_of_parents(soc: ReleaseBundle) -> None:
    def sid(code: str) -> str:
        return concept_id("soc-2010", code)

    assert broader_of(soc, sid("29-1141")) == [sid("29-1140")]
    assert broader_of(soc, sid("29-1140")) == [sid("29-1000")]
    assert broader_of(soc, sid("29-1000")) == [sid("29-0000")]
    assert broader_of(soc, sid("29-0000")) == []
    assert concept_by_code(soc, "29-1141").kind is ConceptKind.OCCUPATION
    assert concept_by_code(soc, "29-1140").kind is ConceptKind.OCCUPATION_GROUP


def test_soc_row_filling_two_levels_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "soc.csv"
    path.write_text(
        "major_group,minor_group,broad_group,detailed_occupation,title\n29-0000,,,,Healthcare\n,29-1000,29-1140,,Bad\n"
    )
    with pytest.raises(MalformedFile) as caught:
        read_soc(path, PROGRESS)
    assert caught.value.line == 3


def test_a_file_that_is_no_soc_structure_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("code,title\n1,x\n")
    with pytest.raises(MalformedFile) as caught:
        read_soc(path, PROGRESS)
    assert caught.value.line == 1


def test_a_soc_file_with_only_a_header_gives_an_empty_release_or_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "soc.csv"
    path.write_text("major_group,minor_group,broad_group,detailed_occupation,title\n")
    try:
        concepts = read_soc(path, PROGRESS).concepts
    except MalformedFile:
        concepts = []  # a clear error naming the file is as good as an empty release
    assert concepts == []


# -- crosswalks ------------------------------------------------------------------------------

CROSSWALKS = SAMPLE / "crosswalks"


def test_bls_rows_marked_with_a_star_are_partial_matches() -> None:
    bundle = read_crosswalk(CROSSWALKS / "isco08_to_soc2010_bls.csv", None, PROGRESS)
    assert bundle.release.id == "crosswalk-bls-isco08-soc2010"
    assert len(bundle.mappings) == 7
    nurse = next(m for m in bundle.mappings if m.to_code == "29-1141")
    assert (nurse.from_scheme, nurse.from_code, nurse.to_scheme) == ("isco-08", "2221", "soc-2010")
    assert (nurse.match, nurse.confidence) == (MatchType.PARTIAL, 0.8)


def test_bls_rows_without_a_star_are_exact_matches(tmp_path: Path) -> None:
    path = tmp_path / "bls.csv"
    path.write_text(
        "isco08_code,isco08_title,part,soc2010_code,soc2010_title,comment\n"
        "2221,Nursing professionals,,29-1141,Registered Nurses,\n"
        "2221,Nursing professionals,,29-1141,Registered Nurses,duplicate\n"
    )
    bundle = read_crosswalk(path, None, PROGRESS)
    assert [(m.match, m.confidence) for m in bundle.mappings] == [(MatchType.EXACT, 1.0)]  # duplicates read once


def test_nesta_confidence_is_rescaled_to_zero_to_one() -> None:
    bundle = read_crosswalk(CROSSWALKS / "esco_onet_crosswalk_nesta_Nov2020.csv", None, PROGRESS)
    assert bundle.release.id == "crosswalk-nesta-esco-onet-2020"
    by_uri = {m.from_code: m for m in bundle.mappings}
    strong, good = by_uri[NURSE_URI], by_uri[ADVANCED_NURSE_URI]
    assert (strong.from_scheme, strong.to_scheme, strong.to_code) == ("esco-occupation", "onet-soc-2010", "29-1141.00")
    assert (strong.match, strong.confidence) == (MatchType.EXACT, 1.0)
    assert (good.match, good.confidence) == (MatchType.CLOSE, 0.5)


def test_nesta_confidence_that_is_not_a_number_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "nesta.csv"
    shutil.copy(CROSSWALKS / "esco_onet_crosswalk_nesta_Nov2020.csv", path)
    line = append_line(path, f"1,x,2221,29-1141.01,acute care nurses,[],0.8,high,{NURSE_URI}")
    with pytest.raises(MalformedFile) as caught:
        read_crosswalk(path, None, PROGRESS)
    assert_points_at(caught.value, path, line, "confidence")


def test_onet_crosswalk_maps_2010_codes_to_2019_codes() -> None:
    bundle = read_crosswalk(CROSSWALKS / "onetsoc2010_to_onetsoc2019.csv", None, PROGRESS)
    assert bundle.release.id == "crosswalk-onet-soc2010-onet-soc2019"
    pairs = {(m.from_code, m.to_code) for m in bundle.mappings}
    assert ("15-1132.00", "15-1252.00") in pairs
    assert all((m.from_scheme, m.to_scheme) == ("onet-soc-2010", "onet-soc-2019") for m in bundle.mappings)


def test_generic_crosswalk_is_read_with_its_match_and_confidence(tmp_path: Path) -> None:
    path = tmp_path / "kr.csv"
    path.write_text(
        "from_scheme,from_code,to_scheme,to_code,match,confidence\n"
        "keco,304,isco-08,2221,close,0.7\n"
        "keco,305,isco-08,3221,,\n"
    )
    bundle = read_crosswalk(path, "keco-isco", PROGRESS)
    assert bundle.release.id == "keco-isco"
    assert [(m.from_code, m.to_code, m.match, m.confidence) for m in bundle.mappings] == [
        ("304", "2221", MatchType.CLOSE, 0.7),
        ("305", "3221", MatchType.EXACT, 1.0),
    ]


def test_generic_crosswalk_needs_a_release_name(tmp_path: Path) -> None:
    path = tmp_path / "kr.csv"
    path.write_text("from_scheme,from_code,to_scheme,to_code\nkeco,304,isco-08,2221\n")
    with pytest.raises(MalformedFile) as caught:
        read_crosswalk(path, None, PROGRESS)
    assert caught.value.line == 1


@pytest.mark.parametrize(
    ("match", "confidence", "column"),
    [("exact", "1.5", "confidence"), ("exact", "-0.1", "confidence"), ("exact", "high", "confidence"),
     ("sort of", "1", "match")],
)  # fmt: skip
def test_generic_crosswalk_with_a_bad_value_is_malformed(
    tmp_path: Path, match: str, confidence: str, column: str
) -> None:
    path = tmp_path / "kr.csv"
    path.write_text(
        "from_scheme,from_code,to_scheme,to_code,match,confidence\n"
        "keco,304,isco-08,2221,exact,1\n"
        f"keco,305,isco-08,3221,{match},{confidence}\n"
    )
    with pytest.raises(MalformedFile) as caught:
        read_crosswalk(path, "keco-isco", PROGRESS)
    assert_points_at(caught.value, path, 3, column)


def test_a_table_of_unknown_columns_is_no_crosswalk(tmp_path: Path) -> None:
    path = tmp_path / "what.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(MalformedFile) as caught:
        read_crosswalk(path, "x", PROGRESS)
    assert (caught.value.path, caught.value.line) == (str(path), 1)


def test_a_crosswalk_with_only_a_header_gives_an_empty_release_or_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "bls.csv"
    path.write_text("isco08_code,isco08_title,part,soc2010_code,soc2010_title,comment\n")
    try:
        mappings = read_crosswalk(path, None, PROGRESS).mappings
    except MalformedFile:
        mappings = []  # a clear error naming the file is as good as an empty release
    assert mappings == []
