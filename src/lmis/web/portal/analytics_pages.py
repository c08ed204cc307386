"""The open analytics pages' content: overview, occupations, regions, skills and pay, built from the indicator
services into charts (`analytics_build`); every result is an aggregate under disclosure control."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from lmis.analytics.indicators import IndicatorService, next_period, period_start
from lmis.analytics.model import Dimension, Grain, IndicatorQuery, Measure, SkillsReport
from lmis.analytics.skills_gap import skills_report
from lmis.shared.errors import Invalid
from lmis.web.portal.analytics_build import (
    Dashboard,
    map_country,
    observations,
    ranking_chart,
    region_map,
    trend_chart,
)
from lmis.web.portal.analytics_filters import Filters
from lmis.web.portal.analytics_forecasts import DashboardForecasts
from lmis.web.portal.analytics_words import ChartWords
from lmis.web.portal.charts import Chart
from lmis.web.portal.charts_bars import Bar, SkillGap, bar_chart, skills_gap_chart
from lmis.web.portal.charts_line import sparkline
from lmis.web.portal.charts_range import PayRange, pay_chart

HEADLINE = (
    Measure.VACANCIES_NEW, Measure.VACANCIES_OPEN, Measure.POSTINGS_NEW, Measure.SEEKERS_ACTIVE, Measure.TIGHTNESS,
    Measure.PLACEMENTS,
)  # fmt: skip
RATIO_DIGITS = {Measure.TIGHTNESS: 2, Measure.POSTING_INTENSITY: 2}


@dataclass(frozen=True)
class Context:
    """What every page builder is given."""

    indicators: IndicatorService
    filters: Filters
    words: ChartWords
    forecasts: DashboardForecasts | None

    @property
    def min_cell(self) -> int:
        return self.indicators.min_cell


def overview(context: Context) -> Dashboard:
    """Headline totals with sparklines, the vacancy trend with its forecast, the map, top occupations, skills gap."""
    service, words = context.indicators, context.words
    grain = context.filters.grain_or()
    query = whole_periods(context.filters.query(service), grain, context.filters.start)
    board = Dashboard(extra={"query": query, "grain": grain})
    _headline(context, query, grain, board)
    trend, pending = trend_chart(
        "trend", words.title("trend"), service.series(Measure.VACANCIES_NEW, query, grain), words, context.forecasts,
        context.min_cell,
    )  # fmt: skip
    board.charts.append(trend)
    board.extra["forecast_pending"] = pending
    _map_into(context, query, Measure.VACANCIES_NEW, board)
    top = service.ranking(Measure.VACANCIES_NEW, query, Dimension.OCCUPATION, context.filters.level_or(None), 10)
    title = words.title("occupations", measure=words.measure(Measure.VACANCIES_NEW.value))
    board.charts.append(
        ranking_chart("occupations", title, top, words, words.title("occupation_head"), context.min_cell)
    )
    board.charts.append(_gap_chart(context, skills_report(service, query, 10)))
    return board


def whole_periods(query: IndicatorQuery, grain: Grain, asked_start: str) -> IndicatorQuery:
    """Without a start asked for, the default period starts with the first whole period of `grain` (a trend
    would otherwise begin with a partial one that looks like a drop)."""
    first = period_start(query.start, grain)
    if asked_start or first == query.start:
        return query
    return replace(query, start=next_period(first, grain))


def _headline(context: Context, query: IndicatorQuery, grain: Grain, board: Dashboard) -> None:
    service, words = context.indicators, context.words
    for measure in HEADLINE:
        name = words.measure(measure.value)
        try:
            total = service.total(measure, query)
            series = service.series(measure, query, grain)
        except Invalid:  # e.g. jobseekers have no sector: the figure does not apply to these filters
            board.headline.append((name, "—", None))
            continue
        value = (
            words.words.suppressed_label(context.min_cell)
            if total.suppressed
            else words.words.number(total.value, RATIO_DIGITS.get(measure, 0))
        )
        spark = sparkline(f"spark-{measure.value}", name, observations(series), words.words, min_cell=context.min_cell)
        board.headline.append((name, value, spark))


def _map_into(context: Context, query: IndicatorQuery, measure: Measure, board: Dashboard) -> None:
    """The measure's map by first-level region, or its ranking as bars when no outlines fit."""
    words = context.words
    ranking = context.indicators.ranking(measure, query, Dimension.REGION, 1, 1000)
    title = words.title("map", measure=words.measure(measure.value))
    country = map_country([(row.key, row.cell) for row in ranking.rows], context.filters.country)
    drawn = region_map("map", title, ranking, words, country, context.min_cell) if country else None
    board.extra["country"] = country or ""
    if drawn is None:
        drawn = ranking_chart("map", title, ranking, words, words.map.region, context.min_cell)
    board.charts.append(drawn)


