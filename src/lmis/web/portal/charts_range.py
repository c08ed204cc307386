"""Server-side SVG charts, part 5: the pay distribution (10th-90th percentile line, middle half bar, median tick)
with the official wage of the same group as a diamond beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lmis.web.portal.charts import (
    BLUE,
    INK,
    MUTED,
    SKY,
    VERMILLION,
    Chart,
    Scale,
    Table,
    TableCell,
    Words,
    clip,
    el,
    legend,
    nice_ticks,
    svg_root,
    text,
    text_width,
    value_cell,
)

ROW = 28
LABEL_MAX = 230


@dataclass(frozen=True)
class PayRange:
    """One group's advertised pay quantiles, how many postings they come from, and an official wage if known."""

    label: str
    postings: int
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float
    official: float | None = None


@dataclass(frozen=True)
class PayWords:
    """The pay chart's own words."""

    median: str = "Median"
    middle: str = "Middle half (25th to 75th percentile)"
    range: str = "10th to 90th percentile"
    official: str = "Official wage"
    item: str = "%(label)s: median %(median)s (middle half %(p25)s to %(p75)s)"
    postings: str = "Postings"


def pay_chart(
    key: str, title: str, rows: Sequence[PayRange], words: Words, pay_words: PayWords, *, head: str,
    fmt: Callable[[float], str] | None = None, width: int = 720,
) -> Chart:  # fmt: skip
    """A row per group: its spread of advertised yearly pay, the median marked, the official wage as a diamond."""
    show = fmt or words.compact
    label_w = min(max((text_width(r.label) for r in rows), default=40.0), LABEL_MAX) + 12
    values = [v for r in rows for v in (r.p10, r.p90, r.official) if v is not None]
    ticks = nice_ticks(min(values or [0.0]), max(values or [1.0]))
    xs = Scale(ticks[0], ticks[-1], label_w + 8, width - 16)
    top = 58.0
    bottom = top + max(len(rows), 1) * ROW
    height = int(bottom + 28)
    parts = [_frame(xs, ticks, top, bottom, show, pay_words, width)]
    for index, row in enumerate(rows):
        y = top + index * ROW + ROW / 2
        parts.append(text(label_w, y + 4, clip(row.label, label_w - 12), text_anchor="end"))
        parts.append(_spread(row, xs, y))
    if not rows:
        parts.append(text(width / 2, top + 20, words.text(words.empty), text_anchor="middle", fill=MUTED))
    desc = " ".join(
        [title + "."]
        + [
            words.text(pay_words.item, label=r.label, median=show(r.p50), p25=show(r.p25), p75=show(r.p75))
            for r in rows[:8]
        ]
    )
    table_head = (head, pay_words.postings, "P10", "P25", pay_words.median, "P75", "P90", pay_words.official)
    table_rows = tuple(
        (TableCell(r.label), TableCell(words.number(r.postings, 0), str(r.postings)),
         *(value_cell(v, False, words, 0, 0) for v in (r.p10, r.p25, r.p50, r.p75, r.p90, r.official)))
        for r in rows
    )  # fmt: skip
    svg = svg_root(key, width, height, title, desc, *parts)
    return Chart(key, title, desc, svg, Table(title, table_head, table_rows), "pay")


def _frame(
    xs: Scale, ticks: Sequence[float], top: float, bottom: float, show: Callable[[float], str], pay_words: PayWords,
    width: int,
) -> str:  # fmt: skip
    parts = []
    for tick in ticks:
        x = f"{xs(tick):.1f}"
        parts.append(el("line", {"x1": x, "y1": top - 4, "x2": x, "y2": bottom, "stroke": "#e6e6e6"}))
        parts.append(text(xs(tick), bottom + 16, show(tick), text_anchor="middle", fill=MUTED, font_size=11))
    items = [
        (el("line", {"x1": 0, "y1": 6, "x2": 24, "y2": 6, "stroke": INK, "stroke_width": 1.5}), pay_words.range),
        (el("rect", {"width": 24, "height": 12, "fill": SKY}), pay_words.middle),
        (el("line", {"x1": 12, "y1": 0, "x2": 12, "y2": 12, "stroke": BLUE, "stroke_width": 3}), pay_words.median),
        (_diamond(12, 6), pay_words.official),
    ]
    return "".join(parts) + legend(items, 8, 16, width - 8)


def _diamond(x: float, y: float) -> str:
    points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
    return el("polygon", {"points": points, "fill": VERMILLION, "stroke": "#ffffff", "stroke_width": 1})


def _spread(row: PayRange, xs: Scale, y: float) -> str:
    parts = [
        el("line", {"x1": f"{xs(row.p10):.1f}", "y1": y, "x2": f"{xs(row.p90):.1f}", "y2": y, "stroke": INK,
                    "stroke_width": 1.5}),
        el("rect", {"x": f"{xs(row.p25):.1f}", "y": y - 7, "width": f"{max(xs(row.p75) - xs(row.p25), 1):.1f}",
                    "height": 14, "fill": SKY}),
        el("line", {"x1": f"{xs(row.p50):.1f}", "y1": y - 9, "x2": f"{xs(row.p50):.1f}", "y2": y + 9, "stroke": BLUE,
                    "stroke_width": 3}),
    ]  # fmt: skip
    if row.official is not None:
        parts.append(_diamond(xs(row.official), y))
    return "".join(parts)
