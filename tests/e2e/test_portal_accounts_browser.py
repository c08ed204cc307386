"""The account pages in a real browser: signing up, in and setting up a second factor with the keyboard alone."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pyotp
import pytest
from tests.e2e.conftest import serve
from tests.e2e.enrichment_app import RULES_ONLY, enrichment_services

from lmis.bootstrap import Services

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
PASSWORD = "quiet river under the old bridge"
UNLABELLED = """
[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !el.labels.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name)
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    services = enrichment_services(tmp_path, f"sqlite:///{tmp_path / 'lmis.db'}", RULES_ONLY, mail_backend="file")
    for url in serve(services):
        yield url, services
    services.engine.dispose()


@pytest.fixture
def page(browser: Browser, site: tuple[str, Services]) -> Iterator[Page]:
    context = browser.new_context(base_url=site[0], locale="en-GB")
    yield context.new_page()
    context.close()


def tab_to(page: Page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element with `element_id` has the focus (as a keyboard user moves through a page)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} was not reached with {limit} presses of Tab")


def tab_to_text(page: Page, text: str, limit: int = 60) -> None:
    """Press Tab until a link or button whose text is `text` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    pytest.fail(f"{text!r} was not reached with {limit} presses of Tab")


def type_into(page: Page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def start_on_main(page: Page, path: str) -> None:
    """Open `path` and follow the skip link, so the next Tab stops are the page's own content."""
    page.goto(path)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def verification_path(services: Services) -> str:
    newest = sorted((services.settings.data_dir / "outbox").glob("*.eml"))[-1]
    message = email.message_from_bytes(newest.read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    found = re.search(r"https?://[^/\s]+(/account/verify\?token=[\w-]+)", body.get_content())
    assert found
    return found.group(1)


def test_a_person_signs_up_confirms_signs_in_and_sets_up_a_second_factor_with_the_keyboard_alone(
    page: Page, site: tuple[str, Services]
) -> None:
    _sign_up_fixing_a_mistake(page)
    page.goto(verification_path(site[1]))  # the person opens the mailed link
    assert page.get_by_role("heading", level=1).inner_text() == "Your e-mail address is confirmed"
    tab_to_text(page, "Sign in")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    type_into(page, "email", "siti.rahma@example.org")
    type_into(page, "password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/account")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    _set_up_an_authenticator(page)
    assert "On: an authenticator app" in page.locator("dl.facts").inner_text()
    for path in ("/account", "/account/security", "/account/profile", "/account/consents", "/account/data"):
        page.goto(path)
        assert page.evaluate(UNLABELLED) == [], path


def _sign_up_fixing_a_mistake(page: Page) -> None:
    """Sign up with a short password, hear the problem, find it at its field, and fix it."""
    start_on_main(page, "/sign-up")
    type_into(page, "name", "Siti Rahma")
    type_into(page, "email", "siti.rahma@example.org")
    type_into(page, "password", "too short")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    assert "A password needs at least 12 characters." in alert.inner_text()
    assert alert.get_by_role("link").get_attribute("href") == "#password"
    password = page.locator("#password")
    assert password.get_attribute("aria-invalid") == "true"
    assert "password-error" in (password.get_attribute("aria-describedby") or "").split()
    assert "A password needs at least 12 characters." in page.locator("#password-error").inner_text()
    assert page.get_by_label("E-mail address").input_value() == "siti.rahma@example.org"
    type_into(page, "password", PASSWORD)  # the name and address are kept; the password is typed again
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "We sent a link to siti.rahma@example.org" in page.get_by_role("status").inner_text()


def _set_up_an_authenticator(page: Page) -> None:
    """From the security page: the key read off the page into an authenticator, its code typed back."""
    start_on_main(page, "/account/security")
    tab_to_text(page, "Set up an authenticator app")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    secret = page.locator("#secret").inner_text().replace(" ", "")
    assert page.get_by_role("img", name="QR code of the set-up link").is_visible()
    type_into(page, "code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.locator(".recovery-codes li").count() == 10
    tab_to_text(page, "I have saved them, continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_every_account_form_field_has_a_label_and_errors_are_announced_next_to_their_field(page: Page) -> None:
    for path in ("/sign-up", "/sign-in", "/account/password/forgot", "/account/reset?token=x"):
        page.goto(path)
        assert page.evaluate(UNLABELLED) == [], path
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong password, surely")
    page.get_by_role("button", name="Sign in").click()
    assert "The e-mail address or password is wrong." in page.get_by_role("alert").inner_text()
    page.goto("/sign-up")
    page.get_by_role("button", name="Create the account").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link").count() >= 2  # each problem links to its field
    for link in summary.get_by_role("link").all():
        target = (link.get_attribute("href") or "#")[1:]
        field = page.locator(f"#{target}")
        if field.get_attribute("type") != "radio":
            assert field.get_attribute("aria-invalid") == "true", target
            assert f"{target}-error" in (field.get_attribute("aria-describedby") or ""), target
