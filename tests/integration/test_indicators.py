"""Indicators from the Parquet snapshot of real ingested postings, seekers and events (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from lmis.analytics.model import Cell, Dimension, Grain, Measure
from lmis.analytics.skills_gap import skills_report
from lmis.bootstrap import Services
from lmis.ingest.validation import posting_id
from lmis.people.ports import StoredSeeker
from lmis.recommend.model import BehaviourEvent, EventKind
from lmis.shared.errors import Invalid
from lmis.shared.progress import SilentProgress
from lmis.storage.analytics_duckdb import DuckIndicatorStore
from lmis.storage.analytics_snapshot import refresh_snapshot
from tests.conftest import database_for
from tests.e2e.enrichment_app import NURSE, enrichment_services, ingest

TITLES = ("Staff nurse", "Software developer", "Registered nurse")
PLACES = ("Seoul", "Busan")


def _ad(n: int, day: str, **extra: Any) -> dict[str, Any]:
    return {
        **NURSE,
        "external_id": f"ad-{n}",
        "title": TITLES[n % 3],
        "description": f"<p>Ward {n} of campus {n * 7} needs you. You must have patient care experience. "
        "Python is a plus.</p>",
        "employer": {"name": f"Demo Employer {n}"},
        "address": {"locality": PLACES[n % 2], "country": "KR"},
        "date_posted": day,
        **extra,
    }


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def market(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Six vacancies in September and October 2026, two of them also on a second site; 26 jobseekers in three
    regions; ten applications and hires. Built once per database: enrichment models take seconds to load,
    and only the last test of the module changes it."""
    folder = tmp_path_factory.mktemp("indicators")
    services = enrichment_services(
        folder, database_for(request, folder), ["salary", "place", "occupation", "skills", "cluster"]
    )
    ads = [_ad(n, f"2026-{9 + n // 3:02d}-{n + 1:02d}", valid_through="2026-12-31") for n in range(6)]
    ingest(services, "board", ads)
    ingest(services, "site", ads[:2])
    registered = datetime(2026, 9, 1, tzinfo=UTC)
    seoul = _seekers(services, 12, "KR-11", registered)
    _seekers(services, 3, "KR-26", registered)
    _seekers(services, 11, "KR-28", registered)
    _events(services, seoul[:10])
    services.refresh_analytics(SilentProgress())
    yield services
    services.engine.dispose()


def _events(services: Services, seekers: list[str]) -> None:
    nurse = posting_id("board", "ad-0")
    events = [BehaviourEvent(s, EventKind.APPLY, "posting", nurse, datetime(2026, 9, 5, tzinfo=UTC)) for s in seekers]
    events += [BehaviourEvent(s, EventKind.HIRE, "posting", nurse, datetime(2026, 9, 21, tzinfo=UTC)) for s in seekers]
    with services.uow() as uow:
        uow.behaviour.add_events(events)
        uow.commit()


def _seekers(services: Services, count: int, region: str, registered: datetime) -> list[str]:
    ids = [f"s-{region}-{n}" for n in range(count)]
    with services.uow() as uow:
        for seeker_id in ids:
            uow.people.save_seeker(
                StoredSeeker(seeker_id, None, region, "", [], [], False, registered, registered, {}, None)
            )
        uow.commit()
    return ids


def test_vacancies_count_a_duplicate_cluster_once_and_postings_count_every_copy(market: Services) -> None:
    indicators = market.indicators
    query = indicators.query({}, date(2026, 9, 1), date(2026, 10, 31))
    assert indicators.store.snapshot().postings == 8
    assert indicators.total(Measure.POSTINGS_NEW, query).value == 8
    assert indicators.total(Measure.VACANCIES_NEW, query).value == 6
    assert indicators.total(Measure.POSTING_INTENSITY, query).value == pytest.approx(8 / 6)
    monthly = indicators.series(Measure.VACANCIES_NEW, query, Grain.MONTH)
    assert [(p.period, p.cell.value) for p in monthly.points] == [(date(2026, 9, 1), 3), (date(2026, 10, 1), 3)]
    opened = indicators.series(Measure.VACANCIES_OPEN, query, Grain.MONTH)
    assert [p.cell.value for p in opened.points] == [3, 6]


