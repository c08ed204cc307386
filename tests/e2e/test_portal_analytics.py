"""The analytics dashboards over HTTP on a small Korean labour market: charts with text alternatives and data
tables, the forecast band, the map, suppression, downloads, filters that refuse unknown values with a
suggestion, Korean pages, and the staff-only operations page."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from tests.e2e.analytics_site import analytics_services
from tests.identities import make_account, sign_in_browser
from tests.programme_data import import_programme_sample
from tests.series_data import import_samples

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.web.app import create_app
from lmis.web.portal.analytics_forecasts import DashboardForecasts

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Site:
    services: Services
    http: TestClient


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("analytics")
    services = analytics_services(folder)
    import_programme_sample(services, folder, count=300)
    import_samples(services)
    app = create_app(services)
    app.state.dashboard_forecasts = DashboardForecasts(wait_seconds=60)  # the first forecast loads statsforecast
    with TestClient(app) as http:
        yield Site(services, http)
    services.engine.dispose()


@pytest.fixture
def anonymous(site: Site) -> TestClient:
    sign_in_browser(site.http, site.services, None)
    return site.http


def figures(page: str) -> dict[str, str]:
    """Each chart figure of a page by its key."""
    return dict(re.findall(r'<figure class="chart" id="chart-([\w-]+)".*?>(.*?)</figure>', page, re.S))


def svg_of(figure: str) -> ET.Element:
    markup = re.search(r"<svg.*?</svg>", figure, re.S)
    assert markup is not None
    return ET.fromstring(markup.group(0))  # noqa: S314 - our own page


def test_the_overview_shows_headline_figures_a_forecast_band_a_map_rankings_and_the_skills_gap(
    anonymous: TestClient,
) -> None:
    page = anonymous.get("/analytics")
    assert page.status_code == 200
    assert "Headline figures" in page.text
    assert 'class="headline-value">156<' in page.text or "New vacancies" in page.text
    charts = figures(page.text)
    assert list(charts) == ["trend", "map", "occupations", "gap"]
    for key, figure in charts.items():
        root = svg_of(figure)
        assert root.get("role") == "img"
        assert (root.findtext(f"{SVG}title") or "").strip()
        assert (root.findtext(f"{SVG}desc") or "").strip()
        assert re.search(r"<caption>[^<]+</caption>", figure), key
        assert f'href="/analytics/overview/charts/{key}.svg' in figure
        assert f'href="/analytics/overview/charts/{key}.csv' in figure
    trend = svg_of(charts["trend"])
    assert len(trend.findall(f"{SVG}polygon")) == 2  # the 80 % and 95 % bands
    assert "Forecast for" in (trend.findtext(f"{SVG}desc") or "")
    shapes = [p for p in svg_of(charts["map"]).iter(f"{SVG}path") if p.get("data-region")]
    assert len(shapes) == 17
    assert {"Seoul", "Busan", "Incheon"} <= set(re.findall(r'<th scope="row">([^<]+)</th>', charts["map"]))


def test_an_unknown_filter_value_is_refused_with_the_services_suggestion_and_the_form_kept(
    anonymous: TestClient,
) -> None:
    page = anonymous.get("/analytics/occupations", params={"region": "Seol"})
    assert page.status_code == 422
    assert "no region &#39;Seol&#39; in the indicators" in page.text
    assert 'href="/analytics/occupations?region=Seoul"' in page.text
    assert 'id="region" name="region" type="text" value="Seol"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert anonymous.get("/analytics", params={"from": "2026-13-40"}).status_code == 422
    assert anonymous.get("/analytics/occupations", params={"measure": "vacancy"}).status_code == 422
    missing = anonymous.get("/analytics/region")
    assert missing.status_code == 404
    assert "regions" in missing.text


def test_a_chart_downloads_as_the_same_svg_and_its_data_as_csv_for_the_same_filters(anonymous: TestClient) -> None:
    params = {"region": "Seoul"}
    image = anonymous.get("/analytics/occupations/charts/ranking.svg", params=params)
    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert 'filename="lmis-occupations-ranking.svg"' in image.headers["content-disposition"]
    root = ET.fromstring(image.content)  # noqa: S314 - our own file
    assert root.findtext(f"{SVG}title") == "New vacancies by occupation"
    data = anonymous.get("/analytics/occupations/charts/ranking.csv", params=params)
    assert data.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(data.text)))
    assert rows[0] == ["Occupation", "New vacancies", "note"]
    assert {r[0]: r[1] for r in rows[1:]} == {"Nursing professionals": "54", "Software developers": "30"}
    assert anonymous.get("/analytics/occupations/charts/nothing.svg").status_code == 404


def test_jobseekers_by_region_suppress_the_region_with_fewer_than_ten_and_say_so(anonymous: TestClient) -> None:
    page = anonymous.get("/analytics/regions", params={"measure": "seekers_active"})
    assert page.status_code == 200
    figure = figures(page.text)["map"]
    busan = next(p for p in svg_of(figure).iter(f"{SVG}path") if p.get("data-region") == "KR-26")
    assert busan.get("fill") == "url(#map-hatch)"
    assert '<th scope="row">Busan</th><td class="suppressed">suppressed (fewer than 10)</td>' in figure
    rows = list(csv.reader(io.StringIO(anonymous.get("/analytics/regions/charts/map.csv?measure=seekers_active").text)))
    assert ["Busan", "", "", "suppressed (fewer than 10)"] in rows


def test_skills_and_pay_pages_draw_their_charts(anonymous: TestClient) -> None:
    skills = anonymous.get("/analytics/skills")
    assert skills.status_code == 200
    assert list(figures(skills.text)) == ["demand", "gap", "emerging", "collections"]
    assert "Significance of the changes in demand" in skills.text
    pay = anonymous.get("/analytics/pay", params={"by": "region"})
    assert pay.status_code == 200
    assert "Seoul (KRW)" in figures(pay.text)["pay"]


def test_the_pages_speak_korean_and_indonesian(anonymous: TestClient) -> None:
    korean = anonymous.get("/analytics", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert '<html lang="ko">' in korean.text
    assert "노동시장 개요" in korean.text
    indonesian = anonymous.get("/analytics/regions", params={"lang": "id"})
    assert "Wilayah" in indonesian.text


def test_operations_today_are_for_analysts_counsellors_and_administrators_only(site: Site) -> None:
    http = site.http
    sign_in_browser(http, site.services, None)
    assert http.get("/analytics/operations", follow_redirects=False).status_code == 303
    sign_in_browser(http, site.services, make_account(site.services, Role.JOBSEEKER, "Jo Seeker"))
    assert http.get("/analytics/operations").status_code == 403
    assert http.get("/analytics/operations/charts/today.csv").status_code == 403
    sign_in_browser(http, site.services, make_account(site.services, Role.ANALYST, "Ana Lyst"))
    page = http.get("/analytics/operations")
    assert page.status_code == 200
    assert 'data-live="60"' in page.text
    assert list(figures(page.text)) == ["today", "partners"]
    assert 'href="/analytics"' in page.text  # the analyst's navigation leads to the dashboards
    assert "Operations today" in page.text


def test_the_charts_script_and_styles_are_static_files_no_inline_script_or_style(anonymous: TestClient) -> None:
    page = anonymous.get("/analytics")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text
    assert " style=" not in page.text
    assert '<script src="/static/charts.js" defer></script>' in page.text
    assert anonymous.get("/static/charts.js").status_code == 200


def test_programme_effects_show_intervals_and_the_balance_table_to_analysts(site: Site) -> None:
    http = site.http
    sign_in_browser(http, site.services, None)
    assert http.get("/analytics/programmes", follow_redirects=False).status_code == 303
    sign_in_browser(http, site.services, make_account(site.services, Role.COUNSELLOR, "Coun Sellor"))
    page = http.get("/analytics/programmes")
    assert page.status_code == 200
    charts = figures(page.text)
    assert list(charts) == ["employment", "earnings", "days"]
    employment = svg_of(charts["employment"])
    assert "no effect" in [t.text for t in employment.iter(f"{SVG}text")]
    assert "Employed 12 months after:" in (employment.findtext(f"{SVG}desc") or "")
    assert "<caption>Balance of participants and their matched comparison" in page.text
    unknown = http.get("/analytics/programmes", params={"programme": "job-serch"})
    assert unknown.status_code == 404
    assert "Did you mean:" in unknown.text


def test_official_series_stand_beside_the_platforms_own_count_with_source_and_licence(anonymous: TestClient) -> None:
    page = anonymous.get("/analytics/official")
    assert page.status_code == 200
    assert list(figures(page.text)) == ["series", "platform"]
    assert re.search(r"Source: [^<]+\. Licence: [^<]+\.", page.text)
    assert "selected>" in page.text
