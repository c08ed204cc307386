"""Which external series to draw next to a platform indicator, why they match, and the attribution to print.

The dashboards' contract (issue 8 item 3): given a platform indicator and the dimensions a chart
shows (country, occupation, region, sector), `comparable_series` returns the stored official
series that measure the same or a close thing for the same slice: the Indeed postings index and
JOLTS job openings beside platform postings and vacancies, OEWS median wages beside advertised
pay for an occupation (ISCO-08 -> SOC through the taxonomy's crosswalks), LMIA approvals beside
Canadian vacancies. Their observations come from `analytics.series.get_series`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lmis.analytics.series_model import ExternalSeries
from lmis.analytics.series_ports import SeriesUnitOfWork
from lmis.shared.errors import Invalid, did_you_mean
from lmis.taxonomy.crosswalk import MAX_HOPS, chain
from lmis.taxonomy.ports import TaxonomyRepository
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ISCO_08, SOC_2010, SOC_2018

# Platform indicator (analytics.model.Measure values, plus "advertised_pay") -> external measures
# worth drawing beside it, the most direct first.
COMPARABLE: Mapping[str, tuple[str, ...]] = {
    "postings_new": ("postings_index", "job_openings", "lmia_approved_positions"),
    "vacancies_new": ("postings_index", "job_openings", "lmia_approved_positions"),
    "postings_open": ("postings_index", "job_openings"),
    "vacancies_open": ("job_openings", "postings_index"),
    "posting_intensity": ("postings_index",),
    "tightness": ("job_openings", "unemployment_rate"),
    "seekers_new": ("initial_claims",),
    "seekers_active": ("unemployment_rate", "underutilisation_rate", "continued_claims"),
    "placements": ("hires",),
    "advertised_pay": ("wage_median", "wage_hourly_mean"),
    "employment": ("employment",),
}
ALL_OCCUPATIONS = "SOC:00-0000"
_SOC = re.compile(r"(?:SOC:)?([0-9]{2}-[0-9]{4})", re.IGNORECASE)
# ISCO-08 reaches SOC 2010 in one step (BLS's own table) and SOC 2018 in three (via O*NET-SOC 2010);
# longer routes only add weaker matches and take seconds on the full taxonomy (0.45 s -> 0.15 s for 2512).
_HOPS = {(ISCO_08.code, SOC_2010.code): 1, (ISCO_08.code, SOC_2018.code): 3}


@dataclass(frozen=True, slots=True)
class Comparable:
    """An external series to draw beside a platform indicator.

    `why` says how it matches, in words a chart can show ("SOC 29-1141 via ISCO-08 2221");
    `confidence` is 1 for an exact match of every dimension, the crosswalk route's confidence
    (0-1) for an occupation reached through crosswalks; `attribution` is the line to print under
    the chart (the publisher's attribution and the licence); `notes` the caveats to show with it.
    """

    series: ExternalSeries
    why: str
    confidence: float
    attribution: str
    notes: str


def comparable_series(
    indicator: str,
    *,
    uow: SeriesUnitOfWork,
    country: str | None = None,
    occupation: str | None = None,
    region: str | None = None,
    sector: str | None = None,
    limit: int = 20,
) -> list[Comparable]:
    """The external series to show next to platform `indicator` for one slice, best first (at most `limit`).

    `indicator` is a platform measure (`COMPARABLE`'s keys: postings_new, vacancies_open,
    advertised_pay, ...) or an external measure itself (`wage_median`). `country` is ISO 3166-1
    alpha-2; `occupation` an ISCO-08 code (1-4 digits; shorter codes take every unit group in
    them), an ISCO-08 or ESCO occupation concept id, or a SOC code (`SOC:29-1141`); `region` an
    ISO 3166-2 code or a name as the series has it (`US-CA`, `London`); `sector` an Indeed sector.
    Without a dimension only series without it are returned (national, all-sector, all-occupation
    totals), so the lines drawn describe the same slice as the chart. An empty list means nothing
    stored compares; an unknown indicator or occupation is `Invalid` with suggestions.
    """
    with uow:
        measures = _measures(indicator, uow.series.choices("measure"))
        occupations = _soc_codes(occupation, uow.taxonomy) if occupation else {}
        wanted = {f"SOC:{code}" for code in occupations} if occupation else None
        place = country.strip().upper() if country else None
        candidates = uow.series.described(measures, country=place, occupations=wanted)
    ranked = [_ranked(s, indicator, measures, region, sector, occupation, occupations) for s in candidates]
    return [item for _rank, item in sorted((r for r in ranked if r), key=lambda pair: pair[0])][:limit]


def _ranked(
    series: ExternalSeries,
    indicator: str,
    measures: tuple[str, ...],
    region: str | None,
    sector: str | None,
    occupation: str | None,
    occupations: Mapping[str, tuple[float, str]],
) -> tuple[tuple[object, ...], Comparable] | None:
    """The series as a comparable with its sort key, or None when it does not describe the chart's slice."""
    dimensions = series.info.dimensions
    if not (_matches(dimensions, "region", region) and _matches(dimensions, "sector", sector)):
        return None
    noc = dimensions.get("noc_category")
    matched = _occupation(dimensions.get("occupation") or (f"NOC:{noc}" if noc else None), occupation, occupations)
    if matched is None:
        return None
    why, confidence = matched
    rank = (measures.index(series.info.measure), -confidence, _preference(indicator, dimensions), series.info.name)
    return rank, _comparable(series, why, confidence)


def _measures(indicator: str, stored: list[str]) -> tuple[str, ...]:
    if indicator in COMPARABLE:
        return COMPARABLE[indicator]
    if indicator in stored:
        return (indicator,)
    known = sorted({*COMPARABLE, *stored})
    raise Invalid(
        f"{indicator!r} is neither a platform indicator nor a stored external measure",
        field="indicator",
        suggestions=did_you_mean(indicator, known),
    )


def _matches(dimensions: Mapping[str, str], name: str, wanted: str | None) -> bool:
    """With `wanted`: the series has that value (code or name, any case); without: it has no such dimension."""
    if wanted is None:
        return name not in dimensions
    values = {dimensions.get(name, "").lower(), dimensions.get(f"{name}_name", "").lower()}
    return wanted.strip().lower() in values - {""}


def _occupation(
    series_occupation: str | None, asked: str | None, socs: Mapping[str, tuple[float, str]]
) -> tuple[str, float] | None:
    if asked is None:
        if series_occupation in (None, ALL_OCCUPATIONS):
            return ("same slice", 1.0)
        return None
    if series_occupation is None:
        return None
    hit = socs.get(series_occupation.removeprefix("SOC:"))
    return None if hit is None else (hit[1], hit[0])


def _preference(indicator: str, dimensions: Mapping[str, str]) -> int:
    """0 for the closest variant: new postings for flows, total for stocks; seasonally adjusted first."""
    wanted = "new" if indicator.endswith("_new") else "total"
    return (dimensions.get("variable", wanted) != wanted) + (dimensions.get("adjustment", "SA") != "SA")


def _comparable(series: ExternalSeries, why: str, confidence: float) -> Comparable:
    info = series.info
    attribution = (
        info.attribution if info.licence in info.attribution else f"{info.attribution} Licence: {info.licence}."
    )
    return Comparable(series, why, round(confidence, 4), attribution, info.notes)


def _soc_codes(occupation: str, taxonomy: TaxonomyRepository) -> dict[str, tuple[float, str]]:
    """SOC codes (2010 and 2018) of an occupation, each with the best route's confidence and a description."""
    text = occupation.strip()
    soc = _SOC.fullmatch(text)
    if soc:
        return {soc.group(1): (1.0, f"SOC {soc.group(1)}")}
    starts = _starts(text, taxonomy)
    found: dict[str, tuple[float, str]] = {}
    for scheme, code, shown in starts:
        for target in (SOC_2010.code, SOC_2018.code):
            routes = chain(
                (scheme, code),
                target,
                lambda nodes: [(m.mapping, m.crosswalk) for m in taxonomy.mappings_touching(nodes)],
                max_hops=_HOPS.get((scheme, target), MAX_HOPS),
            )
            for route in routes:
                if route.confidence > found.get(route.code, (0.0, ""))[0]:
                    found[route.code] = (route.confidence, f"SOC {route.code} via {shown}")
    return found


def _starts(text: str, taxonomy: TaxonomyRepository) -> list[tuple[str, str, str]]:
    """(scheme, code or URI, how to say it) to start crosswalk routes from."""
    if text.isdigit() and 1 <= len(text) <= 4:
        codes = [text] if len(text) == 4 else taxonomy.codes_starting(ISCO_08.code, text, limit=1_000)
        units = [code for code in codes if len(code) == 4]
        if not units:
            raise Invalid(f"{text!r} is not an ISCO-08 group with unit groups", field="occupation")
        return [(ISCO_08.code, code, f"ISCO-08 {code}") for code in units]
    record = taxonomy.concept(text)
    if record is None or record.concept.scheme not in (ISCO_08.code, ESCO_OCCUPATION.code):
        raise Invalid(
            f"{text!r} is not an ISCO-08 code, an ISCO-08 or ESCO occupation id, or a SOC code (SOC:29-1141)",
            field="occupation",
        )
    concept = record.concept
    if concept.scheme == ISCO_08.code:
        return _starts(concept.code, taxonomy)
    return [(ESCO_OCCUPATION.code, concept.uri or concept.code, f"ESCO {concept.label}")]
