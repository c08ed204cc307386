"""Who may call which endpoint: every /api/v1 operation for every kind of caller, with object-level checks.

One world per database: two jobseekers in different regions, two employers, regional counsellors,
an analyst, two partner administrators, an administrator, three API clients and anonymous. Each
case names the status every caller gets; the test fails on any difference and on any operation
of the OpenAPI document that no case covers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.e2e.enrichment_app import RULES_ONLY, SCAM, enrichment_services, ingest
from tests.identities import Person, api_key, bearer, make_account, session_cookie
from tests.series_data import JOLTS_ID, import_samples
from tests.training_data import import_sample

from lmis.bootstrap import Services
from lmis.identity.model import Role, Scope
from lmis.jobs.employers import employer_id_of
from lmis.people import services as people
from lmis.people.model import DataCategory, Grantee, PersonalData
from lmis.training.services import course_id
from lmis.web.app import create_app
from lmis.web.csrf import CSRF_COOKIE, SESSION_COOKIE, token_for

PEOPLE = (
    "seeker_a",
    "seeker_b",
    "employer_1",
    "employer_2",
    "counsellor_seoul",
    "counsellor_england",
    "analyst",
    "partner_admin",
    "partner_admin_other",
    "admin",
)
CLIENTS = ("client_open", "client_push", "client_personal")
CALLERS = ("anonymous", *PEOPLE, *CLIENTS)
STAFF_REVIEWERS = {"counsellor_seoul", "counsellor_england", "analyst", "admin"}
MODERATORS = {"counsellor_seoul", "counsellor_england", "admin"}
SEEKERS = {"seeker_a", "seeker_b"}
CLIENT_MANAGERS = {"partner_admin", "partner_admin_other", "admin"}
HOSPITAL = "Seoul Demo Hospital"
CLINIC = "Busan Other Clinic"


@dataclass
class World:
    services: Services
    people: dict[str, Person] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def _ad(external_id: str, employer: str = HOSPITAL, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": "Staff nurse",
        "description": "<p>Ward nurse, nights. Patient care experience wanted.</p>",
        "employer": {"name": employer},
        "address": {"locality": "Seoul", "country": "KR"},
        **extra,
    }


def _build(tmp_path: Path, database_url: str) -> World:
    services = enrichment_services(tmp_path, database_url, RULES_ONLY)
    ingest(services, "board", [_ad("b1"), {**SCAM, "external_id": "scam-1"}])
    world = World(services)
    import_sample(services)
    world.ids["course"] = course_id("kr-hrd", "FP-1")
    import_samples(services, indeed=False, lmia=False)  # official series: open data
    roles = {
        "seeker_a": (Role.JOBSEEKER, {}),
        "seeker_b": (Role.JOBSEEKER, {}),
        "employer_1": (Role.EMPLOYER, {"employer_id": employer_id_of(HOSPITAL, None)}),
        "employer_2": (Role.EMPLOYER, {"employer_id": employer_id_of(CLINIC, None)}),
        "counsellor_seoul": (Role.COUNSELLOR, {"region": "KR-11"}),
        "counsellor_england": (Role.COUNSELLOR, {"region": "GB-ENG"}),
        "analyst": (Role.ANALYST, {}),
        "partner_admin": (Role.PARTNER_ADMIN, {"partner": "board"}),
        "partner_admin_other": (Role.PARTNER_ADMIN, {"partner": "elsewhere"}),
        "admin": (Role.ADMIN, {}),
    }
    for name, (role, scope) in roles.items():
        world.people[name] = make_account(services, role, name.replace("_", " "), **scope)
    _seekers(world)
    _clients(world)
    return world


def _seekers(world: World) -> None:
    services, now = world.services, world.services.now()
    for name, region, findable in (("seeker_a", "KR-11", False), ("seeker_b", "GB-ENG", True)):
        profile = people.ProfileInput(
            "Nurse", region, findable=findable, personal=PersonalData(phone="010-555-0101", national_id=f"ID-{name}")
        )
        seeker = people.save_profile(
            uow=services.uow(),
            protection=services.protection,
            actor=world.people[name].principal,
            profile=profile,
            now=now,
        )
        world.ids[name] = seeker.id


def _clients(world: World) -> None:
    services = world.services
    owner = world.people["partner_admin"]
    world.keys["client_open"] = api_key(services, owner, {Scope.OPEN_DATA}).api_key
    push = api_key(services, owner, {Scope.POSTINGS_PUSH}, sources=frozenset({"board"}))
    world.keys["client_push"] = push.api_key
    world.ids["client_push"] = push.client.id
    personal = api_key(services, owner, {Scope.PERSONAL_DATA}, purpose="matching people to training places")
    world.keys["client_personal"] = personal.api_key
    people.grant_consent(
        uow=services.uow(),
        actor=world.people["seeker_a"].principal,
        grantee=Grantee.CLIENT,
        client_id=personal.client.id,
        purpose="training offers",
        data=frozenset({DataCategory.CONTACT}),
        now=services.now(),
    )


def _caller(world: World, app: Any, name: str) -> TestClient:
    """A client carrying `name`'s credentials: an API key, or a session cookie and its CSRF header."""
    client = TestClient(app, raise_server_exceptions=True)
    if name in CLIENTS:
        client.headers.update(bearer(world.keys[name]))
    elif name in PEOPLE:
        cookie = session_cookie(world.services, world.people[name])
        client.cookies.set(SESSION_COOKIE, cookie)
        client.cookies.set(CSRF_COOKIE, "matrix")
        client.headers["X-CSRF-Token"] = token_for(world.services.secrets.signing_key, "matrix", cookie)
    return client


