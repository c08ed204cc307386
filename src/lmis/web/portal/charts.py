"""Server-side SVG charts, part 1: the chart value (SVG + data table + CSV), SVG building, scales, numbers,
the trend line with forecast bands and the sparkline.

Every chart is an `<svg role="img">` whose `<title>` and `<desc>` give its name and a text summary
of the data, drawn with presentation attributes only (the portal's CSP allows no inline style) in
the Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal Design"). Meaning never
rests on colour alone: the forecast is dashed with hollow markers after a labelled divider, and a
suppressed cell is hatched and labelled "suppressed (fewer than N)". Every label is escaped: labels
come from job ads and imports.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from babel.numbers import format_compact_decimal, format_decimal, format_percent

# Okabe-Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow; grey for suppressed.
BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY = "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9"
INK, MUTED, GRID, PAPER = "#1a1a1a", "#5f6368", "#d9d9d9", "#ffffff"
HATCH_INK, HATCH_PAPER = "#6e6e6e", "#ececec"
FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK KR', 'Malgun Gothic', sans-serif"
LONG_TABLE = 12  # tables with more rows than this are collapsed in a <details>


@dataclass(frozen=True)
class Words:
    """The translated words and sentence patterns charts use (`%(name)s` placeholders), and the locale."""

    locale: str = "en"
    suppressed: str = "suppressed (fewer than %(n)s)"
    no_data: str = "no data"
    observed: str = "Observed"
    forecast: str = "Forecast"
    band80: str = "80%% interval"
    band95: str = "95%% interval"
    period: str = "Period"
    low: str = "low"
    high: str = "high"
    series_summary: str = (
        "%(first)s to %(last)s: lowest %(low)s (%(low_at)s), highest %(high)s (%(high_at)s), latest %(latest)s."
    )
    forecast_summary: str = (
        "Forecast for %(at)s: %(mean)s (80%% interval %(lo80)s to %(hi80)s, 95%% interval %(lo95)s to %(hi95)s)."
    )
    suppressed_count: str = "%(count)s of the values are suppressed (fewer than %(n)s)."
    ranking_summary: str = "Largest: %(items)s."
    empty: str = "Nothing to show for these filters."

    def text(self, pattern: str, **values: object) -> str:
        """`pattern` with its placeholders filled (a translation that lost a placeholder falls back to the pattern)."""
        try:
            return pattern % values if values else pattern.replace("%%", "%")
        except (KeyError, ValueError, TypeError):
            return pattern

    def suppressed_label(self, n: int) -> str:
        return self.text(self.suppressed, n=n)

    def number(self, value: float | None, digits: int = 1) -> str:
        """`value` in the locale's digits and separators (at most `digits` decimals); an em dash for None."""
        if value is None or not math.isfinite(value):
            return "—"
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def compact(self, value: float) -> str:
        """Short tick labels: 1.2K, 3.4M (만/억 in Korean, rb/jt in Indonesian)."""
        if abs(value) < 10_000:
            return self.number(value, 2 if abs(value) < 10 else 0)
        return format_compact_decimal(value, format_type="short", locale=self.locale, fraction_digits=1)

    def percent(self, share: float | None, digits: int = 1) -> str:
        if share is None or not math.isfinite(share):
            return "—"
        return format_percent(share, format="#,##0." + "#" * digits + "%", locale=self.locale)


@dataclass(frozen=True)
class TableCell:
    """One cell of a chart's data table: what it shows, the raw value for CSV, and whether it was suppressed."""

    text: str
    raw: str = ""
    suppressed: bool = False


@dataclass(frozen=True)
class Table:
    """The data behind a chart: the first cell of each row is its row header."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    notes: tuple[str, ...] = ()

    @property
    def long(self) -> bool:
        return len(self.rows) > LONG_TABLE


@dataclass(frozen=True)
class Chart:
    """A drawn chart: `key` names it on its page (element ids, download links); `svg` is complete markup."""

    key: str
    title: str
    desc: str
    svg: str
    table: Table
    kind: str = "chart"

    def csv(self) -> str:
        """The table as CSV: raw values, suppressed cells empty and named in a last `note` column."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([*map(safe_csv, self.table.head), "note"])
        for row in self.table.rows:
            notes = [cell.text for cell in row if cell.suppressed]
            values = [safe_csv(cell.raw if cell.raw or cell.suppressed else cell.text) for cell in row]
            writer.writerow([*values, safe_csv("; ".join(dict.fromkeys(notes)))])
        return out.getvalue()