def _gap_chart(context: Context, report: SkillsReport) -> Chart:
    words = context.words
    rows = [SkillGap(row.label, row.demand, row.supply.value, row.gap, row.supply.suppressed) for row in report.rows]
    return skills_gap_chart("gap", words.title("gap"), rows, words.words, words.gap, min_cell=context.min_cell)


def occupations(context: Context) -> Dashboard:
    """A measure by occupation at an ISCO level (0: ESCO occupations), largest first."""
    service, words, filters = context.indicators, context.words, context.filters
    query = filters.query(service)
    measure = filters.measure_or(Measure.VACANCIES_NEW)
    ranking = service.ranking(measure, query, Dimension.OCCUPATION, filters.level_or(None), 25)
    title = words.title("occupations", measure=words.measure(measure.value))
    board = Dashboard(extra={"query": query, "measure": measure, "level": ranking.level, "total": ranking.total})
    board.charts.append(
        ranking_chart("ranking", title, ranking, words, words.title("occupation_head"), context.min_cell)
    )
    return board


def regions(context: Context) -> Dashboard:
    """A measure by first-level region on the map of one country, with the table of every region."""
    service, filters = context.indicators, context.filters
    query = filters.query(service)
    measure = filters.measure_or(Measure.VACANCIES_NEW)
    board = Dashboard(extra={"query": query, "measure": measure})
    _map_into(context, query, measure, board)
    return board


def skills(context: Context) -> Dashboard:
    """Skills demand, supply and gap, emerging skills with their significance, digital and green shares."""
    service, words = context.indicators, context.words
    query = context.filters.query(service)
    report = skills_report(service, query, 20)
    board = Dashboard(extra={"query": query, "report": report})
    demand = [Bar(row.label, row.demand) for row in report.rows]
    share = words.words.percent
    board.charts.append(
        bar_chart("demand", words.title("demand"), demand, words.words, head=(words.gap.skill, words.gap.demand),
                  fmt=share, min_cell=context.min_cell)
    )  # fmt: skip
    board.charts.append(_gap_chart(context, report))
    rising = sorted((r for r in report.rows if r.emerging), key=lambda r: -(r.growth or 0.0))
    emerging = [Bar(row.label, row.growth) for row in rising]
    board.charts.append(
        bar_chart("emerging", words.title("emerging"), emerging, words.words,
                  head=(words.gap.skill, words.title("growth")), fmt=share, min_cell=context.min_cell)
    )  # fmt: skip
    collections = [Bar(words.title("digital"), report.digital_share), Bar(words.title("green"), report.green_share)]
    board.charts.append(
        bar_chart("collections", words.title("collections"), collections, words.words,
                  head=(words.gap.skill, words.gap.demand), fmt=share, min_cell=context.min_cell)
    )  # fmt: skip
    return board


Wages = Callable[[list[tuple[str, str]]], tuple[dict[tuple[str, str], float], list[tuple[str, str, str]]]]


def pay(context: Context, wages: Wages | None = None) -> Dashboard:
    """Advertised yearly pay by occupation or region (in each currency), beside official wages when known."""
    service, words, filters = context.indicators, context.words, context.filters
    query = filters.query(service)
    by = Dimension.REGION if filters.by == "region" else Dimension.OCCUPATION
    found = service.pay(query, by, filters.level_or(None))
    shown = found.rows[:30]
    official, sources = (
        wages([(row.key, row.currency) for row in shown]) if wages and by is Dimension.OCCUPATION else ({}, [])
    )
    rows = [
        PayRange(f"{row.label} ({row.currency})", row.postings, row.p10, row.p25, row.p50, row.p75, row.p90,
                 official.get((row.key, row.currency)))
        for row in shown
    ]  # fmt: skip
    head = words.title("occupation_head") if by is Dimension.OCCUPATION else words.map.region
    title = words.title("pay", by=words.title(by.value))
    board = Dashboard(extra={"query": query, "by": by.value, "sources": sources})
    board.charts.append(pay_chart("pay", title, rows, words.words, words.pay, head=head))
    return board
