"""The evidence pages' content: programme effects with their intervals and balance table (`analytics.programmes`),
and official series beside the platform's own indicator with their source and licence (`analytics.series`)."""

from __future__ import annotations

from collections.abc import Callable

from lmis.analytics import programmes as evaluation
from lmis.analytics import series as official
from lmis.analytics.indicators import IndicatorService
from lmis.analytics.model import Grain, Measure
from lmis.analytics.programme_model import Estimate, Outcome, OutcomeEffect, ProgrammeEvaluation
from lmis.analytics.series_compare import comparable_series
from lmis.analytics.series_model import ExternalSeries, period_text
from lmis.analytics.series_ports import SeriesFilter
from lmis.identity.model import Principal
from lmis.shared.errors import Invalid
from lmis.storage.uow import SqlUnitOfWork
from lmis.web.portal.analytics_build import Dashboard, trend_chart
from lmis.web.portal.analytics_filters import Filters
from lmis.web.portal.analytics_words import ChartWords
from lmis.web.portal.charts import Chart, Observation, Table, TableCell
from lmis.web.portal.charts_bars import Effect, forest_chart
from lmis.web.portal.charts_line import line_chart

EMPLOYMENT = (Outcome.EMPLOYED_3M, Outcome.EMPLOYED_6M, Outcome.EMPLOYED_12M)
SERIES_SHOWN = 100  # most series offered in the chooser (the largest page)


def programmes(
    uow: Callable[[], SqlUnitOfWork], actor: Principal, filters: Filters, words: ChartWords, min_cell: int
) -> Dashboard:
    """The chosen programme's effects (employment in percentage points, earnings, days to a job) and balance."""
    listed = evaluation.list_programmes(uow=uow(), actor=actor, min_cell=min_cell)
    options = [(s.programme.id, s.programme.name) for s in listed.programmes]
    board = Dashboard(extra={"programmes": options})
    if not options:
        return board
    chosen = filters.programme or options[0][0]
    board.extra["chosen"] = chosen
    found = evaluation.evaluate_programme(chosen, uow=uow(), actor=actor, min_cell=min_cell)
    board.charts += _effect_charts(found, words, min_cell)
    main = next((e for e in found.effects if e.outcome is Outcome.EMPLOYED_12M), None)
    board.extra["balance"] = [balance_table(main, words)] if main and main.balance else []
    board.notes += [s.suppressed for s in listed.programmes if s.programme.id == chosen and s.suppressed]
    return board


def _estimate(label: str, estimate: Estimate, scale: float = 1.0) -> Effect:
    if estimate.suppressed or estimate.value is None:
        return Effect(label, None, None, None, True)
    low = estimate.low * scale if estimate.low is not None else None
    high = estimate.high * scale if estimate.high is not None else None
    return Effect(label, estimate.value * scale, low, high)


def _effect_charts(found: ProgrammeEvaluation, words: ChartWords, min_cell: int) -> list[Chart]:
    by_outcome = {effect.outcome: effect for effect in found.effects}
    t, name = words.title, found.programme.name
    employed = [_estimate(t(o.value), by_outcome[o].matched, 100.0) for o in EMPLOYMENT if o in by_outcome]
    points = lambda v: words.words.number(v, 1) + " " + t("points")  # noqa: E731
    charts: list[Chart] = [
        forest_chart("employment", t("effects_employment", programme=name), employed, words.words, words.effect,
                     fmt=points, min_cell=min_cell)
    ]  # fmt: skip
    others = [(Outcome.EARNINGS_AFTER, "earnings"), (Outcome.DAYS_TO_JOB, "days")]
    for outcome, key in others:
        effect = by_outcome.get(outcome)
        if effect is None:
            continue
        rows = [_estimate(t("matched"), effect.matched), _estimate(t("naive"), effect.naive)]
        if effect.did is not None:
            rows.append(_estimate(t("did"), effect.did))
        title = t(f"effects_{key}", programme=name)
        fmt = words.words.compact if key == "earnings" else (lambda v: words.words.number(v, 0) + " " + t("days"))
        charts.append(forest_chart(key, title, rows, words.words, words.effect, fmt=fmt, min_cell=min_cell))
    return charts


