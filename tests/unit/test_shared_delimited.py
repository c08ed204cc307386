"""Reading delimited files: plain and gzipped, CSV and tab-separated, with positions for every error."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from lmis.shared.delimited import find_file, fingerprint, read_rows
from lmis.shared.errors import MalformedFile


def test_a_plain_csv_is_read_with_values_by_column(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("code,title\n2221,Nursing professionals\n7212, Welders \n", encoding="utf-8")
    rows = list(read_rows(path, required=("code", "title")))
    assert [(r.line, r.get("code"), r.get("title")) for r in rows] == [
        (2, "2221", "Nursing professionals"),
        (3, "7212", "Welders"),
    ]


def test_a_gzipped_csv_reads_like_the_plain_one(tmp_path: Path) -> None:
    text = "code,title\n2221,Nursing professionals\n"
    plain, packed = tmp_path / "a.csv", tmp_path / "b.csv.gz"
    plain.write_text(text, encoding="utf-8")
    packed.write_bytes(gzip.compress(text.encode()))
    assert [r.values for r in read_rows(packed)] == [r.values for r in read_rows(plain)]


@pytest.mark.parametrize("name", ["Occupation Data.txt", "table.tsv", "table.txt.gz"])
def test_txt_and_tsv_files_are_split_on_tabs(tmp_path: Path, name: str) -> None:
    data = b'O*NET-SOC Code\tTitle\n29-1141.00\tRegistered Nurses, "RN"\n'
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    (row,) = read_rows(path)
    assert row.values == {"O*NET-SOC Code": "29-1141.00", "Title": 'Registered Nurses, "RN"'}


def test_a_byte_order_mark_does_not_become_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffcode,title\n1,Managers\n".encode())
    (row,) = read_rows(path, required=("code",))
    assert row.get("code") == "1"


def test_a_record_spanning_several_lines_reports_the_line_it_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        'uri,altLabels\nu1,"ward nurse\npractice nurse\nstaff nurse"\nu2,"charge nurse"\nu3,x\n', encoding="utf-8"
    )
    rows = list(read_rows(path))
    assert [(r.get("uri"), r.line) for r in rows] == [("u1", 2), ("u2", 5), ("u3", 6)]
    assert rows[0].get("altLabels").split("\n") == ["ward nurse", "practice nurse", "staff nurse"]


def test_blank_lines_are_skipped_without_shifting_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("code\n1\n\n2\n", encoding="utf-8")
    assert [(r.get("code"), r.line) for r in read_rows(path)] == [("1", 2), ("2", 4)]


def test_a_missing_required_column_names_the_file_and_line_1(tmp_path: Path) -> None:
    path = tmp_path / "isco.csv"
    path.write_text("isco_code,name\n2221,Nursing professionals\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        list(read_rows(path, required=("isco_code", "title")))
    error = caught.value
    assert error.path == str(path)
    assert error.line == 1
    assert "title" in error.detail
    assert str(path) in str(error)


def test_a_record_with_more_fields_than_the_header_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text('code,title\n1,"a\nb"\n2,Two,extra\n', encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        list(read_rows(path))
    assert caught.value.line == 4
    assert "line 4" in str(caught.value)
    assert "3 fields" in caught.value.detail


def test_a_record_with_fewer_fields_reads_the_missing_ones_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("code,title,note\n1,Managers\n", encoding="utf-8")
    (row,) = read_rows(path)
    assert row.get("note") == ""
    with pytest.raises(MalformedFile) as caught:
        row.require("note")
    assert (caught.value.line, caught.value.column) == (2, "note")


def test_bytes_that_are_not_utf8_raise_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,title\n1,Infirmière\n".encode("latin-1"))
    with pytest.raises(MalformedFile) as caught:
        list(read_rows(path))
    assert caught.value.path == str(path)
    assert "UTF-8" in caught.value.detail


def test_bytes_that_are_not_utf8_are_reported_at_their_own_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"code,title\n1,Nurse\n2,Welder\n3,Infirmi\xe8re\n")
    with pytest.raises(MalformedFile) as caught:
        list(read_rows(path))
    assert caught.value.line == 4


def test_an_empty_file_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(MalformedFile) as caught:
        list(read_rows(path))
    assert caught.value.line == 1


def test_a_missing_file_is_malformed_rather_than_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(MalformedFile) as caught:
        list(read_rows(tmp_path / "absent.csv"))
    assert caught.value.path == str(tmp_path / "absent.csv")


def test_find_file_finds_the_plain_or_the_gzipped_table(tmp_path: Path) -> None:
    (tmp_path / "skills_en.csv.gz").write_bytes(gzip.compress(b"a\n"))
    (tmp_path / "VERSION").write_text("1.1.1")
    assert find_file(tmp_path, "skills_en.csv") == tmp_path / "skills_en.csv.gz"
    assert find_file(tmp_path, "VERSION") == tmp_path / "VERSION"
    assert find_file(tmp_path, "occupations_en.csv") is None


def test_fingerprints_change_with_the_bytes_and_the_extra_text(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("code\n1\n")
    before = fingerprint([path], extra="isco")
    assert fingerprint([path], extra="isco") == before
    assert fingerprint([path], extra="esco") != before
    path.write_text("code\n2\n")
    assert fingerprint([path], extra="isco") != before
