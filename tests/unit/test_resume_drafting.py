"""Reading CVs into profile drafts: sections, dates, job entries, ISCED levels, languages, certificates, and the
draft made with a small coder and skill extractor (bag-of-words embeddings, no model)."""

from __future__ import annotations

from datetime import date

import pytest

from lmis.enrich.coding import OccupationCoder, OccupationLabel
from lmis.enrich.resume_fields import (
    certificates_in,
    degree_level,
    education_entries,
    language_test_levels,
    languages_in,
    level_of,
)
from lmis.enrich.resume_text import Section, find_period, job_entries, split_sections, title_and_employer
from lmis.enrich.resumes import draft_profile
from lmis.enrich.skills import SkillExtractor, SkillLabel
from lmis.people.profile import Certificate, Evidence, Isced, Language, LanguageLevel, check_details
from tests.fakes import BagOfWords

OCCUPATIONS = [
    OccupationLabel("occ-developer", "software developer", "2512"),
    OccupationLabel("occ-developer", "programmer", "2512"),
    OccupationLabel("occ-nurse", "nurse", "2221"),
    OccupationLabel("occ-nurse", "staff nurse", "2221"),
    OccupationLabel("occ-teacher", "teacher", "2341"),
]
SKILLS = [
    SkillLabel("sk-js", "esco:js", "JavaScript", True),
    SkillLabel("sk-sql", "esco:sql", "SQL", True),
    SkillLabel("sk-debug", "esco:debug", "debug software", True),
    SkillLabel("sk-care", "esco:care", "patient care", True),
]


def coder() -> OccupationCoder:
    embedder = BagOfWords()
    return OccupationCoder(OCCUPATIONS, embedder.queries([label.text for label in OCCUPATIONS]), embedder)


def extractor() -> SkillExtractor:
    embedder = BagOfWords()
    return SkillExtractor(SKILLS, embedder.passages([label.text for label in SKILLS]), embedder)


ENGLISH_CV = """Jane Doe
jane@example.org | +44 20 7946 0000

Professional Summary
Backend developer who likes clean data. Ten years of experience.

WORK EXPERIENCE
Software Developer, Acme Ltd                 Mar 2019 – present
- Built services in JavaScript and SQL
- Debug software written by others

Beta Corp
Programmer
2016-01 – 2019-02
- Maintained the billing system

Education
BSc Computer Science, University of Leeds, 2012 – 2015
Leeds Grammar School, A-levels, 2012

Skills: JavaScript, SQL, Kubernetes, team leadership

Languages
English (native), French (B2), Spanish

Certifications
AWS Certified Cloud Practitioner - Amazon, 2021
"""


# Sections ----------------------------------------------------------------------------------


def test_sections_are_found_by_headings_in_english_korean_and_indonesian_in_any_case() -> None:
    text = "Kim\nWORK EXPERIENCE\na\n■ 학력 사항\nb\nPengalaman Kerja:\nc\n[보유 기술]\nd\nBahasa\ne\nSertifikat\nf"
    sections = split_sections(text)
    assert sections[Section.HEADER] == ["Kim"]
    assert sections[Section.EXPERIENCE] == ["a", "c"]
    assert sections[Section.EDUCATION] == ["b"]
    assert sections[Section.SKILLS] == ["d"]
    assert sections[Section.LANGUAGES] == ["e"]
    assert sections[Section.CERTIFICATES] == ["f"]


def test_a_longer_heading_opens_its_section_when_written_in_capitals_or_ending_in_a_colon() -> None:
    sections = split_sections("WORK EXPERIENCE & INTERNSHIPS\na\nEducation details:\nb\nExperience with Python\nc")
    assert sections[Section.EXPERIENCE] == ["a"]
    assert sections[Section.EDUCATION] == ["b", "Experience with Python", "c"]


