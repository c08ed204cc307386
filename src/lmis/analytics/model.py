"""What indicators are: measures, dimensions, time grains, the query, and the cells results are made of.

A cell carries its value and, for measures built from personal records, the number of people
behind it and whether disclosure control suppressed it (`analytics.disclosure`). Results say
which snapshot they were computed from, so a chart can say "as of".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Dimension(StrEnum):
    """What indicators can be broken down and filtered by."""

    OCCUPATION = "occupation"  # ISCO-08 code at level 1-4 ("2512") or an ESCO occupation concept id
    REGION = "region"  # gazetteer id of a first- or second-level division ("KR-11", "KR-11-680") or a country
    SECTOR = "sector"  # the employer's industry (ISIC Rev. 4 section letter as stored)
    EMPLOYER_SIZE = "employer_size"  # the employer's size band ("1-9", "10-49", ...)
    SOURCE = "source"  # the partner the postings came from


class Grain(StrEnum):
    """The length of a period in a time series."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Measure(StrEnum):
    """The indicators of counts over a period (time series, totals and rankings)."""

    POSTINGS_NEW = "postings_new"  # postings first posted in the period, duplicates included
    VACANCIES_NEW = "vacancies_new"  # vacancies first posted in the period (a duplicate cluster counts once)
    POSTINGS_OPEN = "postings_open"  # postings open at the end of the period
    VACANCIES_OPEN = "vacancies_open"  # vacancies open at the end of the period
    POSTING_INTENSITY = "posting_intensity"  # new postings per new vacancy
    SEEKERS_NEW = "seekers_new"  # jobseekers who registered in the period
    SEEKERS_ACTIVE = "seekers_active"  # jobseekers on the register at the end of the period
    TIGHTNESS = "tightness"  # open vacancies per active jobseeker at the end of the period
    APPLICATIONS = "applications"  # applications made in the period
    PLACEMENTS = "placements"  # hires recorded in the period
    TIME_TO_FILL = "time_to_fill"  # median days from first posting to the hire, for hires in the period
    ADVERTISED_DURATION = "advertised_duration"  # median days open, for postings closed in the period


# Measures counted from people's records: their cells go through disclosure control.
PERSONAL_MEASURES = frozenset(
    {
        Measure.SEEKERS_NEW,
        Measure.SEEKERS_ACTIVE,
        Measure.TIGHTNESS,
        Measure.APPLICATIONS,
        Measure.PLACEMENTS,
        Measure.TIME_TO_FILL,
    }
)

UNITS: Mapping[Measure, str] = {
    Measure.POSTINGS_NEW: "postings",
    Measure.VACANCIES_NEW: "vacancies",
    Measure.POSTINGS_OPEN: "postings",
    Measure.VACANCIES_OPEN: "vacancies",
    Measure.POSTING_INTENSITY: "postings per vacancy",
    Measure.SEEKERS_NEW: "jobseekers",
    Measure.SEEKERS_ACTIVE: "jobseekers",
    Measure.TIGHTNESS: "vacancies per jobseeker",
    Measure.APPLICATIONS: "applications",
    Measure.PLACEMENTS: "placements",
    Measure.TIME_TO_FILL: "days (median)",
    Measure.ADVERTISED_DURATION: "days (median)",
}


@dataclass(frozen=True, slots=True)
class IndicatorQuery:
    """Which records an indicator counts: the period [start, end] (inclusive days) and dimension
    filters (resolved ids; values OR-ed within a dimension, dimensions AND-ed)."""

    start: date
    end: date
    filters: Mapping[Dimension, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Cell:
    """One published number. `people` is how many people it was built from (None for postings-only
    measures); a suppressed cell has no value and says why."""

    value: float | None
    people: int | None = None
    suppressed: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of the analytics snapshot results were computed from."""

    refreshed_at: datetime | None
    postings: int
    seekers: int
    events: int


@dataclass(frozen=True, slots=True)
class Point:
    """One period of a time series: its first day and its cell."""

    period: date
    cell: Cell


@dataclass(frozen=True, slots=True)
class TimeSeries:
    """A measure by period."""

    measure: Measure
    unit: str
    grain: Grain
    query: IndicatorQuery
    points: tuple[Point, ...]
    snapshot: Snapshot


@dataclass(frozen=True, slots=True)
class Row:
    """One member of a dimension in a ranking: its id, label and cell."""

    key: str
    label: str
    cell: Cell


@dataclass(frozen=True, slots=True)
class Ranking:
    """A measure by the members of one dimension over the query's period, largest first, with the total."""

    measure: Measure
    unit: str
    by: Dimension
    level: int | None  # ISCO digits or gazetteer level the members are at
    query: IndicatorQuery
    rows: tuple[Row, ...]
    total: Cell
    snapshot: Snapshot


@dataclass(frozen=True, slots=True)
class PayRow:
    """Advertised pay of one group: annual midpoints' quantiles in one currency."""

    key: str
    label: str
    currency: str
    postings: int
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float


@dataclass(frozen=True, slots=True)
class PayDistribution:
    """Advertised pay (annualised midpoint of the advertised range) by the members of one dimension."""

    by: Dimension
    level: int | None
    query: IndicatorQuery
    rows: tuple[PayRow, ...]
    snapshot: Snapshot


@dataclass(frozen=True, slots=True)
class SkillRow:
    """One ESCO skill's demand (share of vacancies asking it), supply (share of jobseekers declaring it)
    and the gap between them; growth compares the latest window with the one before."""

    skill_id: str
    label: str
    demand: float  # share of vacancies in the query asking the skill
    essential: float  # share of vacancies asking it as essential
    supply: Cell  # share of active jobseekers declaring it (personal: disclosure control)
    gap: float | None  # (demand - supply) / (demand + supply), in [-1, 1]; positive: shortage
    growth: float | None  # demand share now / demand share in the window before, minus 1
    p_value: float | None  # two-proportion z-test of that growth
    emerging: bool  # growth significant after Benjamini-Hochberg at 5% and at least `EMERGING_MIN` vacancies
    digital: bool
    green: bool


@dataclass(frozen=True, slots=True)
class SkillsReport:
    """Skills demand, supply and gap over the query, with the digital and green shares of demand."""

    query: IndicatorQuery
    vacancies: int
    seekers: Cell
    rows: tuple[SkillRow, ...]
    digital_share: float  # share of vacancies asking at least one digital skill
    green_share: float
    snapshot: Snapshot


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One partner's ingestion today: runs, records in, quarantined, last run and its status."""

    source: str
    runs: int
    new: int
    updated: int
    quarantined: int
    last_run_at: datetime | None
    last_status: str


@dataclass(frozen=True, slots=True)
class Operations:
    """Today's operations, read live from the database (not the snapshot)."""

    day: date
    postings_in: int
    postings_out: int
    live_postings: int
    registrations: int
    applications: int
    placements: int
    recommendations_shown: int
    recommendation_clicks: int
    sources: tuple[SourceHealth, ...]

    @property
    def click_through(self) -> float | None:
        """Clicks per recommendation impression today; None when none were shown."""
        return self.recommendation_clicks / self.recommendations_shown if self.recommendations_shown else None
