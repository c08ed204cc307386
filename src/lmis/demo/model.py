"""What the demo generator works with: occupations, wages, places, employers, vacancies, seekers (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lmis.shared.errors import Invalid


@dataclass(frozen=True, slots=True)
class WagePercentiles:
    """Annual wages in US dollars at the 10th, 25th, 50th, 75th and 90th percentiles (BLS OEWS)."""

    p10: float
    p25: float
    p50: float
    p75: float
    p90: float

    def points(self) -> tuple[tuple[float, float], ...]:
        """(quantile, wage) pairs in increasing order."""
        return ((0.10, self.p10), (0.25, self.p25), (0.50, self.p50), (0.75, self.p75), (0.90, self.p90))


@dataclass(frozen=True, slots=True)
class SocOccupation:
    """One detailed SOC occupation of the OEWS extract: employment and, when published, wages."""

    code: str
    title: str
    employment: int
    wages: WagePercentiles | None


@dataclass(frozen=True, slots=True)
class Occupation:
    """An ESCO occupation as stored in the taxonomy, with the names an ad may use."""

    id: str
    uri: str
    code: str
    isco_group: str
    label: str
    alternative_labels: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class WeightedOccupation:
    """An occupation with its share of employment and the wages of the SOC occupation behind it."""

    occupation: Occupation
    weight: float
    wages: WagePercentiles
    soc_code: str


@dataclass(frozen=True, slots=True)
class Skill:
    """An ESCO skill an occupation needs; `essential` tells essential from optional."""

    uri: str
    label: str
    essential: bool


@dataclass(frozen=True, slots=True)
class OccupationDetails:
    """What an ad about an occupation can draw on: its ESCO skills and O*NET task statements."""

    essential: tuple[Skill, ...]
    optional: tuple[Skill, ...]
    tasks: tuple[str, ...]
    onet_code: str = ""

    @property
    def skills(self) -> tuple[Skill, ...]:
        """Every skill, essential first."""
        return self.essential + self.optional


@dataclass(frozen=True, slots=True)
class Region:
    """A first-level division of a country, its capital and the capital's coordinates."""

    name: str
    local_name: str
    capital: str
    latitude: float
    longitude: float
    population_millions: float


@dataclass(frozen=True, slots=True)
class Employer:
    """A synthetic employer; names start with "Demo" and ids with "DEMO-" so none passes for a real one."""

    name: str
    registration_id: str
    industry: str
    size: str
    region: Region
    url: str


@dataclass(frozen=True, slots=True)
class Pay:
    """Stated pay: a range in a currency per period (`unit` uses docs/ingest.md's names)."""

    currency: str
    minimum: int
    maximum: int
    unit: str

    def __post_init__(self) -> None:
        if self.minimum > self.maximum:
            raise Invalid(f"pay minimum {self.minimum} is above its maximum {self.maximum}", field="salary")


@dataclass(frozen=True, slots=True)
class Vacancy:
    """One job ad's content, before a partner format writes it; `occupation_uri` and `skill_uris` are truth."""

    number: int
    title: str
    description_html: str
    employer: Employer
    locality: str
    region: str
    latitude: float
    longitude: float
    employment_type: str
    working_hours: str
    pay: Pay | None
    pay_text: str
    education: str
    experience_months: int
    openings: int
    date_posted: date
    valid_through: date
    language: str
    occupation_uri: str
    skill_uris: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Seeker:
    """A synthetic jobseeker: where, what occupation they want, which skills they have."""

    id: str
    region: str
    desired_occupation: str
    skills: tuple[str, ...]
    years_experience: int
    education_isced: int
    languages: tuple[str, ...]
    target_groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoRequest:
    """What to generate: counts, seed, country profile, reference date and the posting window in days."""

    postings: int
    seekers: int
    seed: int
    country: str
    as_of: date
    days: int = 90

    def __post_init__(self) -> None:
        if self.postings < 1:
            raise Invalid(f"postings must be at least 1, got {self.postings}", field="postings")
        if self.seekers < 0:
            raise Invalid(f"seekers must be 0 or more, got {self.seekers}", field="seekers")
        if not 1 <= self.days <= 366:
            raise Invalid(f"days must be between 1 and 366, got {self.days}", field="days")
