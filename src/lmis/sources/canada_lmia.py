"""Canada's positive LMIA employer lists (ESDC): approved positions by quarter, province and NOC broad category.

Reads the stacked file of `../shared/data/canada_lmia` (columns period_start, period_end,
province_territory, occupation, noc_code, noc_version, approved_positions, ...) and files of the
same format. Each row is one employer x occupation x stream; rows are summed into quarterly
series: the national total, each province or territory, and each NOC first digit (broad
occupational category) per NOC version, because NOC 2011 and NOC 2021 codes are not the same
categories. Open Government Licence - Canada.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import polars as pl

from lmis.analytics.series_model import Flag, Frequency, Problem, SeriesData, SeriesInfo, SeriesReading
from lmis.shared.errors import MalformedFile, did_you_mean
from lmis.shared.progress import Progress
from lmis.sources.series_files import LINE, as_numbers, payload_of, read_frame

PUBLISHER = "Employment and Social Development Canada (ESDC), Temporary Foreign Worker Program"
LICENCE = "Open Government Licence - Canada"
ATTRIBUTION = "Contains information licensed under the Open Government Licence – Canada."
PROVINCES = {
    "CA-NL": "Newfoundland and Labrador", "CA-PE": "Prince Edward Island", "CA-NS": "Nova Scotia",
    "CA-NB": "New Brunswick", "CA-QC": "Quebec", "CA-ON": "Ontario", "CA-MB": "Manitoba",
    "CA-SK": "Saskatchewan", "CA-AB": "Alberta", "CA-BC": "British Columbia", "CA-YT": "Yukon",
    "CA-NT": "Northwest Territories", "CA-NU": "Nunavut",
}  # fmt: skip
ABROAD = "CA-ABROAD"  # "Employers carrying on business in Canada with Head Office outside of Canada"
# First digit of a NOC code: the broad occupational category (same ten in NOC 2011 and NOC 2021).
CATEGORIES = {
    "0": "Management occupations", "1": "Business, finance and administration occupations",
    "2": "Natural and applied sciences and related occupations", "3": "Health occupations",
    "4": "Occupations in education, law and social, community and government services",
    "5": "Occupations in art, culture, recreation and sport", "6": "Sales and service occupations",
    "7": "Trades, transport and equipment operators and related occupations",
    "8": "Natural resources, agriculture and related production occupations",
    "9": "Occupations in manufacturing and utilities",
}  # fmt: skip
_NOTE = (
    "Positions approved in positive Labour Market Impact Assessments, by the quarter of the list. The first "
    "list (January-June 2017) covers two quarters: its total is split equally between 2017 Q1 and Q2 and "
    "both are flagged estimate. ESDC leaves out employers whose names are personal names, so totals are "
    "lower bounds; from February 2018 LMIAs supporting permanent residence are excluded unless listed "
    "under the Permanent Resident Only stream."
)
_NOC_NOTE = "NOC 2011 and NOC 2021 categories are kept in separate series (ESDC switched during 2024)."
_FIRST, _LAST, _REGION, _POSITIONS, _NOC, _VERSION = "_first", "_last", "_region", "_positions", "_noc", "_version"
_MONTH_INDEX, _SHARE, _CODE, _SPLIT = "_month", "_share", "_code", "_split"


def read_lmia(path: Path, *, progress: Progress, source: str = "canada_lmia") -> SeriesReading:
    """Quarterly series of approved positions: `CA/total`, `CA/region/CA-BC`, `CA/noc/NOC2011/2` ...

    A row whose period does not cover whole calendar quarters, whose province is unknown or whose
    positions are not a whole number is rejected with every problem. A row covering several
    quarters (the January-June 2017 list) is split equally between them, flagged estimate. A row
    without an occupation code counts in the national and provincial totals but in no NOC category.
    """
    frame = read_frame(path, progress)
    missing = [
        c for c in ("period_start", "period_end", "province_territory", "approved_positions") if c not in frame.columns
    ]
    if missing:
        raise MalformedFile(f"the header lacks column(s) {', '.join(missing)}", path=str(path), line=1)
    reading = SeriesReading(source, [str(path)], rows=frame.height)
    frame = _parsed(frame)
    bad = pl.col(_FIRST).is_null() | pl.col(_REGION).is_null() | pl.col(_POSITIONS).is_null()
    for record in frame.filter(bad).iter_rows(named=True):
        _reject(reading, str(path), record)
    good = (
        frame.filter(~bad)
        .with_columns(
            pl.int_ranges(pl.col(_FIRST), pl.col(_LAST) + 1, 3).alias(_MONTH_INDEX),
            ((pl.col(_LAST) - pl.col(_FIRST)) // 3 + 1).alias(_SHARE),
        )
        .explode(_MONTH_INDEX)
    )
    good = good.with_columns((pl.col(_POSITIONS) / pl.col(_SHARE)).alias(_POSITIONS))
    totals = pl.lit("CA/total")
    regions = pl.lit("CA/region/") + pl.col(_REGION)
    categories = pl.lit("CA/noc/") + pl.col(_VERSION) + pl.lit("/") + pl.col(_NOC).str.slice(0, 1)
    for code in (totals, regions, categories):
        rows = good.filter(code.is_not_null()) if code is categories else good
        _add_sums(reading, rows.with_columns(code.alias(_CODE)), str(path))
    without = good.filter(pl.col(_NOC).is_null()).select(pl.col(LINE).n_unique()).item()
    if without:
        reading.notes.append(f"{without} rows without an occupation code count in totals only")
    if good.filter(pl.col(_SHARE) > 1).height:
        reading.notes.append("rows covering several quarters (Jan-Jun 2017) were split equally, flagged estimate")
    return reading


def _parsed(frame: pl.DataFrame) -> pl.DataFrame:
    """Month indices of the first and last quarter (null unless whole quarters), region code, positions, NOC."""
    first, last = _month_index("period_start"), _month_index("period_end")
    quarters = (first % 3 == 0) & ((last - first) % 3 == 2) & (last >= first)
    provinces = frame["province_territory"].fill_null("").unique().to_list()
    codes = {name: province_code(name) for name in provinces}
    positions = as_numbers("approved_positions")
    whole = (positions >= 0) & (positions == positions.floor())
    occupation = pl.col("occupation") if "occupation" in frame.columns else pl.lit(None, pl.String)
    written = pl.col("noc_code") if "noc_code" in frame.columns else pl.lit(None, pl.String)
    noc = pl.coalesce(
        written.str.strip_chars().str.extract(r"^([0-9]{4,5})$"), occupation.str.extract(r"^\s*([0-9]{4,5})\b")
    )
    version = pl.col("noc_version") if "noc_version" in frame.columns else pl.lit(None, pl.String)
    guessed = pl.when(noc.str.len_chars() == 4).then(pl.lit("NOC2011")).otherwise(pl.lit("NOC2021"))
    cleaned = version.str.replace_all(" ", "").str.to_uppercase()
    return frame.with_columns(
        pl.when(quarters).then(first).otherwise(None).alias(_FIRST),
        last.alias(_LAST),
        pl.col("province_territory")
        .fill_null("")
        .replace_strict(codes, default=None, return_dtype=pl.String)
        .alias(_REGION),
        pl.when(whole).then(positions).otherwise(None).alias(_POSITIONS),
        noc.alias(_NOC),
        pl.when(noc.is_null())
        .then(None)
        .when(cleaned.fill_null("") != "")
        .then(cleaned)
        .otherwise(guessed)
        .alias(_VERSION),
    )


def _month_index(column: str) -> pl.Expr:
    """year * 12 + month - 1 of a YYYY-MM text (null for anything else)."""
    parts = pl.col(column).str.strip_chars().str.extract_groups(r"^([0-9]{4})-([0-9]{2})$")
    year, month = parts.struct.field("1").cast(pl.Int64), parts.struct.field("2").cast(pl.Int64)
    return pl.when((month >= 1) & (month <= 12)).then(year * 12 + month - 1).otherwise(None)


def _reject(reading: SeriesReading, location: str, record: dict[str, object]) -> None:
    problems: list[Problem] = []
    if record[_FIRST] is None:
        span = f"{record.get('period_start') or ''}..{record.get('period_end') or ''}"
        problems.append(Problem("period_start", span, "is not a span of whole calendar quarters (YYYY-MM..YYYY-MM)"))
    if record[_REGION] is None:
        name = str(record.get("province_territory") or "")
        problems.append(
            Problem(
                "province_territory",
                name,
                "is not a province or territory",
                tuple(did_you_mean(name, list(PROVINCES.values()))),
            )
        )
    if record[_POSITIONS] is None:
        problems.append(
            Problem("approved_positions", str(record.get("approved_positions") or ""), "is not a whole number")
        )
    original = {name: value for name, value in record.items() if not name.startswith("_") or name == LINE}
    reading.reject(location, int(str(record[LINE])), payload_of(original), *problems)


def _add_sums(reading: SeriesReading, rows: pl.DataFrame, location: str) -> None:
    sums = (
        rows.group_by(_CODE, _MONTH_INDEX)
        .agg(pl.col(_POSITIONS).sum(), pl.col(LINE).min(), (pl.col(_SHARE) > 1).any().alias(_SPLIT))
        .sort(_CODE, _MONTH_INDEX)
    )
    for code, month, positions, line, split in sums.iter_rows():
        data = reading.series.get(code)
        if data is None:
            data = reading.series[code] = SeriesData(_info(reading.source, code, location))
        data.add(date(month // 12, month % 12 + 1, 1), positions, Flag.ESTIMATE if split else Flag.NONE, line)


def province_code(text: str) -> str | None:
    """The ISO 3166-2 code of a province or territory name ("Québec", "BC", "Yukon"), `CA-ABROAD` or None."""
    folded = _folded(text)
    if "outside of canada" in folded or "head office outside" in folded:
        return ABROAD
    for code, name in PROVINCES.items():
        if folded in (_folded(name), code[3:].lower(), code.lower()):
            return code
    return None


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("-", " ").split())


def _info(source: str, code: str, location: str) -> SeriesInfo:
    parts = code.split("/")
    dimensions = {"country": "CA"}
    name, notes = "Canada", _NOTE
    if parts[1] == "region":
        region = parts[2]
        dimensions |= {"region": region, "region_name": PROVINCES.get(region, "head office outside Canada")}
        name = dimensions["region_name"]
    elif parts[1] == "noc":
        version, digit = parts[2], parts[3]
        dimensions |= {"noc_version": version, "noc_category": digit, "noc_category_name": CATEGORIES[digit]}
        name, notes = f"{version} {digit}: {CATEGORIES[digit]}", f"{_NOTE} {_NOC_NOTE}"
    return SeriesInfo(
        source=source,
        code=code,
        name=f"Positive LMIAs, approved positions: {name}",
        measure="lmia_approved_positions",
        unit="positions",
        frequency=Frequency.QUARTER,
        dimensions=dimensions,
        publisher=PUBLISHER,
        licence=LICENCE,
        attribution=ATTRIBUTION,
        location=location,
        notes=notes,
    )