def safe_csv(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): leading = + - @ tab CR get a quote."""
    if value and value[0] in "=+-@\t\r" and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


# -- SVG building ------------------------------------------------------------------------------------------------


def esc(value: object) -> str:
    """Text or attribute value, escaped for XML (quotes too)."""
    return escape(str(value), quote=True)


def el(tag: str, attrs: dict[str, object] | None = None, *children: str) -> str:
    """An SVG element; attribute values are escaped, children are markup already (use `esc` for text)."""
    rendered = "".join(f' {name.rstrip("_").replace("_", "-")}="{esc(value)}"' for name, value in (attrs or {}).items())
    return f"<{tag}{rendered}>{''.join(children)}</{tag}>" if children else f"<{tag}{rendered}/>"


def text(x: float, y: float, content: str, **attrs: object) -> str:
    return el("text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs}, esc(content))


def hatch_id(key: str) -> str:
    return f"{key}-hatch"


def svg_root(key: str, width: int, height: int, title: str, desc: str, *body: str) -> str:
    """The `<svg role="img">` with its accessible name (title) and description, the hatch pattern and `body`."""
    hatch = el(
        "pattern",
        {"id": hatch_id(key), "width": 6, "height": 6, "patternUnits": "userSpaceOnUse",
         "patternTransform": "rotate(45)"},
        el("rect", {"width": 6, "height": 6, "fill": HATCH_PAPER}),
        el("line", {"x1": 0, "y1": 0, "x2": 0, "y2": 6, "stroke": HATCH_INK, "stroke_width": 2}),
    )  # fmt: skip
    attrs: dict[str, object] = {
        "xmlns": "http://www.w3.org/2000/svg",
        "role": "img",
        "aria-labelledby": f"{key}-title",  # the name; the description below is the text alternative
        "aria-describedby": f"{key}-desc",
        "viewBox": f"0 0 {width} {height}",
        "width": width,
        "height": height,
        "class": "chart-svg",
        "font-family": FONT,
        "font-size": 12,
        "fill": INK,
    }
    head = el("title", {"id": f"{key}-title"}, esc(title)) + el("desc", {"id": f"{key}-desc"}, esc(desc))
    background = el("rect", {"width": width, "height": height, "fill": PAPER})
    rendered = "".join(f' {name}="{esc(value)}"' for name, value in attrs.items())
    return f"<svg{rendered}>{head}<defs>{hatch}</defs>{background}{''.join(body)}</svg>"


def text_width(value: str, size: float = 12) -> float:
    """An estimate of rendered width: wide (CJK, Hangul) characters count double."""
    return sum(size * (1.0 if ord(char) > 0x2E7F else 0.58) for char in value)


def clip(value: str, width: float, size: float = 12) -> str:
    """`value` shortened with an ellipsis to fit `width` (the full text stays in the data table)."""
    if text_width(value, size) <= width:
        return value
    while value and text_width(value + "…", size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


# -- scales ------------------------------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (Heckbert 1990, "Nice numbers for graph labels")."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks if ticks[-1] >= high else [*ticks, round(value, 10)]


@dataclass(frozen=True)
class Scale:
    """A linear map from data values [low, high] to pixels [start, end]."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


def y_axis(scale: Scale, ticks: Sequence[float], left: float, right: float, label: Callable[[float], str]) -> str:
    """Horizontal grid lines with their labels at the left."""
    parts = []
    for tick in ticks:
        y = scale(tick)
        parts.append(el("line", {"x1": left, "y1": f"{y:.1f}", "x2": right, "y2": f"{y:.1f}", "stroke": GRID}))
        parts.append(text(left - 6, y + 4, label(tick), text_anchor="end", fill=MUTED))
    return "".join(parts)


def thin_labels(count: int, room: float, each: float) -> list[int]:
    """Indices of category labels to print so that they do not overlap (first and last always)."""
    if count <= 0:
        return []
    fits = max(int(room // max(each, 1.0)), 2)
    step = max(1, math.ceil(count / fits))
    chosen = list(range(0, count, step))
    if chosen[-1] != count - 1:
        if count - 1 - chosen[-1] < step and len(chosen) > 1:
            chosen.pop()
        chosen.append(count - 1)
    return chosen


def legend(items: Iterable[tuple[str, str]], x: float, y: float, right: float = 10_000.0) -> str:
    """Legend entries in rows from (x, y), wrapping before `right`: (swatch drawn in a 24 x 12 box, label)."""
    parts, cursor = [], x
    for swatch, label in items:
        width = 30 + text_width(label) + 18
        if cursor > x and cursor + width - 18 > right:
            cursor, y = x, y + 18
        parts.append(el("g", {"transform": f"translate({cursor:.1f},{y - 10:.1f})"}, swatch))
        parts.append(text(cursor + 30, y, label))
        cursor += width
    return "".join(parts)


# -- the trend line with forecast bands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """One observed period: its label and value, or a suppressed cell."""

    label: str
    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Projection:
    """One forecast period: the mean and the bounds of its 80 % and 95 % prediction intervals."""

    label: str
    mean: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float


def value_cell(value: float | None, suppressed: bool, words: Words, min_cell: int, digits: int = 1) -> TableCell:
    """A table cell for a number, or the suppressed label."""
    if suppressed:
        return TableCell(words.suppressed_label(min_cell), "", True)
    if value is None:
        return TableCell("—", "")
    return TableCell(words.number(value, digits), f"{value:.6g}")


def share_cell(share: float | None, suppressed: bool, words: Words, min_cell: int) -> TableCell:
    if suppressed:
        return TableCell(words.suppressed_label(min_cell), "", True)
    if share is None:
        return TableCell("—", "")
    return TableCell(words.percent(share), f"{share:.6g}")
