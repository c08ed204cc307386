"""FRED downloads in long form (`series_id,date,value`), with the catalog file naming and describing them.

Reads `../shared/data/labor_timeseries/us_fred_labor_series.csv` and files of the same format:
FRED's own missing-value mark `.` becomes an empty value flagged not_available. The catalog
(`<file stem>_catalog.csv` beside it, columns series_id and description or title/units/frequency)
gives names; well-known BLS and DOL series have their measure, unit and licence here. Weekly
series keep FRED's date (for ICSA the Saturday that ends the week). Source: https://fred.stlouisfed.org/.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lmis.analytics.series_model import (
    Flag,
    Frequency,
    Problem,
    SeriesData,
    SeriesInfo,
    SeriesReading,
    guess_frequency,
    parse_frequency,
)
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress
from lmis.sources.series_files import read_csv, value_or_flag

PUBLIC_DOMAIN = "Public domain (U.S. Government work)"
BLS = "U.S. Bureau of Labor Statistics, via FRED (Federal Reserve Bank of St. Louis)"
DOL = "U.S. Department of Labor, Employment and Training Administration, via FRED (Federal Reserve Bank of St. Louis)"
FLAGS = {".": Flag.NOT_AVAILABLE, "": Flag.NOT_AVAILABLE}
_WORDS = {"annual": "year", "yearly": "year", "quarterly": "quarter", "monthly": "month", "weekly": "week"}
_WORDS["daily"] = "day"


@dataclass(frozen=True, slots=True)
class Known:
    """What LMIS knows of a FRED series: its measure, unit, publisher and what it is."""

    measure: str
    unit: str
    publisher: str
    name: str


KNOWN = {
    "JTSJOL": Known("job_openings", "thousands", BLS, "Job openings, total nonfarm (JOLTS), seasonally adjusted"),
    "JTSHIL": Known("hires", "thousands", BLS, "Hires, total nonfarm (JOLTS), seasonally adjusted"),
    "JTSQUL": Known("quits", "thousands", BLS, "Quits, total nonfarm (JOLTS), seasonally adjusted"),
    "PAYEMS": Known("employment", "thousands", BLS, "All employees, total nonfarm (CES), seasonally adjusted"),
    "UNRATE": Known("unemployment_rate", "percent", BLS, "Unemployment rate (U-3, CPS), seasonally adjusted"),
    "U6RATE": Known("underutilisation_rate", "percent", BLS, "U-6 labour underutilisation rate (CPS), SA"),
    "CIVPART": Known("participation_rate", "percent", BLS, "Labour force participation rate (CPS), SA"),
    "AHETPI": Known(
        "wage_hourly_mean",
        "USD an hour",
        BLS,
        "Average hourly earnings, production and nonsupervisory employees, total private (CES), SA",
    ),
    "CES0500000003": Known("wage_hourly_mean", "USD an hour", BLS, "Average hourly earnings, all employees, SA"),
    "ICSA": Known("initial_claims", "claims", DOL, "Initial unemployment insurance claims, seasonally adjusted"),
    "CCSA": Known("continued_claims", "claims", DOL, "Continued unemployment insurance claims, SA"),
}
_NOTE_WEEKLY = "Weekly: dated as FRED dates it (for claims, the Saturday that ends the week)."


def read_fred(
    path: Path, *, progress: Progress, source: str = "fred", licence: str | None = None, catalog: Path | None = None
) -> SeriesReading:
    """One series per FRED `series_id`, its frequency from the catalog or guessed from its dates.

    A series LMIS does not know and whose catalog gives no licence needs `licence`; without one
    its rows are rejected ("licence unknown"). Rows with a bad date or value are rejected too.
    """
    header, rows = read_csv(path, progress)
    missing = [c for c in ("series_id", "date", "value") if c not in header]
    if missing:
        raise MalformedFile(f"the header lacks column(s) {', '.join(missing)}", path=str(path), line=1)
    described = _catalog(catalog or _catalog_beside(path))
    reading = SeriesReading(source, [str(path)])
    columns: dict[str, list[tuple[date, float | None, Flag, int, str]]] = defaultdict(list)
    for row in rows:
        reading.rows += 1
        problems: list[Problem] = []
        code, day, value, flag = row.get("series_id"), date.min, None, Flag.NONE
        if not code:
            problems.append(Problem("series_id", "", "is required"))
        try:
            day = date.fromisoformat(row.get("date"))
        except ValueError:
            problems.append(Problem("date", row.get("date"), "is not a date (YYYY-MM-DD)"))
        try:
            value, flag = value_or_flag(row.get("value"), FLAGS)
        except ValueError:
            problems.append(Problem("value", row.get("value"), "is not a number or '.'"))
        if problems:
            reading.reject(str(path), row.line, row.payload, *problems)
            continue
        columns[code].append((day, value, flag, row.line, row.payload))
    for code, points in columns.items():
        _add_series(reading, code, sorted(points), described.get(code, {}), licence, str(path))
    return reading


def _add_series(
    reading: SeriesReading,
    code: str,
    points: list[tuple[date, float | None, Flag, int, str]],
    catalog: dict[str, str],
    licence: str | None,
    location: str,
) -> None:
    known = KNOWN.get(code.upper())
    chosen = licence or catalog.get("licence") or (PUBLIC_DOMAIN if known else "")
    if not chosen:
        problem = Problem("series_id", code, "licence unknown: this series is not one LMIS knows; pass a licence")
        for _day, _value, _flag, line, payload in points:
            reading.reject(location, line, payload, problem)
        return
    frequency = _frequency(catalog, [p[0] for p in points])
    info = _info(reading.source, code, known, catalog, chosen, frequency, location)
    data = reading.series[code] = SeriesData(info)
    for day, value, flag, line, _payload in points:
        data.add(day, value, flag, line)


def _frequency(catalog: dict[str, str], days: list[date]) -> Frequency:
    stated = catalog.get("frequency", "")
    if stated:
        return parse_frequency(_WORDS.get(stated.lower(), stated))
    words = catalog.get("description", "").lower()
    for word, name in _WORDS.items():
        if re.search(rf"\b{word}\b", words):
            return Frequency(name)
    grain = Frequency.MONTH if all(d.day == 1 for d in days) else Frequency.DAY
    if grain is Frequency.MONTH and all(d.month == 1 for d in days) and len(days) > 1:
        grain = Frequency.YEAR
    return guess_frequency(grain, days)


def _info(
    source: str,
    code: str,
    known: Known | None,
    catalog: dict[str, str],
    licence: str,
    frequency: Frequency,
    location: str,
) -> SeriesInfo:
    description = catalog.get("description") or catalog.get("title") or ""
    publisher = known.publisher if known else (catalog.get("publisher") or "FRED, Federal Reserve Bank of St. Louis")
    measure = known.measure if known else re.sub(r"[^a-z0-9_]+", "_", code.lower()).strip("_") or "value"
    notes = f"FRED series {code}." + (f" {description.rstrip('.')}." if description else "")
    if frequency is Frequency.WEEK:
        notes += " " + _NOTE_WEEKLY
    return SeriesInfo(
        source=source,
        code=code,
        name=f"{known.name if known else description or code} ({code})",
        measure=measure if measure[0].isalpha() else f"fred_{measure}",
        unit=known.unit if known else catalog.get("units", ""),
        frequency=frequency,
        dimensions={"country": "US"} if known else {},
        publisher=publisher,
        licence=licence,
        attribution=f"Source: {publisher}, series {code}.",
        location=location,
        notes=notes,
    )


def _catalog_beside(path: Path) -> Path | None:
    stem = path.name.split(".")[0]
    for candidate in (path.with_name(f"{stem}_catalog.csv"), path.with_name(f"{stem}_catalog.csv.gz")):
        if candidate.is_file():
            return candidate
    return None


def _catalog(path: Path | None) -> dict[str, dict[str, str]]:
    """Catalog rows by series id (columns lower-cased); {} without a catalog."""
    if path is None:
        return {}
    from lmis.shared.progress import SilentProgress

    header, rows = read_csv(path, SilentProgress())
    if "series_id" not in header:
        raise MalformedFile("a catalog needs a series_id column", path=str(path), line=1)
    return {row.get("series_id"): {k: v.strip() for k, v in row.values.items()} for row in rows}
