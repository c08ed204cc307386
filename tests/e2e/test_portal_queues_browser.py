"""The review queue in a real browser, worked with the keyboard alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.e2e.conftest import serve
from tests.e2e.enrichment_app import CODING, NURSE, enrichment_services, ingest
from tests.identities import make_account, session_cookie

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.web.csrf import SESSION_COOKIE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    services = enrichment_services(tmp_path, f"sqlite:///{tmp_path / 'lmis.db'}", CODING)
    ingest(services, "board-a", [{"external_id": "A-1", **NURSE, "title": "Ward helper for nights"}])
    for url in serve(services):
        yield url, services
    services.engine.dispose()


@pytest.fixture
def page(browser: Browser, queue: tuple[str, Services]) -> Iterator[Page]:
    """A browser signed in as a counsellor (who may review)."""
    url, services = queue
    context = browser.new_context(base_url=url, locale="en-GB")
    cookie = session_cookie(services, make_account(services, Role.COUNSELLOR, "Ana Kim"))
    context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": url, "httpOnly": True, "sameSite": "Lax"}])
    yield context.new_page()
    context.close()


def test_a_reviewer_opens_a_review_chooses_a_candidate_and_saves_with_the_keyboard_alone(page: Page) -> None:
    page.goto("/review")
    page.get_by_role("link", name="Ward helper for nights").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text()
    first = page.get_by_role("radio").first
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.get_by_role("button", name="Save the decision").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form, which redirects to the queue
    assert page.url.split("?")[0].endswith("/review")
    assert "Your decision was saved." in page.get_by_role("status").inner_text()
    assert page.get_by_role("heading", name="Ward helper for nights").count() == 0  # no longer waiting
