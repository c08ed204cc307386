"""Server-side SVG charts, part 4: the choropleth map of first-level regions from the shipped outlines
(`data/boundaries/*.json`, see its SOURCE.md), in classes of a colour-blind-safe sequential palette."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lmis.web.portal.charts import (
    MUTED,
    Chart,
    Table,
    TableCell,
    Words,
    el,
    esc,
    hatch_id,
    svg_root,
    text,
    value_cell,
)

# ColorBrewer YlGnBu (Brewer & Harrower 2003): sequential, safe for colour-blind readers, light to dark.
CLASSES = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA = "#ffffff"
OUTLINE = "#8a8a8a"


@dataclass(frozen=True)
class Boundary:
    """A country's first-level regions: id -> (name, SVG path) in a plane of `width` x `height` units."""

    country: str
    width: int
    height: int
    source: str
    regions: dict[str, tuple[str, str]]
    without_shape: tuple[str, ...]


def boundaries_dir() -> Path:
    """The shipped outlines: inside an installed wheel, else `data/boundaries` of the checkout."""
    package = Path(__file__).resolve().parents[2]
    in_wheel = package / "_shipped" / "boundaries"
    return in_wheel if in_wheel.is_dir() else package.parents[1] / "data" / "boundaries"


@lru_cache(maxsize=8)
def load_boundary(country: str) -> Boundary | None:
    """The outlines of `country` (ISO alpha-2), or None when none are shipped."""
    if not country.isalpha() or len(country) != 2:
        return None
    path = boundaries_dir() / f"{country.lower()}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    regions = {rid: (str(r["name"]), str(r["path"])) for rid, r in data["regions"].items()}
    return Boundary(
        data["country"], data["width"], data["height"], data["source"], regions, tuple(data["without_shape"])
    )


def shipped_countries() -> tuple[str, ...]:
    """Countries with shipped outlines (ISO alpha-2)."""
    return tuple(sorted(path.stem.upper() for path in boundaries_dir().glob("*.json")))


@dataclass(frozen=True)
class RegionValue:
    """A region's value, or a suppressed cell."""

    region_id: str
    label: str
    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class MapWords:
    """The map's own words."""

    region: str = "Region"
    no_shape: str = "not drawn: no outline for this region"
    highest: str = "Highest: %(items)s."
    lowest: str = "Lowest: %(items)s."
    missing: str = "%(count)s regions with a value have no outline on the map."
    source: str = "Outlines: %(source)s"
    note: str = "Note"


def class_breaks(values: Sequence[float], classes: int = len(CLASSES)) -> list[float]:
    """Upper bounds of up to `classes` quantile classes (fewer when there are fewer distinct values)."""
    distinct = sorted(set(values))
    if not distinct:
        return []
    if len(distinct) <= classes:
        return distinct
    ordered = sorted(values)
    breaks = [ordered[min(len(ordered) - 1, round(len(ordered) * (i + 1) / classes) - 1)] for i in range(classes)]
    return sorted(set(breaks))


def colour_of(value: float, breaks: Sequence[float]) -> str:
    """The class colour of `value`: palette entries spread over as many classes as there are breaks."""
    index = next((i for i, bound in enumerate(breaks) if value <= bound), len(breaks) - 1)
    if len(breaks) == 1:
        return CLASSES[-2]
    return CLASSES[round(index * (len(CLASSES) - 1) / (len(breaks) - 1))]


def choropleth(
    key: str, title: str, boundary: Boundary, values: Sequence[RegionValue], words: Words, map_words: MapWords, *,
    head: tuple[str, str], fmt: Callable[[float], str] | None = None, min_cell: int = 10, width: int = 760,
) -> Chart:  # fmt: skip
    """Regions shaded by class of value (legend at the right); no value: white; suppressed: hatched."""
    show = fmt or (lambda value: words.number(value))
    by_region = {v.region_id: v for v in values}
    known = [v.value for v in values if v.value is not None and not v.suppressed]
    breaks = class_breaks(known)
    map_w, map_h = width - 220, 440
    scale = min(map_w / boundary.width, map_h / boundary.height)
    height = int(max(boundary.height * scale, 260) + 24)
    shapes = []
    for rid, (name, path) in sorted(boundary.regions.items()):
        shapes.append(_region(key, rid, name, path, by_region.get(rid), breaks, words, show, min_cell))
    drawing = el("g", {"transform": f"translate(8,8) scale({scale:.5f})"}, *shapes)
    key_x = boundary.width * scale + 32
    parts = [drawing, _legend(key, breaks, known, key_x, words, show, min_cell)]
    parts.append(text(8, height - 6, words.text(map_words.source, source=boundary.source), fill=MUTED, font_size=9))
    desc = _summary(title, boundary, values, words, map_words, show, min_cell)
    svg = svg_root(key, width, height, title, desc, *parts)
    return Chart(key, title, desc, svg, _table(title, boundary, values, words, map_words, head, show, min_cell), "map")


