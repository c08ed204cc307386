"""From indicator results to charts: period labels, series to observations (with their forecast), rankings to
bars, regions to a choropleth of the country with shipped outlines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from lmis.analytics.forecast import Prediction
from lmis.analytics.indicators import next_period
from lmis.analytics.model import Cell, Grain, Ranking, TimeSeries
from lmis.web.portal.analytics_forecasts import DashboardForecasts
from lmis.web.portal.analytics_words import ChartWords
from lmis.web.portal.charts import Chart, Observation, Projection
from lmis.web.portal.charts_bars import Bar, bar_chart
from lmis.web.portal.charts_line import line_chart
from lmis.web.portal.charts_map import RegionValue, choropleth, load_boundary, shipped_countries

HORIZON = {Grain.MONTH: 6, Grain.QUARTER: 4, Grain.WEEK: 8, Grain.YEAR: 3, Grain.DAY: 14}
SEASON = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.WEEK: 52, Grain.YEAR: 1, Grain.DAY: 7}
MIN_HISTORY = 3  # fewest complete periods a forecast is drawn from


@dataclass
class Dashboard:
    """One analytics page's content: its charts (by key), headline figures and notes to show above them."""

    charts: list[Chart] = field(default_factory=list)
    headline: list[tuple[str, str, Chart | None]] = field(default_factory=list)  # (name, value, sparkline)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    def chart(self, key: str) -> Chart | None:
        every = self.charts + [spark for _, _, spark in self.headline if spark is not None]
        return next((chart for chart in every if chart.key == key), None)


def period_label(first: date, grain: Grain) -> str:
    """How a period is written on an axis: 2026-03, 2026 Q1, 2026 W09 (ISO week), 2026, 2026-03-02."""
    if grain is Grain.MONTH:
        return first.strftime("%Y-%m")
    if grain is Grain.QUARTER:
        return f"{first.year} Q{(first.month - 1) // 3 + 1}"
    if grain is Grain.WEEK:
        year, week, _ = first.isocalendar()
        return f"{year} W{week:02d}"
    if grain is Grain.YEAR:
        return str(first.year)
    return first.isoformat()


def observations(series: TimeSeries) -> list[Observation]:
    return [Observation(period_label(p.period, series.grain), p.cell.value, p.cell.suppressed) for p in series.points]


def complete_periods(series: TimeSeries) -> int:
    """How many leading periods are complete: the last one is partial when the query ends before its last day."""
    if not series.points:
        return 0
    last = series.points[-1].period
    partial = series.query.end < next_period(last, series.grain) - timedelta(days=1)
    return len(series.points) - (1 if partial else 0)


def forecast_of(series: TimeSeries, forecasts: DashboardForecasts) -> tuple[list[Projection], bool]:
    """The forecast after the series' last period (from its complete periods) and whether one is still coming."""
    complete = complete_periods(series)
    values = [p.cell.value for p in series.points[:complete]]
    if complete < MIN_HISTORY or any(v is None for v in values) or any(p.cell.suppressed for p in series.points):
        return [], False
    skip = len(series.points) - complete  # a partial last period is forecast too, and not drawn as forecast
    horizon = HORIZON[series.grain]
    prediction = forecasts.get([float(v or 0.0) for v in values], horizon + skip, SEASON[series.grain])
    if prediction is None:
        return [], True
    return _projections(series, prediction, skip), False


def _projections(series: TimeSeries, prediction: Prediction, skip: int) -> list[Projection]:
    periods, current = [], series.points[-1].period
    for _ in range(len(prediction.mean) - skip):
        current = next_period(current, series.grain)
        periods.append(current)
    rows = zip(prediction.mean, prediction.lo80, prediction.hi80, prediction.lo95, prediction.hi95, strict=True)
    chosen = list(rows)[skip:]
    return [
        Projection(period_label(day, series.grain), *(max(float(v), 0.0) for v in row))
        for day, row in zip(periods, chosen, strict=True)
    ]


def trend_chart(
    key: str, title: str, series: TimeSeries, words: ChartWords, forecasts: DashboardForecasts | None, min_cell: int
) -> tuple[Chart, bool]:
    """The series as a line, with its forecast when `forecasts` is given; True when the forecast is still coming."""
    projections, pending = forecast_of(series, forecasts) if forecasts else ([], False)
    unit = words.measure(series.measure.value)
    chart = line_chart(key, title, observations(series), projections, words.words, unit=unit, min_cell=min_cell)
    return chart, pending


def ranking_chart(key: str, title: str, ranking: Ranking, words: ChartWords, head: str, min_cell: int) -> Chart:
    bars = [Bar(row.label, row.cell.value, row.cell.suppressed) for row in ranking.rows]
    heading = (head, words.measure(ranking.measure.value))
    return bar_chart(key, title, bars, words.words, head=heading, fmt=_formatter(ranking, words), min_cell=min_cell)


def _formatter(ranking: Ranking, words: ChartWords) -> Callable[[float], str]:
    digits = 2 if ranking.measure.value in ("tightness", "posting_intensity") else 0
    return lambda value: words.words.number(value, digits)


def map_country(rows: Sequence[tuple[str, Cell]], chosen: str) -> str | None:
    """The country to draw: the one asked for, else the one with the most of the measure among countries with
    shipped outlines."""
    shipped = shipped_countries()
    if chosen.upper() in shipped:
        return chosen.upper()
    weight: dict[str, float] = {}
    for key, cell in rows:
        country = key.split("-")[0]
        weight[country] = weight.get(country, 0.0) + (cell.value or 0.0)
    found = [country for country in sorted(weight, key=lambda c: -weight[c]) if country in shipped]
    return found[0] if found else None


def region_map(key: str, title: str, ranking: Ranking, words: ChartWords, country: str, min_cell: int) -> Chart | None:
    """The ranking's first-level regions of `country` on its map (None when no outlines are shipped for it)."""
    boundary = load_boundary(country)
    if boundary is None:
        return None
    values = [
        RegionValue(row.key, row.label, row.cell.value, row.cell.suppressed)
        for row in ranking.rows if row.key.split("-")[0] == country
    ]  # fmt: skip
    head = (words.map.region, words.measure(ranking.measure.value))
    fmt = _formatter(ranking, words)
    return choropleth(key, title, boundary, values, words.words, words.map, head=head, fmt=fmt, min_cell=min_cell)
