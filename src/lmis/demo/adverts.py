"""One synthetic job ad from an occupation: title, HTML description, employer, place, pay and dates (pure)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from html import escape
from itertools import accumulate

from lmis.demo import phrases
from lmis.demo.distributions import DaySampler, PayScale, sample_pay
from lmis.demo.employers import EmployerPool, region_for_ad
from lmis.demo.industries import INDUSTRIES
from lmis.demo.model import Employer, Occupation, OccupationDetails, Pay, Skill, Vacancy, WeightedOccupation
from lmis.demo.profiles import CountryProfile

EMPLOYMENT_TYPES = (("full_time", 75.0), ("part_time", 12.0), ("temporary", 8.0), ("contractor", 3.0), ("intern", 2.0))
HOURS = {
    "full_time": "40 hours per week, Monday to Friday",
    "part_time": "20 hours per week",
    "temporary": "40 hours per week, fixed term",
    "contractor": "By agreement",
    "intern": "40 hours per week, 6 months",
}
VALIDITY_DAYS = (14, 30, 30, 30, 45, 60)
_PAY_STATED = 0.85  # share of ads that state a pay range; the others write "negotiable"
_ALTERNATIVE_TITLE = 0.35
_JITTER_DEGREES = 0.05  # about 5 km around the region's capital


@dataclass(frozen=True, slots=True)
class AdSettings:
    """What every ad of a run shares: the country, the wage factor, the date sampler and the employers."""

    profile: CountryProfile
    wage_factor: float
    days: DaySampler
    employers: EmployerPool

    @property
    def region_weights(self) -> tuple[float, ...]:
        """Cumulative population weights of the profile's regions."""
        return tuple(accumulate(r.population_millions for r in self.profile.regions))


_TYPES = tuple(t for t, _ in EMPLOYMENT_TYPES)
_TYPE_WEIGHTS = tuple(accumulate(w for _, w in EMPLOYMENT_TYPES))
_SENIORITY_WEIGHTS = tuple(accumulate((10.0, 70.0, 15.0, 5.0)))
_INDUSTRY_BY_LABEL = {i.label: i for i in INDUSTRIES}


def make_vacancy(
    number: int,
    weighted: WeightedOccupation,
    details: OccupationDetails,
    *,
    settings: AdSettings,
    rng: random.Random,
) -> Vacancy:
    """The `number`th vacancy of a run, for `weighted`'s occupation."""
    occupation = weighted.occupation
    prefix, low, high = rng.choices(phrases.SENIORITY, cum_weights=_SENIORITY_WEIGHTS, k=1)[0]
    employer = settings.employers.choose(occupation.isco_group, rng)
    region = region_for_ad(employer, settings.profile.regions, settings.region_weights, rng)
    employment_type = rng.choices(_TYPES, cum_weights=_TYPE_WEIGHTS, k=1)[0]
    language = rng.choice(settings.profile.languages)
    skills = _pick_skills(details, rng)
    pay = _pay(weighted, employment_type, settings, rng)
    posted = settings.days.draw(rng)
    return Vacancy(
        number=number,
        title=prefix + _capitalised(_title(occupation, rng)),
        description_html=_description(occupation, details, skills, employer, settings.profile.code, language, rng),
        employer=employer,
        locality=region.capital,
        region=region.name,
        latitude=round(region.latitude + rng.uniform(-_JITTER_DEGREES, _JITTER_DEGREES), 5),
        longitude=round(region.longitude + rng.uniform(-_JITTER_DEGREES, _JITTER_DEGREES), 5),
        employment_type=employment_type,
        working_hours=HOURS[employment_type],
        pay=pay,
        pay_text="" if pay else rng.choice(phrases.NEGOTIABLE.get(language, phrases.NEGOTIABLE["en"])),
        education=phrases.EDUCATION[skill_level(occupation.isco_group)][0],
        experience_months=rng.randint(low, high),
        openings=1 if rng.random() < 0.8 else rng.randint(2, 5),
        date_posted=posted,
        valid_through=posted + timedelta(days=rng.choice(VALIDITY_DAYS)),
        language="en",
        occupation_uri=occupation.uri,
        skill_uris=tuple(s.uri for s in skills),
    )


