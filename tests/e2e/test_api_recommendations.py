"""The Work through HTTP: a jobseeker's profile, job recommendations with reasons, feedback that steers
the next list, who may read them, candidates for a vacancy, and hires attributed to recommendations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import enrichment_services
from tests.identities import Person, make_account, session_cookie
from tests.recommendations import ADVANCED_NURSE, DEVELOPER, NURSE, ad, essential_skills, post_coded

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.web.app import create_app
from lmis.web.csrf import CSRF_COOKIE, SESSION_COOKIE, token_for

LONDON = "GB-ENG-greater-london"
JOBS = "/api/v1/seekers/me/recommendations/jobs"


@pytest.fixture
def world(tmp_path: Path, database_url: str) -> Iterator[tuple[Services, dict[str, str], list[str]]]:
    engine = "postgresql" if database_url.startswith("postgresql") else "tantivy"
    services = enrichment_services(
        tmp_path, database_url, ["salary", "place", "cluster", "fraud"], search_engine=engine
    )
    nurse, developer = essential_skills(services, NURSE), essential_skills(services, DEVELOPER)
    advanced = essential_skills(services, ADVANCED_NURSE)
    ids = post_coded(
        services,
        "board",
        [
            (ad("n1", "Staff Nurse", "London", "GB", employer="Hospital A"), NURSE, nurse[:6]),
            (ad("n2", "Senior Nurse", "Manchester", "GB", employer="Hospital B"), ADVANCED_NURSE, advanced[:6]),
            (ad("n3", "간호사", "Seoul", "KR", employer="Hospital A"), NURSE, nurse[:6]),
            (ad("d1", "Software developer", "London", "GB", employer="Tech Co"), DEVELOPER, developer[:6]),
        ],
    )
    yield services, dict(zip(["n1", "n2", "n3", "d1"], ids, strict=True)), nurse
    services.engine.dispose()


def client(services: Services, person: Person) -> TestClient:
    http = TestClient(create_app(services))
    cookie = session_cookie(services, person)
    http.cookies.set(SESSION_COOKIE, cookie)
    http.cookies.set(CSRF_COOKIE, "browser")
    http.headers["X-CSRF-Token"] = token_for(services.secrets.signing_key, "browser", cookie)
    return http


def profile(nurse_skills: list[str], **wishes: Any) -> dict[str, Any]:
    return {
        "headline": "Registered nurse looking for ward work",
        "region": LONDON,
        "occupations": [NURSE],
        "findable": True,
        "details": {
            "skills": [{"skill_id": s, "level": "advanced"} for s in nurse_skills[:4]],
            "work_history": [
                {"title": "Nurse", "occupation_id": NURSE, "employer": "St Mary's", "started": "2019-03-01"}
            ],
            "education": [{"level": 6, "field": "Nursing"}],
            "languages": [{"code": "en", "level": "native"}],
            "wishes": wishes,
        },
    }


def test_a_nurse_gets_nursing_jobs_first_with_matched_and_missing_skills_and_the_reasons(world: Any) -> None:
    services, ids, nurse = world
    http = client(services, make_account(services, Role.JOBSEEKER, "Mina"))
    saved = http.put("/api/v1/seekers/me", json=profile(nurse))
    assert saved.status_code == 200, saved.text
    assert saved.json()["details"]["education"][0]["level"] == 6
    body = http.get(JOBS).json()
    order = [item["posting_id"] for item in body["items"]]
    assert order[0] == ids["n1"]  # exact occupation, most skills, nearby
    assert order.index(ids["d1"]) > order.index(ids["n2"])  # a developer job ranks below a nursing one
    first = body["items"][0]["why"]
    assert {s["id"] for s in first["matched_skills"]} == set(nurse[:4])
    assert {s["id"] for s in first["missing_skills"]} == set(nurse[4:6])
    assert all(s["label"] != s["id"] for s in first["missing_skills"])  # named, not only coded
    assert (first["occupation"]["id"], first["occupation_match"]) == (NURSE, "exact")
    assert "profile" in first["signals"]
    assert first["distance_km"] < 20
    assert body["ranker"].startswith("transparent")


def test_dismissing_for_the_employer_hides_it_and_a_commute_limit_drops_far_jobs(world: Any) -> None:
    services, ids, nurse = world
    http = client(services, make_account(services, Role.JOBSEEKER, "Jun"))
    http.put("/api/v1/seekers/me", json=profile(nurse, max_commute_km=100))
    first = http.get(JOBS).json()
    shown = [item["posting_id"] for item in first["items"]]
    assert ids["n1"] in shown
    assert not {ids["n2"], ids["n3"]} & set(shown)  # Manchester and Seoul are too far
    dismissed = http.post(
        "/api/v1/seekers/me/events",
        json={"kind": "dismiss", "posting_id": ids["n1"], "list_id": first["list_id"], "reason": "employer"},
    )
    assert (dismissed.status_code, dismissed.json()["position"]) == (201, shown.index(ids["n1"]) + 1)
    again = http.put("/api/v1/seekers/me/steering", json={"weights": {"closeness": 0}}).json()
    assert (again["hidden_employers"], again["weights"]["closeness"]) == (["hospital a"], 0)
    after = [item["posting_id"] for item in http.get(JOBS).json()["items"]]
    assert not {ids["n1"], ids["n3"]} & set(after)  # Hospital A is hidden
    wrong = http.put("/api/v1/seekers/me/steering", json={"weights": {"closer": 2}})
    assert (wrong.status_code, wrong.json()["suggestions"][:1]) == (422, ["skills"])


def test_only_the_person_and_counsellors_of_their_region_read_their_recommendations(world: Any) -> None:
    services, _, nurse = world
    mina = client(services, make_account(services, Role.JOBSEEKER, "Mina"))
    seeker_id = mina.put("/api/v1/seekers/me", json=profile(nurse)).json()["id"]
    path = f"/api/v1/seekers/{seeker_id}/recommendations/jobs"
    other = client(services, make_account(services, Role.JOBSEEKER, "Other"))
    london = client(services, make_account(services, Role.COUNSELLOR, "Ana", region="GB-ENG"))
    seoul = client(services, make_account(services, Role.COUNSELLOR, "Bo", region="KR-11"))
    assert [c.get(path).status_code for c in (mina, other, london, seoul)] == [200, 404, 200, 404]
    assert TestClient(create_app(services)).get(path).status_code == 401


def test_a_profile_naming_an_unknown_occupation_is_refused_with_the_field(world: Any) -> None:
    services, _, nurse = world
    http = client(services, make_account(services, Role.JOBSEEKER, "Mina"))
    bad = http.put("/api/v1/seekers/me", json={**profile(nurse), "occupations": ["nurse"]})
    assert (bad.status_code, bad.json()["field"]) == (422, "occupations")
    late = profile(nurse)
    late["details"]["work_history"][0]["ended"] = "2018-01-01"
    assert http.put("/api/v1/seekers/me", json=late).json()["field"] == "work_history"


def test_counsellors_see_findable_candidates_for_a_vacancy_and_hires_are_attributed(world: Any) -> None:
    services, ids, nurse = world
    mina = client(services, make_account(services, Role.JOBSEEKER, "Mina"))
    mina_id = mina.put("/api/v1/seekers/me", json=profile(nurse)).json()["id"]
    hidden = client(services, make_account(services, Role.JOBSEEKER, "Hidden"))
    hidden.put("/api/v1/seekers/me", json={**profile(nurse), "findable": False})
    counsellor = client(services, make_account(services, Role.COUNSELLOR, "Ana", region="GB-ENG"))
    found = counsellor.get(f"/api/v1/postings/{ids['n1']}/candidates").json()
    assert [c["seeker_id"] for c in found] == [mina_id]
    assert len(found[0]["why"]["matched_skills"]) == 4
    employer = client(services, make_account(services, Role.EMPLOYER, "Hospital A"))
    assert employer.get(f"/api/v1/postings/{ids['n1']}/candidates").status_code == 404  # not posted through LMIS
    listed = mina.get(JOBS).json()
    for kind in ("click", "apply", "hire"):
        event = {"kind": kind, "posting_id": ids["n1"], "list_id": listed["list_id"]}
        assert mina.post("/api/v1/seekers/me/events", json=event).status_code == 201
    analyst = client(services, make_account(services, Role.ANALYST, "Eun"))
    tiers = analyst.get("/api/v1/recommendations/attribution").json()
    assert (tiers["hires"], tiers["tiers"]) == (1, {"any": 1, "two_30": 0, "three_50": 0})
    assert mina.get("/api/v1/recommendations/attribution").status_code == 403
    exported = mina.get("/api/v1/account/export").json()["behaviour"]  # her behaviour is part of her data
    assert {"click", "apply", "hire", "impression"} <= {item.get("event") for item in exported}
    assert any(item.get("list_shown") == listed["list_id"] for item in exported)


def test_a_cv_upload_gives_a_draft_to_confirm_and_an_unreadable_file_a_clear_error(world: Any) -> None:
    services, _, _ = world
    http = client(services, make_account(services, Role.JOBSEEKER, "Mina"))
    cv = (
        "Mina Kim\n\nExperience\nStaff nurse, Seoul Hospital\n2019-03 – present\n\n"
        "Languages\nKorean (native), English (B2)\n"
    )
    draft = http.post("/api/v1/seekers/me/cv", files={"file": ("cv.txt", cv.encode(), "text/plain")})
    assert draft.status_code == 200, draft.text
    body = draft.json()
    assert body["details"]["work_history"][0]["started"] == "2019-03-01"
    assert {x["code"] for x in body["details"]["languages"]} == {"ko", "en"}
    assert http.get("/api/v1/seekers/me").status_code == 404  # nothing saved before the person confirms
    image = http.post(
        "/api/v1/seekers/me/cv", files={"file": ("cv.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")}
    )
    assert (image.status_code, image.json()["field"]) == (422, "file")