def test_filters_take_names_and_refuse_unknown_values_with_a_suggestion(market: Services) -> None:
    indicators = market.indicators
    query = indicators.query({"region": ["seoul"]}, date(2026, 9, 1), date(2026, 10, 31))
    assert query.filters[Dimension.REGION] == ("KR-11",)
    assert indicators.total(Measure.VACANCIES_NEW, query).value == 3
    with pytest.raises(Invalid) as unknown:
        indicators.query({"region": ["Seol"]})
    assert "Seoul" in unknown.value.suggestions
    with pytest.raises(Invalid) as dimension:
        indicators.query({"regoin": ["Seoul"]})
    assert "region" in dimension.value.suggestions
    with pytest.raises(Invalid, match="jobseekers have no source"):
        indicators.total(Measure.SEEKERS_ACTIVE, indicators.query({"source": ["board"]}))


def test_rankings_break_down_by_isco_level_and_region(market: Services) -> None:
    indicators = market.indicators
    query = indicators.query({}, date(2026, 9, 1), date(2026, 10, 31))
    by_group = indicators.ranking(Measure.VACANCIES_NEW, query, Dimension.OCCUPATION, 1)
    assert [(row.key, row.cell.value) for row in by_group.rows] == [("2", 6)]
    by_region = indicators.ranking(Measure.VACANCIES_NEW, query, Dimension.REGION)
    assert {(row.key, row.label, row.cell.value) for row in by_region.rows} == {
        ("KR-11", "Seoul", 3),
        ("KR-26", "Busan", 3),
    }
    assert by_region.total.value == 6


def test_jobseeker_cells_under_the_threshold_are_suppressed_with_the_cell_that_would_reveal_them(
    market: Services,
) -> None:
    indicators = market.indicators
    query = indicators.query({}, date(2026, 9, 1), date(2026, 10, 31))
    ranking = indicators.ranking(Measure.SEEKERS_ACTIVE, query, Dimension.REGION)
    cells = {row.key: row.cell for row in ranking.rows}
    assert ranking.total.value == 26
    assert cells["KR-26"].suppressed
    assert cells["KR-26"].value is None
    assert cells["KR-28"].suppressed  # else 26 - 12 - 11 would give Busan's 3 away
    assert cells["KR-11"] == Cell(12, 12)
    seoul = indicators.query({"region": ["KR-11"]}, date(2026, 9, 1), date(2026, 10, 31))
    assert indicators.total(Measure.TIGHTNESS, seoul).value == pytest.approx(3 / 12)
    busan = indicators.query({"region": ["KR-26"]}, date(2026, 9, 1), date(2026, 10, 31))
    assert indicators.total(Measure.TIGHTNESS, busan).suppressed


def test_applications_placements_and_time_to_fill_come_from_behaviour_events(market: Services) -> None:
    query = market.indicators.query({}, date(2026, 9, 1), date(2026, 10, 31))
    assert market.indicators.total(Measure.APPLICATIONS, query).value == 10
    assert market.indicators.total(Measure.PLACEMENTS, query).value == 10
    assert market.indicators.total(Measure.TIME_TO_FILL, query).value == 20  # posted 1 September, hired 21st


def test_skills_demand_comes_from_vacancies_and_supply_from_jobseekers(market: Services) -> None:
    query = market.indicators.query({}, date(2026, 9, 1), date(2026, 10, 31))
    report = skills_report(market.indicators, query)
    assert report.vacancies == 6
    python = next(row for row in report.rows if row.label.startswith("Python"))
    assert (python.demand, python.essential) == (1.0, 0.0)  # every ad names it, as "a plus"
    assert python.supply == Cell(0.0, 0)  # no jobseeker declares it: zero is published
    assert python.gap == 1.0
    assert python.digital
    assert report.digital_share == 1.0
    assert report.seekers == Cell(26.0, 26)


CUBE_MEASURES = ("postings_new", "vacancies_new", "postings_open", "vacancies_open")
BREAKDOWNS = [(None, None), (Dimension.OCCUPATION, 2), (Dimension.OCCUPATION, 4), (Dimension.REGION, 0),
              (Dimension.REGION, 1)]  # fmt: skip


