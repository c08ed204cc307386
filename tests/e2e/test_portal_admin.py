"""The portal's API client and administration pages over HTTP: keys shown once, revocation, usage, accounts, audit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import make_services
from tests.identities import bearer, make_account, sign_in_browser

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.web.app import create_app

App = tuple[TestClient, Services]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[App]:
    """The app on an empty database, without models to load, writing mail to files in DATA_DIR/outbox."""
    built = make_services(tmp_path, database_url, enrich_steps=["salary", "cluster", "fraud"])
    services = replace(built, settings=built.settings.model_copy(update={"mail_backend": "file"}))
    client = TestClient(create_app(services))
    yield client, services
    client.close()
    built.engine.dispose()


def page(client: TestClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def post(client: TestClient, path: str, token: str, expect: int = 200, **fields: Any) -> str:
    """Submit a portal form as a browser would (the CSRF token included), following a redirect."""
    response = client.post(path, data={"csrf_token": token, **fields})
    assert response.status_code == expect, response.text
    return response.text


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def ad(external_id: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": "Warehouse operative",
        "description": "<p>Warehouse operative wanted.</p>",
        "employer": {"name": "Demo Board Employer Ltd"},
        "valid_through": "2099-12-31",
    }


def register(client: TestClient, token: str, **fields: Any) -> tuple[str, str, str]:
    """Register a client through the form; its id, API key and the page that showed the key."""
    form = {"name": "Board sync", "scopes": ["postings:push"], "sources": "board", "purpose": "nightly push"}
    html = post(client, "/account/clients/new", token, **(form | fields))
    key = re.search(r'id="api-key"[^>]*>(lmis_[A-Za-z0-9_-]+)<', html)
    client_id = re.search(r'href="/account/clients/([^"/?]+)"', html)
    assert key is not None, html
    assert client_id is not None, html
    return client_id.group(1), key.group(1), html


def push(client: TestClient, key: str, source: str = "board", external_id: str = "P-1") -> int:
    response = client.post(f"/api/v1/partners/{source}/postings", json=[ad(external_id)], headers=bearer(key))
    return response.status_code


def test_a_partner_administrator_sees_a_new_key_once_and_it_pushes_to_its_own_source_only(app: App) -> None:
    client, services = app
    partner = make_account(services, Role.PARTNER_ADMIN, "Board Admin", partner="Demo Board Inc")
    token = sign_in_browser(client, services, partner)
    form = page(client, "/account/clients/new")
    assert '<input type="hidden" name="csrf_token"' in form
    assert "Push job postings" in form
    assert 'value="personal_data:read"' in form
    client_id, key, shown = register(client, token, confidential="yes", quota_per_day="1000", rate_per_minute="60")
    secret = re.search(r'id="client-secret"[^>]*>([A-Za-z0-9_-]+)<', shown)
    assert secret is not None
    assert "shows it only this once" in shown
    assert shown.count(key) == 1
    details = page(client, f"/account/clients/{client_id}")
    assert key not in details
    assert secret.group(1) not in details
    assert key.removeprefix("lmis_").split("_")[0] in details  # the key id, never its secret
    listing = text_of(page(client, "/account/clients"))
    assert "Board sync" in listing
    assert "board" in listing
    assert "1,000" in listing
    assert push(client, key) == 200
    assert push(client, key, source="another-board") == 403


def test_issuing_a_second_key_and_revoking_the_first_refuses_the_first_and_usage_counts_the_day(app: App) -> None:
    client, services = app
    token = sign_in_browser(client, services, make_account(services, Role.PARTNER_ADMIN, partner="Demo Board Inc"))
    client_id, first, _shown = register(client, token)
    assert push(client, first) == 200
    second = re.search(
        r'id="api-key"[^>]*>(lmis_[A-Za-z0-9_-]+)<', post(client, f"/account/clients/{client_id}/keys", token)
    )
    assert second is not None
    assert second.group(1) != first
    first_id = first.removeprefix("lmis_").split("_")[0]
    revoked = post(client, f"/account/clients/{client_id}/keys/{first_id}/revoke", token)
    assert "The key is revoked." in revoked
    assert push(client, first) == 401
    assert push(client, second.group(1), external_id="P-2") == 200
    today = services.now().date().isoformat()
    usage = page(client, f"/account/clients/{client_id}")
    assert re.search(rf'<time datetime="{today}">{today}</time></th>\s*<td>2</td>\s*<td>0</td>', usage), usage
    assert '<svg role="img" aria-labelledby="usage-title usage-desc"' in usage
    assert f"The busiest day was {today}, with 2 requests." in usage
    assert "This client is revoked." in post(client, f"/account/clients/{client_id}/revoke", token)
    assert push(client, second.group(1)) == 401


def test_a_jobseeker_and_an_anonymous_visitor_are_refused_the_client_and_administration_pages(app: App) -> None:
    client, services = app
    token = sign_in_browser(client, services, make_account(services, Role.JOBSEEKER))
    for path in ("/account/clients", "/account/clients/new", "/admin/accounts", "/admin/accounts/new", "/admin/audit"):
        assert "You may not open this page" in page(client, path, 403)
    post(client, "/account/clients/new", token, 403, name="mine", scopes="open_data:read")
    post(client, "/admin/accounts/new", token, 403, email="x@example.org", name="X", role="admin")
    sign_in_browser(client, services, None)
    assert "Sign in first" in page(client, "/admin/accounts", 403)


def test_an_administrator_creates_a_counsellor_changes_the_role_disables_an_account_and_audits_it_all(
    app: App,
) -> None:
    client, services = app
    token = sign_in_browser(client, services, make_account(services, Role.ADMIN, "Ada Admin"))
    created = client.post(
        "/admin/accounts/new",
        data={
            "csrf_token": token,
            "email": "Mina.Kim@Example.org",
            "name": "Mina Kim",
            "role": "counsellor",
            "region": "KR-11",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    mina = created.headers["location"].split("/")[-1].split("?")[0]
    mail = "\n".join(path.read_text() for path in (services.settings.data_dir / "outbox").glob("*.eml"))
    assert "To: mina.kim@example.org" in mail
    assert "/account/reset?token=" in mail
    shown = text_of(page(client, f"/admin/accounts/{mina}?done=created"))
    assert "Counsellor (employment office)" in shown
    assert "KR-11" in shown
    assert "account_created" in shown
    changed = text_of(post(client, f"/admin/accounts/{mina}/access", token, role="analyst", region="KR-11"))
    assert "The role and region were changed." in changed
    assert "Labour market analyst" in changed
    partner = make_account(services, Role.PARTNER_ADMIN, "Pat Partner", partner="Demo Board Inc")
    other_browser = TestClient(client.app)
    sign_in_browser(other_browser, services, partner)
    assert other_browser.get("/account/clients").status_code == 200
    disabled = post(client, f"/admin/accounts/{partner.account.id}/status", token, status="disabled")
    assert "The account is disabled." in disabled
    assert other_browser.get("/account/clients").status_code == 403
    other_browser.close()
    audit = text_of(page(client, "/admin/audit"))
    assert re.search(rf"account_disabled account:{partner.account.id}.*access_changed account:{mina}", audit)
    assert re.search(rf"access_changed account:{mina}.*account_created account:{mina}", audit)
    assert "<code>account_created</code>" in page(client, f"/admin/audit?target={mina}")  # a bare id is an account
    only = page(client, "/admin/audit?action=access_changed")
    assert "<code>access_changed</code>" in only
    assert "<code>account_created</code>" not in only
    assert "<code>account_disabled</code>" not in only


def test_a_regional_administrator_sees_and_grants_accounts_of_their_region_only(app: App) -> None:
    client, services = app
    seoul = make_account(services, Role.COUNSELLOR, "Seoul Counsellor", region="KR-11")
    london = make_account(services, Role.COUNSELLOR, "London Counsellor", region="GB-ENG")
    token = sign_in_browser(client, services, make_account(services, Role.ADMIN, "Seoul Admin", region="KR-11"))
    listing = page(client, "/admin/accounts")
    assert "Seoul Counsellor" in listing
    assert "London Counsellor" not in listing
    assert "London Counsellor" not in page(client, "/admin/accounts?q=counsellor")
    page(client, f"/admin/accounts/{london.account.id}", 404)
    assert "Seoul Counsellor" in page(client, f"/admin/accounts/{seoul.account.id}")
    refused = page(client, "/admin/accounts?region=GB-ENG", 422)
    assert 'role="alert"' in refused
    assert 'id="region" name="region"' in refused
    assert re.search(r'<input id="region"[^>]*aria-invalid="true"', refused)
    form = {"email": "new@example.org", "name": "New", "role": "counsellor", "region": "GB-ENG"}
    assert 'href="#region"' in post(client, "/admin/accounts/new", token, 422, **form)


def test_a_form_with_mistakes_names_each_field_and_links_it_from_an_alert_summary(app: App) -> None:
    client, services = app
    token = sign_in_browser(client, services, make_account(services, Role.PARTNER_ADMIN, partner="Demo Board Inc"))
    missing = post(client, "/account/clients/new", token, 422, name="Sync", scopes="postings:push", sources="")
    assert '<div class="error-summary" role="alert"' in missing
    assert 'href="#sources"' in missing
    assert re.search(
        r'<input id="sources"[^>]*aria-describedby="sources-hint sources-error" aria-invalid="true"', missing
    )
    assert 'id="sources-error"' in missing
    assert 'value="Sync"' in missing
    assert re.search(r'value="postings:push"[^>]*checked', missing)
    lots = post(client, "/account/clients/new", token, 422, name="Sync", scopes="open_data:read", quota_per_day="lots")
    assert "Enter a whole number." in lots
    assert 'href="#quota_per_day"' in lots
    creator = sign_in_browser(client, services, make_account(services, Role.ADMIN))
    assert 'href="#email"' in post(
        client, "/admin/accounts/new", creator, 422, email="not-an-address", name="N", role="analyst"
    )


def test_a_client_name_with_markup_is_shown_as_text(app: App) -> None:
    client, services = app
    token = sign_in_browser(client, services, make_account(services, Role.PARTNER_ADMIN, partner="Demo Board Inc"))
    client_id, _key, shown = register(client, token, name=SCRIPT, scopes="open_data:read", sources="")
    for html in (shown, page(client, "/account/clients"), page(client, f"/account/clients/{client_id}")):
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
