"""Indeed Hiring Lab Job Postings Index files: daily indices by country, occupational sector and sub-national region.

Reads a folder laid out like github.com/hiring-lab/job_postings_tracker (or one of its files,
plain or gzipped) and tells each file's kind by its columns: `aggregate_job_postings_{CC}` (total
and new postings, seasonally adjusted and not), `job_postings_by_sector_{CC}`, US states, Canadian
provinces and metros, UK regions and cities. Every series is a 7-day trailing average indexed to
100 on 1 February 2020. Licence CC BY 4.0; attribution "Indeed Hiring Lab, Job Postings Index".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from lmis.analytics.series_model import Flag, Frequency, Problem, SeriesData, SeriesInfo, SeriesReading
from lmis.shared.progress import Progress
from lmis.sources.canada_lmia import PROVINCES
from lmis.sources.series_files import LINE, as_numbers, begin_files, csv_files, payload_of, read_frame

PUBLISHER = "Indeed Hiring Lab"
LICENCE = "CC BY 4.0"
ATTRIBUTION = "Indeed Hiring Lab, Job Postings Index (CC BY 4.0)"
METHOD_CHANGE = date(2024, 11, 1)  # Hiring Lab re-estimated every series with a new seasonal adjustment then
_NOTE = (
    "Indeed job postings, 7-day trailing average, indexed to 100 on 1 February 2020. In November 2024 "
    "Hiring Lab moved to a daily seasonal adjustment (Deutsche Bundesbank method) and revised all history, "
    "so levels from files published before then are not comparable with later ones."
)
COUNTRIES = {
    "AU": "Australia", "CA": "Canada", "DE": "Germany", "EA": "euro area", "ES": "Spain", "FR": "France",
    "GB": "United Kingdom", "IE": "Ireland", "IT": "Italy", "NL": "Netherlands", "US": "United States",
    "JP": "Japan", "MX": "Mexico", "BR": "Brazil", "IN": "India", "SG": "Singapore", "NZ": "New Zealand",
}  # fmt: skip
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip
# The column naming the region in each regional layout -> (country, kind of region).
_REGIONAL = {"state": ("US", "state"), "province": ("CA", "province"), "metro": ("", "metro"), "region": ("", "region")}
_REGIONAL["cities"] = ("", "city")
_KEYS = {"aggregate": ["jobcountry", "variable"], "sector": ["jobcountry", "variable", "display_name"]}
_VALUES = {
    True: ("indeed_job_postings_index_sa", "indeed_job_postings_index_nsa"),
    False: ("indeed_job_postings_index",),
}
_DAY = "_day"


def read_indeed(path: Path, *, progress: Progress, source: str = "indeed") -> SeriesReading:
    """Daily postings-index series from the Indeed folder `path` (or one file of it).

    Series: per country total/new x SA/NSA; per country x sector (SA, as published); per region
    (SA): US states and Canadian provinces (ISO 3166-2 codes), UK regions, Canadian metros and UK
    cities (names as published). Files of another layout (the sector job-title examples) are
    skipped and named in the notes; rows with a bad date or index are rejected with their problems.
    """
    reading = SeriesReading(source)
    files = csv_files(path)
    begin_files(files, progress, f"Reading {len(files)} Indeed file(s)")
    for file in files:
        frame = read_frame(file, progress, bar=False)
        kind = _kind(frame.columns)
        if kind is None:
            columns = ", ".join(c for c in frame.columns if c != LINE)
            reading.notes.append(f"skipped {file.name}: not a postings-index layout ({columns})")
            continue
        reading.locations.append(str(file))
        reading.rows += frame.height
        last = _read_frame(file, kind, frame, reading)
        if last is not None and last < METHOD_CHANGE:
            reading.notes.append(f"{file.name} ends {last.isoformat()}, before the November 2024 revision")
    return reading


def _kind(header: list[str]) -> str | None:
    if {"indeed_job_postings_index_sa", "indeed_job_postings_index_nsa", "variable", "jobcountry"} <= set(header):
        return "aggregate"
    if {"indeed_job_postings_index", "variable", "jobcountry", "display_name"} <= set(header):
        return "sector"
    if "indeed_job_postings_index" in header and "date" in header:
        return next((column for column in _REGIONAL if column in header), None)
    return None


def _read_frame(file: Path, kind: str, frame: pl.DataFrame, reading: SeriesReading) -> date | None:
    columns = _VALUES[kind == "aggregate"]
    keys = _KEYS.get(kind, [kind])
    frame = frame.with_columns(
        pl.col("date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias(_DAY),
        *(as_numbers(column).alias(f"_{column}") for column in columns),
        *(pl.col(key).fill_null("").str.strip_chars() for key in keys),
    )
    broken = pl.col(_DAY).is_null() | pl.any_horizontal(pl.col(f"_{c}").is_null() for c in columns)
    for record in frame.filter(broken).iter_rows(named=True):
        _reject(reading, str(file), record, columns)
    frame = frame.filter(~broken)
    fallback = _country_of(file)
    fed: list[SeriesData] = []
    for key_values, group in frame.group_by(keys, maintain_order=True):
        key = _key(kind, [str(v) for v in key_values], fallback)
        periods, lines = group[_DAY].to_list(), group[LINE].to_list()
        for info, column in _targets(key, reading.source, str(file)):
            fed.append(_data(reading, info))
            fed[-1].extend(periods, group[f"_{column}"].to_list(), Flag.NONE, lines)
    last: date | None = frame[_DAY].max() if frame.height else None  # type: ignore[assignment]
    if last is not None and last < METHOD_CHANGE:
        for data in fed:
            data.info = _with_note(data.info, f"This file ends {last.isoformat()}, before that revision.")
    return last


def _reject(reading: SeriesReading, location: str, record: dict[str, object], columns: tuple[str, ...]) -> None:
    problems: list[Problem] = []
    if record[_DAY] is None:
        problems.append(Problem("date", str(record.get("date") or ""), "is not a date (YYYY-MM-DD)"))
    problems += [
        Problem(column, str(record.get(column) or ""), "is not a number")
        for column in columns
        if record[f"_{column}"] is None
    ]
    original = {name: value for name, value in record.items() if not name.startswith("_")}
    reading.reject(location, int(str(record[LINE])), payload_of(original), *problems)


def _data(reading: SeriesReading, info: SeriesInfo) -> SeriesData:
    data = reading.series.get(info.code)
    if data is None:
        data = reading.series[info.code] = SeriesData(info)
    return data


def _key(kind: str, values: list[str], fallback: str) -> tuple[str, str, str, str]:
    """What tells a group's series apart: (kind, country, variable, sector or region)."""
    if kind == "aggregate":
        return (kind, values[0].upper() or fallback, _variable(values[1]), "")
    if kind == "sector":
        return (kind, values[0].upper() or fallback, _variable(values[1]), values[2])
    return (kind, _REGIONAL[kind][0] or fallback, "", values[0])


