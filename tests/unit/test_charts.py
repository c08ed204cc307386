"""The portal's server-side SVG charts: valid SVG with a text alternative, suppressed cells drawn and named,
every label escaped, data tables and CSV that match the drawing."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from lmis.web.portal.charts import Chart, Observation, Projection, Words, nice_ticks, safe_csv
from lmis.web.portal.charts_bars import (
    Bar,
    Effect,
    EffectWords,
    GapWords,
    SkillGap,
    bar_chart,
    forest_chart,
    skills_gap_chart,
)
from lmis.web.portal.charts_line import line_chart, sparkline
from lmis.web.portal.charts_map import MapWords, RegionValue, choropleth, class_breaks, load_boundary
from lmis.web.portal.charts_range import PayRange, PayWords, pay_chart

SVG = "{http://www.w3.org/2000/svg}"
WORDS = Words()
EVIL = "<script>alert('x')</script> & \"Nurses\""


def parsed(chart: Chart) -> ET.Element:
    """The chart's SVG as an element tree (raises on markup that is not well-formed XML)."""
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output, parsed to prove it is well-formed
    assert root.tag == f"{SVG}svg"
    return root


def alternative(root: ET.Element) -> tuple[str, str]:
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    return title.text or "", desc.text or ""


def hatched(root: ET.Element, key: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("fill") == f"url(#{key}-hatch)"]


def history(suppress: int | None = None) -> list[Observation]:
    return [
        Observation(f"2026-{m:02d}", None if m == suppress else 100.0 + 10 * m, m == suppress) for m in range(1, 11)
    ]


FORECAST = [Projection(f"2027-{m:02d}", 210.0 + m, 200.0, 225.0, 190.0, 240.0 + m) for m in range(1, 4)]


def test_a_trend_with_a_forecast_is_valid_svg_whose_description_summarises_history_and_forecast() -> None:
    chart = line_chart("trend", "New vacancies", history(), FORECAST, WORDS, unit="vacancies")
    title, desc = alternative(parsed(chart))
    assert title == "New vacancies"
    assert "2026-01 to 2026-10: lowest 110 (2026-01), highest 200 (2026-10), latest 200." in desc
    assert "Forecast for 2027-03: 213 (80% interval 200 to 225, 95% interval 190 to 243)." in desc


