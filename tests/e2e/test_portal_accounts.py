"""The account pages over HTTP: sign-up to erasure, second factor, throttling, cookies, CSRF and staff set-up."""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from tests.e2e.enrichment_app import RULES_ONLY, enrichment_services
from tests.identities import PASSWORD, make_account, sign_in_browser

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.jobs.employers import employer_id_of
from lmis.web.app import create_app
from lmis.web.csrf import SESSION_COOKIE

KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}
NEW_PASSWORD = "plum orchard ferry lantern"
Portal = Callable[..., tuple[TestClient, Services]]


@pytest.fixture
def portal(tmp_path: Path, database_url: str) -> Iterator[Portal]:
    """Opens the app on fresh services that write mail to DATA_DIR/outbox (and the given settings)."""
    opened: list[tuple[TestClient, Services]] = []

    def open_portal(**settings: Any) -> tuple[TestClient, Services]:
        services = enrichment_services(tmp_path, database_url, RULES_ONLY, mail_backend="file", **settings)
        base = "https://testserver" if str(settings.get("public_url", "")).startswith("https") else "http://testserver"
        client = TestClient(create_app(services), base_url=base)
        opened.append((client, services))
        return client, services

    yield open_portal
    for client, services in opened:
        client.close()
        services.engine.dispose()


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def submit(client: TestClient, form_page: str, action: str, data: dict[str, Any], **headers: str) -> Response:
    """POST a form the way a browser does: first load the page it is on, then send its token with the fields."""
    page = client.get(form_page, headers=headers)
    assert page.status_code == 200, page.text
    data = {**data, "csrf_token": token_of(page.text)}
    return client.post(action, data=data, headers=headers, follow_redirects=False)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next_: str = "") -> Response:
    data = {"email": email, "password": password, "next": next_}
    return submit(client, "/sign-in", "/sign-in", data)


