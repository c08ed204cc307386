"""/api/v1 indicators: labour market indicators as totals, time series, rankings, pay, skills; CSV and
Parquet export; open-data bulk files; today's operations for staff.

Indicators are aggregates with disclosure control, open to anyone (like the taxonomy); the
operations view is for analysts, counsellors and administrators.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BeforeValidator, WithJsonSchema

from lmis.analytics.bulk import bulk_tables
from lmis.analytics.export import LICENCE, pay_rows, ranking_rows, series_rows, skills_rows, to_csv, to_parquet
from lmis.analytics.indicators import IndicatorService, parse_enum
from lmis.analytics.model import PERSONAL_MEASURES, UNITS, Dimension, Grain, IndicatorQuery, Measure
from lmis.analytics.skills_gap import skills_report
from lmis.identity.model import Permission
from lmis.shared.errors import NotFound, did_you_mean
from lmis.web.api.indicator_schemas import (
    CatalogueOut,
    MeasureOut,
    OperationsOut,
    PayOut,
    RankingOut,
    SeriesOut,
    SkillsOut,
    SnapshotOut,
)
from lmis.web.api.params import INTEGER_TEXT
from lmis.web.auth import SignedInDep
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["indicators"])
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: object) -> object:
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("give a date as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date"}, mode="validation")]
Values = Annotated[list[str], Query(max_length=20)]
Format = Annotated[Literal["json", "csv", "parquet"], Query(description="json (default), csv or parquet.")]
MeasureName = Annotated[str, Path(max_length=40, description="A measure (GET /indicators lists them).")]
Level = Annotated[
    int | None,
    Query(ge=0, le=4, description="ISCO digits (0: ESCO occupations) or region level (0: country, 1, 2)."),
    INTEGER_TEXT,
]
_MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


def _query(
    service: IndicatorService, occupation: list[str], region: list[str], sector: list[str], employer_size: list[str],
    source: list[str], start: date | None, end: date | None,
) -> IndicatorQuery:  # fmt: skip
    filters = {"occupation": occupation, "region": region, "sector": sector, "employer_size": employer_size,
               "source": source}  # fmt: skip
    return service.query(filters, start, end)


def _file(rows: list[dict[str, object]], output: str, name: str) -> Response:
    body: str | bytes = to_csv(rows) if output == "csv" else to_parquet(rows)
    headers = {"Content-Disposition": f'attachment; filename="{name}.{output}"'}
    return Response(body, media_type=_MEDIA[output], headers=headers)


_FILTER_DOC = (
    "Filters: `occupation` (ISCO-08 code at any level, ESCO concept id, or a name), `region` (gazetteer id or "
    "name, any level), `sector`, `employer_size`, `source`; repeat a parameter for several values. Unknown "
    "values are a 422 with `suggestions`."
)


@router.get("/indicators", response_model=CatalogueOut, summary="What indicators there are")
def catalogue(services_: ServicesDep) -> CatalogueOut:
    """Measures with units, dimensions with their levels, grains, the disclosure threshold and the bulk files."""
    indicators = services_.indicators
    return CatalogueOut(
        measures=[MeasureOut(name=m.value, unit=u, personal=m in PERSONAL_MEASURES) for m, u in UNITS.items()],
        dimensions={"occupation": [0, 1, 2, 3, 4], "region": [0, 1, 2], "sector": [], "employer_size": [],
                    "source": []},
        grains=[g.value for g in Grain], min_cell=indicators.min_cell,
        bulk=sorted(bulk_tables(indicators, indicators.query()).keys()), licence=LICENCE,
        snapshot=SnapshotOut.of(indicators.store.snapshot()),
    )  # fmt: skip


@router.get(
    "/indicators/{measure}/series",
    response_model=SeriesOut,
    summary="A measure by period",
    description=_FILTER_DOC,
    responses={**problem_responses(422), 200: {"content": {"text/csv": {}, _MEDIA["parquet"]: {}}}},
)
def series(
    services_: ServicesDep, measure: MeasureName, grain: Annotated[Grain, Query()] = Grain.MONTH,
    occupation: Values = [], region: Values = [], sector: Values = [], employer_size: Values = [],
    source: Values = [], start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None, format: Format = "json",
) -> SeriesOut | Response:  # fmt: skip
    """Stocks (open vacancies, active jobseekers, tightness) at each period's end; flows within it."""
    indicators = services_.indicators
    chosen = parse_enum(Measure, measure, "measure")
    found = indicators.series(
        chosen, _query(indicators, occupation, region, sector, employer_size, source, start, end), grain
    )
    return SeriesOut.of(found) if format == "json" else _file(series_rows(found), format, f"{measure}-by-{grain}")