def test_the_forecast_differs_from_history_by_line_style_and_markers_and_its_bands_are_shaded_areas() -> None:
    root = parsed(line_chart("trend", "Vacancies", history(), FORECAST, WORDS))
    lines = root.findall(f"{SVG}polyline")
    dashed = [line for line in lines if line.get("stroke-dasharray")]
    solid = [line for line in lines if not line.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert len(solid) == 1
    assert dashed[0].get("stroke") != solid[0].get("stroke")
    hollow = [c for c in root.findall(f"{SVG}circle") if c.get("fill") == "#ffffff"]
    assert len(hollow) == len(FORECAST)
    bands = root.findall(f"{SVG}polygon")
    assert len(bands) == 2
    assert {b.get("fill-opacity") for b in bands} == {"0.22", "0.45"}
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Forecast →" in labels
    assert "80% interval" in labels
    assert "95% interval" in labels


def test_a_suppressed_period_breaks_the_line_is_hatched_and_is_labelled_in_legend_table_and_text() -> None:
    chart = line_chart("trend", "Jobseekers", history(suppress=5), [], WORDS, min_cell=10)
    root = parsed(chart)
    assert len(root.findall(f"{SVG}polyline")) == 2  # the line stops before the hidden month and starts after it
    assert len(hatched(root, "trend")) == 2  # the month's column and the legend swatch
    assert "suppressed (fewer than 10)" in [t.text for t in root.iter(f"{SVG}text")]
    assert "1 of the values are suppressed (fewer than 10)." in alternative(root)[1]
    may = chart.table.rows[4]
    assert may[0].text == "2026-05"
    assert may[1].suppressed
    assert may[1].text == "suppressed (fewer than 10)"
    rows = list(csv.reader(io.StringIO(chart.csv())))
    assert rows[5][:2] == ["2026-05", ""]
    assert rows[5][-1] == "suppressed (fewer than 10)"


def test_labels_from_ads_and_imports_are_escaped_in_the_svg_the_text_alternative_and_the_table() -> None:
    chart = bar_chart("rank", EVIL, [Bar(EVIL, 12.0), Bar("Cooks", 5.0)], WORDS, head=("Occupation", "Vacancies"))
    assert "<script>" not in chart.svg
    root = parsed(chart)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    title, desc = alternative(root)
    assert title == EVIL
    assert EVIL in desc
    assert any((t.text or "").startswith("<script>alert('x')</script> &") for t in root.iter(f"{SVG}text"))
    assert chart.table.rows[0][0].text == EVIL  # Jinja escapes it again when the table is rendered


def test_a_suppressed_bar_is_hatched_and_labelled_and_the_largest_are_named_in_the_description() -> None:
    bars = [Bar("Nurses", 120.0), Bar("Cooks", 40.0), Bar("Welders", None, suppressed=True)]
    chart = bar_chart("rank", "Placements", bars, WORDS, head=("Occupation", "Placements"), min_cell=10)
    root = parsed(chart)
    assert len(hatched(root, "rank")) == 1
    assert "suppressed (fewer than 10)" in [t.text for t in root.iter(f"{SVG}text")]
    assert "Largest: Nurses (120), Cooks (40). 1 of the values are suppressed (fewer than 10)." in alternative(root)[1]
    assert [cell.suppressed for cell in chart.table.rows[2]] == [False, True]


def test_the_skills_gap_shows_demand_solid_and_supply_outlined_and_hatches_a_suppressed_supply() -> None:
    skills = [
        SkillGap("Python", 0.4, 0.1, 0.6),
        SkillGap("Care", 0.2, 0.3, -0.2),
        SkillGap("Welding", 0.1, None, None, True),
    ]
    chart = skills_gap_chart("gap", "Skills gap", skills, WORDS, GapWords(), min_cell=10)
    root = parsed(chart)
    outlined = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#ffffff" and r.get("stroke")]
    assert len(outlined) == 3  # two supply bars and the legend swatch
    assert len(hatched(root, "gap")) == 2  # Welding's supply and its gap
    assert "Largest shortages: Python (40% / 10%, 0.6)." in alternative(root)[1]
    assert chart.table.head == ("Skill", "Demand: share of vacancies", "Supply: share of jobseekers", "Gap index")
    assert [c.text for c in chart.table.rows[2]][2] == "suppressed (fewer than 10)"


def test_programme_effects_are_drawn_with_intervals_beside_a_labelled_zero_line() -> None:
    effects = [
        Effect("Employed at 6 months", 0.08, 0.03, 0.13),
        Effect("Employed at 12 months", None, None, None, True),
    ]
    chart = forest_chart("fx", "Effects", effects, WORDS, EffectWords(), fmt=WORDS.percent)
    root = parsed(chart)
    assert "no effect" in [t.text for t in root.iter(f"{SVG}text")]
    assert len(root.findall(f"{SVG}line")) >= 4  # axis, zero, the interval and its caps
    desc = alternative(root)[1]
    assert "Employed at 6 months: 8% (95% CI 3% to 13%)." in desc
    assert "Employed at 12 months: suppressed (fewer than 10)." in desc
    assert chart.table.rows[0][1].raw == "0.08"


def test_the_korean_map_has_all_seventeen_regions_and_a_region_without_an_outline_says_so() -> None:
    korea = load_boundary("KR")
    assert korea is not None
    assert len(korea.regions) == 17
    assert "KR-50" in korea.regions
    values = [RegionValue(rid, name, float(i)) for i, (rid, (name, _)) in enumerate(sorted(korea.regions.items()))]
    values[0] = RegionValue(values[0].region_id, values[0].label, None, True)
    chart = choropleth("map", "Vacancies", korea, values, WORDS, MapWords(), head=("Region", "Vacancies"))
    root = parsed(chart)
    shapes = [p for p in root.iter(f"{SVG}path") if p.get("data-region")]
    assert len(shapes) == 17
    assert len({p.get("fill") for p in shapes}) >= 5
    assert hatched(root, "map")[0].get("data-region") == "KR-11"
    indonesia = load_boundary("ID")
    assert indonesia is not None
    assert "ID-KU" in indonesia.without_shape
    north = choropleth("mapi", "Vacancies", indonesia, [RegionValue("ID-KU", "Kalimantan Utara", 3.0)], WORDS,
                       MapWords(), head=("Region", "Vacancies"))  # fmt: skip
    assert north.table.rows[0][2].text == "not drawn: no outline for this region"
    assert "1 regions with a value have no outline on the map." in alternative(parsed(north))[1]


def test_every_shipped_outline_file_covers_its_countries_gazetteer_regions() -> None:
    expected = {"KR": 17, "ID": 33, "GB": 4, "US": 51}
    for country, count in expected.items():
        found = load_boundary(country)
        assert found is not None
        assert len(found.regions) == count
        assert all(rid.startswith(country + "-") for rid in found.regions)
        assert found.width <= 1001
        assert found.height <= 1001
    assert load_boundary("../etc") is None
    assert load_boundary("FR") is None


def test_pay_ranges_show_the_official_wage_and_a_sparkline_summarises_its_series() -> None:
    rows = [PayRange("Nurses (KRW)", 40, 30e6, 34e6, 38e6, 41e6, 45e6, official=39e6)]
    chart = pay_chart("pay", "Pay", rows, WORDS, PayWords(), head="Occupation")
    root = parsed(chart)
    assert len(list(root.iter(f"{SVG}polygon"))) == 2  # the official wage and its legend swatch
    assert "Nurses (KRW): median 38M (middle half 34M to 41M)" in alternative(root)[1]
    spark = sparkline("spark", "Vacancies", history(), WORDS)
    assert "latest 200" in alternative(parsed(spark))[1]


def test_numbers_follow_the_locale_and_a_broken_translation_falls_back_to_its_pattern() -> None:
    korean = Words(locale="ko")
    assert korean.compact(1_234_567) == "123.5만"
    assert Words(locale="id").number(1234.5) == "1.234,5"
    broken = Words(suppressed="disembunyikan (kurang dari %(m)s)")
    assert broken.suppressed_label(10) == "disembunyikan (kurang dari %(m)s)"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted() -> None:
    assert safe_csv('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_csv("-12.5") == "-12.5"
    chart = bar_chart("rank", "R", [Bar("@SUM(A1)", 3.0)], WORDS, head=("Occupation", "Vacancies"))
    assert "'@SUM(A1)" in chart.csv()


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [(0, 97, [0, 25, 50, 75, 100]), (0, 1, [0, 0.25, 0.5, 0.75, 1]), (-0.05, 0.13, [-0.05, 0, 0.05, 0.1, 0.15])],
)
def test_axis_ticks_are_round_numbers_covering_the_data(low: float, high: float, ticks: list[float]) -> None:
    assert nice_ticks(low, high) == pytest.approx(ticks)


def test_map_classes_are_quantiles_and_never_more_than_the_distinct_values() -> None:
    assert class_breaks([1, 2, 3]) == [1, 2, 3]
    assert class_breaks(list(range(1, 101))) == [20, 40, 60, 80, 100]
    assert class_breaks([]) == []
