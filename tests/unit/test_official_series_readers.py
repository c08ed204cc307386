"""The importers' readers on excerpts of the real files: series, dimensions, flags, notes and rejected rows."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from lmis.analytics.series_model import Flag, Frequency
from lmis.shared.errors import Invalid, MalformedFile
from lmis.shared.progress import SilentProgress
from lmis.sources.bls_oews import read_oews
from lmis.sources.canada_lmia import province_code, read_lmia
from lmis.sources.fred_series import read_fred
from lmis.sources.indeed_index import read_indeed
from lmis.sources.series_csv import Description, read_series_csv
from tests.series_data import FRED, INDEED, LMIA, OEWS

QUIET = SilentProgress()


def test_oews_gives_employment_and_median_wage_per_soc_code_with_bls_symbols_kept_as_flags() -> None:
    reading = read_oews(OEWS, progress=QUIET)
    assert reading.rows == 63
    assert reading.rejected == []
    nurses = reading.series["US/29-1141/a_median"]
    assert nurses.info.measure == "wage_median"
    assert nurses.info.unit == "USD a year"
    assert nurses.info.dimensions == {"country": "US", "occupation": "SOC:29-1141", "o_group": "detailed"}
    assert nurses.info.frequency is Frequency.YEAR
    assert nurses.periods[0] == date(2012, 1, 1)
    contractors = reading.series["US/13-1074/tot_emp"]
    assert (contractors.values[9], contractors.flags[9]) == (None, Flag.NOT_AVAILABLE)  # ** in 2020
    actors = reading.series["US/27-2011/a_median"]
    assert set(actors.flags) == {Flag.NOT_AVAILABLE}
    assert "Only hourly wages" in actors.info.notes
    anaesthetists = reading.series["US/29-1211/a_median"]
    assert set(anaesthetists.flags) == {Flag.TOP_CODED}
    assert set(anaesthetists.values) == {None}
    assert "SOC2010 2012-2018; SOC2010/2018 hybrid 2019-2020; SOC2018 2021-2023" in nurses.info.notes


def test_a_code_listed_as_broad_and_detailed_in_one_year_is_read_once_and_a_disagreeing_row_is_rejected(
    tmp_path: Path,
) -> None:
    assert read_oews(OEWS, progress=QUIET).series["US/13-1020/tot_emp"].periods == [date(2016, 1, 1), date(2017, 1, 1)]
    text = OEWS.read_text(encoding="utf-8").splitlines()
    wrong = next(line for line in text if line.startswith("2017,13-1020")).replace("413540", "999")
    bad = tmp_path / "national_M2017.csv"
    bad.write_text("\n".join([*text, wrong, "2017,15-XXXX,Bad,detailed,abc,,,,,,12,,,,,,,SOC2010"]) + "\n")
    reading = read_oews(bad, progress=QUIET)
    problems = [(r.line, p.field, p.reason) for r in reading.rejected for p in r.problems]
    assert problems[0][1:] == ("tot_emp", "differs from the row of 13-1020 in 2017 at line 22")
    assert problems[1][1:] == ("occ_code", "is not a SOC code (NN-NNNN)")
    assert reading.rejected[1].payload.startswith("2017,15-XXXX,Bad")


def test_indeed_reads_every_layout_of_the_folder_gzipped_or_not_and_skips_other_files() -> None:
    reading = read_indeed(INDEED, progress=QUIET)
    assert len(reading.locations) == 5
    assert reading.rows == 59
    assert {code.split("/")[0] for code in reading.series} == {"aggregate", "sector", "state", "province", "region"}
    total = reading.series["aggregate/US/total/SA"]
    assert total.info.frequency is Frequency.DAY
    assert len(total.periods) == 10
    assert total.info.dimensions == {"country": "US", "variable": "total", "adjustment": "SA"}
    assert reading.series["aggregate/US/new/NSA"].info.dimensions["adjustment"] == "NSA"
    assert reading.series["state/US/US-CA"].info.dimensions["region_name"] == "California"
    assert reading.series["province/CA/CA-ON"].info.dimensions["region"] == "CA-ON"
    assert reading.series["sector/US/total/Nursing"].info.dimensions["sector"] == "Nursing"
    assert "November 2024" in total.info.notes
    assert "before that revision" in total.info.notes
    assert "before that revision" not in reading.series["region/GB/London"].info.notes  # runs to 2024-12-31
    assert any("skipped sector-job-title-examples.csv" in note for note in reading.notes)
    assert reading.series["aggregate/US/total/SA"].info.licence == "CC BY 4.0"


def test_an_indeed_row_with_a_bad_date_or_index_is_rejected_with_the_row_as_read(tmp_path: Path) -> None:
    file = tmp_path / "US" / "state_job_postings_us.csv.gz"
    file.parent.mkdir()
    text = "date,state,indeed_job_postings_index\n2024-02-01,ca,101.5\n2024-02-31,ca,99\n2024-02-02,ca,n/a\n"
    file.write_bytes(gzip.compress(text.encode()))
    reading = read_indeed(file, progress=QUIET)
    assert reading.series["state/US/US-CA"].values == [101.5]
    assert [(r.line, r.payload, r.problems[0].field) for r in reading.rejected] == [
        (3, "2024-02-31,ca,99", "date"),
        (4, "2024-02-02,ca,n/a", "indeed_job_postings_index"),
    ]


def test_lmia_sums_positions_by_quarter_province_and_noc_category_and_splits_the_first_half_year() -> None:
    reading = read_lmia(LMIA, progress=QUIET)
    total = reading.series["CA/total"]
    assert total.info.frequency is Frequency.QUARTER
    assert total.info.unit == "positions"
    assert total.periods[:3] == [date(2017, 1, 1), date(2017, 4, 1), date(2017, 7, 1)]
    assert total.values[:3] == [4.5, 4.5, 20.0]
    assert total.flags[:3] == [Flag.ESTIMATE, Flag.ESTIMATE, Flag.NONE]
    assert reading.series["CA/region/CA-ABROAD"].values == [0.5, 0.5]
    managers = reading.series["CA/noc/NOC2011/0"].info.dimensions
    assert managers == {
        "country": "CA",
        "noc_version": "NOC2011",
        "noc_category": "0",
        "noc_category_name": "Management occupations",
    }
    assert sum(v or 0.0 for code, d in reading.series.items() if code.startswith("CA/noc/") for v in d.values) == 38.0
    assert sum(v or 0.0 for v in total.values) == 40.0  # the row without an occupation code counts in the totals only
    assert "1 rows without an occupation code count in totals only" in reading.notes
    assert "Contains information licensed under the Open Government Licence" in total.info.attribution


def test_lmia_rows_with_unknown_provinces_half_quarters_or_odd_positions_are_rejected(tmp_path: Path) -> None:
    file = tmp_path / "lmia.csv"
    file.write_text(
        "period_start,period_end,province_territory,occupation,noc_code,noc_version,approved_positions\n"
        "2024-01,2024-03,Québec,21231-Software engineers,21231,NOC2021,2\n"
        "2024-02,2024-03,Ontario,2173-Software engineers,2173,NOC2011,1\n"
        "2024-01,2024-03,Ontaryo,2173-Software engineers,2173,NOC2011,1.5\n",
        encoding="utf-8",
    )
    reading = read_lmia(file, progress=QUIET)
    assert reading.series["CA/noc/NOC2021/2"].values == [2.0]
    assert reading.series["CA/region/CA-QC"].info.dimensions["region_name"] == "Quebec"
    fields = [[p.field for p in row.problems] for row in reading.rejected]
    assert fields == [["period_start"], ["province_territory", "approved_positions"]]
    assert reading.rejected[1].problems[0].suggestions == ("Ontario",)
    assert province_code("Employers carrying on business in Canada with Head Office outside of Canada") == "CA-ABROAD"


def test_fred_series_take_names_from_the_catalog_and_weekly_claims_keep_freds_dates() -> None:
    reading = read_fred(FRED, progress=QUIET)
    assert set(reading.series) == {"JTSJOL", "UNRATE", "ICSA"}
    jolts = reading.series["JTSJOL"].info
    assert (jolts.measure, jolts.unit, jolts.frequency) == ("job_openings", "thousands", Frequency.MONTH)
    assert "JOLTS job openings, total nonfarm" in jolts.notes
    assert jolts.licence.startswith("Public domain")
    claims = reading.series["ICSA"]
    assert claims.info.frequency is Frequency.WEEK
    assert claims.periods[0].weekday() == 5
    assert "Department of Labor" in claims.info.publisher


def test_a_fred_series_lmis_does_not_know_needs_a_licence_and_a_dot_is_a_value_not_available(tmp_path: Path) -> None:
    file = tmp_path / "other.csv"
    file.write_text("series_id,date,value\nXYZ,2024-01-01,.\nXYZ,2024-02-01,3.5\nUNRATE,2024-01-01,3.7\n")
    reading = read_fred(file, progress=QUIET)
    assert set(reading.series) == {"UNRATE"}
    assert next(r.problems[0].reason for r in reading.rejected).startswith("licence unknown")
    licensed = read_fred(file, progress=QUIET, licence="CC BY 4.0")
    assert licensed.series["XYZ"].values == [None, 3.5]
    assert licensed.series["XYZ"].flags == [Flag.NOT_AVAILABLE, Flag.NONE]


def test_a_users_file_of_the_forecast_contract_guesses_quarters_and_reads_extra_columns_as_dimensions(
    tmp_path: Path,
) -> None:
    file = tmp_path / "vacancies.csv"
    file.write_text(
        "series_id,period,value,country,name\n"
        "kr-total,2024-01,120,kr,All vacancies\nkr-total,2024-04,130,,\nkr-total,2024-07,,,\n"
        "kr-seoul,2024-01,50,kr,\nkr-seoul,2024-04,55,kr,\nkr-seoul,2024-05-01,1,kr,\nkr-seoul,2024-10,x,kr,\n"
    )
    described = Description("kr-survey", "job_vacancies", "vacancies", "KOGL Type 1")
    reading = read_series_csv(file, progress=QUIET, description=described)
    total = reading.series["kr-total"]
    assert total.info.frequency is Frequency.QUARTER
    assert total.info.name == "All vacancies"
    assert total.info.dimensions == {"country": "KR"}
    assert total.values == [120.0, 130.0, None]
    assert total.flags[2] is Flag.NOT_AVAILABLE
    assert [(r.line, r.problems[0].field) for r in reading.rejected] == [(7, "period"), (8, "value")]
    with pytest.raises(Invalid):
        read_series_csv(file, progress=QUIET, description=Description("s", "m", "", " "))


def test_a_file_without_the_required_columns_stops_with_the_file_named(tmp_path: Path) -> None:
    file = tmp_path / "wrong.csv"
    file.write_text("a,b\n1,2\n")
    with pytest.raises(MalformedFile, match=r"wrong\.csv, line 1: the header lacks column"):
        read_fred(file, progress=QUIET)