Request = Callable[[World, str], tuple[str, str, dict[str, Any]]]


@dataclass(frozen=True)
class Case:
    """An operation, how to call it (per caller: some calls need their own fresh object), and who gets what."""

    method: str
    path: str  # the OpenAPI path template, for coverage
    call: Request
    allowed: dict[str, int]
    otherwise: int = 403
    anonymous: int = 401
    ends_own_account: bool = False  # called by a new account of the caller's kind, not the caller itself


def fixed(method: str, url: str, **kwargs: Any) -> Request:
    return lambda _world, _caller: (method, url, kwargs)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


def only(names: set[str] | tuple[str, ...], status: int) -> dict[str, int]:
    return dict.fromkeys(names, status)


def _seeker(key: str) -> Request:
    return lambda world, _caller: ("GET", f"/api/v1/seekers/{world.ids[key]}", {"params": {"purpose": "counselling"}})


def _client_path(suffix: str = "", method: str = "GET") -> Request:
    return lambda world, _caller: (method, f"/api/v1/clients/{world.ids['client_push']}{suffix}", {})


def _new_client_key(world: World, caller: str) -> tuple[str, str, dict[str, Any]]:
    """A key of the push client to revoke (each allowed caller revokes a key of its own making)."""
    from lmis.identity import clients

    owner = world.people["admin"].principal
    key = clients.new_key(
        uow=world.services.uow(), actor=owner, client_id=world.ids["client_push"], now=world.services.now()
    )
    key_id = key.removeprefix("lmis_").split("_", 1)[0]
    return "DELETE", f"/api/v1/clients/{world.ids['client_push']}/keys/{key_id}", {}


def _spare_client(world: World, caller: str) -> tuple[str, str, dict[str, Any]]:
    spare = api_key(world.services, world.people["partner_admin"], {Scope.OPEN_DATA}).client
    return "DELETE", f"/api/v1/clients/{spare.id}", {}


def _spare_account(world: World, caller: str) -> tuple[str, str, dict[str, Any]]:
    spare = make_account(world.services, Role.JOBSEEKER, f"spare for {caller}")
    return "PATCH", f"/api/v1/admin/accounts/{spare.account.id}", {"json": {"role": "analyst", "region": "KR-11"}}


def _vacancy(employer: str) -> Request:
    def call(world: World, caller: str) -> tuple[str, str, dict[str, Any]]:
        return "POST", "/api/v1/employer/postings", {"json": _ad(f"v-{caller}", employer)}

    return call


