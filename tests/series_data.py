"""Official-series excerpts the series tests share (tests/data/series) and a way to import them through the services."""

from __future__ import annotations

from pathlib import Path

from lmis.analytics.series import SeriesImportReport, import_series
from lmis.analytics.series_model import series_id
from lmis.bootstrap import Services
from lmis.shared.progress import SilentProgress
from lmis.sources.bls_oews import read_oews
from lmis.sources.canada_lmia import read_lmia
from lmis.sources.fred_series import read_fred
from lmis.sources.indeed_index import read_indeed

SERIES_DATA = Path(__file__).resolve().parent / "data" / "series"
OEWS = SERIES_DATA / "bls_oews_national_sample.csv"
FRED = SERIES_DATA / "us_fred_labor_series.csv"
LMIA = SERIES_DATA / "positive_lmia_employers_sample.csv"
INDEED = SERIES_DATA / "indeed"
JOLTS_ID = series_id("fred", "JTSJOL")
NURSES_WAGE_ID = series_id("bls_oews", "US/29-1141/a_median")
US_POSTINGS_ID = series_id("indeed", "aggregate/US/total/SA")


def import_samples(services: Services, *, indeed: bool = True, lmia: bool = True) -> list[SeriesImportReport]:
    """Import the FRED and OEWS excerpts (and the Indeed and LMIA ones) through the service."""
    progress = SilentProgress()
    readings = [read_fred(FRED, progress=progress), read_oews(OEWS, progress=progress)]
    if indeed:
        readings.append(read_indeed(INDEED, progress=progress))
    if lmia:
        readings.append(read_lmia(LMIA, progress=progress))
    return [import_series(r, uow=services.uow, now=services.now, progress=progress) for r in readings]
