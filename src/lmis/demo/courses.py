"""Synthetic training courses that teach the ESCO skills demo ads require, with each country's public subsidy (pure).

Every course is invented and says so (providers contain "Demo", links use the reserved
`.invalid` domain). What is real: the ESCO skills (the essential skills of occupations drawn
like the ads' occupations, so a seeker's gap for a demo vacancy has courses to close it) and
the shape of the subsidy programmes, taken from their public descriptions:

* Korea, 국민내일배움카드 (National Tomorrow Learning Card, Ministry of Employment and Labor):
  the state pays 45-85% of an approved course's fee, by the learner's situation and course;
  K-Digital Training courses in digital skills are free to the learner.
* Indonesia, Kartu Prakerja (pre-employment card): a training benefit of up to IDR 3,500,000
  (2024 scheme), mostly for online courses of approved platforms.
* United States, WIOA Individual Training Accounts (Workforce Innovation and Opportunity Act):
  a voucher whose cap the local workforce board sets; USD 5,000 here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from lmis.demo.model import Occupation, OccupationDetails, Skill, WeightedOccupation
from lmis.demo.profiles import CountryProfile

SOURCE = "demo-training"
MIN_COURSES, MAX_COURSES = 40, 400
MODES = (("in_person", 55.0), ("online", 25.0), ("blended", 20.0))
HOURS = (16, 24, 40, 60, 80, 120, 160, 240, 320, 480)
ONLINE_HOURS = (4, 8, 12, 16, 24, 40, 60)
_FREE = 0.1  # share of courses a public provider runs at no fee
_DIGITAL_WORDS = ("software", "data", "program", "digital", "computer", "web", "database", "ict", "network")


@dataclass(frozen=True, slots=True)
class Fees:
    """A country's course fees: currency, range and rounding step, and the subsidy programme."""

    currency: str
    low: int
    high: int
    step: int
    programme: str
    subsidised: float  # share of paid courses approved for the programme
    providers: tuple[str, ...]  # name patterns; {city} is the region's capital


FEES = {
    "kr": Fees(
        "KRW",
        200_000,
        2_500_000,
        10_000,
        "국민내일배움카드 (National Tomorrow Learning Card)",
        0.7,
        (
            "Demo {city} Vocational Training Institute",
            "Demo Korea Polytechnic {city} Campus",
            "Demo {city} Digital Academy",
            "Demo {city} Human Resources Development Centre",
        ),
    ),
    "id": Fees(
        "IDR",
        500_000,
        7_500_000,
        50_000,
        "Kartu Prakerja",
        0.5,
        (
            "Demo Balai Latihan Kerja {city}",
            "Demo Lembaga Pelatihan Kerja {city}",
            "Demo Akademi Digital {city}",
        ),
    ),
    "generic": Fees(
        "USD",
        300,
        6_000,
        50,
        "WIOA Individual Training Account",
        0.4,
        (
            "Demo {city} Community College",
            "Demo {city} Workforce Training Center",
            "Demo {city} Technical Institute",
        ),
    ),
}
# ESCO skill labels are verb phrases ("address problems critically") or nouns ("Haskell"): patterns fit both.
_TITLES = (
    "{Skill}: a practical course",
    "{Skill} (short course)",
    "{Skill}: workshop for {occupation}s",
    "Training: {skill}",
    "{Skill}, certificate course",
)


