"""BLS OEWS national files: annual employment (tot_emp) and median annual wage (a_median) per SOC occupation.

Reads the long panel of `../shared/data/labor_timeseries/bls_oews_national_*.csv.gz` (columns year,
occ_code, occ_title, o_group, tot_emp, a_median, soc_basis, ...) and files of the same format,
also one year's BLS file saved as CSV (upper-case columns, no year column: the year comes from a
`M2024` in the file name). BLS symbols stay symbols: `*` and `**` (not available) and `#` (top-coded
wage) become empty values with a flag, never numbers. Source: https://www.bls.gov/oes/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lmis.analytics.series_model import Flag, Frequency, Problem, SeriesData, SeriesInfo, SeriesReading
from lmis.shared.errors import MalformedFile
from lmis.shared.progress import Progress
from lmis.sources.series_files import CsvRow, read_csv, value_or_flag

PUBLISHER = "U.S. Bureau of Labor Statistics (BLS), Occupational Employment and Wage Statistics (OEWS)"
LICENCE = "Public domain (U.S. Government work)"
ATTRIBUTION = "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics."
FLAGS = {"*": Flag.NOT_AVAILABLE, "**": Flag.NOT_AVAILABLE, "#": Flag.TOP_CODED}
# column -> (measure, unit, words in the series name)
MEASURES = {
    "tot_emp": ("employment", "persons", "employment"),
    "a_median": ("wage_median", "USD a year", "median annual wage"),
}
_SOC = re.compile(r"[0-9]{2}-[0-9]{4}")
_YEAR_IN_NAME = re.compile(r"M((?:19|20)[0-9]{2})")
_FINEST = ("detailed", "broad", "minor", "major", "total")
_NOTE = (
    "National OEWS estimates for May of each year. Occupation codes follow SOC 2010 up to 2018, a SOC "
    "2010/2018 hybrid in 2019-2020 and SOC 2018 from 2021; a code's content can change at those breaks. "
)
_FLAG_NOTE = (
    "Published symbols are kept as flags with no value: * and ** not available, # top-coded (at or above "
    "the highest wage OEWS publishes that year)."
)


@dataclass
class _Occupation:
    """What the rows of one SOC code say: its latest title and group, and the SOC basis of each year."""

    title: str = ""
    group: str = ""
    year: int = 0
    bases: dict[int, str] = field(default_factory=dict)
    hourly_only: set[int] = field(default_factory=set)


def read_oews(path: Path, *, progress: Progress, source: str = "bls_oews") -> SeriesReading:
    """Series of employment and median annual wage by SOC code (annual, periods 1 January of the May year).

    Rows with an unreadable year or code, or values that are neither numbers nor BLS symbols, are
    rejected with every problem (a row's readable measures are still used). A code listed twice in
    a year (BLS lists a broad group with a single detailed occupation at both levels) is read once
    when the values agree; a second row that disagrees is rejected.
    """
    header, rows = read_csv(path, progress)
    year_in_name = _YEAR_IN_NAME.search(path.name)
    missing = [c for c in ("occ_code", *MEASURES) if c not in header]
    if "year" not in header and year_in_name is None:
        missing.append("year")
    if missing:
        raise MalformedFile(f"the header lacks column(s) {', '.join(missing)}", path=str(path), line=1)
    reading = SeriesReading(source, [str(path)])
    occupations: dict[str, _Occupation] = {}
    seen: dict[tuple[str, int, str], tuple[float | None, Flag, int]] = {}
    values: dict[tuple[str, str], SeriesData] = {}
    for row in rows:
        reading.rows += 1
        year_text = row.get("year") or (year_in_name.group(1) if year_in_name else "")
        problems = _key_problems(row, year_text)
        if not problems:
            year, code = int(year_text), row.get("occ_code")
            _remember(occupations.setdefault(code, _Occupation()), row, year)
            problems = _measures(row, code, year, seen, values, str(path))
        if problems:
            reading.reject(str(path), row.line, row.payload, *problems)
    merged = sum(len(v.periods) for v in values.values())
    _describe(values, occupations, source, str(path), reading)
    reading.notes.append(f"{merged} observations of {len(occupations)} SOC codes")
    return reading


def _key_problems(row: CsvRow, year_text: str) -> list[Problem]:
    problems: list[Problem] = []
    if not (year_text.isdigit() and 1900 <= int(year_text) <= 2200):
        problems.append(Problem("year", year_text, "is not a year"))
    if not _SOC.fullmatch(row.get("occ_code")):
        problems.append(Problem("occ_code", row.get("occ_code"), "is not a SOC code (NN-NNNN)"))
    return problems


def _remember(occupation: _Occupation, row: CsvRow, year: int) -> None:
    group = row.get("o_group").lower()
    if year > occupation.year or (year == occupation.year and _rank(group) < _rank(occupation.group)):
        occupation.title, occupation.group, occupation.year = row.get("occ_title"), group, year
    occupation.bases[year] = row.get("soc_basis") or occupation.bases.get(year, "")
    if row.get("hourly").upper() == "TRUE":
        occupation.hourly_only.add(year)


def _rank(group: str) -> int:
    return _FINEST.index(group) if group in _FINEST else len(_FINEST)


def _measures(
    row: CsvRow,
    code: str,
    year: int,
    seen: dict[tuple[str, int, str], tuple[float | None, Flag, int]],
    values: dict[tuple[str, str], SeriesData],
    location: str,
) -> list[Problem]:
    problems: list[Problem] = []
    for column in MEASURES:
        text = row.get(column)
        try:
            value, flag = value_or_flag(text, FLAGS)
        except ValueError:
            problems.append(Problem(column, text, "is not a number, *, ** or #"))
            continue
        first = seen.setdefault((code, year, column), (value, flag, row.line))
        if first[2] != row.line:
            if (first[0], first[1]) != (value, flag):
                problems.append(Problem(column, text, f"differs from the row of {code} in {year} at line {first[2]}"))
            continue
        data = values.get((code, column))
        if data is None:
            data = values[(code, column)] = SeriesData(_placeholder(code, column, location))
        data.add(date(year, 1, 1), value, flag, row.line)
    return problems


def _placeholder(code: str, column: str, location: str) -> SeriesInfo:
    measure, unit, _words = MEASURES[column]
    return SeriesInfo("", code, "", measure, unit, Frequency.YEAR, {}, PUBLISHER, LICENCE, ATTRIBUTION, location)


def _describe(
    values: dict[tuple[str, str], SeriesData],
    occupations: dict[str, _Occupation],
    source: str,
    location: str,
    reading: SeriesReading,
) -> None:
    for (code, column), data in sorted(values.items()):
        occupation = occupations[code]
        measure, unit, words = MEASURES[column]
        notes = _NOTE + f"This code: {_bases(occupation.bases)}."
        if column == "a_median":
            notes += " " + _FLAG_NOTE
            if occupation.hourly_only:
                notes += f" Only hourly wages are published in {_years(sorted(occupation.hourly_only))}."
        data.info = SeriesInfo(
            source=source,
            code=f"US/{code}/{column}",
            name=f"{occupation.title or code}: {words} (OEWS, United States)",
            measure=measure,
            unit=unit,
            frequency=Frequency.YEAR,
            dimensions={"country": "US", "occupation": f"SOC:{code}", "o_group": occupation.group or "unknown"},
            publisher=PUBLISHER,
            licence=LICENCE,
            attribution=ATTRIBUTION,
            location=location,
            notes=notes,
        )
        reading.series[data.info.code] = data


def _bases(bases: dict[int, str]) -> str:
    """'SOC2010 2011-2018; SOC2018 2021-2023' from the basis of each year."""
    spans: dict[str, list[int]] = {}
    for year in sorted(bases):
        spans.setdefault(bases[year] or "basis not stated", []).append(year)
    return "; ".join(f"{basis} {_years(years)}" for basis, years in spans.items())


def _years(years: list[int]) -> str:
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
