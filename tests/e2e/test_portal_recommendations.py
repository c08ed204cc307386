"""The Work's portal pages over HTTP: the profile form with its details, recommended jobs with reasons, feedback and
steering, "why this job", training, career paths, candidates for a vacancy, the caseload and a CV read into the form."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import empty_postgres
from tests.e2e.enrichment_app import enrichment_services
from tests.identities import Person, make_account, sign_in_browser
from tests.recommendations import ADVANCED_NURSE, DEVELOPER, NURSE, ad, essential_skills, post_coded
from tests.training_data import import_sample

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.ingest.vacancies import post_vacancy
from lmis.jobs.employers import employer_id_of
from lmis.jobs.model import ChangeKind
from lmis.people import services as people
from lmis.people.profile import Job, ProfileDetails, ProfileSkill
from lmis.recommend.model import EventKind
from lmis.web.app import create_app

LONDON = "GB-ENG-greater-london"
KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}


@dataclass(frozen=True)
class World:
    """The app on the sample taxonomy with four coded postings (ids by key) and the nurse's essential skills."""

    services: Services
    http: TestClient
    ids: dict[str, str]
    nurse: list[str]
    labels: dict[str, str]


def database(kind: str, folder: Any) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'lmis.db'}"
    return empty_postgres()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("work-portal")
    url = database(request.param, folder)
    engine = "postgresql" if url.startswith("postgresql") else "tantivy"
    services = enrichment_services(folder, url, ["salary", "place", "cluster", "fraud"], search_engine=engine)
    nurse, developer = essential_skills(services, NURSE), essential_skills(services, DEVELOPER)
    advanced = essential_skills(services, ADVANCED_NURSE)
    ids = post_coded(
        services,
        "board",
        [
            (ad("n1", "Staff Nurse", "London", "GB", employer="Hospital A"), NURSE, nurse[:6]),
            (ad("n2", "Senior Nurse", "Manchester", "GB", employer="Hospital B"), ADVANCED_NURSE, advanced[:6]),
            (ad("n3", "Ward Nurse", "London", "GB", employer="Hospital A"), NURSE, nurse[2:8]),
            (ad("d1", "Software developer", "London", "GB", employer="Tech Co"), DEVELOPER, developer[:6]),
        ],
    )
    with services.uow() as uow:
        labels = {r.id: r.label for r in uow.taxonomy.refs([*nurse, NURSE, DEVELOPER]).values()}
    course = {
        "external_id": "NC-1",
        "title": "Nursing care planning",
        "provider": "Demo Nursing School",
        "skills": [labels[nurse[4]]],
        "region": "England",
        "mode": "blended",
        "duration_hours": 40,
        "cost": 500,
        "currency": "GBP",
    }
    assert import_sample(services, [course], source="nhs-courses").new == 1
    with TestClient(create_app(services)) as http:
        yield World(services, http, dict(zip(["n1", "n2", "n3", "d1"], ids, strict=True)), nurse, labels)
    services.engine.dispose()


