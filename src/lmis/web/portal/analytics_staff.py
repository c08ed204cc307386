"""The operations page's content: today's flows, recommendation click-through and ingest health per partner,
read live from the database (`Services.operations`)."""

from __future__ import annotations

from lmis.analytics.model import Operations
from lmis.web.portal.analytics_build import Dashboard
from lmis.web.portal.analytics_words import ChartWords
from lmis.web.portal.charts import Table, TableCell
from lmis.web.portal.charts_bars import Bar, bar_chart


def operations(today: Operations, words: ChartWords) -> Dashboard:
    """Today's flows as bars, recommendation click-through, and ingestion health per partner."""
    t = words.title
    flows = [
        Bar(t("postings_in"), today.postings_in), Bar(t("postings_out"), today.postings_out),
        Bar(t("registrations"), today.registrations), Bar(t("applications"), today.applications),
        Bar(t("placements"), today.placements), Bar(t("shown"), today.recommendations_shown),
        Bar(t("clicks"), today.recommendation_clicks),
    ]  # fmt: skip
    board = Dashboard(extra={"today": today})
    number = words.words.number
    board.charts.append(
        bar_chart("today", t("operations"), flows, words.words, head=(t("activity"), t("count")),
                  fmt=lambda v: number(v, 0), min_cell=0)
    )  # fmt: skip
    partners = [Bar(source.source, source.new + source.updated) for source in today.sources]
    board.charts.append(
        bar_chart("partners", t("partners"), partners, words.words, head=(t("partner"), t("records")),
                  fmt=lambda v: number(v, 0), min_cell=0)
    )  # fmt: skip
    board.extra["health"] = health_table(today, words)
    return board


def health_table(today: Operations, words: ChartWords) -> Table:
    """Per partner: runs, new, updated, quarantined records today, the last run and its status."""
    t = words.title
    head = (t("partner"), t("runs"), t("new"), t("updated"), t("quarantined"), t("last_run"), t("status"))
    rows = tuple(
        (
            TableCell(s.source),
            *(TableCell(words.words.number(n, 0), str(n)) for n in (s.runs, s.new, s.updated, s.quarantined)),
            TableCell(s.last_run_at.strftime("%H:%M UTC") if s.last_run_at else "—",
                      s.last_run_at.isoformat() if s.last_run_at else ""),
            TableCell(s.last_status or "—"),
        )
        for s in today.sources
    )  # fmt: skip
    return Table(t("health"), head, rows)