def _targets(key: tuple[str, str, str, str], source: str, location: str) -> list[tuple[SeriesInfo, str]]:
    """The series a group of `key` feeds and the column each reads."""
    kind, country, variable, label = key
    if kind == "aggregate":
        return [
            (_aggregate(source, country, variable, adjusted, location), f"indeed_job_postings_index_{adjusted.lower()}")
            for adjusted in ("SA", "NSA")
        ]
    if kind == "sector":
        return [(_sector(source, country, variable, label, location), "indeed_job_postings_index")]
    return [(_region(source, country, _REGIONAL[kind][1], label, location), "indeed_job_postings_index")]


def _variable(text: str) -> str:
    return text.strip().lower().removesuffix(" postings") or "total"


def _info(source: str, code: str, name: str, dimensions: dict[str, str], location: str) -> SeriesInfo:
    return SeriesInfo(
        source=source,
        code=code,
        name=name,
        measure="postings_index",
        unit="index, 1 February 2020 = 100",
        frequency=Frequency.DAY,
        dimensions=dimensions,
        publisher=PUBLISHER,
        licence=LICENCE,
        attribution=ATTRIBUTION,
        location=location,
        notes=_NOTE,
    )


def _aggregate(source: str, country: str, variable: str, adjusted: str, location: str) -> SeriesInfo:
    how = "seasonally adjusted" if adjusted == "SA" else "not seasonally adjusted"
    dimensions = {"country": country, "variable": variable, "adjustment": adjusted}
    name = f"Indeed job postings index, {COUNTRIES.get(country, country)}, {variable} postings, {how}"
    return _info(source, f"aggregate/{country}/{variable}/{adjusted}", name, dimensions, location)


def _sector(source: str, country: str, variable: str, sector: str, location: str) -> SeriesInfo:
    dimensions = {"country": country, "sector": sector, "variable": variable, "adjustment": "SA"}
    name = f"Indeed job postings index, {COUNTRIES.get(country, country)}, {sector}, {variable} postings"
    return _info(source, f"sector/{country}/{variable}/{sector}", name, dimensions, location)


def _region(source: str, country: str, region_type: str, region: str, location: str) -> SeriesInfo:
    code = f"{country}-{region.upper()}" if region_type in ("state", "province") else region
    named = {**{f"US-{k}": v for k, v in US_STATES.items()}, **PROVINCES}.get(code, region)
    dimensions = {
        "country": country, "region": code, "region_name": named, "region_type": region_type, "adjustment": "SA"
    }  # fmt: skip
    name = f"Indeed job postings index, {COUNTRIES.get(country, country)}, {named}"
    return _info(source, f"{region_type}/{country}/{code}", name, dimensions, location)


def _country_of(file: Path) -> str:
    """The country a regional file is about: its folder (`GB/`) or its name's suffix (`regional_gb`)."""
    folder = file.parent.name.upper()
    if len(folder) == 2 and folder.isalpha():
        return folder
    stem = file.name.split(".")[0]
    return stem.rsplit("_", 1)[-1].upper() if "_" in stem else ""


def _with_note(info: SeriesInfo, note: str) -> SeriesInfo:
    if note in info.notes:
        return info
    return SeriesInfo(
        info.source, info.code, info.name, info.measure, info.unit, info.frequency, info.dimensions,
        info.publisher, info.licence, info.attribution, info.location, f"{info.notes} {note}",
    )  # fmt: skip