def _region(
    key: str, rid: str, name: str, path: str, found: RegionValue | None, breaks: Sequence[float], words: Words,
    show: Callable[[float], str], min_cell: int,
) -> str:  # fmt: skip
    if found is not None and found.suppressed:
        fill, said = f"url(#{hatch_id(key)})", words.suppressed_label(min_cell)
    elif found is not None and found.value is not None and breaks:
        fill, said = colour_of(found.value, breaks), show(found.value)
    else:
        fill, said = NO_DATA, words.text(words.no_data)
    attrs = {"d": path, "fill": fill, "stroke": OUTLINE, "stroke_width": 0.8, "fill_rule": "evenodd",
             "vector_effect": "non-scaling-stroke", "data-region": rid}  # fmt: skip
    return el("path", attrs, f"<title>{esc(name)}: {esc(said)}</title>")


def _legend(
    key: str, breaks: Sequence[float], known: Sequence[float], x: float, words: Words, show: Callable[[float], str],
    min_cell: int,
) -> str:  # fmt: skip
    parts, y = [], 20.0
    low = min(known) if known else 0.0
    for index, bound in enumerate(breaks):
        start = low if index == 0 else breaks[index - 1]
        label = show(bound) if index == 0 and start == bound else f"{show(start)} – {show(bound)}"
        parts.append(el("rect", {"x": x, "y": y - 11, "width": 22, "height": 14, "fill": colour_of(bound, breaks),
                                 "stroke": OUTLINE, "stroke_width": 0.5}))  # fmt: skip
        parts.append(text(x + 30, y, label))
        y += 22
    parts.append(el("rect", {"x": x, "y": y - 11, "width": 22, "height": 14, "fill": NO_DATA, "stroke": OUTLINE}))
    parts.append(text(x + 30, y, words.text(words.no_data)))
    y += 22
    parts.append(el("rect", {"x": x, "y": y - 11, "width": 22, "height": 14, "fill": f"url(#{hatch_id(key)})",
                             "stroke": OUTLINE}))  # fmt: skip
    parts.append(text(x + 30, y, words.suppressed_label(min_cell), font_size=11))
    return el("g", {}, *parts) if parts else ""


def _summary(
    title: str, boundary: Boundary, values: Sequence[RegionValue], words: Words, map_words: MapWords,
    show: Callable[[float], str], min_cell: int,
) -> str:  # fmt: skip
    ranked = sorted((v for v in values if v.value is not None and not v.suppressed), key=lambda v: -(v.value or 0))
    parts = [title + "."]
    if ranked:
        parts.append(
            words.text(map_words.highest, items=", ".join(f"{v.label} ({show(v.value or 0)})" for v in ranked[:3]))
        )
        if len(ranked) > 3:
            tail = ranked[-3:][::-1]
            parts.append(
                words.text(map_words.lowest, items=", ".join(f"{v.label} ({show(v.value or 0)})" for v in tail))
            )
    else:
        parts.append(words.text(words.empty))
    hidden = sum(1 for v in values if v.suppressed)
    if hidden:
        parts.append(words.text(words.suppressed_count, count=hidden, n=min_cell))
    missing = sum(1 for v in values if v.region_id not in boundary.regions)
    if missing:
        parts.append(words.text(map_words.missing, count=missing))
    return " ".join(parts)


def _table(
    title: str, boundary: Boundary, values: Sequence[RegionValue], words: Words, map_words: MapWords,
    head: tuple[str, str], show: Callable[[float], str], min_cell: int,
) -> Table:  # fmt: skip
    rows = []
    for v in sorted(values, key=lambda v: (v.suppressed, -(v.value or 0), v.label)):
        cell = value_cell(v.value, v.suppressed, words, min_cell)
        shown = TableCell(show(v.value), cell.raw) if v.value is not None and not v.suppressed else cell
        note = TableCell("") if v.region_id in boundary.regions else TableCell(words.text(map_words.no_shape))
        rows.append((TableCell(v.label), shown, note))
    return Table(title, (*head, map_words.note), tuple(rows))
