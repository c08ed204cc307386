"""Identity through HTTP: sign-up by API, quotas and rate limits with 429, protected personal data, consent,
audit, export and erasure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.conftest import make_services
from tests.identities import Person, api_key, bearer, make_account, session_cookie

from lmis.bootstrap import Services
from lmis.identity import services as accounts
from lmis.identity.model import Role, Scope
from lmis.web.app import create_app
from lmis.web.csrf import CSRF_COOKIE, SESSION_COOKIE, token_for


@pytest.fixture
def services(tmp_path: Path, database_url: str) -> Iterator[Services]:
    built = make_services(tmp_path, database_url)
    yield built
    built.engine.dispose()


def signed_in(app: Any, services: Services, person: Person) -> TestClient:
    """A client with `person`'s session cookie and the CSRF header unsafe requests need."""
    client = TestClient(app)
    cookie = session_cookie(services, person)
    client.cookies.set(SESSION_COOKIE, cookie)
    client.cookies.set(CSRF_COOKIE, "browser")
    client.headers["X-CSRF-Token"] = token_for(services.secrets.signing_key, "browser", cookie)
    return client


def test_a_person_signs_up_by_api_and_confirms_the_address_from_the_mailed_link(services: Services) -> None:
    http = TestClient(create_app(services))
    body = {"email": "Mina@Example.org", "password": "a long passphrase", "name": "Mina"}
    created = http.post("/api/v1/accounts", json=body)
    assert created.status_code == 201
    assert (created.json()["email"], created.json()["email_verified"]) == ("mina@example.org", False)
    assert http.post("/api/v1/accounts", json=body).status_code == 409
    short = http.post("/api/v1/accounts", json={**body, "email": "x@example.org", "password": "short"})
    assert (short.status_code, short.json()["field"]) == (422, "password")
    staff = http.post("/api/v1/accounts", json={**body, "email": "y@example.org", "role": "admin"})
    assert staff.status_code == 422
    with services.uow() as uow:
        assert uow.identity.audit(action="account_created", limit=10)  # the sign-up is audited
    link = _mailed_token(services, "mina@example.org")
    verified = http.post("/api/v1/accounts/verification", json={"token": link})
    assert verified.json()["email_verified"] is True
    again = http.post("/api/v1/accounts/verification", json={"token": link})
    assert again.status_code == 422


def _mailed_token(services: Services, address: str) -> str:
    with services.engine.connect() as connection:
        bodies = connection.execute(sa.text("SELECT body FROM outbox WHERE recipient = :r"), {"r": address}).scalars()
        found = [re.search(r"token=([\w-]+)", body) for body in bodies]
    return [match.group(1) for match in found if match][-1]


