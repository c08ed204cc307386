"""Server-side SVG charts, part 2: the trend line with its forecast and the 80 % and 95 % prediction bands."""

from __future__ import annotations

from collections.abc import Sequence

from lmis.web.portal.charts import (
    BLUE,
    GRID,
    MUTED,
    PAPER,
    SKY,
    VERMILLION,
    Chart,
    Observation,
    Projection,
    Scale,
    Table,
    TableCell,
    Words,
    el,
    hatch_id,
    legend,
    nice_ticks,
    svg_root,
    text,
    text_width,
    thin_labels,
    value_cell,
    y_axis,
)


def line_chart(
    key: str,
    title: str,
    history: Sequence[Observation],
    forecast: Sequence[Projection],
    words: Words,
    *,
    unit: str = "",
    min_cell: int = 10,
    width: int = 720,
    height: int = 320,
) -> Chart:
    """History as a solid line with filled markers; the forecast dashed with hollow markers after a labelled
    divider, over its 95 % and 80 % bands (shaded areas); suppressed periods hatched."""

    desc = line_summary(title, history, forecast, words, min_cell)
    body = draw_line(key, history, forecast, words, unit=unit, min_cell=min_cell, width=width, height=height)
    svg = svg_root(key, width, height, title, desc, body)
    return Chart(key, title, desc, svg, line_table(title, history, forecast, words, min_cell), "line")


def line_summary(
    title: str, history: Sequence[Observation], forecast: Sequence[Projection], words: Words, min_cell: int
) -> str:
    """The text alternative of a trend: range, extremes, latest value, the last forecast and suppressed count."""
    known = [(o.label, o.value) for o in history if o.value is not None and not o.suppressed]
    parts = [title + "."]
    if known:
        low = min(known, key=lambda item: item[1])
        high = max(known, key=lambda item: item[1])
        parts.append(
            words.text(
                words.series_summary, first=history[0].label, last=history[-1].label,
                low=words.number(low[1]), low_at=low[0], high=words.number(high[1]), high_at=high[0],
                latest=words.number(known[-1][1]),
            )
        )  # fmt: skip
    elif not forecast:
        parts.append(words.text(words.empty))
    if forecast:
        end = forecast[-1]
        parts.append(
            words.text(
                words.forecast_summary, at=end.label, mean=words.number(end.mean), lo80=words.number(end.lo80),
                hi80=words.number(end.hi80), lo95=words.number(end.lo95), hi95=words.number(end.hi95),
            )
        )  # fmt: skip
    hidden = sum(1 for o in history if o.suppressed)
    if hidden:
        parts.append(words.text(words.suppressed_count, count=hidden, n=min_cell))
    return " ".join(parts)


def line_table(
    title: str, history: Sequence[Observation], forecast: Sequence[Projection], words: Words, min_cell: int
) -> Table:
    head = (
        words.text(words.period), words.text(words.observed), words.text(words.forecast),
        f"{words.text(words.band80)}: {words.text(words.low)}", f"{words.text(words.band80)}: {words.text(words.high)}",
        f"{words.text(words.band95)}: {words.text(words.low)}", f"{words.text(words.band95)}: {words.text(words.high)}",
    )  # fmt: skip
    blank = TableCell("")
    rows: list[tuple[TableCell, ...]] = [
        (TableCell(o.label), value_cell(o.value, o.suppressed, words, min_cell), blank, blank, blank, blank, blank)
        for o in history
    ]
    for p in forecast:
        numbers = (p.mean, p.lo80, p.hi80, p.lo95, p.hi95)
        rows.append((TableCell(p.label), blank, *(value_cell(n, False, words, min_cell) for n in numbers)))
    return Table(title, head, tuple(rows))


