"""The analytics overview in a real browser: the keyboard reaches the filters and every download, a chart saves as
PNG, every chart has an accessible name, every data table a caption, every control a label, and the page runs
under its Content Security Policy without a violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from tests.e2e.analytics_site import analytics_services
from tests.e2e.conftest import serve_app
from tests.e2e.test_portal_accounts_browser import UNLABELLED, tab_to, tab_to_text, type_into

from lmis.web.app import create_app
from lmis.web.portal.analytics_forecasts import DashboardForecasts

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
CHART_NAMES = (
    "() => [...document.querySelectorAll('figure.chart svg[role=img]')].map(s => s.querySelector('title').textContent)"
)
UNCAPTIONED = (
    "() => [...document.querySelectorAll('main table')].filter(t => !(t.caption && t.caption.textContent.trim()))"
    ".length"
)


class NoForecasts(DashboardForecasts):
    """Forecasts that never come: the band is the HTTP tests' business, and loading statsforecast (10 s of CPU)
    would only slow the browser down."""

    def get(self, values: list[float], horizon: int, season: int) -> None:
        return None


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    services = analytics_services(tmp_path_factory.mktemp("analytics-browser"))
    app = create_app(services)
    app.state.dashboard_forecasts = NoForecasts()
    yield from serve_app(app)
    services.engine.dispose()


@pytest.fixture
def page(browser: Browser, url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=url, locale="en-GB", accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


def test_the_overview_is_usable_with_the_keyboard_and_a_screen_reader(page: Page) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto("/analytics")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    type_into(page, "region", "Seoul")
    tab_to(page, "grain")
    tab_to_text(page, "Show")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "region=Seoul" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Labour market overview"

    names = page.evaluate(CHART_NAMES)
    assert names == [
        "New vacancies by period, with forecast", "New vacancies by region", "New vacancies by occupation",
        "Skills gap: demand against supply",
    ]  # fmt: skip
    for name in names:
        chart = page.get_by_role("img", name=name, exact=True)
        assert chart.count() == 1
        described = "svg => document.getElementById(svg.getAttribute('aria-describedby')).textContent"
        assert chart.evaluate(described).startswith(name + ".")  # the text alternative summarising the data
    assert page.evaluate(UNCAPTIONED) == 0
    assert page.evaluate(UNLABELLED) == []

    tab_to_text(page, "SVG image: New vacancies by region", limit=80)
    tab_to_text(page, "PNG image: New vacancies by region")  # shown by static/charts.js
    with page.expect_download() as saved:
        page.keyboard.press("Enter")
    download = saved.value
    assert download.suggested_filename == "lmis-overview-map.png"
    with open(download.path(), "rb") as picture:
        assert picture.read(8) == b"\x89PNG\r\n\x1a\n"
    tab_to_text(page, "Data (CSV): New vacancies by region")
    assert violations == []
