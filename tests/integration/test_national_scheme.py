"""A country's own classification (Korean labels) imported beside the international ones."""

from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path

import pytest

from lmis.bootstrap import Services
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import SilentProgress
from lmis.taxonomy import services as taxonomy
from lmis.taxonomy.formats.national import NationalScheme
from lmis.taxonomy.importing import ReleaseKind, import_path
from lmis.taxonomy.model import ConceptKind, ImportOutcome, LabelType
from lmis.taxonomy.schemes import concept_id
from lmis.taxonomy.services import ConceptQuery

KECO = NationalScheme("keco", "한국고용직업분류 (KECO)", "2025", "Korea Employment Information Service", "KOGL")
SMALL_KECO = (
    "code,label,parent,language,label_type,isco08\n"
    "30,보건·의료직,,ko,preferred,\n"
    "30,Health occupations,,en,preferred,\n"
    "304,간호사,30,ko,preferred,2221\n"
    "304,간호원,30,ko,alternative,\n"
    "304,Nurse,30,en,preferred,\n"
    "305,간호조무사,30,ko,preferred,3221\n"
    "305,Nursing assistant,30,en,preferred,\n"
)


def import_national(services: Services, path: Path, scheme: NationalScheme = KECO) -> list[ImportOutcome]:
    return import_path(
        ReleaseKind.NATIONAL, path, uow=services.uow(), now=services.now, progress=SilentProgress(), national=scheme
    )


@pytest.fixture
def keco_csv(tmp_path: Path) -> Path:
    path = tmp_path / "keco.csv"
    path.write_text(SMALL_KECO, encoding="utf-8")
    return path


@pytest.fixture
def keco_services(sample_services: Services, keco_csv: Path) -> Services:
    import_national(sample_services, keco_csv)
    return sample_services


def test_a_national_scheme_is_stored_as_its_own_release(sample_services: Services, keco_csv: Path) -> None:
    (outcome,) = import_national(sample_services, keco_csv)
    assert (outcome.release_id, outcome.changed) == ("keco-2025", True)
    assert outcome.counts["concepts"] == 3
    assert outcome.counts["mappings"] == 2
    schemes = {s.code: s for s in taxonomy.list_schemes(uow=sample_services.uow())}
    assert schemes["keco"].family == "national"
    assert import_national(sample_services, keco_csv)[0].changed is False


def test_korean_text_finds_the_national_occupation(keco_services: Services) -> None:
    found = taxonomy.find_occupations(ConceptQuery(text="간호사"), cursor=None, limit=None, uow=keco_services.uow())
    best = found.page.items[0]
    assert (best.concept.scheme, best.concept.code, best.concept.label) == ("keco", "304", "간호사")
    assert best.score == 1.0
    assert best.language == "ko"
    assert best.isco is not None
    assert best.isco.code == "2221"  # from the file's isco08 column


def test_korean_alternative_labels_are_searchable(keco_services: Services) -> None:
    found = taxonomy.find_occupations(ConceptQuery(text="간호원"), cursor=None, limit=None, uow=keco_services.uow())
    (match,) = found.page.items
    assert (match.concept.code, match.matched_label, match.label_type) == ("304", "간호원", LabelType.ALTERNATIVE)


def test_the_national_scheme_can_be_searched_alone(keco_services: Services) -> None:
    found = taxonomy.find_occupations(
        ConceptQuery(text="nurse", schemes=("keco",)), cursor=None, limit=None, uow=keco_services.uow()
    )
    assert {m.concept.scheme for m in found.page.items} == {"keco"}
    assert [m.concept.code for m in found.page.items] == ["304"]


def test_a_national_group_lists_its_occupations(keco_services: Services) -> None:
    group = taxonomy.get_occupation(concept_id("keco", "30"), uow=keco_services.uow())
    assert group.concept.record.concept.kind is ConceptKind.OCCUPATION_GROUP
    assert [ref.code for ref in group.concept.narrower] == ["304", "305"]
    nurse = taxonomy.get_occupation(concept_id("keco", "304"), uow=keco_services.uow())
    assert [ref.code for ref in nurse.concept.path] == ["30"]
    assert {(lb.language, lb.text) for lb in nurse.concept.labels} == {
        ("ko", "간호사"),
        ("ko", "간호원"),
        ("en", "Nurse"),
    }


def test_the_isco08_column_makes_crosswalks_to_isco_work(keco_services: Services) -> None:
    answer = taxonomy.crosswalk("304", "keco", "isco-08", uow=keco_services.uow())
    (target,) = answer.routes
    assert target.code == "2221"
    assert target.concept is not None
    assert target.concept.label == "Nursing professionals"
    assert [step.crosswalk for step in target.route.steps] == ["keco-2025"]


def test_a_national_code_reaches_onet_through_isco_and_esco(keco_services: Services) -> None:
    answer = taxonomy.crosswalk("304", "keco", "onet", uow=keco_services.uow())
    assert "29-1141.00" in [t.code for t in answer.routes]
    route = next(t.route for t in answer.routes if t.code == "29-1141.00")
    assert route.steps[0].to_scheme == "isco-08"


