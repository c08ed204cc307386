"""The job search page in a real browser: worked with the keyboard alone, every control labelled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.e2e.conftest import serve
from tests.e2e.enrichment_app import EVERY_STEP, enrichment_services
from tests.e2e.test_portal_search import seed

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("search-browser")
    services = enrichment_services(folder, f"sqlite:///{folder / 'lmis.db'}", EVERY_STEP)
    seed(services)
    yield from serve(services)
    services.engine.dispose()


@pytest.fixture
def page(browser: Browser, portal: str) -> Iterator[Page]:
    context = browser.new_context(base_url=portal, locale="en-GB")
    yield context.new_page()
    context.close()


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.tagName)"))


def test_a_jobseeker_searches_with_the_keyboard_alone_and_the_results_appear(page: Page) -> None:
    page.goto("/jobs")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")  # skip to the main content
    page.keyboard.press("Tab")
    assert focused_id(page) == "q"
    page.keyboard.type("nurse")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=nurse" in page.url
    assert "vacancies" in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name="Staff nurse (night shift)").is_visible()
    assert page.get_by_role("link", name="Registered nurse for elderly care").is_visible()
    page.get_by_label("What job are you looking for?").focus()
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(focused_id(page))
    assert order == ["BUTTON", "SUMMARY", "sort", "semantic", "fold", "BUTTON"]


def test_a_korean_query_typed_into_the_box_finds_the_korean_ad(page: Page) -> None:
    page.goto("/jobs")
    box = page.get_by_label("What job are you looking for?")
    box.fill("간호사")
    with page.expect_navigation():
        box.press("Enter")
    assert page.get_by_role("link", name="간호사 모집").is_visible()


def test_every_control_of_the_search_form_has_a_label_and_the_filters_are_grouped(page: Page) -> None:
    page.goto("/jobs?q=nurse")
    page.get_by_text("More filters").click()
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('main input:not([type=hidden]), main select')]
             .filter(el => !el.labels || el.labels.length === 0).map(el => el.name)"""
    )
    assert unlabelled == []
    for label in ("Occupation", "Skill", "Region", "Near", "Radius (km)", "Working time", "Sort by", "Posted"):
        assert page.get_by_label(label, exact=True).count() == 1, label
    assert page.get_by_role("checkbox", name="Part time").count() == 1
    assert page.get_by_role("checkbox", name="One result per vacancy").is_checked()
    groups = page.get_by_role("group")
    assert groups.count() >= 4
    assert page.get_by_role("search").count() == 1


def test_an_unknown_region_shows_the_error_summary_whose_link_leads_to_the_field(page: Page) -> None:
    page.goto("/jobs?q=nurse&region=Seoull")
    alert = page.get_by_role("alert")
    assert "no place is called" in alert.inner_text()
    alert.get_by_role("link", name="no place is called", exact=False).click()
    assert page.url.endswith("#region")
    assert page.locator("#region").get_attribute("aria-invalid") == "true"
    with page.expect_navigation():
        alert.get_by_role("link", name="Seoul", exact=True).click()
    assert page.get_by_role("link", name="Staff nurse (night shift)").is_visible()