def text_of(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def as_person(world: World, person: Person | None) -> str:
    """Sign the shared client in as `person`; returns the form token."""
    return sign_in_browser(world.http, world.services, person)


def seeker(world: World, name: str, skills: int = 4, **wishes: Any) -> Person:
    """A jobseeker with a nursing profile saved through the service (a nurse with the first `skills` skills)."""
    person = make_account(world.services, Role.JOBSEEKER, name)
    details = ProfileDetails(
        skills=tuple(ProfileSkill(s) for s in world.nurse[:skills]),
        work_history=(Job("Nurse", NURSE, "St Mary's"),),
    )
    if wishes:
        details = replace(details, wishes=replace(details.wishes, **wishes))
    profile = people.ProfileInput(
        headline=f"{name}, registered nurse", region=LONDON, occupations=(NURSE,), findable=True, details=details
    )
    people.save_profile(
        uow=world.services.uow(),
        protection=world.services.protection,
        actor=person.principal,
        profile=profile,
        now=world.services.now(),
    )
    return person


def code_posting(services: Services, pid: str, occupation: str, skills: list[str]) -> None:
    """Give a stored posting the occupation and skills a test needs (as `tests.recommendations.post_coded` does)."""
    with services.uow() as uow:
        posting = uow.jobs.get(pid)
        assert posting is not None
        derived = {
            **posting.derived,
            "occupation": {"concept_id": occupation, "isco_code": "2221"},
            "skills": {"items": [{"skill_id": s} for s in skills]},
        }
        uow.jobs.save([(replace(posting, derived=derived), ChangeKind.UPDATED)], services.now())
        uow.commit()
    services.search.sync(services.now)


def post(world: World, path: str, token: str, data: dict[str, Any]) -> Any:
    return world.http.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def stored_details(world: World, person: Person) -> tuple[list[str], ProfileDetails]:
    with world.services.uow() as uow:
        stored = uow.people.seeker_of_account(person.account.id)
    assert stored is not None
    return list(stored.occupations), ProfileDetails.from_json(stored.details)


def test_the_profile_form_saves_skills_history_education_languages_and_wishes_and_shows_them_by_name(
    world: World,
) -> None:
    person = make_account(world.services, Role.JOBSEEKER, "Form Filler")
    token = as_person(world, person)
    person_page = world.http.get("/account/profile")
    assert person_page.status_code == 200
    assert 'id="skill-0"' in person_page.text
    assert 'id="job_title-0"' in person_page.text
    assert '<option value="6">Bachelor&#39;s degree or equivalent</option>' in person_page.text
    infection, paediatrics = (world.labels[s] for s in world.nurse[:2])
    form = {
        "headline": "Ward nurse",
        "region": LONDON,
        "findable": "1",
        "occupation-0": "Nurse responsible for general care",
        "skill-0": infection,
        "skill_level-0": "advanced",
        "skill-1": paediatrics.upper(),
        "skill_level-1": "basic",
        "job_title-0": "Staff nurse",
        "job_employer-0": "St Mary's",
        "job_started-0": "2019-03-01",
        "job_occupation-0": world.labels[NURSE],
        "edu_level-0": "6",
        "edu_field-0": "Nursing",
        "lang_code-0": "ko",
        "lang_level-0": "C1",
        "cert_name-0": "Registered nurse licence",
        "cert_year-0": "2019",
        "max_commute_km": "25",
        "desired_pay": "32,000",
        "working_time": "full_time",
        "available_from": "2026-12-01",
        "daily_mail": "1",
    }
    saved = post(world, "/account/profile", token, form)
    assert (saved.status_code, saved.headers["location"]) == (303, "/account/profile?saved=1"), text_of(saved.text)
    occupations, details = stored_details(world, person)
    assert occupations == [NURSE]
    assert [(s.skill_id, s.level.value) for s in details.skills] == [
        (world.nurse[0], "advanced"),
        (world.nurse[1], "basic"),
    ]
    job = details.work_history[0]
    assert (job.occupation_id, job.started, job.ended) == (NURSE, date(2019, 3, 1), None)
    assert (int(details.education[0].level), details.languages[0].code, details.languages[0].level.value) == (
        6,
        "ko",
        "C1",
    )
    assert (details.certificates[0].year, details.wishes.max_commute_km, details.wishes.desired_pay) == (
        2019,
        25,
        32000,
    )
    assert details.steering.daily_mail
    assert details.wishes.working_time.value == "full_time"
    shown = world.http.get("/account/profile?saved=1").text
    assert f'id="skill-0" name="skill-0" type="text" value="{infection}"' in shown  # labels, never ids
    assert world.nurse[0] not in text_of(shown)
    assert re.search(r'<option value="advanced" selected>Advanced</option>', shown)
    assert re.search(r'<option value="ko" selected>Korean</option>', shown)
    assert 'id="daily_mail" name="daily_mail" value="1" checked' in shown


def test_a_profile_form_with_mistakes_keeps_the_input_and_says_what_is_wrong_next_to_each_field(world: World) -> None:
    person = make_account(world.services, Role.JOBSEEKER, "Careless Typist")
    token = as_person(world, person)
    form = {
        "headline": "Nurse",
        "skill-0": "infection contrl",
        "job_title-0": "Staff nurse",
        "job_started-0": "2020-05-01",
        "job_ended-0": "2019-01-01",
        "edu_field-0": "Nursing",
        "max_commute_km": "far",
    }
    refused = post(world, "/account/profile", token, form)
    assert refused.status_code == 422
    page = refused.text
    shown = text_of(page)
    assert "No skill has exactly this name. Did you mean: infection control" in shown
    assert "The job cannot end before it starts." in shown
    assert "Choose the level of education." in shown
    assert "Enter a number of 0 or more, without units." in shown
    kept = 'id="skill-0" name="skill-0" type="text" value="infection contrl"'
    assert f'{kept} aria-describedby="skill-0-error" aria-invalid="true"' in page
    assert 'value="Staff nurse"' in page
    assert 'value="far"' in page
    assert '<a href="#job_ended-0">' in page  # the summary leads to the field
    assert stored_details_or_none(world, person) is None  # nothing saved
    korean = world.http.post("/account/profile", data={**form, "csrf_token": token}, headers=KOREAN)
    assert "교육 수준을 선택하세요." in text_of(korean.text)


def stored_details_or_none(world: World, person: Person) -> ProfileDetails | None:
    with world.services.uow() as uow:
        stored = uow.people.seeker_of_account(person.account.id)
    return ProfileDetails.from_json(stored.details) if stored else None


def test_add_another_shows_one_more_blank_row_and_saves_nothing(world: World) -> None:
    person = make_account(world.services, Role.JOBSEEKER, "Row Adder")
    token = as_person(world, person)
    first = world.http.get("/account/profile").text
    assert 'id="job_title-0"' in first
    assert 'id="job_title-1"' not in first
    more = post(world, "/account/profile", token, {"job_title-0": "Porter", "add": "job"})
    assert more.status_code == 200
    assert 'id="job_title-0" name="job_title-0" type="text" value="Porter"' in more.text
    assert 'id="job_title-1"' in more.text
    assert 'id="job_title-2"' in more.text
    assert 'id="skill-1"' not in more.text
    assert stored_details_or_none(world, person) is None


def test_the_recommendations_page_lists_nursing_jobs_first_each_with_a_one_line_reason(world: World) -> None:
    as_person(world, seeker(world, "Mina"))
    page = world.http.get("/me/recommendations")
    assert page.status_code == 200, page.text
    shown = text_of(page.text)
    titles = re.findall(r'<h3><a href="/postings/([a-z0-9]+)\?list=([a-z0-9]+)">([^<]+)</a></h3>', page.text)
    assert titles[0][0] == world.ids["n1"]
    assert titles[0][2] == "Staff Nurse"
    assert [t[2] for t in titles].index("Software developer") > [t[2] for t in titles].index("Senior Nurse")
    assert f"Your occupation: {world.labels[NURSE]} · 4 of 6 skills ·" in shown
    assert "Hospital A · Greater London" in shown or "Hospital A · " in shown
    assert f'href="/me/recommendations/jobs/{world.ids["n1"]}"' in page.text
    assert re.search(
        r'<button type="submit" name="kind" value="save" aria-label="Save: Staff Nurse">Save</button>',
        page.text,
    )
    assert '<option value="too_far">Too far away</option>' in page.text
    assert 'id="weight-closeness" name="weight-closeness" type="number" value="1"' in page.text


def test_dismissing_for_the_employer_hides_its_jobs_and_show_again_brings_them_back(world: World) -> None:
    person = seeker(world, "Jun")
    token = as_person(world, person)
    page = world.http.get("/me/recommendations").text
    list_id = re.findall(r'name="list_id" value="([a-z0-9]+)"', page)[0]
    dismissed = post(
        world,
        "/me/recommendations/events",
        token,
        {"kind": "dismiss", "reason": "employer", "posting_id": world.ids["n1"], "list_id": list_id},
    )
    assert (dismissed.status_code, dismissed.headers["location"]) == (303, "/me/recommendations?done=dismiss")
    after = world.http.get("/me/recommendations?done=dismiss").text
    assert "The job is dismissed; you will not see it again." in text_of(after)
    assert "Staff Nurse" not in after
    assert "Ward Nurse" not in after
    assert re.search(r'name="show_employer" value="hospital a"', after)
    shown = post(world, "/me/recommendations/employers", token, {"show_employer": "hospital a"})
    assert shown.status_code == 303
    again = world.http.get("/me/recommendations").text
    assert "Ward Nurse" in again
    assert "Staff Nurse" not in again
    with world.services.uow() as uow:
        stored = uow.people.seeker_of_account(person.account.id)
        assert stored is not None
        events = uow.behaviour.events_of(stored.id, kinds=(EventKind.DISMISS,))
    assert [(e.item_id, e.detail.get("reason"), e.position) for e in events] == [(world.ids["n1"], "employer", 1)]


def test_steering_is_saved_and_shown_and_a_weight_out_of_range_is_refused_next_to_its_field(world: World) -> None:
    person = seeker(world, "Steerer")
    token = as_person(world, person)
    weights = {"weight-skills": "2", "weight-occupation": "1", "weight-closeness": "0", "weight-pay": "1.5"}
    saved = post(world, "/me/recommendations/steering", token, {**weights, "weight-recency": "1", "daily_mail": "1"})
    assert (saved.status_code, saved.headers["location"]) == (303, "/me/recommendations?done=steered")
    _, details = stored_details(world, person)
    assert details.steering.weights == {"skills": 2, "occupation": 1, "closeness": 0, "pay": 1.5, "recency": 1}
    assert details.steering.daily_mail
    page = world.http.get("/me/recommendations").text
    assert 'id="weight-skills" name="weight-skills" type="number" value="2"' in page
    assert 'id="daily_mail" name="daily_mail" value="1" checked' in page
    wrong = post(world, "/me/recommendations/steering", token, {**weights, "weight-recency": "7"})
    assert wrong.status_code == 422
    assert re.search(r'<p class="error" id="weight-recency-error">.*Enter a number from 0 to 3.</p>', wrong.text)
    assert 'value="7" aria-describedby="weight-recency-error" aria-invalid="true"' in wrong.text


def test_why_this_job_lists_matched_and_missing_skills_the_occupation_and_the_score_parts(world: World) -> None:
    as_person(world, seeker(world, "Asker"))
    page = world.http.get(f"/me/recommendations/jobs/{world.ids['n1']}")
    assert page.status_code == 200, page.text
    shown = text_of(page.text)
    assert "You have 4 of the 6 skills this job asks for." in shown
    matched = page.text.split('id="matched-heading"')[1].split("</ul>")[0]
    missing = page.text.split('id="missing-heading"')[1].split("</ul>")[0]
    assert all(f'href="/skills/{s}">{world.labels[s]}</a>' in matched for s in world.nurse[:4])
    assert all(f'href="/skills/{s}">{world.labels[s]}</a>' in missing for s in world.nurse[4:6])
    assert f'<a href="/occupations/{NURSE}">{world.labels[NURSE]}</a>: the occupation of this job is yours' in page.text
    assert '<th scope="col">Part</th><th scope="col">Points</th>' in page.text
    assert '<th scope="row">Your skills</th>' in page.text
    assert "Skills to reach this job" in shown
    assert "Nursing care planning" in page.text.split('id="reach-heading"')[1]
    assert world.http.get("/me/recommendations/jobs/nothing-here").status_code == 404


def test_training_and_career_pages_show_gaps_and_next_occupations(world: World) -> None:
    as_person(world, seeker(world, "Learner"))
    training = world.http.get("/me/training")
    assert training.status_code == 200, training.text
    gaps = training.text.split("<tbody>")[1].split("</tbody>")[0]
    assert (
        f'<a href="/skills/{world.nurse[4]}">{world.labels[world.nurse[4]]}</a>' in gaps
    )  # asked by both nursing jobs
    assert '<th scope="col">Jobs that ask for it</th>' in training.text
    courses = text_of(training.text.split('<table class="courses">')[1].split("</table>")[0])
    assert (
        f"Nursing care planning Demo Nursing School Blended England 40 hours GBP 500 {world.labels[world.nurse[4]]}"
        in courses
    )
    careers = world.http.get("/me/careers")
    assert careers.status_code == 200, careers.text
    assert f"Next steps from {world.labels[NURSE]}" in text_of(careers.text)
    assert re.search(r'<h3><a href="/occupations/[a-z0-9]+">advanced nurse practitioner</a></h3>', careers.text)
    assert f'<option value="{NURSE}">{world.labels[NURSE]}</option>' in careers.text
    chosen = world.http.get(f"/me/careers?occupation={NURSE}")
    assert f'<option value="{NURSE}" selected>' in chosen.text


def test_candidates_show_for_a_counsellor_of_the_region_and_are_not_found_for_another_employer(world: World) -> None:
    seeker(world, "Findable Nurse")
    as_person(world, make_account(world.services, Role.COUNSELLOR, "Ana", region="GB-ENG"))
    page = world.http.get(f"/employers/postings/{world.ids['n1']}/candidates")
    assert page.status_code == 200, page.text
    shown = text_of(page.text)
    assert "Findable Nurse, registered nurse" in shown
    assert "Skills they have" in shown
    assert world.labels[world.nurse[0]] in shown
    assert "Skills they lack" in shown
    assert world.labels[world.nurse[5]] in shown
    caseload = world.http.get("/seekers")
    assert caseload.status_code == 200
    assert "Findable Nurse, registered nurse" in text_of(caseload.text)
    as_person(world, make_account(world.services, Role.EMPLOYER, "Other Employer"))
    assert world.http.get(f"/employers/postings/{world.ids['n1']}/candidates").status_code == 404

    owner = make_account(world.services, Role.EMPLOYER, "Hospital C", employer_id=employer_id_of("Hospital C", None))
    own, _run, held = post_vacancy(
        ad("e1", "Night Nurse", "London", "GB", employer="Hospital C"),
        principal=owner.principal,
        uow=world.services.uow(),
        now=world.services.now,
        enrich=world.services.enrich,
    )
    assert held == []
    code_posting(world.services, own, NURSE, world.nurse[:6])
    as_person(world, owner)
    mine = world.http.get(f"/employers/postings/{own}/candidates")
    assert mine.status_code == 200
    assert "Findable Nurse, registered nurse" in text_of(mine.text)
    assert world.http.get(f"/employers/postings/{world.ids['n1']}/candidates").status_code == 404  # not theirs


def test_a_counsellor_reads_a_persons_recommendations_without_feedback_buttons_and_others_may_not(world: World) -> None:
    person = seeker(world, "Caseload Person")
    with world.services.uow() as uow:
        stored = uow.people.seeker_of_account(person.account.id)
    assert stored is not None
    path = f"/seekers/{stored.id}/recommendations"
    as_person(world, make_account(world.services, Role.COUNSELLOR, "Bora", region="GB-ENG"))
    page = world.http.get(path)
    assert page.status_code == 200
    assert "Staff Nurse" in page.text
    assert 'name="kind"' not in page.text
    assert "?list=" not in page.text
    assert world.http.get(f"/seekers/{stored.id}/recommendations/jobs/{world.ids['n1']}").status_code == 200
    as_person(world, make_account(world.services, Role.COUNSELLOR, "Seoul", region="KR-11"))
    assert world.http.get(path).status_code == 404
    as_person(world, None)
    signed_out = world.http.get("/me/recommendations", follow_redirects=False)
    assert signed_out.headers["location"].startswith("/sign-in?next=")
    as_person(world, make_account(world.services, Role.JOBSEEKER, "No Profile Yet"))
    empty = world.http.get("/me/recommendations")
    assert empty.status_code == 404
    assert "Make your profile first" in empty.text


def test_opening_a_posting_from_the_list_records_a_click_and_opening_it_directly_a_view(world: World) -> None:
    person = seeker(world, "Clicker")
    as_person(world, person)
    page = world.http.get("/me/recommendations").text
    link = re.findall(r'<a href="(/postings/[a-z0-9]+\?list=[a-z0-9]+)">Staff Nurse</a>', page)[0]
    assert world.http.get(link).status_code == 200
    assert world.http.get(f"/postings/{world.ids['d1']}").status_code == 200
    with world.services.uow() as uow:
        stored = uow.people.seeker_of_account(person.account.id)
        assert stored is not None
        events = uow.behaviour.events_of(stored.id, kinds=(EventKind.CLICK, EventKind.VIEW))
    found = sorted((e.kind.value, e.item_id, e.list_id is not None, e.position) for e in events)
    assert found == [("click", world.ids["n1"], True, 1), ("view", world.ids["d1"], False, None)]


def test_a_cv_fills_the_form_for_checking_and_nothing_is_saved_until_the_person_saves(world: World) -> None:
    person = make_account(world.services, Role.JOBSEEKER, "Cv Uploader")
    token = as_person(world, person)
    cv = (
        "Siti Rahma\nRegistered nurse\n\nExperience\nStaff nurse, St Mary's Hospital, 2019 - 2024\n"
        "Cared for patients on a surgical ward.\n\nEducation\nBachelor of Nursing, University of Leeds, 2018\n\n"
        "Languages\nEnglish (native), Korean (B2)\n"
    )
    files = {"file": ("cv.txt", cv.encode(), "text/plain")}
    read = world.http.post("/account/profile/cv", data={"csrf_token": token}, files=files)
    assert read.status_code == 200, read.text
    assert "We read your CV cv.txt into the form below." in text_of(read.text)
    assert re.search(r'id="job_title-0" name="job_title-0" type="text" value="Staff nurse"', read.text)
    assert re.search(r'<option value="ko" selected>Korean</option>', read.text)
    assert stored_details_or_none(world, person) is None
    image = {"file": ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")}
    refused = world.http.post("/account/profile/cv", data={"csrf_token": token}, files=image)
    assert refused.status_code == 422
    assert 'id="file-error"' in refused.text
    assert "This file could not be read." in text_of(refused.text)
    assert 'aria-describedby="file-hint file-error" aria-invalid="true"' in refused.text