def _pay(weighted: WeightedOccupation, employment_type: str, settings: AdSettings, rng: random.Random) -> Pay | None:
    """A pay range for most ads (half of it for part-time work), None for the rest."""
    if rng.random() >= _PAY_STATED:
        return None
    profile = settings.profile
    part = 0.5 if employment_type == "part_time" else 1.0
    scale = PayScale(
        settings.wage_factor * part, profile.pay_step, profile.minimum_pay * part, profile.currency, profile.pay_unit
    )
    return sample_pay(weighted.wages, rng=rng, scale=scale)


def repost(vacancy: Vacancy, rng: random.Random) -> Vacancy:
    """The same vacancy posted again a day later, its title in another letter case."""
    title = vacancy.title
    variants = [v for v in (title.title(), title.upper(), title.lower()) if v != title] or [title + " (repost)"]
    return replace(
        vacancy,
        title=rng.choice(variants),
        date_posted=vacancy.date_posted + timedelta(days=1),
        valid_through=vacancy.valid_through + timedelta(days=1),
    )


def skill_level(isco_group: str) -> int:
    """ISCO-08 skill level of a major group (ILO, ISCO-08 vol. 1, table 1); armed forces count as 2."""
    major = isco_group[:1]
    return {"1": 4, "2": 4, "3": 3, "9": 1}.get(major, 2)


def _title(occupation: Occupation, rng: random.Random) -> str:
    if occupation.alternative_labels and rng.random() < _ALTERNATIVE_TITLE:
        return rng.choice(occupation.alternative_labels)
    return occupation.label


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pick_skills(details: OccupationDetails, rng: random.Random) -> tuple[Skill, ...]:
    essential = _sample(details.essential, rng.randint(3, 6), rng)
    optional = _sample(details.optional, rng.randint(0, 3), rng)
    return essential + optional


def _sample(items: Sequence[Skill], count: int, rng: random.Random) -> tuple[Skill, ...]:
    return tuple(rng.sample(items, min(count, len(items))))


def _description(
    occupation: Occupation,
    details: OccupationDetails,
    skills: tuple[Skill, ...],
    employer: Employer,
    style: str,
    language: str,
    rng: random.Random,
) -> str:
    """HTML: employer blurb, the ESCO description, O*NET tasks, skills, benefits, how to apply, notice."""
    h = phrases.HEADINGS
    tasks = rng.sample(details.tasks[:12], min(len(details.tasks[:12]), rng.randint(3, 5)))
    essential = [s.label for s in skills if s.essential]
    optional = [s.label for s in skills if not s.essential]
    benefits_pool = phrases.BENEFITS.get((style, language)) or phrases.BENEFITS[(style, "en")]
    parts = [f"<p>{escape(_blurb(employer, language, rng))}</p>"]
    if occupation.description:
        parts.append(f"<h3>{h['about']}</h3><p>{escape(occupation.description)}</p>")
    parts += _list(h["tasks"], tasks) + _list(h["skills"], essential) + _list(h["optional"], optional)
    parts += _list(h["benefits"], rng.sample(benefits_pool, min(len(benefits_pool), rng.randint(3, 4))))
    apply = rng.choice(phrases.HOW_TO_APPLY.get(language, phrases.HOW_TO_APPLY["en"]))
    parts.append(f"<h3>{h['apply']}</h3><p>{escape(apply)}</p>")
    parts.append(f"<p><em>{escape(phrases.SYNTHETIC_NOTICE)}</em></p>")
    return "\n".join(parts)


def _list(heading: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    entries = "".join(f"<li>{escape(_capitalised(item))}</li>" for item in items)
    return [f"<h3>{heading}</h3><ul>{entries}</ul>"]


def _blurb(employer: Employer, language: str, rng: random.Random) -> str:
    """A sentence about the employer and its home region, in `language`."""
    template = rng.choice(phrases.BLURBS.get(language, phrases.BLURBS["en"]))
    industry = _INDUSTRY_BY_LABEL.get(employer.industry, INDUSTRIES[0])
    city = employer.region.capital if language == "en" else employer.region.local_name
    size = phrases.SIZE_WORDS.get(employer.size, "")
    label = industry.label_in(language)
    return template.format(
        name=employer.name, industry=label.lower() if language == "en" else label, city=city, size=size
    )