def _own_vacancy(method: str) -> Request:
    """Employer 1's vacancy (a fresh one for each caller, so withdrawing cannot run out)."""

    def call(world: World, caller: str) -> tuple[str, str, dict[str, Any]]:
        from lmis.ingest.vacancies import post_vacancy

        posting, _run, _held = post_vacancy(
            _ad(f"own-{caller}-{method}"),
            principal=world.people["employer_1"].principal,
            uow=world.services.uow(),
            now=world.services.now,
        )
        return method, f"/api/v1/employer/postings/{posting}", {"json": _ad("ignored")} if method == "PUT" else {}

    return call


def _consent_of_a(world: World, caller: str) -> tuple[str, str, dict[str, Any]]:
    consent = people.grant_consent(
        uow=world.services.uow(),
        actor=world.people["seeker_a"].principal,
        grantee=Grantee.COUNSELLORS,
        purpose="help me find work",
        data=frozenset({DataCategory.CONTACT}),
        now=world.services.now(),
    )
    return "DELETE", f"/api/v1/seekers/me/consents/{consent.id}", {}


def _ids(url: str) -> Request:
    """A GET of `url` with the world's ids filled in ("/api/v1/postings/{posting}")."""
    return lambda world, _caller: ("GET", url.format(**world.ids), {})


PUBLIC = everyone(200)
ACCOUNTS = only(PEOPLE, 200)


