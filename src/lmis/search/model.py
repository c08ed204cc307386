"""What search indexes and answers: the searchable projection of a posting, the resolved query and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SortOrder(StrEnum):
    """How results are ordered; every order ends with the posting id as a unique tiebreaker."""

    RELEVANCE = "relevance"
    DATE = "date"
    SALARY = "salary"
    DISTANCE = "distance"


class TotalRelation(StrEnum):
    """Whether `total` is exact (`eq`) or a lower bound (`gte`), as in Elasticsearch."""

    EQ = "eq"
    GTE = "gte"


FACETS = ("occupation_group", "region", "employment_type", "salary_band")
# Annual salary bands (in the posting's currency) for the salary facet: lower bounds.
SALARY_BANDS = (0.0, 20_000.0, 30_000.0, 40_000.0, 50_000.0, 70_000.0, 100_000.0, 1_000_000.0, 30_000_000.0)


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One live posting as the engines index it: analysed text plus filterable and sortable values.

    A projection of the database (`search.projection.document_of`): it can always be rebuilt.
    `occupations` holds the ESCO concept id and `isco:<code>` at every ISCO level; `places` the
    ids of the country, region, district and locality; `cluster_id` the vacancy it belongs to.
    """

    posting_id: str
    cluster_id: str
    title: str
    body: str
    title_tokens: str
    body_tokens: str
    language: str
    source: str
    employer: str
    employer_name: str
    occupations: tuple[str, ...]
    occupation_group: str
    skills: tuple[str, ...]
    places: tuple[str, ...]
    region: str
    latitude: float | None
    longitude: float | None
    employment_types: tuple[str, ...]
    working_time: str
    salary_min: float | None
    salary_max: float | None
    salary_currency: str
    education: str
    experience_months: int | None
    posted_at: datetime | None
    valid_through: datetime | None
    remote: bool


@dataclass(frozen=True, slots=True)
class TextClause:
    """One part of the free text: a word (its tokens adjacent when several), a phrase or a prefix.

    `alternatives` are filter values that satisfy the clause instead of the text (a recognised
    place: "nurse seoul" also finds nurses whose ad is placed in Seoul without naming it).
    """

    surface: str
    tokens: tuple[str, ...]
    prefix: bool = False
    phrase: bool = False
    alternatives: tuple[tuple[str, str], ...] = ()  # (filter field, value)


@dataclass(frozen=True, slots=True)
class GeoFilter:
    """Postings within `radius_km` of a point (great-circle distance)."""

    latitude: float
    longitude: float
    radius_km: float | None


@dataclass(frozen=True, slots=True)
class Filters:
    """Resolved filters: every value is an indexed id or a normalised value, never a name.

    Values of one field are alternatives (OR); fields combine with AND.
    """

    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    salary_min: float | None = None
    salary_max: float | None = None
    experience_max_months: int | None = None
    posted_since: datetime | None = None
    remote: bool | None = None
    geo: GeoFilter | None = None

    def without(self, name: str) -> Filters:
        """The same filters with one of them left out (to tell which filter removed every result)."""
        terms = {k: v for k, v in self.terms.items() if k != name}
        return Filters(
            terms,
            None if name == "salary" else self.salary_min,
            None if name == "salary" else self.salary_max,
            None if name == "experience" else self.experience_max_months,
            None if name == "posted_since" else self.posted_since,
            None if name == "remote" else self.remote,
            None if name == "geo" else self.geo,
        )

    def names(self) -> list[str]:
        """The names of the filters that are set, as `without` takes them."""
        scalar = {
            "salary": self.salary_min is not None or self.salary_max is not None,
            "experience": self.experience_max_months is not None,
            "posted_since": self.posted_since is not None,
            "remote": self.remote is not None,
            "geo": self.geo is not None and self.geo.radius_km is not None,
        }
        return [*self.terms, *(name for name, on in scalar.items() if on)]


@dataclass(frozen=True, slots=True)
class After:
    """Where a deep read resumes: the last hit's sort value and posting id."""

    value: float
    posting_id: str


@dataclass(frozen=True, slots=True)
class EngineQuery:
    """What an engine is asked. Every adapter gives it the same meaning:

    - `must`: each clause matches when its tokens occur adjacent and in order in the title or the
      body (a `prefix` clause: its last token is a prefix of an indexed token), or when the
      posting has one of the clause's `alternatives`; every must clause has to match.
      No must clause: every live posting matches (filters still apply).
    - `must_not`: a posting whose title or body matches any of these clauses is left out.
    - `filters`: see `Filters`; term fields are occupation (ESCO id or `isco:<code>` at any level),
      skill, place (any level), employment_type, working_time, education, employer, source,
      language. A salary bound overlaps the posting's annual range; postings without a salary
      fail a salary filter; `experience_max_months` keeps postings that ask at most that much or
      say nothing; `geo` keeps postings within the radius (postings without coordinates fail it).
    - only postings whose `valid_through` is unset or after `now` match.
    - `boost_occupations`: matches coded to one of these rank higher under relevance.
    - order: relevance (BM25 over title, weighted 2, and body; score desc), date (posted_at desc),
      salary (salary_max desc, postings without one last), distance (km asc, needs `filters.geo`);
      ties by posting id ascending. `after` resumes strictly after (value, posting id) in that order.
    - `only_ids`: when set, only these postings can match (hybrid retrieval checks its candidates).
    - `facets`: counts over every match for `FACETS` (salary_band keys are `SALARY_BANDS` lower bounds).
    - `titles`: hits carry their posting's title (otherwise an engine may leave it empty).
    """

    now: datetime
    must: tuple[TextClause, ...] = ()
    must_not: tuple[TextClause, ...] = ()
    filters: Filters = field(default_factory=Filters)
    boost_occupations: tuple[str, ...] = ()
    sort: SortOrder = SortOrder.RELEVANCE
    offset: int = 0
    limit: int = 20
    after: After | None = None
    facets: bool = False
    only_ids: tuple[str, ...] | None = None
    titles: bool = False


@dataclass(frozen=True, slots=True)
class EngineHit:
    """One matching posting: its id, vacancy, sort value and distance when a point was given.

    `value` is the score (relevance), posted time in epoch seconds (date), annual salary maximum
    (salary; -1 when the posting has none) or kilometres (distance). `title` is the posting's title.
    """

    posting_id: str
    cluster_id: str
    value: float
    distance_km: float | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class EngineResult:
    """An engine's answer: the window of hits, how many match, and facet counts when asked."""

    hits: list[EngineHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
