"""Response models of the external-series endpoints: official statistics with their licence, notes and values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lmis.analytics.series import SeriesView
from lmis.analytics.series_model import ExternalSeries, Flag
from lmis.analytics.series_ports import SeriesSummary
from lmis.web.api.schemas import PageOut

_EXAMPLE: dict[str, Any] = {
    "id": "96c7667c02a9bbb0",
    "source": "fred",
    "code": "JTSJOL",
    "name": "Job openings, total nonfarm (JOLTS), seasonally adjusted (JTSJOL)",
    "measure": "job_openings",
    "unit": "thousands",
    "frequency": "month",
    "dimensions": {"country": "US"},
    "publisher": "U.S. Bureau of Labor Statistics, via FRED (Federal Reserve Bank of St. Louis)",
    "licence": "Public domain (U.S. Government work)",
    "attribution": (
        "Source: U.S. Bureau of Labor Statistics, via FRED (Federal Reserve Bank of St. Louis), series JTSJOL."
    ),
    "notes": "FRED series JTSJOL. JOLTS job openings, total nonfarm, thousands, SA, monthly (BLS).",
    "file": "us_fred_labor_series.csv",
    "imported_at": "2026-11-26T10:00:00Z",
    "observations": 277,
    "first": "2000-12-01",
    "last": "2023-12-01",
}


class SeriesOut(BaseModel):
    """An external series: what it measures, for which slice, who publishes it and under which licence."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: str = Field(description="Stable id: the first 16 hex digits of sha256(source NUL code).")
    source: str = Field(description="The importer or publisher kind: bls_oews, indeed, canada_lmia, fred, ...")
    code: str = Field(description="The publisher's own key of the series, within the source.")
    name: str
    measure: str = Field(description="employment, wage_median, postings_index, job_openings, ...")
    unit: str
    frequency: str = Field(description="year, quarter, month, week or day; periods are dated by their first day.")
    dimensions: dict[str, str] = Field(description="country (ISO 3166-1 alpha-2), region, occupation, sector, ...")
    publisher: str
    licence: str
    attribution: str = Field(description="The line to print wherever the data are shown.")
    notes: str = Field(description="Caveats: method changes, code versions, how values were derived.")
    file: str = Field(description="Name of the file it was imported from.")
    imported_at: datetime = Field(description="When its description or values last changed.")
    observations: int = Field(description="How many periods it has.")
    first: date | None = Field(description="The first period (its first day).")
    last: date | None = Field(description="The last period (its first day).")

    @classmethod
    def of(cls, series: ExternalSeries, observations: int, first: date | None, last: date | None) -> SeriesOut:
        """The API form of a series."""
        info = series.info
        return cls(
            id=series.id,
            source=info.source,
            code=info.code,
            name=info.name,
            measure=info.measure,
            unit=info.unit,
            frequency=info.frequency.value,
            dimensions=dict(info.dimensions),
            publisher=info.publisher,
            licence=info.licence,
            attribution=info.attribution,
            notes=info.notes,
            file=info.location.replace("\\", "/").rsplit("/", 1)[-1],
            imported_at=series.imported_at,
            observations=observations,
            first=first,
            last=last,
        )

    @classmethod
    def of_summary(cls, summary: SeriesSummary) -> SeriesOut:
        """The API form of a listed series."""
        return cls.of(summary.series, summary.observations, summary.first, summary.last)


class ObservationOut(BaseModel):
    """One period: its first day, the value (null when not published) and why it is special, if it is."""

    period: date
    value: float | None
    flag: Flag = Field(description="'' (published), not_available, top_coded or estimate.")


class SeriesDetailOut(SeriesOut):
    """A series with its observations in the range asked."""

    data: list[ObservationOut] = Field(description="Observations in period order.")

    @classmethod
    def of_view(cls, view: SeriesView) -> SeriesDetailOut:
        """The API form of a series and its observations."""
        base = SeriesOut.of_summary(view.summary)
        data = [ObservationOut(period=o.period, value=o.value, flag=o.flag) for o in view.observations]
        return cls(**base.model_dump(), data=data)


class SeriesPageOut(PageOut[SeriesOut]):
    """A page of external series, by source and code."""
