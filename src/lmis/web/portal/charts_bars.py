"""Server-side SVG charts, part 3: the horizontal bar ranking, the skills-gap chart (demand beside supply, and
the gap index diverging from zero) and the interval (forest) plot of programme effects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lmis.web.portal.charts import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PAPER,
    VERMILLION,
    Chart,
    Scale,
    Table,
    TableCell,
    Words,
    clip,
    el,
    hatch_id,
    legend,
    nice_ticks,
    share_cell,
    svg_root,
    text,
    text_width,
    value_cell,
)

ROW = 26  # pixels per bar row
LABEL_MAX = 230  # widest label column before labels are shortened


@dataclass(frozen=True)
class Bar:
    """One member of a ranking: its label and value, or a suppressed cell."""

    label: str
    value: float | None
    suppressed: bool = False


def _label_column(labels: Sequence[str]) -> float:
    return min(max((text_width(label) for label in labels), default=40.0), LABEL_MAX) + 12


def _hatched(key: str, x: float, y: float, width: float, height: float) -> str:
    return el("rect", {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{width:.1f}", "height": f"{height:.1f}",
                       "fill": f"url(#{hatch_id(key)})", "stroke": MUTED, "stroke_width": 0.5})  # fmt: skip


def bar_chart(
    key: str,
    title: str,
    bars: Sequence[Bar],
    words: Words,
    *,
    head: tuple[str, str],
    fmt: Callable[[float], str] | None = None,
    min_cell: int = 10,
    width: int = 720,
) -> Chart:
    """A horizontal bar per member, largest first as given, the value printed at the end of each bar."""
    show = fmt or (lambda value: words.number(value))
    label_w = _label_column([bar.label for bar in bars])
    value_w = max([text_width(show(b.value)) for b in bars if b.value is not None] or [40.0]) + 12
    top, height = 12.0, int(12 + max(len(bars), 1) * ROW + 10)
    high = max([b.value for b in bars if b.value is not None and not b.suppressed] or [1.0]) or 1.0
    xs = Scale(0, high, label_w + 4, width - value_w)
    parts = [el("line", {"x1": xs(0), "y1": top - 4, "x2": xs(0), "y2": height - 8, "stroke": MUTED})]
    for index, bar in enumerate(bars):
        y = top + index * ROW
        parts.append(text(label_w, y + 16, clip(bar.label, label_w - 12), text_anchor="end"))
        if bar.suppressed:
            parts.append(_hatched(key, xs(0), y + 4, 36, ROW - 8))
            parts.append(text(xs(0) + 42, y + 16, words.suppressed_label(min_cell), fill=MUTED))
        elif bar.value is not None:
            end = xs(max(bar.value, 0.0))
            parts.append(el("rect", {"x": f"{xs(0):.1f}", "y": y + 4, "width": f"{max(end - xs(0), 1):.1f}",
                                     "height": ROW - 8, "fill": BLUE}))  # fmt: skip
            parts.append(text(end + 6, y + 16, show(bar.value)))
    if not bars:
        parts.append(text(width / 2, top + 16, words.text(words.empty), text_anchor="middle", fill=MUTED))
    desc = _ranking_summary(title, bars, words, show, min_cell)
    rows = tuple((TableCell(b.label), _formatted(b.value, b.suppressed, words, min_cell, show)) for b in bars)
    svg = svg_root(key, width, height, title, desc, *parts)
    return Chart(key, title, desc, svg, Table(title, head, rows), "bar")


def _formatted(
    value: float | None, suppressed: bool, words: Words, min_cell: int, show: Callable[[float], str]
) -> TableCell:
    cell = value_cell(value, suppressed, words, min_cell)
    return TableCell(show(value), cell.raw) if value is not None and not suppressed else cell


def _ranking_summary(title: str, bars: Sequence[Bar], words: Words, show: Callable[[float], str], min_cell: int) -> str:
    shown = [f"{b.label} ({show(b.value)})" for b in bars if b.value is not None and not b.suppressed][:5]
    parts = [title + "."]
    parts.append(words.text(words.ranking_summary, items=", ".join(shown)) if shown else words.text(words.empty))
    hidden = sum(1 for b in bars if b.suppressed)
    if hidden:
        parts.append(words.text(words.suppressed_count, count=hidden, n=min_cell))
    return " ".join(parts)


# -- skills gap ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillGap:
    """A skill's demand share (of vacancies), supply share (of jobseekers; may be suppressed) and gap index."""

    label: str
    demand: float
    supply: float | None
    gap: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class GapWords:
    """The skills-gap chart's own words."""

    demand: str = "Demand: share of vacancies"
    supply: str = "Supply: share of jobseekers"
    gap: str = "Gap index"
    shortage: str = "more asked than offered"
    surplus: str = "more offered than asked"
    skill: str = "Skill"
    summary: str = "Largest shortages: %(items)s."