def cases() -> list[Case]:
    """Every operation with its expected status per caller."""
    return [
        Case("GET", "/api/v1/health", fixed("GET", "/api/v1/health"), PUBLIC),
        Case("GET", "/api/v1/occupations", fixed("GET", "/api/v1/occupations", params={"q": "nurse"}), PUBLIC),
        Case("GET", "/api/v1/occupations/{concept_id}", _ids("/api/v1/occupations/{occupation}"), PUBLIC),
        Case("GET", "/api/v1/skills", fixed("GET", "/api/v1/skills", params={"q": "patient"}), PUBLIC),
        Case("GET", "/api/v1/skills/{concept_id}", _ids("/api/v1/skills/{skill}"), PUBLIC),
        Case(
            "GET",
            "/api/v1/skills/{concept_id}/occupations",
            _ids("/api/v1/skills/{skill}/occupations"),
            PUBLIC,
        ),
        Case(
            "GET",
            "/api/v1/skills/{concept_id}/related",
            _ids("/api/v1/skills/{skill}/related"),
            PUBLIC,
        ),
        Case(
            "GET",
            "/api/v1/crosswalk",
            fixed("GET", "/api/v1/crosswalk", params={"code": "2221.2", "from": "esco-occupation", "to": "isco-08"}),
            PUBLIC,
        ),
        Case("GET", "/api/v1/schemes", fixed("GET", "/api/v1/schemes"), PUBLIC),
        Case("GET", "/api/v1/releases", fixed("GET", "/api/v1/releases"), PUBLIC),
        Case("GET", "/api/v1/postings/search", fixed("GET", "/api/v1/postings/search", params={"q": "nurse"}), PUBLIC),
        Case("GET", "/api/v1/complete", fixed("GET", "/api/v1/complete", params={"q": "nur"}), PUBLIC),
        Case("GET", "/api/v1/postings/snapshot", fixed("GET", "/api/v1/postings/snapshot"), PUBLIC),
        Case("GET", "/api/v1/postings/changes", fixed("GET", "/api/v1/postings/changes"), PUBLIC),
        Case("GET", "/api/v1/postings", fixed("GET", "/api/v1/postings"), PUBLIC),
        Case("GET", "/api/v1/postings/{posting_id}", _ids("/api/v1/postings/{posting}"), PUBLIC),
        Case("GET", "/api/v1/vacancies/{cluster_id}", _ids("/api/v1/vacancies/{posting}"), PUBLIC),
        Case(
            "GET",
            "/api/v1/training/courses",
            fixed("GET", "/api/v1/training/courses", params={"skill": "Haskell"}),
            PUBLIC,
        ),
        Case("GET", "/api/v1/training/courses/{course_id}", _ids("/api/v1/training/courses/{course}"), PUBLIC),
        Case("GET", "/api/v1/series", fixed("GET", "/api/v1/series", params={"measure": "job_openings"}), PUBLIC),
        Case("GET", "/api/v1/series/{series_id}", fixed("GET", f"/api/v1/series/{JOLTS_ID}"), PUBLIC),
        Case("POST", "/api/v1/enrich", fixed("POST", "/api/v1/enrich", json={"documents": [_ad("d1")]}), PUBLIC),
        # partner push: a client with postings:push, for its own sources only
        Case(
            "POST",
            "/api/v1/partners/{source}/postings",
            fixed("POST", "/api/v1/partners/board/postings", json=[_ad("p1")]),
            only({"client_push"}, 200),
        ),
        Case(
            "POST",
            "/api/v1/partners/{source}/postings",
            fixed("POST", "/api/v1/partners/elsewhere/postings", json=[_ad("p2")]),
            {},
        ),
        # staff queues
        Case("GET", "/api/v1/reviews", fixed("GET", "/api/v1/reviews"), only(STAFF_REVIEWERS, 200)),
        Case("GET", "/api/v1/reviews/{review_id}", fixed("GET", "/api/v1/reviews/none"), only(STAFF_REVIEWERS, 404)),
        Case(
            "POST",
            "/api/v1/reviews/{review_id}/decision",
            fixed("POST", "/api/v1/reviews/none/decision", json={"concept_id": "x"}),
            only(STAFF_REVIEWERS, 422),  # the named occupation is checked first
        ),
        Case("GET", "/api/v1/moderation", fixed("GET", "/api/v1/moderation"), only(MODERATORS, 200)),
        Case("GET", "/api/v1/moderation/{case_id}", _ids("/api/v1/moderation/{case}"), only(MODERATORS, 200)),
        Case(
            "POST",
            "/api/v1/moderation/{case_id}/decision",
            lambda w, _c: (
                "POST",
                f"/api/v1/moderation/{w.ids['case']}/decision",
                {"json": {"decision": "fraudulent"}},
            ),
            only(MODERATORS, 422),
        ),
        # accounts (anyone may sign up or use a mailed link; these tokens are wrong)
        Case(
            "POST",
            "/api/v1/accounts",
            lambda _w, c: (
                "POST",
                "/api/v1/accounts",
                {"json": {"email": f"{c}@new.example.org", "password": "a long passphrase", "name": c}},
            ),
            everyone(201),
            anonymous=201,
        ),
        Case(
            "POST",
            "/api/v1/accounts/verification",
            fixed("POST", "/api/v1/accounts/verification", json={"token": "x"}),
            everyone(422),
            anonymous=422,
        ),
        Case(
            "POST",
            "/api/v1/accounts/password-reset",
            fixed("POST", "/api/v1/accounts/password-reset", json={"email": "a@b.org"}),
            everyone(202),
            anonymous=202,
        ),
        Case(
            "POST",
            "/api/v1/accounts/password",
            fixed("POST", "/api/v1/accounts/password", json={"token": "x", "password": "y"}),
            everyone(422),
            anonymous=422,
        ),
        Case("GET", "/api/v1/account", fixed("GET", "/api/v1/account"), ACCOUNTS),
        Case("GET", "/api/v1/account/activity", fixed("GET", "/api/v1/account/activity"), ACCOUNTS),
        Case("GET", "/api/v1/account/export", fixed("GET", "/api/v1/account/export"), ACCOUNTS),
        Case(
            "POST",
            "/api/v1/account/sessions/end",
            fixed("POST", "/api/v1/account/sessions/end"),
            ACCOUNTS,
            ends_own_account=True,
        ),
        Case(
            "DELETE",
            "/api/v1/account",
            fixed("DELETE", "/api/v1/account"),
            only(("seeker_a", "seeker_b", "employer_1", "employer_2"), 204),
            ends_own_account=True,
        ),
        # people: object-level, by region and consent
        Case(
            "GET", "/api/v1/seekers/me", fixed("GET", "/api/v1/seekers/me"), {**only(PEOPLE, 404), **only(SEEKERS, 200)}
        ),
        Case(
            "PUT",
            "/api/v1/seekers/me",
            lambda w, c: (
                "PUT",
                "/api/v1/seekers/me",
                {
                    "json": {
                        "headline": "Nurse",
                        "region": "KR-11" if c == "seeker_a" else "GB-ENG",
                        "findable": c == "seeker_b",
                        "personal": {"national_id": f"ID-{c}"},
                    }
                },
            ),
            only(SEEKERS, 200),
        ),
        Case(
            "POST",
            "/api/v1/seekers/me/cv",
            fixed("POST", "/api/v1/seekers/me/cv", files={"file": ("cv.txt", b"Experience\nNurse, 2019 - 2021\n")}),
            only(SEEKERS, 200),
        ),
        Case(
            "GET",
            "/api/v1/seekers",
            fixed("GET", "/api/v1/seekers"),
            only(("counsellor_seoul", "counsellor_england", "admin"), 200),
        ),
        Case(
            "GET",
            "/api/v1/candidates",
            fixed("GET", "/api/v1/candidates"),
            only(("employer_1", "employer_2", "counsellor_seoul", "counsellor_england", "admin"), 200),
        ),
        Case(
            "GET",
            "/api/v1/seekers/{seeker_id}",
            _seeker("seeker_a"),
            {**everyone(404), **only(("seeker_a", "counsellor_seoul", "admin", "client_personal"), 200)},
            anonymous=404,
        ),
        Case(
            "GET",
            "/api/v1/seekers/{seeker_id}",
            _seeker("seeker_b"),
            {**everyone(404), **only(("seeker_b", "employer_1", "employer_2", "counsellor_england", "admin"), 200)},
            anonymous=404,
        ),
        Case("GET", "/api/v1/seekers/me/consents", fixed("GET", "/api/v1/seekers/me/consents"), ACCOUNTS),
        Case(
            "POST",
            "/api/v1/seekers/me/consents",
            fixed(
                "POST",
                "/api/v1/seekers/me/consents",
                json={"grantee": "counsellors", "purpose": "help", "data": ["contact"]},
            ),
            only(SEEKERS, 201),
        ),
        Case(
            "DELETE",
            "/api/v1/seekers/me/consents/{consent_id}",
            _consent_of_a,
            {**only(PEOPLE, 404), "seeker_a": 204},
        ),
        # API clients: managers only, and only their own partner's
        Case("GET", "/api/v1/clients", fixed("GET", "/api/v1/clients"), only(CLIENT_MANAGERS, 200)),
        Case(
            "POST",
            "/api/v1/clients",
            fixed("POST", "/api/v1/clients", json={"name": "feed", "scopes": ["open_data:read"]}),
            only(CLIENT_MANAGERS, 201),
        ),
        Case(
            "GET",
            "/api/v1/clients/{client_id}",
            _client_path(),
            {**only(CLIENT_MANAGERS, 200), "partner_admin_other": 404},
        ),
        Case(
            "POST",
            "/api/v1/clients/{client_id}/keys",
            _client_path("/keys", "POST"),
            {**only(CLIENT_MANAGERS, 201), "partner_admin_other": 404},
        ),
        Case(
            "DELETE",
            "/api/v1/clients/{client_id}/keys/{key_id}",
            _new_client_key,
            {**only(CLIENT_MANAGERS, 204), "partner_admin_other": 404},
        ),
        Case(
            "DELETE",
            "/api/v1/clients/{client_id}",
            _spare_client,
            {**only(CLIENT_MANAGERS, 204), "partner_admin_other": 404},
        ),
        # administration
        Case("GET", "/api/v1/admin/accounts", fixed("GET", "/api/v1/admin/accounts"), only({"admin"}, 200)),
        Case(
            "POST",
            "/api/v1/admin/accounts",
            lambda _w, c: (
                "POST",
                "/api/v1/admin/accounts",
                {"json": {"email": f"staff.{c}@example.org", "name": "New", "role": "analyst"}},
            ),
            only({"admin"}, 201),
        ),
        Case("PATCH", "/api/v1/admin/accounts/{account_id}", _spare_account, only({"admin"}, 200)),
        Case("GET", "/api/v1/admin/audit", fixed("GET", "/api/v1/admin/audit"), only({"admin"}, 200)),
        # The Work: the person, counsellors of their region and administrators; candidates for a vacancy
        *_recommendation_cases(),
        # employers' own vacancies
        Case("POST", "/api/v1/employer/postings", _vacancy(HOSPITAL), {"employer_1": 201, "employer_2": 403}),
        Case("PUT", "/api/v1/employer/postings/{posting_id}", _own_vacancy("PUT"), {"employer_1": 200}),
        Case("DELETE", "/api/v1/employer/postings/{posting_id}", _own_vacancy("DELETE"), {"employer_1": 204}),
    ]


