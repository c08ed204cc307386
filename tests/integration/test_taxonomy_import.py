"""Importing releases into SQLite and PostgreSQL: idempotent, all-or-nothing, replacing as a whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from lmis.bootstrap import Services
from lmis.shared.errors import Invalid, MalformedFile
from lmis.shared.progress import SilentProgress
from lmis.storage import tables
from lmis.taxonomy import services as taxonomy
from lmis.taxonomy.importing import ReleaseKind, import_path, import_shipped
from lmis.taxonomy.schemes import isco_id
from tests.conftest import SAMPLE_TAXONOMY

SAMPLE_RELEASES = {
    "isco-08",
    "esco-1.1.1",
    "onet-29.3",
    "soc-2010",
    "crosswalk-nesta-esco-onet-2020",
    "crosswalk-bls-isco08-soc2010",
    "crosswalk-onet-soc2010-onet-soc2019",
    "crosswalk-onet-soc2010-soc2010",
}
NURSE_URI = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"


def row_counts(services: Services) -> dict[str, int]:
    """Rows in every taxonomy table."""
    with services.engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (tables.taxonomy_release, tables.taxonomy_scheme, *tables.RELEASE_CONTENT)
        }


def rows_of_release(services: Services, release_id: str) -> int:
    """Rows any table holds for `release_id`."""
    with services.engine.connect() as connection:
        return sum(
            connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.release_id == release_id)
            ).scalar_one()
            for table in tables.RELEASE_CONTENT
        )


def stored(services: Services) -> dict[str, taxonomy.ReleaseInfo]:
    return {info.release.id: info for info in taxonomy.list_releases(uow=services.uow())}


def run_import(services: Services, kind: ReleaseKind, path: Path, **options: object) -> list[taxonomy.ImportOutcome]:
    return import_path(kind, path, uow=services.uow(), now=services.now, progress=SilentProgress(), **options)  # type: ignore[arg-type]


def copy_sample(folder: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE_TAXONOMY / folder, tmp_path / "copy" / folder))


def test_importing_the_sample_taxonomy_stores_every_release(services: Services) -> None:
    outcomes = import_shipped(SAMPLE_TAXONOMY, uow=services.uow(), now=services.now, progress=SilentProgress())
    assert {o.release_id for o in outcomes} == SAMPLE_RELEASES
    assert all(o.changed for o in outcomes)
    releases = stored(services)
    assert set(releases) == SAMPLE_RELEASES
    assert all(info.current for info in releases.values())
    assert releases["isco-08"].concept_count == 11
    assert releases["esco-1.1.1"].mapping_count == 3
    assert releases["crosswalk-bls-isco08-soc2010"].mapping_count == 7
    schemes = {s.code for s in taxonomy.list_schemes(uow=services.uow())}
    assert schemes == {"esco-occupation", "esco-skill", "isco-08", "onet-soc-2019", "soc-2010"}


def test_the_onet_version_is_read_from_the_version_file(sample_services: Services) -> None:
    info = stored(sample_services)["onet-29.3"]
    assert info.release.version == "29.3"
    assert info.release.family == "onet"


def test_reimporting_the_same_release_changes_nothing(sample_services: Services) -> None:
    before, releases_before = row_counts(sample_services), stored(sample_services)
    outcomes = import_shipped(
        SAMPLE_TAXONOMY, uow=sample_services.uow(), now=sample_services.now, progress=SilentProgress()
    )
    assert {o.release_id for o in outcomes} == SAMPLE_RELEASES
    assert [o.changed for o in outcomes] == [False] * len(SAMPLE_RELEASES)
    assert row_counts(sample_services) == before
    after = stored(sample_services)
    assert {k: (v.fingerprint, v.imported_at) for k, v in after.items()} == {
        k: (v.fingerprint, v.imported_at) for k, v in releases_before.items()
    }


def test_import_counts_say_what_the_release_holds(services: Services) -> None:
    (outcome,) = run_import(services, ReleaseKind.ISCO, SAMPLE_TAXONOMY / "isco")
    assert outcome.release_id == "isco-08"
    assert outcome.counts["concepts"] == 11
    assert outcome.counts["broader"] == 9
    assert row_counts(services)["taxonomy_concept"] == 11


def test_a_malformed_file_stores_nothing_of_its_release(services: Services, tmp_path: Path) -> None:
    run_import(services, ReleaseKind.ISCO, SAMPLE_TAXONOMY / "isco")
    before = row_counts(services)
    folder = copy_sample("esco", tmp_path)
    relations = folder / "skillSkillRelations.csv"  # read last but one: much of the release is parsed by then
    lines = relations.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].replace(",optional,", ",sometimes,")
    relations.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(MalformedFile) as caught:
        run_import(services, ReleaseKind.ESCO, folder)

    assert (caught.value.path, caught.value.line, caught.value.column) == (str(relations), 6, "relationType")
    assert set(stored(services)) == {"isco-08"}
    assert rows_of_release(services, "esco-1.1.1") == 0
    assert row_counts(services) == before


def test_a_malformed_file_leaves_the_stored_release_intact(sample_services: Services, tmp_path: Path) -> None:
    before, releases_before = row_counts(sample_services), stored(sample_services)
    folder = copy_sample("isco", tmp_path)
    structure = folder / "isco08_structure_ilo.csv"
    structure.write_text(structure.read_text().replace("2221,Nursing", "22x1,Nursing"), encoding="utf-8")

    with pytest.raises(MalformedFile) as caught:
        run_import(sample_services, ReleaseKind.ISCO, folder)

    assert (caught.value.line, caught.value.column) == (5, "isco_code")
    assert row_counts(sample_services) == before
    assert stored(sample_services)["isco-08"].fingerprint == releases_before["isco-08"].fingerprint
    view = taxonomy.get_occupation(isco_id("2221"), uow=sample_services.uow())
    assert view.concept.record.concept.label == "Nursing professionals"


def test_a_release_that_fails_while_being_stored_leaves_the_stored_one_intact(
    sample_services: Services, tmp_path: Path
) -> None:
    before = row_counts(sample_services)
    folder = copy_sample("isco", tmp_path)
    structure = folder / "isco08_structure_ilo.csv"
    structure.write_text(structure.read_text() + "2221,Nursing professionals (again)\n", encoding="utf-8")

    with pytest.raises((MalformedFile, sa.exc.IntegrityError)):
        run_import(sample_services, ReleaseKind.ISCO, folder)

    assert row_counts(sample_services) == before
    assert taxonomy.get_occupation(isco_id("2221"), uow=sample_services.uow()).concept.record.release == "isco-08"


def test_a_code_listed_twice_is_reported_as_malformed_with_its_line(services: Services, tmp_path: Path) -> None:
    folder = copy_sample("isco", tmp_path)
    structure = folder / "isco08_structure_ilo.csv"
    structure.write_text(structure.read_text() + "2221,Nursing professionals (again)\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        run_import(services, ReleaseKind.ISCO, folder)
    assert (caught.value.line, caught.value.column) == (13, "isco_code")


def test_a_changed_file_for_the_same_release_replaces_it(sample_services: Services, tmp_path: Path) -> None:
    folder = copy_sample("isco", tmp_path)
    (folder / "ISCOGroups_en.csv").unlink()
    structure = folder / "isco08_structure_ilo.csv"
    structure.write_text(
        structure.read_text().replace("2221,Nursing professionals", "2221,Registered nursing staff"), encoding="utf-8"
    )

    (outcome,) = run_import(sample_services, ReleaseKind.ISCO, folder)

    assert (outcome.release_id, outcome.changed) == ("isco-08", True)
    assert [info.release.id for info in taxonomy.list_releases(uow=sample_services.uow())].count("isco-08") == 1
    view = taxonomy.get_occupation(isco_id("2221"), uow=sample_services.uow())
    assert view.concept.record.concept.label == "Registered nursing staff"
    assert [label.text for label in view.concept.labels] == ["Registered nursing staff"]  # the old labels are gone
    assert view.concept.record.concept.description == ""
    found = taxonomy.find_occupations(
        taxonomy.ConceptQuery(text="nursing professionals", schemes=("isco-08",)),
        cursor=None,
        limit=None,
        uow=sample_services.uow(),
    )
    assert "2221" not in [m.concept.code for m in found.page.items]
    assert rows_of_release(sample_services, "isco-08") > 0


def test_relations_to_concepts_a_release_lacks_are_left_out_with_a_warning(services: Services, tmp_path: Path) -> None:
    folder = copy_sample("esco", tmp_path)
    relations = folder / "occupationSkillRelations.csv"
    missing = "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000"
    with relations.open("a", encoding="utf-8") as stream:
        stream.write(
            f"{missing},essential,knowledge,http://data.europa.eu/esco/skill/000f1d3d-220f-4789-9c0a-cc742521fb02\n"
        )

    (outcome,) = run_import(services, ReleaseKind.ESCO, folder)

    assert outcome.counts["occupation_skills"] == 273
    assert any("occupation_skills" in warning for warning in outcome.warnings)


def test_a_path_that_does_not_exist_is_invalid(services: Services, tmp_path: Path) -> None:
    with pytest.raises(Invalid) as caught:
        run_import(services, ReleaseKind.ISCO, tmp_path / "nowhere")
    assert caught.value.field == "path"


def test_esco_without_a_version_anywhere_is_invalid(services: Services, tmp_path: Path) -> None:
    folder = copy_sample("esco", tmp_path)
    (folder / "VERSION").unlink()
    with pytest.raises(Invalid) as caught:
        run_import(services, ReleaseKind.ESCO, folder)
    assert caught.value.field == "version"
    assert stored(services) == {}


def test_a_national_import_without_its_scheme_is_invalid(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "keco.csv"
    path.write_text("code,label,parent,language\n1,관리직,,ko\n", encoding="utf-8")
    with pytest.raises(Invalid) as caught:
        run_import(services, ReleaseKind.NATIONAL, path)
    assert caught.value.field == "scheme"


def test_release_import_times_are_timezone_aware(sample_services: Services) -> None:
    for info in taxonomy.list_releases(uow=sample_services.uow()):
        assert info.imported_at.utcoffset() is not None
