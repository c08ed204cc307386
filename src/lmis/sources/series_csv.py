"""Users' series files in the forecast input contract: `series_id,period,value` (periods YYYY, YYYY-MM or YYYY-MM-DD).

The same format `lmis series export` writes and `lmis forecast --input` reads, so any statistic a
user has (a national office's vacancy survey, a regional count) can sit beside the platform's
indicators. Optional columns: `flag` (not_available, top_coded, estimate), `name` (the series'
name), and any other column, read as a dimension of the series (`country`, `region`, ...; its
first non-empty value per series). An empty value is a value not available. Quarters may be
written YYYY-Qn.
"""

from __future__ import annotations

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
    parse_period,
)
from lmis.shared.errors import Invalid, MalformedFile
from lmis.shared.progress import Progress
from lmis.sources.series_files import CsvRow, number, read_csv

REQUIRED = ("series_id", "period", "value")
_OWN = {*REQUIRED, "flag", "name"}
_GRAIN_WORDS = {
    Frequency.YEAR: "YYYY",
    Frequency.QUARTER: "YYYY-Qn",
    Frequency.MONTH: "YYYY-MM",
    Frequency.DAY: "YYYY-MM-DD",
}


@dataclass(frozen=True, slots=True)
class Description:
    """What the user says of every series in the file (the file itself says only ids, periods and values)."""

    source: str
    measure: str
    unit: str
    licence: str
    publisher: str = ""
    attribution: str = ""
    frequency: str | None = None
    notes: str = ""


def read_series_csv(path: Path, *, progress: Progress, description: Description) -> SeriesReading:
    """Series of the generic contract; the frequency is `description.frequency` or guessed from the periods.

    Guessing: YYYY is yearly, YYYY-Qn quarterly, YYYY-MM monthly (quarterly when every series
    moves in steps of three months from January, April, July or October), YYYY-MM-DD daily
    (weekly when every series moves in steps of seven days). A row whose period is written at
    another grain than the file's first period, or whose value or flag is unreadable, is rejected.
    """
    if not description.licence.strip():
        raise Invalid("say under which licence the file's data may be used (--licence)", field="licence")
    header, rows = read_csv(path, progress)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise MalformedFile(f"the header lacks column(s) {', '.join(missing)}", path=str(path), line=1)
    reading = SeriesReading(description.source, [str(path)])
    points: dict[str, list[tuple[date, float | None, Flag, int]]] = defaultdict(list)
    extras: dict[str, dict[str, str]] = defaultdict(dict)
    grain: Frequency | None = None
    for row in rows:
        reading.rows += 1
        parsed, problems = _parse(row, grain)
        if parsed is None:
            reading.reject(str(path), row.line, row.payload, *problems)
            continue
        code, period, row_grain, value, flag = parsed
        grain = grain or row_grain
        points[code].append((period, value, flag, row.line))
        if row.get("name"):
            extras[code].setdefault("name", row.get("name"))
        for column, text in row.values.items():
            if column not in _OWN and text.strip():
                extras[code].setdefault(column, text.strip())
    frequency = _frequency(description.frequency, grain, points)
    for code, observations in points.items():
        info = _info(description, code, frequency, extras[code], str(path))
        data = reading.series[code] = SeriesData(info)
        for period, value, flag, line in observations:
            data.add(period, value, flag, line)
    return reading


def _parse(
    row: CsvRow, grain: Frequency | None
) -> tuple[tuple[str, date, Frequency, float | None, Flag] | None, list[Problem]]:
    problems: list[Problem] = []
    code = row.get("series_id")
    if not code:
        problems.append(Problem("series_id", "", "is required"))
    period, row_grain = date.min, Frequency.DAY
    try:
        period, row_grain = parse_period(row.get("period"))
    except ValueError as error:
        problems.append(Problem("period", row.get("period"), str(error)))
    if grain is not None and not problems and row_grain is not grain:
        problems.append(
            Problem("period", row.get("period"), f"is not written {_GRAIN_WORDS[grain]} like the file's first period")
        )
    flag = Flag.NONE
    try:
        flag = Flag(row.get("flag").lower())
    except ValueError:
        problems.append(Problem("flag", row.get("flag"), "is not a flag", tuple(f.value for f in Flag if f.value)))
    value: float | None = None
    if row.get("value"):
        try:
            value = number(row.get("value"))
        except ValueError:
            problems.append(Problem("value", row.get("value"), "is not a number"))
    elif flag is Flag.NONE:
        flag = Flag.NOT_AVAILABLE
    if problems:
        return None, problems
    return (code, period, row_grain, value, flag), []


def _frequency(
    stated: str | None, grain: Frequency | None, points: dict[str, list[tuple[date, float | None, Flag, int]]]
) -> Frequency:
    if stated:
        return parse_frequency(stated)
    if grain is None:
        return Frequency.DAY
    guesses = {guess_frequency(grain, sorted({p[0] for p in own})) for own in points.values() if len(own) > 1}
    return guesses.pop() if len(guesses) == 1 else grain


def _info(
    description: Description, code: str, frequency: Frequency, extras: dict[str, str], location: str
) -> SeriesInfo:
    publisher = description.publisher or description.source
    return SeriesInfo(
        source=description.source,
        code=code,
        name=extras.get("name") or code,
        measure=description.measure,
        unit=description.unit,
        frequency=frequency,
        dimensions={
            key: value.upper() if key == "country" else value for key, value in extras.items() if key != "name"
        },
        publisher=publisher,
        licence=description.licence,
        attribution=description.attribution or f"Source: {publisher}.",
        location=location,
        notes=description.notes,
    )
