"""The portal in a real browser (Debian's Chromium driven by Playwright) over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from tests.e2e.conftest import serve

from lmis.bootstrap import Services

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(shipped_services: Services) -> Iterator[str]:
    yield from serve(shipped_services)


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale="en-GB")
    yield context.new_page()
    context.close()


def test_a_jobseeker_finds_an_occupation_and_sees_its_skills_and_isco_path(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Find an occupation").fill("nurse")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="nurse responsible for general care").click()
    assert page.get_by_role("heading", level=1).inner_text() == "nurse responsible for general care"
    breadcrumb = page.get_by_role("navigation", name="Classification path").inner_text()
    assert "2221 Nursing professionals" in breadcrumb
    assert page.get_by_role("heading", name="Essential skills").is_visible()


def test_the_skip_link_is_the_first_stop_for_keyboard_users_and_moves_focus_to_the_content(page: Page) -> None:
    page.goto("/occupations")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_form_control_has_a_label_a_screen_reader_can_announce(page: Page) -> None:
    for path in ("/", "/occupations?q=welder", "/skills?q=python", "/crosswalk?code=29-1141.00"):
        page.goto(path)
        unlabelled = page.evaluate(
            "[...document.querySelectorAll('input:not([type=hidden]), select')]"
            ".filter(el => !el.labels.length && !el.getAttribute('aria-label')).map(el => el.name)"
        )
        assert unlabelled == [], path


def test_switching_the_language_to_korean_translates_the_portal_and_is_remembered(page: Page) -> None:
    page.goto("/occupations")
    page.get_by_label("Language").select_option("ko")
    page.get_by_role("button", name="Change").click()
    assert page.evaluate("document.documentElement.lang") == "ko"
    nav = page.get_by_role("navigation").first.inner_text()
    assert "Occupations" not in nav
    page.goto("/skills")
    assert page.evaluate("document.documentElement.lang") == "ko"


def test_the_crosswalk_tool_shows_the_path_from_onet_to_isco(page: Page) -> None:
    page.goto("/crosswalk")
    page.get_by_label("Code").fill("29-1141.00")
    page.get_by_role("button", name="Translate").click()
    result = page.locator("ol.results > li").first.inner_text()
    assert "2221 Nursing professionals" in result
    assert "onet-soc-2019 29-1141.00" in result


def test_an_employer_posts_a_vacancy_fixes_a_mistake_shown_next_to_the_field_and_closes_it(page: Page) -> None:
    page.goto("/employers/postings/new")
    page.get_by_label("Job title").fill("Welder")
    page.get_by_label("Description").fill("MIG and TIG welding.\n\nDay shifts.")
    page.get_by_label("Employer").fill("Demo Browser Works")
    page.get_by_label("Salary from").fill("50000")
    page.get_by_label("Salary to").fill("20000")
    page.get_by_role("button", name="Publish").click()
    error = page.locator("#salary_min-error").inner_text()
    assert "is above salary.max" in error
    assert page.get_by_label("Salary from").get_attribute("aria-invalid") == "true"
    page.get_by_label("Salary from").fill("20000")
    page.get_by_label("Salary to").fill("50000")
    page.get_by_role("button", name="Publish").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Welder"
    page.get_by_role("link", name="/employers/postings/").click()
    page.get_by_role("button", name="Close the vacancy").click()
    assert "This vacancy is closed." in page.get_by_role("status").inner_text()