def skills_gap_chart(
    key: str, title: str, skills: Sequence[SkillGap], words: Words, gap_words: GapWords, *, min_cell: int = 10,
    width: int = 760,
) -> Chart:  # fmt: skip
    """Left: demand (solid) beside supply (outlined) shares per skill; right: the gap index from -1 to 1, shortages
    to the right, surpluses to the left. Suppressed supply (and so gap) is hatched and labelled."""
    label_w = _label_column([s.label for s in skills])
    top, height = 62.0, int(62 + max(len(skills), 1) * ROW * 1.2 + 8)
    split = label_w + (width - label_w) * 0.42
    high = max([s.demand for s in skills] + [s.supply or 0.0 for s in skills] + [0.01])
    shares = Scale(0, nice_ticks(0, high)[-1], label_w + 4, split - 48)
    gaps = Scale(-1, 1, split + 20, width - 40)
    parts = [_gap_frame(gaps, shares, top, height, words, gap_words)]
    for index, skill in enumerate(skills):
        y = top + index * ROW * 1.2
        parts.append(text(label_w, y + 18, clip(skill.label, label_w - 12), text_anchor="end"))
        parts.append(_share_bars(key, skill, shares, y, words, min_cell))
        parts.append(_gap_bar(key, skill, gaps, y, words))
    desc = _gap_summary(title, skills, words, gap_words, min_cell)
    head = (gap_words.skill, gap_words.demand, gap_words.supply, gap_words.gap)
    rows = tuple(
        (TableCell(s.label), share_cell(s.demand, False, words, min_cell),
         share_cell(s.supply, s.suppressed, words, min_cell), value_cell(s.gap, s.suppressed, words, min_cell, 2))
        for s in skills
    )  # fmt: skip
    svg = svg_root(key, width, height, title, desc, *parts)
    return Chart(key, title, desc, svg, Table(title, head, rows), "skills-gap")


def _gap_frame(gaps: Scale, shares: Scale, top: float, height: float, words: Words, gap_words: GapWords) -> str:
    demand = el("rect", {"width": 24, "height": 10, "y": 1, "fill": BLUE})
    supply = el(
        "rect", {"width": 23, "height": 9, "x": 0.5, "y": 1.5, "fill": PAPER, "stroke": ORANGE, "stroke_width": 2}
    )
    parts = [legend([(demand, gap_words.demand), (supply, gap_words.supply)], 8, 16)]
    parts.append(text(gaps(0), 36, gap_words.gap, text_anchor="middle", font_weight="bold"))
    parts.append(text(gaps(1), 52, gap_words.shortage + " →", text_anchor="end", fill=MUTED, font_size=10))
    parts.append(text(gaps(-1), 52, "← " + gap_words.surplus, fill=MUTED, font_size=10))
    parts.append(el("line", {"x1": gaps(0), "y1": top - 4, "x2": gaps(0), "y2": height - 4, "stroke": INK}))
    parts.append(el("line", {"x1": shares(0), "y1": top - 4, "x2": shares(0), "y2": height - 4, "stroke": MUTED}))
    return "".join(parts)


