"""Property-based fuzzing of the whole /api/v1 OpenAPI surface with schemathesis, on SQLite and PostgreSQL.

Every operation of the app's own OpenAPI document is called with generated valid and invalid input
(the examples, coverage and fuzzing phases) and every response goes through every schemathesis check:
no 5xx, the status code, content type, headers and body as documented, invalid input rejected, valid
input accepted, authentication enforced where it is declared. Cases are the same on every run
(derandomized). SQLite gets MAX_EXAMPLES cases an operation; PostgreSQL, which answers the same
code, a third as many: drawing the cases takes most of the time, and the PostgreSQL leg is there to
find what only its dialect does. `credentials` says what each path is sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema_rs
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from tests.conftest import empty_postgres
from tests.e2e.enrichment_app import NURSE, SCAM, enrichment_services, ingest
from tests.identities import api_key, bearer, make_account, session_credentials, staff_headers
from tests.programme_data import import_programme_sample
from tests.series_data import JOLTS_ID, NURSES_WAGE_ID, import_samples
from tests.training_data import import_sample

from lmis.analytics.model import Measure
from lmis.bootstrap import Services
from lmis.config import EnrichStep
from lmis.identity.model import Role, Scope
from lmis.ingest.validation import posting_id
from lmis.people import services as people
from lmis.training.services import course_id
from lmis.web.app import create_app
from lmis.web.csrf import SESSION_COOKIE

API = "/api/v1"
PARTNER_SOURCE = "partner-board"


def credentials(services: Services) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, str]]]:
    """What each operation is sent, by path (regular expressions, first match wins), so that authenticated
    operations are reached and not only their 401s: headers (a partner's API key), and signed-in sessions
    as (path, cookie, CSRF token). Sessions go on each case through an auth provider, as the `session`
    security scheme the document declares, so schemathesis' `ignored_auth` check can still send each
    declared-secure operation without them and expect a refusal. Add an entry when an operation needs
    another credential."""
    partner = make_account(services, Role.PARTNER_ADMIN, "Partner admin", partner="fuzz")
    pusher = api_key(services, partner, {Scope.POSTINGS_PUSH}, sources=frozenset({PARTNER_SOURCE}))
    people = {
        rf"^{API}/(reviews|moderation)": (Role.COUNSELLOR, "Counsellor"),
        rf"^{API}/seekers/me": (Role.JOBSEEKER, "Seeker"),
        rf"^{API}/(seekers|candidates|clients|admin)": (Role.ADMIN, "Root"),
        rf"^{API}/postings/[^/]+/candidates": (Role.ADMIN, "Root for candidates"),
        rf"^{API}/recommendations/": (Role.ANALYST, "Analyst"),
        rf"^{API}/indicators/programmes": (Role.ANALYST, "Programme analyst"),
        rf"^{API}/account": (Role.JOBSEEKER, "Leaving"),  # the fuzzer erases it and ends its sessions
        rf"^{API}/employer/": (Role.EMPLOYER, "Hiring"),
    }
    sessions = [
        (pattern, *session_credentials(services, make_account(services, role, name)))
        for pattern, (role, name) in people.items()
    ]
    return {rf"^{API}/partners/": bearer(pusher.api_key)}, sessions


def _sign_in_cases(schema: schemathesis.BaseSchema, sessions: list[tuple[str, str, str]]) -> None:
    """Give each case the session of the first pattern its path matches (none for the others)."""

    @schema.auth(refresh_interval=None)
    class Session:
        def get(self, case: schemathesis.Case, _context: Any) -> tuple[str, str] | None:
            return next(((cookie, token) for pattern, cookie, token in sessions if re.match(pattern, case.path)), None)

        def set(self, case: schemathesis.Case, data: tuple[str, str] | None, _context: Any) -> None:
            if data is not None:
                case.cookies = {**(case.cookies or {}), SESSION_COOKIE: data[0]}
                case.headers = {**(case.headers or {}), "X-CSRF-Token": data[1]}


STEPS: list[EnrichStep] = ["salary", "place", "occupation", "skills", "cluster", "fraud"]
ADS: list[dict[str, Any]] = [
    {"external_id": "nurse-1", **NURSE},
    {"external_id": "scam-1", **SCAM},
    {
        "external_id": "weld-1",
        "title": "Welder",
        "description": "<p>용접 작업 및 금속 가공. Welding of steel frames.</p>",
        "employer": {"name": "Busan Steel"},
        "address": {"locality": "Busan", "country": "KR"},
        "employment_type": "PART_TIME",
        "date_posted": "2026-11-20",
    },
    {
        "external_id": "data-1",
        "title": "Data analyst",
        "description": "<p>SQL and Python reporting for the trust.</p>",
        "employer": {"name": "Leeds Trust"},
        "address": {"locality": "Leeds", "country": "GB"},
        "salary": {"currency": "GBP", "min": 28_000, "max": 34_000, "unit": "year"},
        "valid_through": "2099-12-31",
    },
    {"external_id": "gone-1", "title": "Porter", "description": "<p>Filled.</p>", "status": "removed"},
]
# A request its schema allows may still name nothing known (an unknown scheme, place or filter value, a
# cursor of another query, neither `q` nor `code`): DESIGN §4.5 answers it with a 422 that names the field
# and suggests values, which no JSON schema can foresee. So valid input may be a 422 of that kind (see
# `_not_refused_by_request_validation`), never one of FastAPI's request validation.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]  # 5xx: `not_a_server_error` judges
# How many generated cases the fuzzing phase tries per operation (the coverage phase adds its own).
MAX_EXAMPLES = 80


def _known_values(http: TestClient, staff: dict[str, str]) -> dict[str, list[str]]:
    """Ids of the data set the path parameters take, so that operations reach stored things, not only 404s."""
    occupations = http.get(f"{API}/occupations", params={"q": "nurse"}).json()["items"]
    skills = http.get(f"{API}/skills", params={"q": "patient"}).json()["items"]
    postings = http.get(f"{API}/postings", params={"limit": 100}).json()["items"]
    reviews = http.get(f"{API}/reviews", headers=staff).json()["items"]
    cases = http.get(f"{API}/moderation", headers=staff).json()["items"]
    known = {
        "concept_id": [item["concept"]["id"] for item in occupations[:2] + skills[:2]],
        "posting_id": [posting_id(source, ad["external_id"]) for source in ("board", "site") for ad in ADS[:2]],
        "cluster_id": [p["derived"]["cluster"]["cluster_id"] for p in postings if "cluster" in p["derived"]][:3],
        "review_id": [item["id"] for item in reviews],
        "case_id": [item["id"] for item in cases],
        "source": [PARTNER_SOURCE],
        "course_id": [course_id("kr-hrd", "FP-1"), course_id("kr-hrd", "ER-ONLINE")],
        "series_id": [JOLTS_ID, NURSES_WAGE_ID],
        "seeker_id": [_a_seeker(http)],
        "programme_id": ["DEMO-VT", "DEMO-JSA"],
        "measure": [measure.value for measure in Measure],
        "name": ["vacancies_by_region1.csv", "skills.parquet"],
    }
    assert all(known.values()), f"the data set lacks some ids: {known}"
    return known


def _a_seeker(http: TestClient) -> str:
    """The id of a jobseeker with a profile (their recommendations are read by the administrator's session)."""
    services: Services = http.app.state.services  # type: ignore[attr-defined]
    person = make_account(services, Role.JOBSEEKER, "Fuzzed seeker")
    occupation = http.get(f"{API}/occupations", params={"q": "nurse"}).json()["items"][0]["concept"]["id"]
    profile = people.ProfileInput("Nurse", "GB-ENG", occupations=(occupation,))
    return people.save_profile(
        uow=services.uow(), protection=services.protection, actor=person.principal, profile=profile, now=services.now()
    ).id


def _config(known: dict[str, list[str]], headers: dict[str, dict[str, str]]) -> schemathesis.Config:
    """Schemathesis with the credentials by path prefix, and values of the data set as fuzz dictionaries.

    Each bound parameter takes a dictionary value in part of the generated cases: ids reach stored
    things, words and codes reach results, where random text would only meet 404s and 422s.
    """
    schemes = ["isco-08", "esco-occupation", "onet-soc-2019"]
    words = {
        "q": ["nurse", "간호사", "weld*", '"staff nurse" -senior', "data"],
        "code": ["2221", "29-1141.00", "2221.2"],
        "from": schemes,
        "to": schemes,
        "near": ["Seoul", "London", "37.57,126.98"],
        "currency": ["KRW", "GBP"],
    }
    dictionaries = {name: {"values": values} for name, values in {**known, **words}.items()}
    dictionaries["occupation"] = {"values": known["concept_id"][:2]}
    parameters: dict[str, dict[str, str | float]] = {
        **{f"path.{name}": {"dictionary": name, "probability": 0.5} for name in known},
        **{f"query.{name}": {"dictionary": name, "probability": 0.5} for name in words},
        "body.concept_id": {"dictionary": "occupation", "probability": 0.5},
    }
    operations = [{"include-path-regex": pattern, "headers": sent} for pattern, sent in headers.items()]
    checks = {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}
    return schemathesis.Config.from_dict(
        {"dictionaries": dictionaries, "parameters": parameters, "operations": operations, "checks": checks}
    )


def _not_refused_by_request_validation(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """A schema-valid request answered 422 is refused by a service (`Invalid`), never by request validation."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return
    problem = response.json()
    assert "errors" not in problem, f"request validation refused what the OpenAPI schema allows: {problem}"


def _negative_as_sent(
    context: schemathesis.HookContext, failure: Any, case: schemathesis.Case, response: schemathesis.Response
) -> bool:
    """Keep an accepted "schema-violating" request (ST201) only when the request as sent violates the schema.

    A query string carries only text, and schemathesis may mutate a query parameter into a type whose
    text the schema allows: an array of strings made `false` goes out as `employer=false`, a null not at
    all, and the accepted request counts as negative (schemathesis issues #2900, #4254, #4600). Judged
    by what was sent, `posted_since=0.5` is still invalid (no date), `employer=false` is not. A
    multipart file part is bytes whatever the generator thought it was.
    """
    if failure.code != "ST201" or case.meta is None:
        return True
    negative = {location.value for location, info in case.meta.components.items() if info.mode.is_negative}
    if negative == {"body"} and (case.media_type or "").startswith("multipart/"):
        return False  # a file part is bytes: a "number" sent as a CV is a text file that reads "-6.15e+16"
    return negative != {"query"} or not _query_as_sent_is_valid(case, response)


def _query_as_sent_is_valid(case: schemathesis.Case, response: schemathesis.Response) -> bool:
    sent = parse_qs(urlsplit(response.request.url).query, keep_blank_values=True)
    components = case.operation.schema.raw_schema.get("components", {})
    for parameter in case.operation.definition.raw.get("parameters", []):
        if parameter["in"] != "query":
            continue
        texts = sent.get(parameter["name"])
        if texts is None:
            if parameter.get("required"):
                return False
            continue
        schema = jsonschema_rs.validator_for({**parameter["schema"], "components": components}, validate_formats=True)
        readings = [texts, [_typed(text) for text in texts], texts[-1], _typed(texts[-1])]
        if not any(schema.is_valid(reading) for reading in readings):
            return False
    return True


def _typed(text: str) -> Any:
    """What a query value reads as when it is a JSON number, boolean or null; else the text itself."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if value is None or isinstance(value, (bool, int, float)) else text


def _served(request: pytest.FixtureRequest, tmp_path: Path, database_url: str) -> Iterator[schemathesis.BaseSchema]:
    """The app's OpenAPI schema, served by the app on a small data set, with staff and partner credentials."""
    if not hasattr(request.node, "_nodeid"):
        # schemathesis 4.32's `from_fixture` renames the test node per operation through `Node._nodeid`,
        # which pytest 9.2 no longer has; it reads it right after loading this fixture.
        request.node._nodeid = request.node.nodeid
    engine = "postgresql" if database_url.startswith("postgresql") else "tantivy"
    unthrottled = {"anonymous_rate_per_minute": 1_000_000, "account_rate_per_minute": 1_000_000}
    services = enrichment_services(tmp_path, database_url, STEPS, search_engine=engine, **unthrottled)
    ingest(services, "board", ADS)
    ingest(services, "site", ADS[:2])  # the same adverts on a second site: one vacancy each
    import_sample(services)  # courses on the sample taxonomy's skills
    import_samples(services, indeed=False, lmia=False)  # official series (FRED, OEWS excerpts)
    import_programme_sample(services, tmp_path / "programmes", count=200)  # three programmes and a pool
    services.search.sync(services.now)
    app = create_app(services)
    headers, sessions = credentials(services)
    known = _known_values(TestClient(app), staff_headers(services))
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", app, config=_config(known, headers))
    _sign_in_cases(schema, sessions)
    schema.hook("filter_failure")(_negative_as_sent)
    yield schema
    services.engine.dispose()


@pytest.fixture
def api_on_sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[schemathesis.BaseSchema]:
    yield from _served(request, tmp_path, f"sqlite:///{tmp_path / 'lmis.db'}")


@pytest.fixture
def api_on_postgresql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[schemathesis.BaseSchema]:
    yield from _served(request, tmp_path, empty_postgres())


FUZZING = settings(
    derandomize=True,  # the same cases on every run and machine
    database=None,  # no example database written into the working tree
    deadline=None,  # a first search loads the title embedding model
    suppress_health_check=[HealthCheck.too_slow],  # drawing a 28-parameter search is slow on a busy 2-core CI box
)


@schemathesis.pytest.from_fixture("api_on_sqlite").parametrize()
@settings(FUZZING, max_examples=MAX_EXAMPLES)
def test_every_operation_answers_as_its_openapi_document_says_for_any_input(case: schemathesis.Case) -> None:
    case.call_and_validate(additional_checks=[_not_refused_by_request_validation])


@pytest.mark.postgresql
@schemathesis.pytest.from_fixture("api_on_postgresql").parametrize()
@settings(FUZZING, max_examples=MAX_EXAMPLES // 3)
def test_every_operation_answers_as_documented_on_postgresql_too(case: schemathesis.Case) -> None:
    case.call_and_validate(additional_checks=[_not_refused_by_request_validation])
