"""/api/v1 series: official statistics stored beside the platform's own (open data), as JSON or CSV."""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lmis.analytics import series as services
from lmis.analytics.series_model import period_text
from lmis.analytics.series_ports import SeriesFilter
from lmis.shared.paging import MAX_PAGE_SIZE
from lmis.web.api.params import INTEGER_TEXT
from lmis.web.api.series_schemas import SeriesDetailOut, SeriesOut, SeriesPageOut
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["series"])
CSV = "text/csv"
_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The series as JSON, or with `format=csv` as CSV: series_id,period,value,flag.",
        "content": {CSV: {"schema": {"type": "string"}}},
    }
}


class Format(StrEnum):
    """How a series is returned."""

    JSON = "json"
    CSV = "csv"


@router.get("/series", response_model=SeriesPageOut, summary="List external series", responses=problem_responses(422))
def list_series(
    services_: ServicesDep,
    measure: Annotated[
        str | None, Query(max_length=64, description="employment, wage_median, postings_index, job_openings, ...")
    ] = None,
    source: Annotated[
        str | None, Query(max_length=64, description="bls_oews, indeed, canada_lmia, fred, or a user's source.")
    ] = None,
    country: Annotated[str | None, Query(max_length=8, description="ISO 3166-1 alpha-2.", examples=["US"])] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the series name or code.")] = None,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size."), INTEGER_TEXT] = 20,
) -> SeriesPageOut:
    """Official statistics stored as external series (BLS OEWS, Indeed Hiring Lab, ESDC LMIA, FRED/JOLTS...),
    each with its licence and attribution, by source and code.

    Unknown measures, sources and countries are a 422 with `suggestions`, never an empty page.
    """
    where = SeriesFilter(measure=measure, source=source, country=country, text=q)
    page = services.list_series(where, cursor=cursor, limit=limit, uow=services_.uow())
    return SeriesPageOut(
        items=[SeriesOut.of_summary(s) for s in page.items], total=page.total, next_cursor=page.next_cursor
    )


@router.get(
    "/series/{series_id}",
    response_model=SeriesDetailOut,
    summary="One external series with its observations",
    responses={**problem_responses(404, 422), **_CSV_RESPONSE},
)
def get_series(
    series_id: str,
    services_: ServicesDep,
    start: Annotated[
        str | None,
        Query(alias="from", max_length=10, description="First period: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD."),
    ] = None,
    end: Annotated[
        str | None,
        Query(alias="to", max_length=10, description="Last period, inclusive of all of it (2020: to 31 December)."),
    ] = None,
    format: Annotated[Format, Query(description="json, or csv: series_id,period,value,flag.")] = Format.JSON,
) -> SeriesDetailOut | Response:
    """The series' description (publisher, licence, attribution, notes) and its observations from `from` to `to`.

    Values the publisher withheld are null with a flag. With `format=csv`, one row per period
    (periods written YYYY, YYYY-MM or YYYY-MM-DD by frequency), the format `lmis series import csv` reads.
    """
    view = services.get_series(series_id, start=start, end=end, uow=services_.uow())
    if format is Format.JSON:
        return SeriesDetailOut.of_view(view)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("series_id", "period", "value", "flag"))
    frequency = view.series.info.frequency
    for o in view.observations:
        writer.writerow(
            (view.series.id, period_text(o.period, frequency), "" if o.value is None else repr(o.value), o.flag.value)
        )
    disposition = f'attachment; filename="{view.series.id}.csv"'
    return Response(out.getvalue(), media_type=CSV, headers={"Content-Disposition": disposition})
