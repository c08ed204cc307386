"""A person's whole journey over real HTTP: sign up, confirm the address, turn on a second factor, sign in to a
partner service through LMIS single sign-on, download everything, then erase it.

Every step goes through the portal's own forms (CSRF tokens included) on a running server; the
partner service is authlib's OpenID Connect client (tests/e2e/test_sso.py).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from tests.e2e.conftest import free_port, serve, serve_app
from tests.e2e.test_sso import (
    Browser,
    PartnerService,
    consent_form,
    lmis_at,
    partner_admin,
    relying_party,
    running,
)

from lmis.bootstrap import Services

EMAIL = "min-jun.kim@example.org"
PASSWORD = "seven ravens over the han river"


def _form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the first form on a page (the CSRF token, `next`)."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return {name: html.unescape(value) for name, value in fields}


def _mailed_path(services: Services, kind: str) -> str:
    with services.engine.connect() as connection:
        bodies = connection.execute(sa.text("SELECT body FROM outbox ORDER BY id")).scalars().all()
    found = [re.search(rf"https?://[^/\s]+({kind}\?token=[\w-]+)", body) for body in bodies]
    return [match.group(1) for match in found if match][-1]


@pytest.fixture
def lmis(tmp_path: Path, database_url: str) -> Iterator[tuple[Services, str]]:
    port = free_port()
    services = lmis_at(tmp_path, database_url, port)
    with running(serve(services, port)) as url:
        yield services, url
    services.engine.dispose()


def test_a_person_signs_up_turns_on_mfa_uses_sso_exports_and_erases_their_data(lmis: tuple[Services, str]) -> None:
    services, url = lmis
    browser = Browser()
    site = browser.site(url)

    form = _form_fields(site.get(f"{url}/sign-up").text)
    signed_up = site.post(
        f"{url}/sign-up",
        data={**form, "role": "jobseeker", "name": "Min-jun Kim", "email": EMAIL, "password": PASSWORD},
    )
    assert signed_up.status_code == 200, signed_up.text
    confirmed = site.get(url + _mailed_path(services, "/account/verify"))
    assert "confirmed" in confirmed.text

    form = _form_fields(site.get(f"{url}/sign-in").text)
    signed_in = site.post(f"{url}/sign-in", data={**form, "email": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 303, signed_in.text

    setup = site.get(f"{url}/account/security/setup").text
    secret = re.search(r'<code id="secret"[^>]*>([A-Z2-7 ]+)</code>', setup)
    assert secret is not None
    code = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
    codes_page = site.post(f"{url}/account/security/setup", data={**_form_fields(setup), "code": code})
    recovery = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", codes_page.text)
    assert len(recovery) == 10, codes_page.text[:2000]

    site.post(f"{url}/sign-out", data=_form_fields(site.get(f"{url}/account").text))
    form = _form_fields(site.get(f"{url}/sign-in").text)
    owes = site.post(f"{url}/sign-in", data={**form, "email": EMAIL, "password": PASSWORD})
    assert owes.headers["location"].startswith("/sign-in/second-factor")
    factor = site.get(url + owes.headers["location"]).text
    passed = site.post(f"{url}/sign-in/second-factor", data={**_form_fields(factor), "code": recovery[0]})
    assert passed.status_code == 303, passed.text

    _sso_round(browser, services, url)

    exported = site.get(f"{url}/account/data/export")
    mine = json.loads(exported.text)
    assert mine["account"]["email"] == EMAIL
    assert any(entry["action"] == "sso_authorized" for entry in mine["activity"])

    page = site.get(f"{url}/account/data").text
    gone = site.post(f"{url}/account/data/erase", data={**_form_fields(page), "email": EMAIL})
    assert gone.status_code in {200, 303}, gone.text
    form = _form_fields(site.get(f"{url}/sign-in").text)
    refused = site.post(f"{url}/sign-in", data={**form, "email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 403  # the form again, saying the address or password is wrong
    with services.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM account WHERE email = :e"), {"e": EMAIL}).scalar() == 0
    browser.close()


def _sso_round(browser: Browser, services: Services, url: str) -> None:
    """The signed-in browser signs in to a training portal through LMIS and the portal learns who it is."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    partner = PartnerService(url, relying_party(services, partner_admin(services), f"{base_url}/callback"), base_url)
    with running(serve_app(partner.app(), port)):
        to_lmis = browser.get(f"{base_url}/login")
        consent = browser.get(to_lmis.headers["location"])
        back = browser.post(f"{url}/oauth/authorize", {**consent_form(consent), "decision": "allow"})
        landed = browser.get(back.headers["location"])
    assert landed.text == f"signed in as {EMAIL}"
    assert partner.signed_in[0]["userinfo"]["email"] == EMAIL