def test_a_list_heading_may_carry_its_items_on_the_same_line_but_a_sentence_opens_no_section() -> None:
    sections = split_sections("Summary\nExperience: 10 years in nursing\nSkills: SQL, Python")
    assert sections[Section.SKILLS] == ["SQL, Python"]
    assert sections[Section.SUMMARY] == ["Experience: 10 years in nursing"]
    assert Section.EXPERIENCE not in sections


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "started", "ended"),
    [
        ("2019-03", date(2019, 3, 1), date(2019, 3, 1)),
        ("03/2019 - 12/2021", date(2019, 3, 1), date(2021, 12, 1)),
        ("Mar 2019 – present", date(2019, 3, 1), None),
        ("2019 – 2021", date(2019, 1, 1), date(2021, 12, 1)),
        ("2019-2021", date(2019, 1, 1), date(2021, 12, 1)),
        ("2019년 3월 ~ 현재", date(2019, 3, 1), None),
        ("2019.03 ~ 현재까지", date(2019, 3, 1), None),
        ("2019. 03. ~ 2021. 02.", date(2019, 3, 1), date(2021, 2, 1)),
        ("2019년 3월부터 2021년 2월까지", date(2019, 3, 1), date(2021, 2, 1)),
        ("Agustus 2017 s/d Desember 2019", date(2017, 8, 1), date(2019, 12, 1)),
        ("Januari 2018 - Sekarang", date(2018, 1, 1), None),
        ("15/03/2019 to 30/06/2020", date(2019, 3, 15), date(2020, 6, 30)),
        ("September 2020 - Currently", date(2020, 9, 1), None),
        ("since 2019", date(2019, 1, 1), None),
        ("2021 – 2019", date(2019, 1, 1), date(2021, 12, 1)),  # written backwards
        ("Nurse, St James Hospital (2015 – 2018)", date(2015, 1, 1), date(2018, 12, 1)),
    ],
)
def test_common_cv_date_forms_are_read_as_ranges(line: str, started: date, ended: date | None) -> None:
    period = find_period(line)
    assert period is not None
    assert (period.started, period.ended) == (started, ended)


def test_a_line_without_a_date_or_with_an_impossible_month_has_no_period() -> None:
    assert find_period("Led a team of 12 engineers") is None
    assert find_period("Room 2019.13") is None


def test_the_text_around_a_period_is_left_for_the_title() -> None:
    line = "Software developer, Acme Ltd   2019-03 – 2021-01"
    period = find_period(line)
    assert period is not None
    assert line[: period.start].strip() == "Software developer, Acme Ltd"


# Job entries -------------------------------------------------------------------------------


def test_jobs_are_read_with_title_and_employer_on_the_date_line_or_on_the_lines_before_it() -> None:
    lines = split_sections(ENGLISH_CV)[Section.EXPERIENCE]
    first, second = job_entries(lines)
    assert (first.title, first.employer, first.started, first.ended) == (
        "Software Developer",
        "Acme Ltd",
        date(2019, 3, 1),
        None,
    )
    assert first.description == "Built services in JavaScript and SQL\nDebug software written by others"
    assert (second.title, second.employer) == ("Programmer", "Beta Corp")
    assert (second.started, second.ended) == (date(2016, 1, 1), date(2019, 2, 1))
    assert second.description == "Maintained the billing system"


def test_jobs_under_their_date_line_and_korean_employer_title_pairs_are_read() -> None:
    lines = [
        "2019.03 ~ 현재",
        "소프트웨어 개발자 | (주)에이비씨",
        "- 백엔드 개발",
        "2016.01 ~ 2019.02",
        "삼성병원 간호사",
    ]
    first, second = job_entries(lines)
    assert (first.title, first.employer, first.ended) == ("소프트웨어 개발자", "(주)에이비씨", None)
    assert first.description == "백엔드 개발"
    assert (second.title, second.employer, second.ended) == ("간호사", "삼성병원", date(2019, 2, 1))


def test_title_and_employer_are_told_apart_by_at_by_company_words_and_by_role_words() -> None:
    assert title_and_employer(["Nurse at St James Hospital, Leeds"])[:3] == ("Nurse", "St James Hospital", "Leeds")
    assert title_and_employer(["PT Maju Jaya - Staf Administrasi"])[:2] == ("Staf Administrasi", "PT Maju Jaya")
    assert title_and_employer(["Globex | Warehouse picker"])[3] is False  # no clue: the coder decides


def test_a_section_without_dates_still_gives_one_job_per_heading_line() -> None:
    entries = job_entries(["Teacher, Hope School", "- taught maths", "", "Tutor", "Learning Centre"])
    assert [(e.title, e.employer, e.dated) for e in entries] == [
        ("Teacher", "Hope School", False),
        ("Tutor", "Learning Centre", False),
    ]
    assert entries[0].description == "taught maths"


def test_jobs_written_as_labelled_fields_are_read_in_korean_and_indonesian() -> None:
    lines = [
        "회사명: (주)에이비씨",
        "근무기간: 2019.03 ~ 현재",
        "직위: 소프트웨어 개발자",
        "담당업무: 백엔드 API 개발",
        "- 결제 시스템",
        "Nama Perusahaan: PT Maju Jaya",
        "Jabatan: Staf Administrasi",
        "Periode: Januari 2017 - Desember 2018",
    ]
    first, second = job_entries(lines)
    assert (first.title, first.employer, first.started, first.ended) == (
        "소프트웨어 개발자",
        "(주)에이비씨",
        date(2019, 3, 1),
        None,
    )
    assert first.description == "백엔드 API 개발\n결제 시스템"
    assert (second.title, second.employer, second.started, second.ended) == (
        "Staf Administrasi",
        "PT Maju Jaya",
        date(2017, 1, 1),
        date(2018, 12, 1),
    )