def _of_a(suffix: str, method: str = "GET", **kwargs: Any) -> Request:
    """A call about seeker A (Seoul): `suffix` after /api/v1/seekers/{id}, world ids filled in."""
    return lambda world, _caller: (
        method,
        f"/api/v1/seekers/{world.ids['seeker_a']}{suffix}".format(**world.ids),
        kwargs,
    )


def _recommendation_cases() -> list[Case]:
    """Seeker A's recommendations: A, the Seoul counsellor and the administrator; nobody else learns A exists."""
    seeker_a = {**only(PEOPLE, 404), **only(("seeker_a", "counsellor_seoul", "admin"), 200)}
    base = "/api/v1/seekers/{seeker_id}"
    return [
        Case("GET", f"{base}/recommendations/jobs", _of_a("/recommendations/jobs"), seeker_a),
        Case("GET", f"{base}/recommendations/training", _of_a("/recommendations/training"), seeker_a),
        Case(
            "GET",
            f"{base}/recommendations/jobs/{{posting_id}}/skills",
            _of_a("/recommendations/jobs/{posting}/skills"),
            seeker_a,
        ),
        Case(  # A has no occupation yet: those who may look are told to add one
            "GET",
            f"{base}/recommendations/occupations",
            _of_a("/recommendations/occupations"),
            {**only(PEOPLE, 404), **only(("seeker_a", "counsellor_seoul", "admin"), 422)},
        ),
        Case(
            "POST",
            f"{base}/events",
            lambda w, _c: (
                "POST",
                f"/api/v1/seekers/{w.ids['seeker_a']}/events",
                {"json": {"kind": "view", "posting_id": w.ids["posting"]}},
            ),
            {**only(PEOPLE, 404), **only(("seeker_a", "counsellor_seoul", "admin"), 201)},
        ),
        Case("PUT", f"{base}/steering", _of_a("/steering", "PUT", json={"weights": {"pay": 2}}), seeker_a),
        Case(  # a partner's posting with no region resolved: no employer owns it, only national staff may look
            "GET",
            "/api/v1/postings/{posting_id}/candidates",
            _ids("/api/v1/postings/{posting}/candidates"),
            {**only(PEOPLE, 404), "admin": 200},
        ),
        Case(
            "GET",
            "/api/v1/recommendations/attribution",
            fixed("GET", "/api/v1/recommendations/attribution"),
            only(("counsellor_seoul", "counsellor_england", "analyst", "admin"), 200),
        ),
        # programme evaluation: aggregates of personal records under disclosure control, like attribution
        Case(
            "GET",
            "/api/v1/indicators/programmes",
            fixed("GET", "/api/v1/indicators/programmes"),
            only(("counsellor_seoul", "counsellor_england", "analyst", "admin"), 200),
        ),
        Case(
            "GET",
            "/api/v1/indicators/programmes/{programme_id}/effects",
            fixed("GET", "/api/v1/indicators/programmes/none/effects"),
            only(("counsellor_seoul", "counsellor_england", "analyst", "admin"), 404),
        ),
        # indicators: open aggregates with disclosure control; today's operations for staff
        Case("GET", "/api/v1/indicators", fixed("GET", "/api/v1/indicators"), PUBLIC),
        Case(
            "GET",
            "/api/v1/indicators/{measure}/series",
            fixed("GET", "/api/v1/indicators/vacancies_open/series"),
            PUBLIC,
        ),
        Case(
            "GET",
            "/api/v1/indicators/{measure}/ranking",
            fixed("GET", "/api/v1/indicators/seekers_active/ranking", params={"by": "region"}),
            PUBLIC,
        ),
        Case("GET", "/api/v1/indicators/pay", fixed("GET", "/api/v1/indicators/pay"), PUBLIC),
        Case("GET", "/api/v1/indicators/skills", fixed("GET", "/api/v1/indicators/skills"), PUBLIC),
        Case(
            "GET",
            "/api/v1/indicators/bulk/{name}",
            fixed("GET", "/api/v1/indicators/bulk/vacancies_by_region1.csv"),
            PUBLIC,
        ),
        Case(
            "GET",
            "/api/v1/indicators/operations",
            fixed("GET", "/api/v1/indicators/operations"),
            only(("counsellor_seoul", "counsellor_england", "analyst", "admin"), 200),
        ),
    ]