def mailed_link(services: Services, path: str) -> str:
    """The path and query of the newest mailed link to `path`."""
    newest = sorted((services.settings.data_dir / "outbox").glob("*.eml"))[-1]
    message = email.message_from_bytes(newest.read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    found = re.findall(rf"https?://[^/\s]+({re.escape(path)}\?token=[\w-]+)", body.get_content())
    assert found, body.get_content()
    return str(found[0])


def text_of(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def secret_on(page: str) -> str:
    found = re.search(r'<code id="secret"[^>]*>([A-Z2-7 ]+)</code>', page)
    assert found, page
    return found.group(1).replace(" ", "")


def code_at(secret: str, services: Services, steps_ahead: int = 0) -> str:
    """The authenticator code of `secret` now, or a step ahead (each code works once; ±1 step of drift is allowed)."""
    return pyotp.TOTP(secret).at(services.now(), counter_offset=steps_ahead)


def set_up_totp(client: TestClient, services: Services) -> tuple[str, list[str]]:
    """Confirm an authenticator with the key shown on the set-up page; returns the key and the recovery codes."""
    page = client.get("/account/security/setup")
    assert page.status_code == 200, page.text
    secret = secret_on(page.text)
    confirmed = client.post(
        "/account/security/setup",
        data={"code": code_at(secret, services), "next": "/account", "csrf_token": token_of(page.text)},
    )
    assert confirmed.status_code == 200, confirmed.text
    return secret, re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", confirmed.text)


def second_factor(client: TestClient, code: str) -> Response:
    data = {"code": code, "next": "/account"}
    return submit(client, "/sign-in/second-factor?next=/account", "/sign-in/second-factor", data)


def test_a_jobseeker_signs_up_confirms_sets_up_a_second_factor_keeps_a_profile_exports_and_erases(
    portal: Portal,
) -> None:
    client, services = portal()
    email = "mina.park@example.org"
    data = {"role": "jobseeker", "name": "Mina Park", "email": email, "password": PASSWORD}
    signed_up = submit(client, "/sign-up", "/sign-up", data)
    assert (signed_up.status_code, "We sent a link to mina.park@example.org" in text_of(signed_up.text)) == (200, True)
    assert "Your e-mail address is confirmed" in client.get(mailed_link(services, "/account/verify")).text
    assert sign_in(client, email).headers["location"] == "/account"
    overview = text_of(client.get("/account").text)
    for shown in ("Mina Park", f"{email} (confirmed)", "Role Jobseeker", "Second factor Off"):
        assert shown in overview
    secret, codes = set_up_totp(client, services)
    assert len(codes) == 10
    assert "10 recovery codes left." in client.get("/account/security").text
    assert codes[0] not in client.get("/account/security").text  # shown once
    assert submit(client, "/account", "/sign-out", {}).headers["location"] == "/sign-in?signed_out=1"
    assert client.get("/account", follow_redirects=False).headers["location"] == "/sign-in?next=%2Faccount"
    _signs_in_with_a_code_or_a_recovery_code_once(client, services, email, secret, codes)
    _keeps_a_profile_and_exports_it(client, email)
    refused = submit(client, "/account/data", "/account/data/erase", {"email": "someone@example.org"})
    assert (refused.status_code, "Type the e-mail address of this account" in refused.text) == (422, True)
    erased = submit(client, "/account/data", "/account/data/erase", {"email": email.upper()})
    assert erased.headers["location"] == "/account/goodbye"
    assert "Your account is erased" in client.get("/account/goodbye").text
    again = sign_in(client, email)
    assert (again.status_code, "The e-mail address or password is wrong." in again.text) == (403, True)


def _signs_in_with_a_code_or_a_recovery_code_once(
    client: TestClient, services: Services, email: str, secret: str, codes: list[str]
) -> None:
    assert sign_in(client, email).headers["location"] == "/sign-in/second-factor?next=%2Faccount"
    assert client.get("/account", follow_redirects=False).headers["location"].startswith("/sign-in/second-factor")
    wrong = second_factor(client, "000000")
    assert wrong.status_code == 403
    assert "That code is not right." in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    assert second_factor(client, code_at(secret, services, 1)).headers["location"] == "/account"
    assert "Mina Park" in client.get("/account").text
    submit(client, "/account", "/sign-out", {})
    sign_in(client, email)
    assert second_factor(client, codes[3].upper()).headers["location"] == "/account"  # case does not matter
    submit(client, "/account", "/sign-out", {})
    sign_in(client, email)
    assert second_factor(client, codes[3]).status_code == 403  # each recovery code works once
    assert second_factor(client, codes[4]).status_code == 303


def _keeps_a_profile_and_exports_it(client: TestClient, email: str) -> None:
    profile = {
        "headline": "Night-shift nurse, 5 years in surgery",
        "region": "KR-11",
        "findable": "1",
        "phone": "+82 10 1234 5678",
        "address": "12 Sejong-daero, Jung-gu, Seoul",
        "birth_date": "1990-04-27",
        "national_id": "900427-2345678",
        "target_groups": ["women_returning", "migrant"],
    }
    bad = submit(client, "/account/profile", "/account/profile", {**profile, "birth_date": "27/04/1990"})
    assert (bad.status_code, "Enter a date like 1990-04-27." in bad.text) == (422, True)
    assert 'value="+82 10 1234 5678"' in bad.text  # nothing typed is lost
    saved = submit(client, "/account/profile", "/account/profile", profile)
    assert saved.headers["location"] == "/account/profile?saved=1"
    shown = client.get("/account/profile?saved=1").text
    assert "Your profile is saved." in shown
    for value in ("Night-shift nurse, 5 years in surgery", "KR-11", "+82 10 1234 5678", "1990-04-27", "900427-2345678"):
        assert f'value="{value}"' in shown
    assert "12 Sejong-daero, Jung-gu, Seoul</textarea>" in shown
    assert 'value="migrant" checked' in shown
    assert 'value="youth" checked' not in shown
    assert 'name="findable" value="1" aria-describedby="findable-hint" checked' in shown
    assert "They never filter you out" in shown
    exported = client.get("/account/data/export")
    assert exported.headers["content-disposition"] == 'attachment; filename="lmis-my-data.json"'
    data = json.loads(exported.text)
    assert data["account"]["email"] == email
    assert data["seeker"]["personal"]["phone"] == "+82 10 1234 5678"
    assert data["seeker"]["personal"]["target_groups"] == ["migrant", "women_returning"]
    assert [c["grantee"] for c in data["consents"]] == ["employers"]  # being findable is a consent
    activity = text_of(client.get("/account/activity").text)
    assert "Signed in with the password" in activity
    assert "Second factor turned on" in activity


def test_a_jobseeker_gives_counsellors_consent_and_withdraws_it(portal: Portal) -> None:
    client, services = portal()
    seeker = make_account(services, Role.JOBSEEKER, "Budi Santoso")
    sign_in_browser(client, services, seeker)
    early = {"grantee": "counsellors", "purpose": "match me to training courses", "data": ["contact"]}
    no_profile = submit(client, "/account/consents", "/account/consents", early)
    assert (no_profile.status_code, "Make your jobseeker profile first." in no_profile.text) == (409, True)
    submit(client, "/account/profile", "/account/profile", {"headline": "Welder", "region": "ID-JK"})
    unnamed = submit(
        client, "/account/consents", "/account/consents", {"grantee": "counsellors", "purpose": "training"}
    )
    assert (unnamed.status_code, "Choose what the consent covers." in unnamed.text) == (422, True)
    consent = {"grantee": "counsellors", "purpose": "match me to training courses", "data": ["contact"]}
    assert submit(client, "/account/consents", "/account/consents", consent).status_code == 303
    listed = text_of(client.get("/account/consents").text)
    assert "Counsellors match me to training courses" in listed
    assert "Contact details (phone, address)" in listed
    page = client.get("/account/consents").text
    withdraw = re.search(r'action="(/account/consents/[^"]+/withdraw)"', page)
    assert withdraw
    assert client.post(withdraw.group(1), data={"csrf_token": token_of(page)}).status_code == 200
    assert "/withdraw" not in client.get("/account/consents").text
    client_grant = {"grantee": "client", "client_id": "nope", "purpose": "a partner service", "data": ["contact"]}
    unknown = submit(client, "/account/consents", "/account/consents", client_grant)
    assert (unknown.status_code, "No API client with this id asks for personal data." in unknown.text) == (422, True)


def test_a_form_posted_without_its_token_is_refused(portal: Portal) -> None:
    client, services = portal()
    person = make_account(services, Role.JOBSEEKER)
    client.get("/sign-in")
    refused = client.post("/sign-in", data={"email": person.account.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "did not come from this site" in refused.text
    assert SESSION_COOKIE not in client.cookies
    sign_in_browser(client, services, person)
    assert client.post("/account/sign-out-everywhere").status_code == 403
    assert client.get("/account").status_code == 200  # still signed in


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(portal: Portal) -> None:
    client, services = portal()
    person = make_account(services, Role.JOBSEEKER)
    for _ in range(5):
        wrong = sign_in(client, person.account.email, "not the password at all")
        assert (wrong.status_code, "The e-mail address or password is wrong." in wrong.text) == (403, True)
    locked = sign_in(client, person.account.email, PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 800
    assert re.search(r"Too many failed sign-ins for this account\. Try again in 1[56] minutes, or reset", locked.text)
    assert 'role="alert"' in locked.text
    korean = submit(client, "/sign-in", "/sign-in", {"email": person.account.email, "password": PASSWORD}, **KOREAN)
    assert korean.status_code == 429
    assert re.search(r"1[56]분", korean.text)


@pytest.mark.parametrize(
    ("public_url", "secure"), [("http://127.0.0.1:8000", False), ("https://lmis.example.org", True)]
)
def test_the_session_cookie_is_http_only_same_site_lax_and_secure_behind_https(
    portal: Portal, public_url: str, secure: bool
) -> None:
    client, services = portal(public_url=public_url)
    person = make_account(services, Role.JOBSEEKER)
    first = sign_in(client, person.account.email)
    cookie = next(v for k, v in first.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower()
    assert "max-age=43200" in cookie.lower()
    assert ("secure" in attributes) is secure
    old = client.cookies[SESSION_COOKIE]
    again = {"email": person.account.email, "password": PASSWORD, "csrf_token": token_of(client.get("/sign-up").text)}
    assert client.post("/sign-in", data=again, follow_redirects=False).status_code == 303  # signed in already
    assert client.cookies[SESSION_COOKIE] != old  # a new session each sign-in
    stale = TestClient(client.app, base_url=str(client.base_url), cookies={SESSION_COOKIE: old})
    assert stale.get("/account", follow_redirects=False).status_code == 303  # the old session ended


def test_signing_out_everywhere_ends_the_sessions_of_other_browsers(portal: Portal) -> None:
    client, services = portal()
    person = make_account(services, Role.EMPLOYER, "Dewi Lestari")
    other = TestClient(client.app)
    sign_in_browser(other, services, person)
    assert "Dewi Lestari" in other.get("/account").text
    sign_in_browser(client, services, person)
    ended = submit(client, "/account", "/account/sign-out-everywhere", {})
    assert ended.headers["location"] == "/sign-in?ended=1"
    assert "You have signed out on every device." in client.get("/sign-in?ended=1").text
    assert other.get("/account", follow_redirects=False).headers["location"] == "/sign-in?next=%2Faccount"


def test_staff_without_a_second_factor_must_set_one_up_before_reaching_the_review_queue(portal: Portal) -> None:
    client, services = portal()
    counsellor = make_account(services, Role.COUNSELLOR, "Ana Kim", region="KR-11", with_mfa=False)
    started = sign_in(client, counsellor.account.email, next_="/review")
    assert started.headers["location"] == "/account/security/setup?next=%2Freview"
    for path in ("/review", "/moderation", "/account", "/account/profile"):
        assert client.get(path, follow_redirects=False).headers["location"].startswith("/account/security/setup?next=")
    setup = client.get("/account/security/setup?next=/review").text
    assert "Staff accounts need a second factor." in setup
    assert "<svg" in setup
    assert "otpauth://totp/LMIS:" in setup
    assert 'aria-label="QR code of the set-up link"' in setup
    wrong = client.post(
        "/account/security/setup", data={"code": "123456", "next": "/review", "csrf_token": token_of(setup)}
    )
    assert (wrong.status_code, "That code is not right." in wrong.text) == (422, True)
    assert secret_on(wrong.text) == secret_on(setup)  # the same key again, to retype the code
    done = client.post(
        "/account/security/setup",
        data={"code": code_at(secret_on(setup), services), "next": "/review", "csrf_token": token_of(setup)},
    )
    assert 'href="/review"' in done.text
    assert "I have saved them, continue" in done.text
    queue = client.get("/review")
    assert queue.status_code == 200
    assert '<a href="/review"' in queue.text
    assert '<a href="/moderation"' in queue.text  # staff see the queues
    security = client.get("/account/security").text
    assert "Staff accounts must keep a second factor." in security
    assert "/account/security/turn-off" not in security


def test_sign_up_problems_come_back_next_to_their_fields_in_the_readers_language(portal: Portal) -> None:
    client, services = portal()
    taken = make_account(services, Role.JOBSEEKER).account.email
    short = submit(
        client, "/sign-up", "/sign-up", {"role": "jobseeker", "name": "A", "email": "a@b.org", "password": "short"}
    )
    assert short.status_code == 422
    assert '<a href="#password">A password needs at least 12 characters.</a>' in short.text
    assert 'aria-describedby="password-hint password-error" aria-invalid="true"' in short.text
    assert 'value="a@b.org"' in short.text
    duplicate = {"role": "jobseeker", "name": "A", "email": taken, "password": PASSWORD}
    assert submit(client, "/sign-up", "/sign-up", duplicate).status_code == 409
    employer = {"role": "employer", "name": "Joon Lee", "email": "joon@example.org", "password": PASSWORD}
    unnamed = submit(client, "/sign-up", "/sign-up", employer, **KOREAN)
    assert (unnamed.status_code, "채용 공고를 올릴 조직" in unnamed.text) == (422, True)
    made = submit(client, "/sign-up", "/sign-up", {**employer, "employer": "ACME Ltd."})
    assert made.status_code == 200
    with services.uow() as uow:
        account = uow.identity.account_by_email("joon@example.org")
    assert account is not None
    assert account.employer_id == employer_id_of("Acme Limited", None)


def test_a_password_is_reset_through_the_mailed_link_once(portal: Portal) -> None:
    client, services = portal()
    person = make_account(services, Role.JOBSEEKER)
    sent = submit(client, "/account/password/forgot", "/account/password/forgot", {"email": person.account.email})
    assert "we sent it a link" in sent.text
    nobody = submit(client, "/account/password/forgot", "/account/password/forgot", {"email": "nobody@example.org"})
    assert text_of(nobody.text).replace("nobody@example.org", "") == text_of(sent.text).replace(
        person.account.email, ""
    )  # no telling whether an address has an account
    link = mailed_link(services, "/account/reset")
    reset = submit(client, link, "/account/reset", {"token": link.split("token=")[1], "password": NEW_PASSWORD})
    assert reset.headers["location"] == "/sign-in?reset=1"
    assert sign_in(client, person.account.email, NEW_PASSWORD).headers["location"] == "/account"
    submit(client, "/account", "/sign-out", {})
    reused = submit(client, link, "/account/reset", {"token": link.split("token=")[1], "password": NEW_PASSWORD})
    assert (reused.status_code, "This link has been used or has expired." in reused.text) == (422, True)


def test_sign_in_goes_on_to_a_relative_next_only(portal: Portal) -> None:
    client, services = portal()
    person = make_account(services, Role.JOBSEEKER)
    assert sign_in(client, person.account.email, next_="//evil.example/x").headers["location"] == "/account"
    submit(client, "/account", "/sign-out", {})
    assert sign_in(client, person.account.email, next_="/postings?x=1").headers["location"] == "/postings?x=1"


def test_a_reviewer_must_sign_in_and_an_employer_manages_its_own_vacancies(portal: Portal) -> None:
    client, services = portal()
    anonymous_home = client.get("/").text
    assert '<a href="/review"' not in anonymous_home
    assert 'href="/sign-in' in anonymous_home
    posted = submit(
        client,
        "/employers/postings/new",
        "/employers/postings",
        {"title": "Welder", "description": "MIG welding.", "employer_name": "Demo Works Ltd"},
    )
    posting_path = posted.headers["location"].split("?")[0]
    edit = f"/employers/postings/{posting_path.rsplit('/', 1)[1]}/edit"
    assert client.get(edit).status_code == 403
    owner = make_account(services, Role.EMPLOYER, "Owner", employer_id=employer_id_of("Demo Works", None))
    sign_in_browser(client, services, owner)
    assert 'value="Welder"' in client.get(edit).text
    closed = submit(
        client,
        edit,
        edit,
        {"title": "Welder", "description": "MIG welding.", "employer_name": "Demo Works Ltd", "close": "1"},
    )
    assert closed.headers["location"] == posting_path
    sign_in_browser(client, services, make_account(services, Role.EMPLOYER, "Someone else"))
    assert client.get(edit).status_code == 403