def _cube_and_records(market: Services) -> Iterator[tuple[str, list[Any], list[Any]]]:
    """Every question the flow cube answers, with its answer and the answer of counting the records."""
    folder = market.settings.analytics_dir()
    cube, records = DuckIndicatorStore(folder), DuckIndicatorStore(folder, cube=False)
    assert cube.flows() is not None
    assert records.flows() is None
    for filters in ({}, {"region": ["KR-11"]}, {"occupation": ["2221"]}):
        query = market.indicators.query(filters, date(2026, 8, 20), date(2026, 11, 10))
        for measure in CUBE_MEASURES:
            for grain in (None, Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER):
                for by, level in BREAKDOWNS:
                    asked = f"{measure} {filters} {grain} {by} {level}"
                    yield (
                        asked,
                        sorted(cube.table(measure, query, grain, by, level)),
                        sorted(records.table(measure, query, grain, by, level)),
                    )


def test_the_flow_cube_answers_as_counting_the_records_does(market: Services) -> None:
    answered = 0
    for asked, from_cube, from_records in _cube_and_records(market):
        assert from_cube == from_records, asked
        answered += bool(from_records)
    assert answered > 100  # most questions have an answer on this market: the comparison is not of empties


def test_skill_counts_from_the_monthly_tables_are_those_of_the_vacancies(market: Services) -> None:
    folder = market.settings.analytics_dir()
    summed, counted = DuckIndicatorStore(folder), DuckIndicatorStore(folder, cube=False)
    windows = [(date(2026, 9, 1), date(2026, 9, 30)), (date(2026, 9, 15), date(2026, 11, 10))]
    for filters in ({}, {"region": ["KR-11"]}, {"occupation": ["2221"]}, {"occupation": ["22"], "region": ["KR"]}):
        query = market.indicators.query(filters, date(2026, 9, 1), date(2026, 11, 10))
        found = summed.skill_counts(query, windows)
        assert found == counted.skill_counts(query, windows), filters
        assert found[1][0] > 0, filters  # vacancies in the window: not a comparison of empties


def test_a_stock_carries_its_level_through_periods_without_openings_or_closings(market: Services) -> None:
    query = market.indicators.query({}, date(2026, 10, 8), date(2026, 10, 19))
    daily = market.indicators.series(Measure.VACANCIES_OPEN, query, Grain.DAY)
    assert [point.cell.value for point in daily.points] == [6.0] * 12  # the last ad came on 6 October


def test_a_refresh_reads_only_what_changed_and_a_removed_posting_stops_being_open(
    market: Services, tmp_path: Path
) -> None:
    """Runs last: it changes the module's market."""
    query = market.indicators.query({}, date(2026, 9, 1), market.now().date())
    assert market.indicators.total(Measure.POSTINGS_NEW, query).value == 8  # remembered until the next refresh
    ingest(market, "board", [_ad(9, "2026-10-20")])
    with market.uow() as uow:
        uow.jobs.remove("board", ["ad-1"], market.now())
        uow.commit()
    report = market.refresh_analytics(SilentProgress())
    assert (report.changed, report.months_rewritten, report.postings) == (2, 2, 9)  # September's removal, October's ad
    assert market.indicators.total(Measure.POSTINGS_NEW, query).value == 9
    assert market.indicators.total(Measure.POSTINGS_OPEN, query).value == 8  # one more, one fewer
    files = sorted(path.name for path in (market.settings.analytics_dir() / "postings").glob("*.parquet"))
    assert files == ["2026-09.parquet", "2026-10.parquet"]
    ids = pl.read_parquet(market.settings.analytics_dir() / "postings" / "2026-10.parquet")["id"]
    assert ids.n_unique() == ids.len()
    # the vacancies re-derived for the changed clusters only are those a full refresh derives from scratch
    rebuilt = tmp_path / "rebuilt"
    refresh_snapshot(market.engine, rebuilt, now=market.now, progress=SilentProgress(), full=True)
    for part in ("vacancies", "vacancy_skills", "flows"):
        incremental, full = (
            pl.read_parquet(folder / part / "*.parquet").sort(pl.all())
            for folder in (market.settings.analytics_dir(), rebuilt)
        )
        assert incremental.equals(full), part
    for asked, from_cube, from_records in _cube_and_records(market):
        assert from_cube == from_records, asked