@pytest.fixture
def world(tmp_path: Path, database_url: str) -> Iterator[tuple[World, Any]]:
    built = _build(tmp_path, database_url)
    app = create_app(built.services)
    with TestClient(app) as anonymous:
        built.ids["occupation"] = anonymous.get("/api/v1/occupations", params={"q": "nurse"}).json()["items"][0][
            "concept"
        ]["id"]
        built.ids["skill"] = anonymous.get("/api/v1/skills", params={"q": "patient"}).json()["items"][0]["concept"][
            "id"
        ]
        built.ids["posting"] = anonymous.get("/api/v1/postings", params={"source": "board"}).json()["items"][-1]["id"]
        built.ids["case"] = _first_case(built)
    yield built, app
    built.services.engine.dispose()


def _first_case(world: World) -> str:
    from lmis.enrich import services as enrichment
    from lmis.enrich.model import ModerationStatus

    cases, _total = enrichment.list_cases(status=ModerationStatus.OPEN, offset=0, limit=1, uow=world.services.uow())
    return cases[0].id


def test_every_caller_gets_exactly_the_access_its_role_scope_and_consent_give(world: tuple[World, Any]) -> None:
    state, app = world
    callers = {name: _caller(state, app, name) for name in CALLERS}
    wrong = []
    for case in cases():
        for name, client in callers.items():
            expected = case.allowed.get(name, case.anonymous if name == "anonymous" else case.otherwise)
            method, url, kwargs = case.call(state, name)
            sender = _spare_of(state, app, name) if case.ends_own_account else client
            response = sender.request(method, url, **kwargs)
            if response.status_code != expected:
                wrong.append(
                    f"{name:20} {method} {url}: {response.status_code}, expected {expected}: {response.text[:160]}"
                )
    assert not wrong, "\n" + "\n".join(wrong)


def _spare_of(world: World, app: Any, name: str) -> TestClient:
    """For calls that end or erase the caller's own account: a new account of the same kind and scope."""
    if name not in PEOPLE:
        return _caller(world, app, name)
    original = world.people[name].account
    spare = make_account(
        world.services,
        original.role,
        f"{name} spare",
        region=original.region,
        employer_id=original.employer_id,
        partner=original.partner,
    )
    return _caller(World(world.services, {**world.people, name: spare}, world.keys, world.ids), app, name)


def test_the_matrix_covers_every_operation_of_the_api(world: tuple[World, Any]) -> None:
    _state, app = world
    documented = {(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item}
    covered = {(case.method, case.path) for case in cases()}
    assert documented - covered == set()
    assert covered - documented == set()
