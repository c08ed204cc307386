"""External series through the services on SQLite and PostgreSQL: idempotent imports, quarantine, reads, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lmis.analytics.series import get_series, import_series, list_series, quarantined_series
from lmis.analytics.series_compare import comparable_series
from lmis.analytics.series_export import export_series
from lmis.analytics.series_model import Flag, Frequency, series_id
from lmis.analytics.series_ports import SeriesFilter
from lmis.bootstrap import Services
from lmis.shared.errors import Invalid, NotFound
from lmis.shared.progress import SilentProgress
from lmis.sources.fred_series import read_fred
from lmis.sources.series_csv import Description, read_series_csv
from tests.series_data import FRED, JOLTS_ID, NURSES_WAGE_ID, US_POSTINGS_ID, import_samples

QUIET = SilentProgress()


def _csv(services: Services, path: Path, text: str, frequency: str | None = None) -> object:
    path.write_text(text, encoding="utf-8")
    described = Description("survey", "job_vacancies", "vacancies", "CC BY 4.0", frequency=frequency)
    reading = read_series_csv(path, progress=QUIET, description=described)
    return import_series(reading, uow=services.uow, now=services.now, progress=QUIET)


def test_a_second_import_of_the_same_files_changes_nothing_and_a_revised_file_updates_and_adds(
    services: Services, tmp_path: Path
) -> None:
    first = import_samples(services)
    assert [(r.source, r.series_new, r.observations_new, r.quarantined) for r in first] == [
        ("fred", 3, 35, 0),
        ("bls_oews", 20, 124, 0),
        ("indeed", 13, 79, 0),
        ("canada_lmia", 11, 33, 0),
    ]
    again = import_samples(services)
    assert all(r.series_new == r.series_updated == r.observations_written == 0 for r in again)
    assert sum(r.observations_unchanged for r in again) == 35 + 124 + 79 + 33
    revised = tmp_path / "us_fred_labor_series.csv"
    lines = FRED.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",9999.0"
    revised.write_text("\n".join([*lines, "JTSJOL,2024-01-01,8000.0"]) + "\n")
    report = import_series(read_fred(revised, progress=QUIET), uow=services.uow, now=services.now, progress=QUIET)
    assert (report.series_updated, report.series_unchanged) == (3, 0)  # the file named in each series changed
    assert (report.observations_new, report.observations_changed, report.observations_unchanged) == (1, 1, 34)
    view = get_series(JOLTS_ID, start="2023-01", end="2024", uow=services.uow())
    assert next(o.value for o in view.observations) == 9999.0
    assert view.observations[-1].period == date(2024, 1, 1)


def test_rejected_rows_are_quarantined_with_every_reason_and_a_fixed_file_resolves_them(
    services: Services, tmp_path: Path
) -> None:
    file = tmp_path / "survey.csv"
    report = _csv(services, file, "series_id,period,value\na,2024-01,1\na,2024-01,2\na,2024-02,x\nb,2024-02-30,1\n")
    assert report.quarantined == 3  # type: ignore[attr-defined]
    held = quarantined_series(source="survey", limit=10, uow=services.uow())
    assert sorted(h.position for h in held) == ["survey.csv:3", "survey.csv:4", "survey.csv:5"]
    reasons = {p["reason"] for h in held for p in h.problems}
    assert "is listed twice for a (first at line 2)" in reasons
    assert "is not a number" in reasons
    assert any(h.payload == "b,2024-02-30,1" for h in held)
    _csv(services, file, "series_id,period,value\na,2024-01,1\na,2024-02,2\n")
    assert quarantined_series(source="survey", limit=10, uow=services.uow()) == []


def test_a_series_stored_at_one_frequency_refuses_rows_of_another(services: Services, tmp_path: Path) -> None:
    _csv(services, tmp_path / "survey.csv", "series_id,period,value\na,2024-01,1\na,2024-02,2\n")
    report = _csv(services, tmp_path / "survey.csv", "series_id,period,value\na,2024-01,1\n", frequency="quarter")
    assert report.quarantined == 1  # type: ignore[attr-defined]
    assert "is stored with frequency month, not quarter" in next(iter(report.reasons))  # type: ignore[attr-defined]


def test_series_are_listed_by_filters_and_unknown_values_are_refused_with_suggestions(services: Services) -> None:
    import_samples(services)
    uow = services.uow
    wages = list_series(SeriesFilter(measure="wage_median"), cursor=None, limit=100, uow=uow())
    assert wages.total == 10
    assert {s.series.info.source for s in wages.items} == {"bls_oews"}
    canada = list_series(SeriesFilter(country="ca", text="ontario"), cursor=None, limit=100, uow=uow())
    assert {s.series.info.code for s in canada.items} == {"CA/region/CA-ON", "province/CA/CA-ON"}
    nurses = list_series(SeriesFilter(dimensions=(("occupation", "SOC:29-1141"),)), cursor=None, limit=5, uow=uow())
    assert nurses.total == 2
    assert nurses.items[0].observations == 12
    assert nurses.items[0].last == date(2023, 1, 1)
    first = list_series(SeriesFilter(source="indeed"), cursor=None, limit=5, uow=uow())
    rest = list_series(SeriesFilter(source="indeed"), cursor=first.next_cursor, limit=10, uow=uow())
    assert len({s.series.id for s in first.items + rest.items}) == 13
    assert rest.next_cursor is None
    with pytest.raises(Invalid) as refused:
        list_series(SeriesFilter(measure="job_opening"), cursor=None, limit=5, uow=uow())
    assert refused.value.field == "measure"
    assert refused.value.suggestions[0] == "job_openings"
    with pytest.raises(Invalid) as unknown_country:
        list_series(SeriesFilter(country="XX"), cursor=None, limit=5, uow=uow())
    assert unknown_country.value.field == "country"


def test_a_series_reads_with_its_licence_notes_and_flags_in_a_period_range(services: Services) -> None:
    import_samples(services)
    view = get_series(NURSES_WAGE_ID, start="2020", end="2021", uow=services.uow())
    assert [o.period.year for o in view.observations] == [2020, 2021]
    assert view.summary.observations == 12
    assert view.series.info.licence.startswith("Public domain")
    flagged = get_series(series_id("bls_oews", "US/29-1211/a_median"), uow=services.uow())
    assert {(o.value, o.flag) for o in flagged.observations} == {(None, Flag.TOP_CODED)}
    with pytest.raises(NotFound):
        get_series("0000000000000000", uow=services.uow())
    with pytest.raises(Invalid):
        get_series(NURSES_WAGE_ID, start="2021", end="2020", uow=services.uow())


def test_an_export_writes_the_forecast_contract_and_aggregates_daily_series_over_complete_months(
    services: Services, tmp_path: Path
) -> None:
    import_samples(services, indeed=False, lmia=False)
    days = "".join(f"d,2024-03-{day:02d},{day}\n" for day in range(1, 32)) + "d,2024-04-01,5\n"
    _csv(services, tmp_path / "daily.csv", "series_id,period,value\n" + days)
    monthly = export_series(SeriesFilter(source="survey"), uow=services.uow(), frequency="month", key="code")
    assert monthly.rows == [("d", "2024-03", 16.0)]
    assert monthly.incomplete == 1
    jolts = export_series(SeriesFilter(ids=(JOLTS_ID,)), uow=services.uow(), start="2023-11")
    assert jolts.rows == [(JOLTS_ID, "2023-11", 8663.0), (JOLTS_ID, "2023-12", 8585.0)]
    employment = export_series(SeriesFilter(source="bls_oews", measure="employment"), uow=services.uow())
    assert employment.frequency is Frequency.YEAR
    assert "2023" in {period for _s, period, _v in employment.rows}
    assert employment.missing == 1  # the ** of 13-1074 in 2020
    with pytest.raises(Invalid, match="mixes frequencies"):
        export_series(SeriesFilter(source="fred"), uow=services.uow())
    with pytest.raises(Invalid, match="cannot be split"):
        export_series(SeriesFilter(source="bls_oews"), uow=services.uow(), frequency="month")


def test_comparable_series_follow_the_chart_slice_and_crosswalk_isco_to_soc(sample_services: Services) -> None:
    import_samples(sample_services)
    uow = sample_services.uow
    postings = comparable_series("postings_new", country="US", uow=uow())
    assert postings[0].series.id == series_id("indeed", "aggregate/US/new/SA")
    assert {c.series.info.measure for c in postings} == {"postings_index", "job_openings"}
    assert all("region" not in c.series.info.dimensions for c in postings)
    assert postings[0].attribution.startswith("Indeed Hiring Lab, Job Postings Index")
    stocks = comparable_series("vacancies_open", country="US", uow=uow())
    assert stocks[0].series.id == JOLTS_ID
    assert stocks[1].series.id == US_POSTINGS_ID
    pay = comparable_series("advertised_pay", occupation="2221", uow=uow())
    assert {(c.series.id, c.why) for c in pay} >= {(NURSES_WAGE_ID, "SOC 29-1141 via ISCO-08 2221")}
    assert {c.series.info.dimensions["occupation"] for c in pay} == {"SOC:29-1141", "SOC:29-1151"}
    assert "Licence: Public domain" in pay[0].attribution
    california = comparable_series("postings_open", region="California", uow=uow())
    assert [c.series.info.code for c in california] == ["state/US/US-CA"]
    canada = comparable_series("vacancies_new", country="CA", uow=uow())
    assert [c.series.info.code for c in canada] == ["CA/total"]
    with pytest.raises(Invalid) as refused:
        comparable_series("postings_nwe", uow=uow())
    assert "postings_new" in refused.value.suggestions