def course_count(postings: int) -> int:
    """How many courses a demo of `postings` ads gets: a fifth as many, between 40 and 400."""
    return max(MIN_COURSES, min(MAX_COURSES, postings // 5))


def make_courses(
    count: int,
    *,
    occupations: tuple[WeightedOccupation, ...],
    cumulative: tuple[float, ...],
    details: Callable[[Occupation], OccupationDetails],
    profile: CountryProfile,
    as_of: date,
    rng: random.Random,
) -> Iterator[dict[str, object]]:
    """`count` course records (the course file format of docs/training.md), occupations drawn by weight.

    `details` gives an occupation's skills; occupations without essential skills are drawn again.
    """
    fees = FEES.get(profile.code, FEES["generic"])
    region_weights = tuple(accumulate(r.population_millions for r in profile.regions))
    made = 0
    for _attempt in range(count * 20):
        if made == count:
            return
        weighted = rng.choices(occupations, cum_weights=cumulative, k=1)[0]
        essential = details(weighted.occupation).essential
        if not essential:
            continue
        made += 1
        yield _course(made, weighted, essential, fees, profile, region_weights, as_of, rng)


def _course(
    number: int,
    weighted: WeightedOccupation,
    essential: tuple[Skill, ...],
    fees: Fees,
    profile: CountryProfile,
    region_weights: tuple[float, ...],
    as_of: date,
    rng: random.Random,
) -> dict[str, object]:
    skills = rng.sample(essential, min(len(essential), rng.randint(1, 4)))
    mode = rng.choices([m for m, _ in MODES], cum_weights=list(accumulate(w for _, w in MODES)), k=1)[0]
    region = rng.choices(profile.regions, cum_weights=region_weights, k=1)[0]
    hours = rng.choice(ONLINE_HOURS if mode == "online" else HOURS)
    provider = rng.choice(fees.providers).format(city=region.capital if mode != "online" else "Online")
    record: dict[str, object] = {
        "external_id": f"DEMO-COURSE-{number:05d}",
        "title": _title(skills[0], weighted, rng),
        "provider": provider,
        "description": _description(skills, weighted),
        "skills": [s.uri for s in skills],
        "mode": mode,
        "duration_hours": hours,
        "language": profile.local_language if mode != "online" or rng.random() < 0.5 else "en",
        "url": f"https://courses.demo-training.invalid/{profile.code}/{number:05d}",
    }
    if mode != "online":
        record["region"] = region.local_name
    record.update(_fees(fees, profile.code, skills, rng))
    record.update(_dates(mode, hours, as_of, rng))
    return record


def _title(skill: Skill, weighted: WeightedOccupation, rng: random.Random) -> str:
    label = skill.label
    pattern = rng.choice(_TITLES)
    return pattern.format(skill=label, Skill=label[:1].upper() + label[1:], occupation=weighted.occupation.label)


def _description(skills: list[Skill], weighted: WeightedOccupation) -> str:
    taught = "; ".join(s.label for s in skills)
    return (
        f"Teaches: {taught}. Useful for work as {weighted.occupation.label} and related occupations. "
        "SYNTHETIC DEMO COURSE generated by LMIS."
    )


def _fees(fees: Fees, country: str, skills: list[Skill], rng: random.Random) -> dict[str, object]:
    if rng.random() < _FREE:
        return {"cost": 0, "currency": fees.currency}
    steps = (fees.high - fees.low) // fees.step
    cost = fees.low + rng.randint(0, steps) * fees.step
    priced: dict[str, object] = {"cost": cost, "currency": fees.currency}
    if rng.random() >= fees.subsidised:
        return priced
    priced["subsidy_programme"] = fees.programme
    if country == "kr" and any(word in s.label.lower() for s in skills for word in _DIGITAL_WORDS):
        priced["subsidy_programme"] = "K-Digital Training (국민내일배움카드)"
        priced["subsidy_share"] = 1.0
        priced["subsidy_text"] = "free to the learner: K-Digital Training pays the whole fee"
    elif country == "kr":
        share = rng.choice((0.45, 0.55, 0.65, 0.75, 0.85))
        priced["subsidy_share"] = share
        priced["subsidy_text"] = f"the card pays {share:.0%} of the fee; the learner pays the rest"
    elif country == "id":
        priced["subsidy_amount"] = min(cost, 3_500_000)
        priced["subsidy_text"] = "Kartu Prakerja training benefit, up to IDR 3,500,000"
    else:
        priced["subsidy_amount"] = min(cost, 5_000)
        priced["subsidy_text"] = "WIOA training voucher for eligible jobseekers, up to USD 5,000"
    return priced


def _dates(mode: str, hours: int, as_of: date, rng: random.Random) -> dict[str, object]:
    if mode == "online" and rng.random() < 0.7:
        return {}  # self-paced: no dates
    starts = as_of + timedelta(days=rng.randint(7, 90))
    weeks = max(1, -(-hours // rng.choice((8, 15, 20, 40))))
    return {"starts_on": starts.isoformat(), "ends_on": (starts + timedelta(weeks=weeks)).isoformat()}