def test_a_client_that_uses_up_its_daily_quota_gets_429_with_retry_after(services: Services) -> None:
    app = create_app(services)
    partner = make_account(services, Role.PARTNER_ADMIN, partner="agency")
    registered = signed_in(app, services, partner).post(
        "/api/v1/clients", json={"name": "agency feed", "scopes": ["open_data:read"], "quota_per_day": 3}
    )
    assert registered.status_code == 201
    key = registered.json()["api_key"]
    http = TestClient(app, headers=bearer(key))
    answers = [http.get("/api/v1/schemes") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Policy"]
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 86_400
    assert "quota" in refused.json()["detail"]
    usage = signed_in(app, services, partner).get(f"/api/v1/clients/{registered.json()['client']['id']}").json()
    assert (usage["usage"][0]["requests"], usage["usage"][0]["refused"]) == (3, 1)


def test_a_client_over_its_rate_a_minute_and_an_anonymous_address_over_its_rate_are_refused(
    services: Services,
) -> None:
    services = replace(services, settings=services.settings.model_copy(update={"anonymous_rate_per_minute": 5}))
    app = create_app(services)
    partner = make_account(services, Role.PARTNER_ADMIN, partner="agency")
    key = api_key(services, partner, {Scope.OPEN_DATA}, rate_per_minute=2).api_key
    http = TestClient(app, headers=bearer(key))
    codes = [http.get("/api/v1/schemes").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    anonymous = TestClient(app)
    statuses = [anonymous.get("/api/v1/schemes") for _ in range(6)]
    assert [s.status_code for s in statuses] == [200] * 5 + [429]
    assert statuses[0].headers["RateLimit"].startswith('"minute";r=4')
    # a sliding window weighs the previous minute's requests, so the wait can pass the minute a little
    assert 1 <= int(statuses[-1].headers["Retry-After"]) <= 120
    revoked = TestClient(app, headers=bearer(key + "x")).get("/api/v1/schemes")
    assert revoked.status_code == 401


def test_personal_data_is_encrypted_at_rest_read_with_purpose_audited_and_follows_consent(services: Services) -> None:
    app = create_app(services)
    seeker = make_account(services, Role.JOBSEEKER, "Ana Kim")
    counsellor = make_account(services, Role.COUNSELLOR, "Seoul office", region="KR-11")
    partner = make_account(services, Role.PARTNER_ADMIN, partner="training")
    personal = {"phone": "010-9876-5432", "national_id": "900101-1234567", "target_groups": ["youth"]}
    own = signed_in(app, services, seeker)
    saved = own.put("/api/v1/seekers/me", json={"headline": "Nurse", "region": "KR-11", "personal": personal})
    assert saved.status_code == 200, saved.text
    seeker_id = saved.json()["id"]
    with services.engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM seeker")).mappings().one()
    stored = str(dict(row))
    assert "9876" not in stored
    assert "900101" not in stored
    staff = signed_in(app, services, counsellor)
    assert staff.get(f"/api/v1/seekers/{seeker_id}").status_code == 422  # no purpose
    read = staff.get(f"/api/v1/seekers/{seeker_id}", params={"purpose": "job counselling"})
    assert read.json()["personal"]["phone"] == "010-9876-5432"
    activity = own.get("/api/v1/account/activity").json()
    assert any(e["action"] == "personal_data_read" and e["purpose"] == "job counselling" for e in activity)
    training = api_key(services, partner, {Scope.PERSONAL_DATA}, purpose="offer training places to youth")
    institution = TestClient(app, headers=bearer(training.api_key))
    assert institution.get(f"/api/v1/seekers/{seeker_id}", params={"purpose": "x y z"}).status_code == 404
    consent = own.post(
        "/api/v1/seekers/me/consents",
        json={"grantee": "client", "client_id": training.client.id, "purpose": "training offers", "data": ["contact"]},
    ).json()
    shared = institution.get(f"/api/v1/seekers/{seeker_id}", params={"purpose": "training offer"}).json()
    assert (shared["personal"]["phone"], shared["personal"]["national_id"]) == ("010-9876-5432", None)
    assert own.delete(f"/api/v1/seekers/me/consents/{consent['id']}").status_code == 204
    assert institution.get(f"/api/v1/seekers/{seeker_id}", params={"purpose": "again"}).status_code == 404


def test_a_person_exports_everything_then_erases_it_and_only_an_anonymous_count_remains(services: Services) -> None:
    app = create_app(services)
    seeker = make_account(services, Role.JOBSEEKER, "Budi")
    own = signed_in(app, services, seeker)
    own.put("/api/v1/seekers/me", json={"headline": "Welder", "region": "KR-26", "personal": {"phone": "010-1111"}})
    exported = own.get("/api/v1/account/export")
    assert "attachment" in exported.headers["content-disposition"]
    data = exported.json()
    assert (data["account"]["email"], data["seeker"]["personal"]["phone"]) == (seeker.account.email, "010-1111")
    assert own.delete("/api/v1/account").status_code == 204
    assert own.get("/api/v1/account").status_code == 401  # the session ended with the account
    with services.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM seeker")).scalar_one() == 0
        email = connection.execute(sa.text("SELECT email FROM account WHERE id = :i"), {"i": seeker.account.id})
        assert email.scalar_one().startswith("erased-")
        tally = connection.execute(sa.text("SELECT region, erased FROM erasure_tally")).one()
    assert tuple(tally) == ("KR-26", 1)


def test_staff_without_a_second_factor_act_only_after_setting_one_up(services: Services) -> None:
    app = create_app(services)
    counsellor = make_account(services, Role.COUNSELLOR, "New counsellor", with_mfa=False)
    http = TestClient(app)
    pending = accounts.sign_in(
        uow=services.uow(),
        email=counsellor.account.email,
        password="correct horse battery staple",
        ip="10.0.0.1",
        user_agent=None,
        now=services.now(),
    )
    assert pending.session.stage.value == "mfa_setup"
    http.cookies.set(SESSION_COOKIE, pending.cookie)
    assert http.get("/api/v1/reviews").status_code == 401
    assert http.get("/api/v1/account").status_code == 401


def test_portal_pages_carry_a_content_security_policy_and_every_answer_nosniff(services: Services) -> None:
    http = TestClient(create_app(services))
    page = http.get("/sign-in")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    api = http.get("/api/v1/schemes")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.headers["referrer-policy"] == "same-origin"
    assert "content-security-policy" not in http.get("/api/v1/docs").headers  # Swagger UI runs inline scripts
    assert http.get("/api/v1/schemes", params={"q": "a\x00b"}).status_code == 422
    refused = http.post("/api/v1/accounts", json={"email": "a@b.org", "password": "x\u0000y", "name": "n"})
    assert (refused.status_code, refused.headers["content-type"]) == (422, "application/problem+json")
