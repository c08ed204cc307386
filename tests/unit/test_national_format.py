"""Reading a country's own occupation classification from CSV (KECO-like, with Korean labels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lmis.shared.errors import MalformedFile
from lmis.shared.progress import SilentProgress
from lmis.taxonomy.formats.national import NationalScheme, read_national
from lmis.taxonomy.model import Broader, ConceptKind, Label, LabelType, MatchType, ReleaseBundle
from lmis.taxonomy.schemes import concept_id

HEADER = "code,label,parent,language,label_type,isco08\n"
ROWS = (
    "30,보건·의료직,,ko,preferred,\n"
    "30,Health occupations,,en,,\n"
    "304,간호사,30,ko,preferred,2221\n"
    "304,간호원,30,ko,alternative,\n"
    "304,Nurse,30,en,preferred,\n"
    "305,간호조무사,30,KO,preferred,3221\n"
)
SCHEME = NationalScheme("keco", "Korean Employment Classification of Occupations", "2025", "KEIS", "KOGL")


def write(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "keco.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def read(path: Path) -> ReleaseBundle:
    return read_national(path, SCHEME, SilentProgress())


def assert_points_at(error: MalformedFile, path: Path, line: int, column: str) -> None:
    """The error names the file, line and column, in its fields and in its message."""
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert str(error).startswith(f"{path}, line {line}, column {column!r}: ")


def kid(code: str) -> str:
    return concept_id("keco", code)


def test_the_release_is_named_by_scheme_and_version(tmp_path: Path) -> None:
    bundle = read(write(tmp_path, ROWS))
    assert bundle.release.id == "keco-2025"
    assert (bundle.release.family, bundle.release.publisher, bundle.release.licence) == ("national", "KEIS", "KOGL")
    assert [(s.code, s.family) for s in bundle.schemes] == [("keco", "national")]


def test_codes_with_children_are_groups_and_leaves_are_occupations(tmp_path: Path) -> None:
    bundle = read(write(tmp_path, ROWS))
    kinds = {c.code: c.kind for c in bundle.concepts}
    assert kinds == {"30": ConceptKind.OCCUPATION_GROUP, "304": ConceptKind.OCCUPATION, "305": ConceptKind.OCCUPATION}
    assert set(bundle.broader) == {Broader(kid("304"), kid("30")), Broader(kid("305"), kid("30"))}


def test_the_first_preferred_label_names_the_concept_in_its_language(tmp_path: Path) -> None:
    bundle = read(write(tmp_path, ROWS))
    nurse = next(c for c in bundle.concepts if c.code == "304")
    assert (nurse.id, nurse.label, nurse.language, nurse.scheme) == (kid("304"), "간호사", "ko", "keco")


def test_every_label_is_kept_with_its_type_and_language(tmp_path: Path) -> None:
    bundle = read(write(tmp_path, ROWS))
    labels = {lb for lb in bundle.labels if lb.concept_id == kid("304")}
    assert labels == {
        Label(kid("304"), "ko", LabelType.PREFERRED, "간호사"),
        Label(kid("304"), "ko", LabelType.ALTERNATIVE, "간호원"),
        Label(kid("304"), "en", LabelType.PREFERRED, "Nurse"),
    }
    assert Label(kid("30"), "en", LabelType.PREFERRED, "Health occupations") in bundle.labels  # empty type = preferred
    assert Label(kid("305"), "ko", LabelType.PREFERRED, "간호조무사") in bundle.labels  # language lower-cased


def test_isco08_values_become_mappings_to_isco(tmp_path: Path) -> None:
    bundle = read(write(tmp_path, ROWS))
    assert {(m.from_scheme, m.from_code, m.to_scheme, m.to_code, m.match) for m in bundle.mappings} == {
        ("keco", "304", "isco-08", "2221", MatchType.CLOSE),
        ("keco", "305", "isco-08", "3221", MatchType.CLOSE),
    }


def test_a_file_without_the_optional_columns_is_read(tmp_path: Path) -> None:
    bundle = read(write(tmp_path, "1,관리직,,ko\n11,공공기관 관리자,1,ko\n", header="code,label,parent,language\n"))
    assert [c.code for c in bundle.concepts] == ["1", "11"]
    assert bundle.mappings == []


def test_a_parent_that_is_not_a_code_of_the_file_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS + "306,조산사,31,ko,preferred,\n")
    with pytest.raises(MalformedFile) as caught:
        read(path)
    assert_points_at(caught.value, path, 8, "parent")
    assert "'31'" in caught.value.detail


def test_a_code_that_is_its_own_parent_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS + "306,조산사,306,ko,preferred,\n")
    with pytest.raises(MalformedFile) as caught:
        read(path)
    assert_points_at(caught.value, path, 8, "parent")


def test_a_code_given_two_different_parents_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS + "31,기타,,ko,preferred,\n305,Nursing assistant,31,en,preferred,\n")
    with pytest.raises(MalformedFile) as caught:
        read(path)
    assert_points_at(caught.value, path, 9, "parent")


def test_an_unknown_label_type_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS + "304,RN,30,en,abbreviation,\n")
    with pytest.raises(MalformedFile) as caught:
        read(path)
    assert_points_at(caught.value, path, 8, "label_type")
    assert "'abbreviation'" in caught.value.detail


@pytest.mark.parametrize("isco", ["22210", "22a1", "nurse"])
def test_an_isco08_value_that_is_not_a_1_to_4_digit_code_is_malformed(tmp_path: Path, isco: str) -> None:
    path = write(tmp_path, ROWS + f"306,조산사,30,ko,preferred,{isco}\n")
    with pytest.raises(MalformedFile) as caught:
        read(path)
    assert_points_at(caught.value, path, 8, "isco08")


def test_a_code_with_only_alternative_labels_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS + "306,조산원,30,ko,alternative,\n")
    with pytest.raises(MalformedFile) as caught:
        read(path)
    assert_points_at(caught.value, path, 8, "label_type")


def test_a_missing_required_column_is_malformed_at_line_1(tmp_path: Path) -> None:
    path = write(tmp_path, "304,간호사,30\n", header="code,label,parent\n")
    with pytest.raises(MalformedFile) as caught:
        read(path)
    assert caught.value.line == 1
    assert "language" in caught.value.detail