def test_a_korean_rank_gives_way_to_the_duty_beside_it_as_the_title() -> None:
    assert title_and_employer(["(주)에이비씨 | 대리 | 소프트웨어 개발"])[:3] == (
        "소프트웨어 개발 (대리)",
        "(주)에이비씨",
        "",
    )


# Education ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Bachelor of Science in Nursing", Isced.BACHELOR),
        ("컴퓨터공학 학사", Isced.BACHELOR),
        ("S1 Teknik Informatika", Isced.BACHELOR),
        ("MSc Data Science", Isced.MASTER),
        ("경영학 석사", Isced.MASTER),
        ("S2 Manajemen", Isced.MASTER),
        ("PhD in Economics", Isced.DOCTORAL),
        ("공학 박사", Isced.DOCTORAL),
        ("S3 Ilmu Komputer", Isced.DOCTORAL),
        ("High school diploma", Isced.UPPER_SECONDARY),
        ("서울고등학교 졸업", Isced.UPPER_SECONDARY),
        ("SMA Negeri 1 Jakarta", Isced.UPPER_SECONDARY),
        ("SMK Negeri 2 Bandung", Isced.UPPER_SECONDARY),
        ("Diploma in Nursing", Isced.SHORT_TERTIARY),
        ("간호과 전문학사", Isced.SHORT_TERTIARY),
        ("D3 Akuntansi", Isced.SHORT_TERTIARY),
    ],
)
def test_degree_words_give_isced_levels(text: str, level: Isced) -> None:
    assert degree_level(text) == level


def test_words_that_only_look_like_degrees_give_no_level() -> None:
    assert degree_level("Microsoft Office, MS Excel") is None
    assert degree_level("sa1 and s1mple") is None


def test_education_entries_carry_level_field_institution_and_year_of_completion() -> None:
    lines = split_sections(ENGLISH_CV)[Section.EDUCATION]
    education, notes = education_entries(lines)
    assert [(e.level, e.field, e.institution, e.completed) for e in education] == [
        (Isced.BACHELOR, "Computer Science", "University of Leeds", 2015),
        (Isced.UPPER_SECONDARY, "", "Leeds Grammar School", 2012),
    ]
    assert notes == []


def test_korean_and_indonesian_education_lines_are_split_into_institution_and_field() -> None:
    lines = [
        "서울대학교 컴퓨터공학과 학사 2008.03 ~ 2012.02",
        "",
        "S2 Teknik Informatika - Universitas Indonesia (2015 - 2017)",
    ]
    education, _notes = education_entries(lines)
    assert [(e.level, e.field, e.institution, e.completed) for e in education] == [
        (Isced.BACHELOR, "컴퓨터공학과", "서울대학교", 2012),
        (Isced.MASTER, "Teknik Informatika", "Universitas Indonesia", 2017),
    ]


def test_a_level_guessed_from_the_institution_or_not_told_at_all_is_noted() -> None:
    education, notes = education_entries(["Seoul National University, 2010 – 2014", "", "Evening classes"])
    assert [e.level for e in education] == [Isced.BACHELOR]
    assert len(notes) == 2
    assert "guessed" in notes[0]
    assert "Evening classes" in notes[1]


# Languages and certificates ----------------------------------------------------------------


def test_language_names_in_three_languages_become_iso_codes_with_their_stated_level() -> None:
    lines = ["English (C1), Korean (native)", "Bahasa Inggris (aktif), Bahasa Indonesia", "일본어 - 중", "French"]
    languages, unstated = languages_in(lines)
    assert languages == [
        Language("en", LanguageLevel.C1),
        Language("ko", LanguageLevel.NATIVE),
        Language("id", LanguageLevel.B1),
        Language("ja", LanguageLevel.B1),
        Language("fr", LanguageLevel.B1),
    ]
    assert unstated == ["id", "fr"]


def test_level_words_and_korean_grades_map_to_cefr() -> None:
    assert level_of("fluent") == LanguageLevel.C1
    assert level_of("upper-intermediate") == LanguageLevel.B2
    assert level_of("영어(상)") == LanguageLevel.C1
    assert level_of("dasar") == LanguageLevel.A2
    assert level_of("bahasa ibu") == LanguageLevel.NATIVE
    assert level_of("중국어") is None  # 중 inside a word is not a grade


def test_language_test_scores_give_cefr_levels() -> None:
    assert language_test_levels(["TOEIC 905", "JLPT N2", "TOPIK 5급", "IELTS 6.0"]) == {
        "en": LanguageLevel.B2,  # the better of TOEIC 905 (B2) and IELTS 6.0 (B2)
        "ja": LanguageLevel.B2,
        "ko": LanguageLevel.C1,
    }
    assert language_test_levels(["TOEIC 950"]) == {"en": LanguageLevel.C1}


