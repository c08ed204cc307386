"""Response bodies of /api/v1/indicators: cells with their suppression markers, series, rankings, pay, skills."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from lmis.analytics import model as m


class CellOut(BaseModel):
    """One published number; a suppressed cell has no value and says why."""

    value: float | None
    people: int | None = Field(None, description="People the cell counts (personal measures only).")
    suppressed: bool
    reason: str = ""

    @classmethod
    def of(cls, cell: m.Cell) -> CellOut:
        return cls(value=cell.value, people=cell.people, suppressed=cell.suppressed, reason=cell.reason)


class SnapshotOut(BaseModel):
    """The snapshot a result was computed from."""

    refreshed_at: datetime | None
    postings: int
    seekers: int
    events: int

    @classmethod
    def of(cls, snapshot: m.Snapshot) -> SnapshotOut:
        return cls(
            refreshed_at=snapshot.refreshed_at, postings=snapshot.postings, seekers=snapshot.seekers,
            events=snapshot.events,
        )  # fmt: skip


class QueryOut(BaseModel):
    """The period and the filters (resolved to ids) a result answers."""

    start: date
    end: date
    filters: dict[str, list[str]]

    @classmethod
    def of(cls, query: m.IndicatorQuery) -> QueryOut:
        return cls(start=query.start, end=query.end, filters={d.value: list(v) for d, v in query.filters.items()})


class PointOut(BaseModel):
    period: date = Field(description="First day of the period.")
    cell: CellOut


class SeriesOut(BaseModel):
    """A measure by period."""

    measure: str
    unit: str
    grain: str
    query: QueryOut
    points: list[PointOut]
    snapshot: SnapshotOut

    @classmethod
    def of(cls, series: m.TimeSeries) -> SeriesOut:
        return cls(
            measure=series.measure.value, unit=series.unit, grain=series.grain.value, query=QueryOut.of(series.query),
            points=[PointOut(period=p.period, cell=CellOut.of(p.cell)) for p in series.points],
            snapshot=SnapshotOut.of(series.snapshot),
        )  # fmt: skip


class RowOut(BaseModel):
    key: str = Field(description="The member's id (ISCO code, ESCO concept id, gazetteer id, sector...).")
    label: str
    cell: CellOut


class RankingOut(BaseModel):
    """A measure by member of a dimension, largest first, with the total."""

    measure: str
    unit: str
    by: str
    level: int | None
    query: QueryOut
    rows: list[RowOut]
    total: CellOut
    snapshot: SnapshotOut

    @classmethod
    def of(cls, ranking: m.Ranking) -> RankingOut:
        return cls(
            measure=ranking.measure.value, unit=ranking.unit, by=ranking.by.value, level=ranking.level,
            query=QueryOut.of(ranking.query),
            rows=[RowOut(key=r.key, label=r.label, cell=CellOut.of(r.cell)) for r in ranking.rows],
            total=CellOut.of(ranking.total), snapshot=SnapshotOut.of(ranking.snapshot),
        )  # fmt: skip


class PayRowOut(BaseModel):
    key: str
    label: str
    currency: str
    postings: int
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float


class PayOut(BaseModel):
    """Advertised annual pay (midpoint of the advertised range) quantiles by member and currency."""

    by: str
    level: int | None
    query: QueryOut
    rows: list[PayRowOut]
    snapshot: SnapshotOut

    @classmethod
    def of(cls, pay: m.PayDistribution) -> PayOut:
        rows = [
            PayRowOut(key=r.key, label=r.label, currency=r.currency, postings=r.postings, p10=r.p10, p25=r.p25,
                      p50=r.p50, p75=r.p75, p90=r.p90)
            for r in pay.rows
        ]  # fmt: skip
        return cls(by=pay.by.value, level=pay.level, query=QueryOut.of(pay.query), rows=rows,
                   snapshot=SnapshotOut.of(pay.snapshot))  # fmt: skip


class SkillRowOut(BaseModel):
    skill_id: str
    label: str
    demand: float = Field(description="Share of vacancies asking the skill.")
    essential: float = Field(description="Share of vacancies requiring it outright.")
    supply: CellOut = Field(description="Share of active jobseekers declaring it (disclosure-controlled).")
    gap: float | None = Field(description="(demand - supply) / (demand + supply); positive: shortage.")
    growth: float | None
    p_value: float | None
    emerging: bool
    digital: bool
    green: bool


class SkillsOut(BaseModel):
    """Skills demand, supply, gap and emerging skills, with the digital and green shares of demand."""

    query: QueryOut
    vacancies: int
    seekers: CellOut
    digital_share: float
    green_share: float
    rows: list[SkillRowOut]
    snapshot: SnapshotOut

    @classmethod
    def of(cls, report: m.SkillsReport) -> SkillsOut:
        rows = [
            SkillRowOut(skill_id=r.skill_id, label=r.label, demand=r.demand, essential=r.essential,
                        supply=CellOut.of(r.supply), gap=r.gap, growth=r.growth, p_value=r.p_value,
                        emerging=r.emerging, digital=r.digital, green=r.green)
            for r in report.rows
        ]  # fmt: skip
        return cls(
            query=QueryOut.of(report.query), vacancies=report.vacancies, seekers=CellOut.of(report.seekers),
            digital_share=report.digital_share, green_share=report.green_share, rows=rows,
            snapshot=SnapshotOut.of(report.snapshot),
        )  # fmt: skip


class SourceHealthOut(BaseModel):
    source: str
    runs: int
    new: int
    updated: int
    quarantined: int
    last_run_at: datetime | None
    last_status: str


class OperationsOut(BaseModel):
    """Today's operations, live."""

    day: date
    postings_in: int
    postings_out: int
    live_postings: int
    registrations: int
    applications: int
    placements: int
    recommendations_shown: int
    recommendation_clicks: int
    click_through: float | None
    sources: list[SourceHealthOut]

    @classmethod
    def of(cls, ops: m.Operations) -> OperationsOut:
        return cls(
            day=ops.day, postings_in=ops.postings_in, postings_out=ops.postings_out, live_postings=ops.live_postings,
            registrations=ops.registrations, applications=ops.applications, placements=ops.placements,
            recommendations_shown=ops.recommendations_shown, recommendation_clicks=ops.recommendation_clicks,
            click_through=ops.click_through,
            sources=[SourceHealthOut(**{k: getattr(s, k) for k in SourceHealthOut.model_fields}) for s in ops.sources],
        )  # fmt: skip


class MeasureOut(BaseModel):
    name: str
    unit: str
    personal: bool = Field(description="Built from people's records: small cells are suppressed.")


class CatalogueOut(BaseModel):
    """What can be asked: measures, dimensions with their levels, grains, the disclosure threshold, bulk files."""

    measures: list[MeasureOut]
    dimensions: dict[str, list[int]]
    grains: list[str]
    min_cell: int
    bulk: list[str]
    licence: str
    snapshot: SnapshotOut