def balance_table(effect: OutcomeEffect, words: ChartWords) -> Table:
    """Covariate balance before and after matching: standardised mean differences and variance ratios."""
    t, number = words.title, words.words.number
    head = (t("covariate"), t("smd_before"), t("smd_after"), t("ratio_after"), t("balanced"))
    rows: list[tuple[TableCell, ...]] = []
    for row in effect.balance:
        if row.suppressed:
            hidden = TableCell(row.suppressed, "", True)
            rows.append((TableCell(row.covariate), hidden, hidden, hidden, hidden))
            continue
        verdict = "—" if row.balanced is None else t("yes") if row.balanced else t("no")
        cells = [TableCell(number(v, 3), f"{v:.6g}") if v is not None else TableCell("—") for v in
                 (row.smd_before, row.smd_after, row.variance_ratio_after)]  # fmt: skip
        rows.append((TableCell(row.covariate), *cells, TableCell(verdict)))
    return Table(t("balance"), head, tuple(rows))


def official_series(
    uow: Callable[[], SqlUnitOfWork], indicators: IndicatorService, filters: Filters, words: ChartWords
) -> Dashboard:
    """The chosen external series as a line, the platform's new postings by month beside it, and the source."""
    page = official.list_series(SeriesFilter(), cursor=None, limit=SERIES_SHOWN, uow=uow())
    options = [(s.series.id, f"{s.series.info.name} ({s.series.info.source})") for s in page.items]
    board = Dashboard(extra={"series_options": options, "sources": []})
    if not options:
        return board
    comparable = comparable_series(Measure.POSTINGS_NEW.value, uow=uow(), limit=1)
    chosen = filters.series or (comparable[0].series.id if comparable else options[0][0])
    board.extra["chosen"] = chosen
    view = official.get_series(chosen, uow=uow())
    info = view.series.info
    known = [o for o in view.observations if o.value is not None]
    history = [Observation(period_text(o.period, info.frequency), o.value) for o in known]
    board.charts.append(line_chart("series", info.name, history, [], words.words, unit=info.unit))
    query = filters.query(indicators)
    platform = indicators.series(Measure.POSTINGS_NEW, query, Grain.MONTH)
    title = words.title("platform", measure=words.measure(Measure.POSTINGS_NEW.value))
    board.charts.append(trend_chart("platform", title, platform, words, None, indicators.min_cell)[0])
    board.extra["sources"] = [_source(view.series)]
    return board


def _source(series: ExternalSeries) -> tuple[str, str, str]:
    info = series.info
    return info.publisher, info.licence, " ".join(part for part in (info.attribution, info.notes) if part)


# Advertised pay is compared with official wages of the country whose currency it is in.
CURRENCY_COUNTRY = {"USD": "US", "KRW": "KR", "GBP": "GB", "IDR": "ID", "CAD": "CA", "EUR": ""}


def official_wages(
    uow: Callable[[], SqlUnitOfWork], groups: list[tuple[str, str]]
) -> tuple[dict[tuple[str, str], float], list[tuple[str, str, str]]]:
    """The latest official median wage of each (occupation key, currency) group where a comparable annual
    series is stored, and the sources to credit; groups with no comparable series are left out."""
    wages: dict[tuple[str, str], float] = {}
    sources: dict[str, tuple[str, str, str]] = {}
    for occupation, currency in groups:
        country = CURRENCY_COUNTRY.get(currency)
        if not country:
            continue
        try:
            found = comparable_series("advertised_pay", uow=uow(), country=country, occupation=occupation, limit=1)
        except Invalid:  # an occupation the crosswalks cannot place
            continue
        unit = found[0].series.info.unit if found else ""
        if not (unit.startswith(currency) and unit.endswith(("a year", "per year"))):
            continue  # hourly or other-currency wages are not comparable with yearly advertised pay
        view = official.get_series(found[0].series.id, uow=uow())
        values = [o.value for o in view.observations if o.value is not None]
        if values:
            wages[(occupation, currency)] = values[-1]
            sources[view.series.id] = _source(view.series)
    return wages, list(sources.values())