def test_certificates_carry_name_issuer_and_year() -> None:
    lines = ["정보처리기사 (한국산업인력공단, 2018)", "- Registered Nurse - NMC, 2015", "", "First aid"]
    assert certificates_in(lines) == [
        Certificate("정보처리기사", "한국산업인력공단", 2018),
        Certificate("Registered Nurse", "NMC", 2015),
        Certificate("First aid", "", None),
    ]


# The draft ---------------------------------------------------------------------------------


def test_an_english_cv_becomes_a_draft_with_coded_jobs_skills_education_languages_and_certificates() -> None:
    draft = draft_profile(ENGLISH_CV, coder=coder(), skills=extractor(), today=date(2025, 1, 1))
    assert draft.headline == "Software Developer"
    assert [(o.concept_id, o.title) for o in draft.occupations] == [("occ-developer", "Software Developer")]
    assert draft.occupations[0].isco_code == "2512"
    assert 0.0 <= draft.occupations[0].confidence <= 1.0
    jobs = draft.details.work_history
    assert [(j.title, j.employer, j.occupation_id) for j in jobs] == [
        ("Software Developer", "Acme Ltd", "occ-developer"),
        ("Programmer", "Beta Corp", "occ-developer"),
    ]
    assert {s.skill_id for s in draft.details.skills} == {"sk-js", "sk-sql", "sk-debug"}
    assert {s.evidence for s in draft.details.skills} == {Evidence.CV}
    assert [s.skill_id for s in draft.skills] == list(draft.details.skill_ids())
    assert draft.details.highest_education() == Isced.BACHELOR
    assert [x.code for x in draft.details.languages] == ["en", "fr", "es"]
    assert draft.details.certificates == (Certificate("AWS Certified Cloud Practitioner", "Amazon", 2021),)
    check_details(draft.details)  # the draft is a valid profile as it stands


def test_the_notes_name_what_could_not_be_read() -> None:
    draft = draft_profile(ENGLISH_CV, coder=coder(), skills=extractor())
    notes = " ".join(draft.notes)
    assert "Kubernetes, team leadership" in notes  # skills the taxonomy does not know
    assert "no level was stated for es; B1 was assumed" in notes  # Spanish
    assert "section was found" not in notes


def test_a_cv_without_headings_gets_notes_for_each_missing_section_and_no_invented_entries() -> None:
    draft = draft_profile("Jane Doe\nI am looking for work.", coder=coder(), skills=extractor())
    assert draft.details.work_history == ()
    assert draft.occupations == ()
    assert sum("section was found" in note for note in draft.notes) == 3
    assert draft.headline == ""


def test_a_korean_cv_is_drafted_from_korean_headings_dates_and_degrees() -> None:
    text = "홍길동\n경력사항\n2019년 3월 ~ 현재\n간호사 | 서울대학교병원\n학력\n간호학과 학사 (2015)\n"
    text += "외국어\n영어 (중), TOEIC 850"
    draft = draft_profile(text, coder=coder(), skills=extractor())
    (job,) = draft.details.work_history
    assert (job.title, job.employer, job.started, job.ended) == ("간호사", "서울대학교병원", date(2019, 3, 1), None)
    assert [(e.level, e.completed) for e in draft.details.education] == [(Isced.BACHELOR, 2015)]
    assert draft.details.languages == (Language("en", LanguageLevel.B1),)  # the stated grade wins over the score


def test_without_a_coder_or_skill_extractor_the_draft_says_so_and_keeps_the_rest() -> None:
    draft = draft_profile(ENGLISH_CV, coder=None, skills=None)
    assert draft.occupations == ()
    assert all(job.occupation_id is None for job in draft.details.work_history)
    assert len(draft.details.work_history) == 2
    assert any("occupations could not be coded" in note for note in draft.notes)
    assert any("skills could not be read" in note for note in draft.notes)


def test_an_employer_that_codes_far_better_than_the_title_swaps_with_it() -> None:
    draft = draft_profile("Experience\nGlobex | Staff nurse | 2020 – 2022", coder=coder(), skills=None)
    (job,) = draft.details.work_history
    assert (job.title, job.employer, job.occupation_id) == ("Staff nurse", "Globex", "occ-nurse")


def test_the_draft_becomes_profile_input_and_json_for_the_review_form() -> None:
    draft = draft_profile(ENGLISH_CV, coder=coder(), skills=extractor())
    profile = draft.profile_input(region="KR-11")
    assert profile.occupations == ("occ-developer",)
    assert set(profile.skills) == {"sk-js", "sk-sql", "sk-debug"}
    document = draft.as_json()
    assert document["occupations"][0]["label"] in ("software developer", "programmer")
    assert document["details"]["work_history"][0]["started"] == "2019-03-01"
    assert document["method"] == "cv-draft-1"