def draw_line(
    key: str,
    history: Sequence[Observation],
    forecast: Sequence[Projection],
    words: Words,
    *,
    unit: str,
    min_cell: int,
    width: int,
    height: int,
) -> str:
    """The drawing of `line_chart` (everything inside the root element)."""
    labels = [o.label for o in history] + [p.label for p in forecast]
    if not labels:
        return text(width / 2, height / 2, words.text(words.empty), text_anchor="middle", fill=MUTED)
    values = [o.value for o in history if o.value is not None and not o.suppressed]
    values += [v for p in forecast for v in (p.lo95, p.hi95, p.mean)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    low = min(low, 0.0) if low >= 0 else low
    ticks = nice_ticks(low, high)
    left = max(text_width(words.compact(t)) for t in ticks) + 14
    top, bottom, right = 44.0, height - 30.0, width - 16.0
    ys = Scale(ticks[0], ticks[-1], bottom, top)
    xs = Scale(0, max(len(labels) - 1, 1), left + 8, right - 8)
    step = (xs.end - xs.start) / max(len(labels) - 1, 1)
    parts = [y_axis(ys, ticks, left, right, words.compact)]
    if unit:
        parts.append(text(4, top - 14, unit, fill=MUTED, font_size=11))
    parts += [_suppressed_columns(key, history, xs, step, top, bottom)]
    parts += [_bands(history, forecast, xs, ys), _history(history, xs, ys), _forecast(history, forecast, xs, ys)]
    if forecast and history:
        parts.append(_divider(xs(len(history) - 1), top, bottom, words))
    for index in thin_labels(len(labels), right - left, max(text_width(label) for label in labels) + 12):
        parts.append(text(xs(index), bottom + 18, labels[index], text_anchor="middle", fill=MUTED))
    parts.append(el("line", {"x1": left, "y1": bottom, "x2": right, "y2": bottom, "stroke": MUTED}))
    parts.append(legend(_legend_items(key, history, forecast, words, min_cell), left, 16))
    return "".join(parts)


def _suppressed_columns(
    key: str, history: Sequence[Observation], xs: Scale, step: float, top: float, bottom: float
) -> str:
    width = max(step, 6.0)
    return "".join(
        el("rect", {"x": f"{xs(i) - width / 2:.1f}", "y": top, "width": f"{width:.1f}", "height": f"{bottom - top:.1f}",
                    "fill": f"url(#{hatch_id(key)})"})
        for i, o in enumerate(history) if o.suppressed
    )  # fmt: skip


def _segments(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known points (a gap breaks the line: nothing is drawn across a missing value)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _polyline(points: Sequence[tuple[float, float]], **attrs: object) -> str:
    return el("polyline", {"points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points), "fill": "none", **attrs})


def _history(history: Sequence[Observation], xs: Scale, ys: Scale) -> str:
    points = [None if o.value is None or o.suppressed else (xs(i), ys(o.value)) for i, o in enumerate(history)]
    parts = [_polyline(run, stroke=BLUE, stroke_width=2.5) for run in _segments(points)]
    if len(history) <= 60:
        parts += [
            el("circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": 3, "fill": BLUE}) for x, y in filter(None, points)
        ]
    return "".join(parts)


def _anchor(history: Sequence[Observation], xs: Scale, ys: Scale) -> tuple[float, float] | None:
    """The last observed point when it is the last period (the forecast line starts there)."""
    if history and history[-1].value is not None and not history[-1].suppressed:
        return xs(len(history) - 1), ys(history[-1].value)
    return None


def _forecast(history: Sequence[Observation], forecast: Sequence[Projection], xs: Scale, ys: Scale) -> str:
    if not forecast:
        return ""
    offset = len(history)
    points = [(xs(offset + i), ys(p.mean)) for i, p in enumerate(forecast)]
    anchor = _anchor(history, xs, ys)
    line = _polyline(([anchor] if anchor else []) + points, stroke=VERMILLION, stroke_width=2.5, stroke_dasharray="7 5")
    markers = "".join(
        el(
            "circle",
            {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": 3.5, "fill": PAPER, "stroke": VERMILLION, "stroke_width": 2},
        )
        for x, y in points
    )
    return line + markers


def _bands(history: Sequence[Observation], forecast: Sequence[Projection], xs: Scale, ys: Scale) -> str:
    if not forecast:
        return ""
    offset = len(history)
    anchor = _anchor(history, xs, ys)
    parts = []
    for low, high, opacity in (("lo95", "hi95", 0.22), ("lo80", "hi80", 0.45)):
        upper = [(xs(offset + i), ys(float(getattr(p, high)))) for i, p in enumerate(forecast)]
        lower = [(xs(offset + i), ys(float(getattr(p, low)))) for i, p in enumerate(forecast)][::-1]
        outline = ([anchor] if anchor else []) + upper + lower
        parts.append(
            el("polygon", {"points": " ".join(f"{x:.1f},{y:.1f}" for x, y in outline), "fill": SKY,
                           "fill_opacity": opacity, "stroke": SKY, "stroke_width": 0.5})
        )  # fmt: skip
    return "".join(parts)


def _divider(x: float, top: float, bottom: float, words: Words) -> str:
    line = el("line", {"x1": f"{x:.1f}", "y1": top - 4, "x2": f"{x:.1f}", "y2": bottom, "stroke": MUTED,
                       "stroke_dasharray": "2 3"})  # fmt: skip
    return line + text(x + 6, top + 8, words.text(words.forecast) + " →", fill=MUTED, font_size=11)


def _legend_items(
    key: str, history: Sequence[Observation], forecast: Sequence[Projection], words: Words, min_cell: int
) -> list[tuple[str, str]]:
    items = [
        (el("line", {"x1": 0, "y1": 6, "x2": 24, "y2": 6, "stroke": BLUE, "stroke_width": 2.5})
         + el("circle", {"cx": 12, "cy": 6, "r": 3, "fill": BLUE}), words.text(words.observed)),
    ]  # fmt: skip
    if forecast:
        items += [
            (el("line", {"x1": 0, "y1": 6, "x2": 24, "y2": 6, "stroke": VERMILLION, "stroke_width": 2.5,
                         "stroke_dasharray": "7 5"})
             + el("circle", {"cx": 12, "cy": 6, "r": 3.5, "fill": PAPER, "stroke": VERMILLION, "stroke_width": 2}),
             words.text(words.forecast)),
            (el("rect", {"width": 24, "height": 12, "fill": SKY, "fill_opacity": 0.67}), words.text(words.band80)),
            (el("rect", {"width": 24, "height": 12, "fill": SKY, "fill_opacity": 0.22, "stroke": GRID}),
             words.text(words.band95)),
        ]  # fmt: skip
    if any(o.suppressed for o in history):
        items.append(
            (
                el("rect", {"width": 24, "height": 12, "fill": f"url(#{hatch_id(key)})"}),
                words.suppressed_label(min_cell),
            )
        )
    return items


# -- the sparkline -------------------------------------------------------------------------------------------------


def sparkline(
    key: str, title: str, history: Sequence[Observation], words: Words, *, min_cell: int = 10,
    width: int = 160, height: int = 36,
) -> Chart:  # fmt: skip
    """A small line without axes: the shape of a headline figure's recent history, last point marked."""
    desc = line_summary(title, history, (), words, min_cell)
    known = [o.value for o in history if o.value is not None and not o.suppressed]
    body = ""
    if known:
        low, high = min(known), max(known)
        xs = Scale(0, max(len(history) - 1, 1), 3, width - 5)
        ys = Scale(low, high if high > low else low + 1, height - 4, 4)
        segments: list[list[str]] = []
        current: list[str] = []
        for index, o in enumerate(history):
            if o.value is None or o.suppressed:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append(f"{xs(index):.1f},{ys(o.value):.1f}")
        segments.append(current)
        body = "".join(
            el("polyline", {"points": " ".join(s), "fill": "none", "stroke": BLUE, "stroke_width": 2})
            for s in segments
            if s
        )
        last = next((i, o) for i, o in reversed(list(enumerate(history))) if o.value is not None and not o.suppressed)
        body += el("circle", {"cx": f"{xs(last[0]):.1f}", "cy": f"{ys(last[1].value or 0):.1f}", "r": 3, "fill": BLUE})
    svg = svg_root(key, width, height, title, desc, body)
    head = (words.text(words.period), title)
    rows = tuple((TableCell(o.label), value_cell(o.value, o.suppressed, words, min_cell)) for o in history)
    return Chart(key, title, desc, svg, Table(title, head, rows), "sparkline")