def test_isco_reaches_the_national_code_backwards(keco_services: Services) -> None:
    answer = taxonomy.crosswalk("2221", "isco-08", "keco", uow=keco_services.uow())
    assert [t.code for t in answer.routes] == ["304"]
    assert answer.routes[0].route.steps[0].reverse is True


def test_a_changed_national_file_replaces_the_release(keco_services: Services, keco_csv: Path) -> None:
    keco_csv.write_text(SMALL_KECO.replace("304,간호원,30,ko,alternative,\n", ""), encoding="utf-8")
    (outcome,) = import_national(keco_services, keco_csv)
    assert outcome.changed is True
    found = taxonomy.find_occupations(ConceptQuery(text="간호원"), cursor=None, limit=None, uow=keco_services.uow())
    assert found.page.total == 0
    assert [info.release.id for info in taxonomy.list_releases(uow=keco_services.uow())].count("keco-2025") == 1


def test_a_new_version_of_a_national_scheme_supersedes_the_old_one(keco_services: Services, tmp_path: Path) -> None:
    newer = tmp_path / "keco-2026.csv"
    newer.write_text(SMALL_KECO.replace("간호사,30", "간호사(RN),30"), encoding="utf-8")
    import_national(keco_services, newer, NationalScheme("keco", KECO.title, "2026"))
    releases = {info.release.id: info.current for info in taxonomy.list_releases(uow=keco_services.uow())}
    assert (releases["keco-2025"], releases["keco-2026"]) == (False, True)
    nurse = taxonomy.get_occupation(concept_id("keco", "304"), uow=keco_services.uow())
    assert nurse.concept.record.concept.label == "간호사(RN)"
    assert nurse.concept.record.release == "keco-2026"


def test_a_malformed_national_file_stores_nothing(sample_services: Services, tmp_path: Path) -> None:
    path = tmp_path / "keco.csv"
    path.write_text(SMALL_KECO + "306,조산사,31,ko,preferred,\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        import_national(sample_services, path)
    assert (caught.value.line, caught.value.column) == (9, "parent")
    assert "keco-2025" not in {info.release.id for info in taxonomy.list_releases(uow=sample_services.uow())}


# -- the Korean Job Dictionary (../shared/data) ----------------------------------------------

_KECO_PREFIX = re.compile(r"^\[\d+\]\s*")


def write_keco_from_job_dictionary(source: Path, target: Path) -> dict[str, str]:
    """A national CSV of KECO groups and Korean Job Dictionary jobs; returns each job's KECO group."""
    groups: dict[str, str] = {}
    jobs: list[tuple[str, str, str, list[str]]] = []
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        for line in stream:
            entry = json.loads(line)
            info = entry["optionJobInfo"]
            group = info["dJobECd"].strip()
            groups.setdefault(group, _KECO_PREFIX.sub("", info["dJobECdNm"]).strip())
            similar = [name.strip() for name in (info.get("similarNm") or "").split(",") if name.strip()]
            jobs.append((entry["dJobCd"].strip(), entry["dJobNm"].strip(), group, similar))
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["code", "label", "parent", "language", "label_type"])
        for code, label in sorted(groups.items()):
            writer.writerow([code, label, "", "ko", "preferred"])
        for code, label, group, similar in jobs:
            writer.writerow([code, label, group, "ko", "preferred"])
            writer.writerows([code, name, group, "ko", "alternative"] for name in similar)
    return {code: group for code, _label, group, _similar in jobs}


@pytest.mark.shared_data
def test_the_korean_job_dictionary_is_searchable_in_korean(
    services: Services, shared_data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "keco_job_dictionary.csv"
    group_of = write_keco_from_job_dictionary(
        shared_data / "korea_job_dictionary" / "work24_job_dictionary.jsonl.gz", path
    )
    (outcome,) = import_national(services, path, NationalScheme("keco", "KECO with the Korean Job Dictionary", "2024"))
    assert outcome.counts["concepts"] == len(group_of) + len(set(group_of.values()))

    found = taxonomy.find_occupations(ConceptQuery(text="간호사"), cursor=None, limit=None, uow=services.uow())
    best = found.page.items[0]
    assert best.concept.scheme == "keco"
    assert "간호사" in best.concept.label
    assert found.page.total > 10  # 전문간호사 of every kind, 수간호사, ...

    nurse = next(m for m in found.page.items if m.concept.label == "간호사")
    group = taxonomy.get_occupation(concept_id("keco", group_of[nurse.concept.code]), uow=services.uow())
    assert group.concept.record.concept.kind is ConceptKind.OCCUPATION_GROUP
    assert nurse.concept.id in {ref.id for ref in group.concept.narrower}
    assert len(group.concept.narrower) > 1
    view = taxonomy.get_occupation(nurse.concept.id, uow=services.uow())
    assert [ref.id for ref in view.concept.path] == [group.concept.record.concept.id]