def _share_bars(key: str, skill: SkillGap, shares: Scale, y: float, words: Words, min_cell: int) -> str:
    x0 = shares(0)
    demand_end = shares(skill.demand)
    parts = [
        el("rect", {"x": f"{x0:.1f}", "y": f"{y + 3:.1f}", "width": f"{max(demand_end - x0, 1):.1f}", "height": 10,
                    "fill": BLUE}),
        text(demand_end + 4, y + 12, words.percent(skill.demand), font_size=11),
    ]  # fmt: skip
    if skill.suppressed or skill.supply is None:
        parts.append(_hatched(key, x0, y + 16, 28, 10))
        parts.append(text(x0 + 32, y + 25, words.suppressed_label(min_cell), fill=MUTED, font_size=11))
        return "".join(parts)
    supply_end = shares(skill.supply)
    parts.append(
        el("rect", {"x": f"{x0 + 1:.1f}", "y": f"{y + 17:.1f}", "width": f"{max(supply_end - x0 - 1, 1):.1f}",
                    "height": 8, "fill": PAPER, "stroke": ORANGE, "stroke_width": 2})
    )  # fmt: skip
    parts.append(text(supply_end + 4, y + 26, words.percent(skill.supply), font_size=11))
    return "".join(parts)


def _gap_bar(key: str, skill: SkillGap, gaps: Scale, y: float, words: Words) -> str:
    if skill.suppressed or skill.gap is None:
        return _hatched(key, gaps(0) - 14, y + 6, 28, 16)
    end, zero = gaps(max(-1.0, min(1.0, skill.gap))), gaps(0)
    colour = VERMILLION if skill.gap > 0 else GREEN
    bar = el("rect", {"x": f"{min(end, zero):.1f}", "y": f"{y + 6:.1f}", "width": f"{max(abs(end - zero), 1):.1f}",
                      "height": 16, "fill": colour})  # fmt: skip
    label = words.number(skill.gap, 2)
    if skill.gap > 0:
        return bar + text(end + 4, y + 18, label, font_size=11)
    return bar + text(end - 4, y + 18, label, text_anchor="end", font_size=11)


def _gap_summary(title: str, skills: Sequence[SkillGap], words: Words, gap_words: GapWords, min_cell: int) -> str:
    short = sorted(
        (s for s in skills if s.gap is not None and not s.suppressed and s.gap > 0), key=lambda s: -(s.gap or 0)
    )
    items = ", ".join(
        f"{s.label} ({words.percent(s.demand)} / {words.percent(s.supply)}, {words.number(s.gap, 2)})"
        for s in short[:5]
    )
    parts = [title + "."]
    parts.append(words.text(gap_words.summary, items=items) if items else words.text(words.empty))
    hidden = sum(1 for s in skills if s.suppressed)
    if hidden:
        parts.append(words.text(words.suppressed_count, count=hidden, n=min_cell))
    return " ".join(parts)


# -- interval (forest) plot ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """An estimated effect with its 95 % confidence interval; `suppressed` when too few people stand behind it."""

    label: str
    estimate: float | None
    low: float | None
    high: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class EffectWords:
    """The interval plot's own words."""

    row: str = "Outcome"
    estimate: str = "Effect"
    low: str = "95%% CI: low"
    high: str = "95%% CI: high"
    no_effect: str = "no effect"
    item: str = "%(label)s: %(estimate)s (95%% CI %(low)s to %(high)s)"