@router.get(
    "/indicators/{measure}/ranking",
    response_model=RankingOut,
    summary="A measure by member of a dimension",
    description=_FILTER_DOC,
    responses={**problem_responses(422), 200: {"content": {"text/csv": {}, _MEDIA["parquet"]: {}}}},
)
def ranking(
    services_: ServicesDep, measure: MeasureName, by: Annotated[Dimension, Query()] = Dimension.OCCUPATION,
    level: Level = None, limit: Annotated[int, Query(ge=1, le=1000), INTEGER_TEXT] = 20,
    occupation: Values = [], region: Values = [], sector: Values = [], employer_size: Values = [],
    source: Values = [], start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None, format: Format = "json",
) -> RankingOut | Response:  # fmt: skip
    """Largest first, with the total; personal measures' small cells and the cells revealing them are suppressed."""
    indicators = services_.indicators
    chosen = parse_enum(Measure, measure, "measure")
    query = _query(indicators, occupation, region, sector, employer_size, source, start, end)
    found = indicators.ranking(chosen, query, by, level, limit)
    return RankingOut.of(found) if format == "json" else _file(ranking_rows(found), format, f"{measure}-by-{by}")


@router.get(
    "/indicators/pay",
    response_model=PayOut,
    summary="Advertised pay distribution",
    description=_FILTER_DOC,
    responses={**problem_responses(422), 200: {"content": {"text/csv": {}, _MEDIA["parquet"]: {}}}},
)
def pay(
    services_: ServicesDep, by: Annotated[Dimension, Query()] = Dimension.OCCUPATION, level: Level = None,
    occupation: Values = [], region: Values = [], sector: Values = [], employer_size: Values = [],
    source: Values = [], start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None, format: Format = "json",
) -> PayOut | Response:  # fmt: skip
    """Quantiles (p10-p90) of the annualised midpoint of advertised pay ranges, by member and currency."""
    indicators = services_.indicators
    found = indicators.pay(_query(indicators, occupation, region, sector, employer_size, source, start, end), by, level)
    return PayOut.of(found) if format == "json" else _file(pay_rows(found), format, f"pay-by-{by}")


@router.get(
    "/indicators/skills",
    response_model=SkillsOut,
    summary="Skills demand, supply, gap and emerging skills",
    description=_FILTER_DOC,
    responses={**problem_responses(422), 200: {"content": {"text/csv": {}, _MEDIA["parquet"]: {}}}},
)
def skills(
    services_: ServicesDep, limit: Annotated[int, Query(ge=1, le=1000), INTEGER_TEXT] = 50,
    occupation: Values = [], region: Values = [], start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None, format: Format = "json",
) -> SkillsOut | Response:  # fmt: skip
    """The most demanded skills and every emerging one, with digital and green shares of demand."""
    indicators = services_.indicators
    found = skills_report(indicators, _query(indicators, occupation, region, [], [], [], start, end), limit)
    return SkillsOut.of(found) if format == "json" else _file(skills_rows(found), format, "skills")


@router.get(
    "/indicators/bulk/{name}",
    summary="An open-data bulk file",
    responses={**problem_responses(404), 200: {"content": {"text/csv": {}, _MEDIA["parquet"]: {}}}},
)
def bulk(services_: ServicesDep, name: Annotated[str, Path(max_length=80)]) -> Response:
    """`<table>.csv` or `<table>.parquet` over the last year (GET /indicators lists the tables)."""
    indicators = services_.indicators
    stem, _, suffix = name.rpartition(".")
    tables = bulk_tables(indicators, indicators.query())
    if stem not in tables or suffix not in _MEDIA:
        names = [f"{table}.{kind}" for table in tables for kind in _MEDIA]
        raise NotFound(f"no bulk file {name!r}", suggestions=did_you_mean(name, names))
    return _file(tables[stem](), suffix, stem)


@router.get(
    "/indicators/operations",
    response_model=OperationsOut,
    summary="Today's operations (staff)",
    responses=problem_responses(401, 403),
)
def operations(services_: ServicesDep, principal: SignedInDep) -> OperationsOut:
    """Postings in and out today, ingest health per partner, registrations, applications, placements,
    recommendation click-through; read live, for analysts, counsellors and administrators."""
    principal.require(Permission.READ_ANALYTICS)
    return OperationsOut.of(services_.operations())
