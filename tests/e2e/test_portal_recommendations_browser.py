"""The Work's pages in a real browser: a jobseeker fills the profile form with the keyboard alone, sees the jobs
recommended with their reasons and opens "why this job"; every control is labelled and headings go in order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from tests.e2e.conftest import serve
from tests.e2e.enrichment_app import enrichment_services
from tests.e2e.test_portal_accounts_browser import UNLABELLED, tab_to, tab_to_text, type_into
from tests.identities import Person, make_account, session_cookie
from tests.recommendations import DEVELOPER, NURSE, ad, essential_skills, post_coded

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.web.csrf import SESSION_COOKIE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
# Headings that skip a level (an h2 followed by an h4), and the page's count of h1.
HEADING_JUMPS = """() => {
  const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]
    .map(h => Number(h.tagName[1]));
  const jumps = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  return {h1: levels.filter(l => l === 1).length, jumps: jumps.length, first: levels[0]};
}"""


@dataclass(frozen=True)
class Site:
    url: str
    services: Services
    postings: dict[str, str]
    labels: dict[str, str]
    nurse: list[str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("work-browser")
    services = enrichment_services(folder, f"sqlite:///{folder / 'lmis.db'}", ["salary", "place", "cluster", "fraud"])
    nurse, developer = essential_skills(services, NURSE), essential_skills(services, DEVELOPER)
    ids = post_coded(
        services,
        "board",
        [
            (ad("n1", "Staff Nurse", "London", "GB", employer="Hospital A"), NURSE, nurse[:6]),
            (ad("d1", "Software developer", "London", "GB", employer="Tech Co"), DEVELOPER, developer[:6]),
        ],
    )
    with services.uow() as uow:
        labels = {r.id: r.label for r in uow.taxonomy.refs([*nurse, NURSE]).values()}
    for url in serve(services):
        yield Site(url, services, dict(zip(["n1", "d1"], ids, strict=True)), labels, nurse)
    services.engine.dispose()


def signed_in_page(browser: Browser, site: Site, person: Person) -> Page:
    context = browser.new_context(base_url=site.url, locale="en-GB")
    cookie = session_cookie(site.services, person)
    context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": site.url, "httpOnly": True}])
    return context.new_page()


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    opened = signed_in_page(browser, site, make_account(site.services, Role.JOBSEEKER, "Siti Rahma"))
    yield opened
    opened.context.close()


def choose(page: Page, element_id: str, label: str) -> None:
    """Tab to a select and pick the option `label` with the keyboard (typing its first letters)."""
    tab_to(page, element_id)
    page.keyboard.type(re.split(r"[ '·]", label)[0])  # a select jumps to the first letters typed
    for _ in range(60):
        if page.evaluate(f"document.getElementById('{element_id}').selectedOptions[0].text") == label:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{label!r} is not an option of #{element_id}")


def test_a_jobseeker_fills_the_profile_with_the_keyboard_sees_jobs_for_them_and_asks_why(
    page: Page, site: Site
) -> None:
    page.goto("/account/profile")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    type_into(page, "headline", "Ward nurse, five years in surgery")
    type_into(page, "region", "GB-ENG-greater-london")
    tab_to(page, "findable")
    page.keyboard.press("Space")
    type_into(page, "occupation-0", site.labels[NURSE])
    for row, skill in enumerate(site.nurse[:3]):
        if row:
            tab_to_text(page, "Add another skill")
            with page.expect_navigation():
                page.keyboard.press("Enter")  # the form comes back with one more row, the typing kept
            assert page.get_by_label("Headline").input_value() == "Ward nurse, five years in surgery"
        type_into(page, f"skill-{row}", site.labels[skill])
        choose(page, f"skill_level-{row}", "Advanced")
    type_into(page, "job_title-0", "Staff nurse")
    type_into(page, "job_started-0", "01032019")  # a date field takes day, month and year as typed digits
    choose(page, "edu_level-0", "Bachelor's degree or equivalent")
    choose(page, "lang_code-0", "Korean")
    choose(page, "lang_level-0", "C1 · advanced")
    type_into(page, "max_commute_km", "30")
    tab_to(page, "daily_mail")
    page.keyboard.press("Space")
    tab_to(page, "phone")  # Enter in any field saves the whole form
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/account/profile?saved=1"), page.locator("main").inner_text()
    assert "Your profile is saved." in page.get_by_role("status").inner_text()
    assert page.locator("#skill-2").input_value() == site.labels[site.nurse[2]]
    assert page.locator("#job_started-0").input_value() in ("2019-03-01", "2019-01-03")  # day or month first

    tab_to_text(page, "See the jobs we recommend to you")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Jobs for you"
    first = page.locator("li.recommendation").first
    assert first.get_by_role("link").first.inner_text() == "Staff Nurse"
    assert f"Your occupation: {site.labels[NURSE]} · 3 of 6 skills" in first.locator(".reason").inner_text()
    tab_to_text(page, "Why this job", limit=40)  # the first job's
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Why this job: Staff Nurse"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Why this job: Staff Nurse"
    assert page.get_by_role("link", name=site.labels[site.nurse[0]]).count() == 1
    table = page.get_by_role("table", name="Each part of the score of this job for you; the largest counted most.")
    assert table.get_by_role("columnheader", name="Points").is_visible()
    assert table.get_by_role("rowheader", name="Your skills").is_visible()


def test_every_page_of_the_work_has_labelled_controls_headings_in_order_and_errors_tied_to_fields(
    browser: Browser, site: Site
) -> None:
    person = make_account(site.services, Role.JOBSEEKER, "Checker")
    tab = signed_in_page(browser, site, person)
    tab.goto("/account/profile")
    tab.get_by_label("Headline").fill("Nurse")
    tab.locator("#region").fill("GB-ENG-greater-london")
    tab.locator("#occupation-0").fill(site.labels[NURSE])
    tab.locator("#skill-0").fill(site.labels[site.nurse[0]])
    tab.locator("#job_title-0").fill("Nurse")
    tab.locator("#job_started-0").fill("2020-01-01")
    tab.locator("#job_ended-0").fill("2019-01-01")
    tab.get_by_role("button", name="Save the profile", exact=True).click()
    alert = tab.get_by_role("alert")
    assert "The job cannot end before it starts." in alert.inner_text()
    assert alert.get_by_role("link").get_attribute("href") == "#job_ended-0"
    ended = tab.locator("#job_ended-0")
    assert ended.get_attribute("aria-invalid") == "true"
    assert "job_ended-0-error" in (ended.get_attribute("aria-describedby") or "")
    tab.locator("#job_ended-0").fill("")
    tab.get_by_role("button", name="Save the profile", exact=True).click()
    assert "Your profile is saved." in tab.get_by_role("status").inner_text()
    pages = (
        "/account/profile",
        "/me/recommendations",
        f"/me/recommendations/jobs/{site.postings['n1']}",
        "/me/training",
        "/me/careers",
    )
    for path in pages:
        response = tab.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        assert tab.evaluate(UNLABELLED) == [], path
        assert tab.evaluate(HEADING_JUMPS) == {"h1": 1, "jumps": 0, "first": 1}, path
        assert tab.locator("table:not(:has(th))").count() == 0, path
    tab.goto("/me/recommendations")
    tab.get_by_label("Reason to dismiss: Staff Nurse").select_option("too_far")
    tab.get_by_role("button", name="Dismiss: Staff Nurse").click()
    assert "The job is dismissed" in tab.get_by_role("status").inner_text()
    assert tab.get_by_role("link", name="Staff Nurse").count() == 0
    tab.context.close()