def forest_chart(
    key: str, title: str, effects: Sequence[Effect], words: Words, effect_words: EffectWords, *,
    fmt: Callable[[float], str] | None = None, min_cell: int = 10, width: int = 720,
) -> Chart:  # fmt: skip
    """Each effect as a square at its estimate on a line spanning its 95 % interval, beside a labelled zero line."""
    show = fmt or (lambda value: words.number(value, 2))
    label_w = _label_column([e.label for e in effects])
    known = [v for e in effects if not e.suppressed for v in (e.low, e.high, e.estimate) if v is not None]
    ticks = nice_ticks(min([*known, 0.0]), max([*known, 0.0]))
    text_w = 150.0
    xs = Scale(ticks[0], ticks[-1], label_w + 12, width - text_w)
    top, height = 16.0, int(16 + max(len(effects), 1) * ROW + 40)
    bottom = top + max(len(effects), 1) * ROW
    parts = [_forest_axis(xs, ticks, top, bottom, show, effect_words)]
    for index, effect in enumerate(effects):
        y = top + index * ROW + ROW / 2
        parts.append(text(label_w, y + 4, clip(effect.label, label_w - 12), text_anchor="end"))
        parts.append(_interval(key, effect, xs, y, words, show, min_cell))
    desc = " ".join([title + "."] + [_effect_text(e, words, effect_words, show, min_cell) for e in effects])
    head = (effect_words.row, effect_words.estimate, words.text(effect_words.low), words.text(effect_words.high))
    rows = tuple(
        (TableCell(e.label), *(_formatted(v, e.suppressed, words, min_cell, show) for v in (e.estimate, e.low, e.high)))
        for e in effects
    )
    svg = svg_root(key, width, height, title, desc, *parts)
    return Chart(key, title, desc, svg, Table(title, head, rows), "forest")


def _forest_axis(
    xs: Scale,
    ticks: Sequence[float],
    top: float,
    bottom: float,
    show: Callable[[float], str],
    effect_words: EffectWords,
) -> str:
    parts = [el("line", {"x1": xs.start, "y1": bottom, "x2": xs.end, "y2": bottom, "stroke": MUTED})]
    for tick in ticks:
        parts.append(el("line", {"x1": f"{xs(tick):.1f}", "y1": bottom, "x2": f"{xs(tick):.1f}", "y2": bottom + 4,
                                 "stroke": MUTED}))  # fmt: skip
        parts.append(text(xs(tick), bottom + 16, show(tick), text_anchor="middle", fill=MUTED, font_size=11))
    zero = xs(0)
    parts.append(el("line", {"x1": f"{zero:.1f}", "y1": top - 6, "x2": f"{zero:.1f}", "y2": bottom, "stroke": INK,
                             "stroke_dasharray": "4 3"}))  # fmt: skip
    parts.append(text(zero, bottom + 32, effect_words.no_effect, text_anchor="middle", fill=MUTED, font_size=11))
    return "".join(parts)


def _interval(
    key: str, effect: Effect, xs: Scale, y: float, words: Words, show: Callable[[float], str], min_cell: int
) -> str:
    if effect.suppressed or effect.estimate is None:
        return _hatched(key, xs.start, y - 7, 36, 14) + text(
            xs.start + 42, y + 4, words.suppressed_label(min_cell), fill=MUTED
        )
    parts = []
    if effect.low is not None and effect.high is not None:
        low, high = xs(effect.low), xs(effect.high)
        parts.append(
            el("line", {"x1": f"{low:.1f}", "y1": y, "x2": f"{high:.1f}", "y2": y, "stroke": INK, "stroke_width": 2})
        )
        for x in (low, high):
            parts.append(
                el(
                    "line",
                    {"x1": f"{x:.1f}", "y1": y - 5, "x2": f"{x:.1f}", "y2": y + 5, "stroke": INK, "stroke_width": 2},
                )
            )
    centre = xs(effect.estimate)
    parts.append(el("rect", {"x": f"{centre - 5:.1f}", "y": y - 5, "width": 10, "height": 10, "fill": BLUE}))
    interval = (
        f" ({show(effect.low)} – {show(effect.high)})" if effect.low is not None and effect.high is not None else ""
    )
    parts.append(text(xs.end + 10, y + 4, show(effect.estimate) + interval, font_size=11))
    return "".join(parts)


def _effect_text(
    effect: Effect, words: Words, effect_words: EffectWords, show: Callable[[float], str], min_cell: int
) -> str:
    if effect.suppressed or effect.estimate is None:
        return f"{effect.label}: {words.suppressed_label(min_cell)}."
    low = show(effect.low) if effect.low is not None else "—"
    high = show(effect.high) if effect.high is not None else "—"
    return words.text(effect_words.item, label=effect.label, estimate=show(effect.estimate), low=low, high=high) + "."
