"""Synthetic jobseekers: region, desired ESCO occupation, ESCO skills, experience, education, flags,
and the dates they joined, were last active on and left the register (pure)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from lmis.demo.adverts import skill_level
from lmis.demo.model import OccupationDetails, Seeker, WeightedOccupation
from lmis.demo.profiles import CountryProfile

# Target groups of public employment services, used sparingly: (flag, share of seekers).
TARGET_GROUPS = (
    ("youth", 0.08),
    ("older_worker", 0.06),
    ("long_term_unemployed", 0.05),
    ("disability", 0.03),
    ("career_break_returner", 0.03),
)
# ISCED 2011 levels by ISCO skill level: (level, weight) pairs.
_ISCED = {
    4: ((6, 70.0), (7, 25.0), (8, 5.0)),
    3: ((5, 50.0), (4, 30.0), (6, 20.0)),
    2: ((3, 75.0), (4, 15.0), (2, 10.0)),
    1: ((2, 50.0), (1, 30.0), (3, 20.0)),
}
_SECOND_LANGUAGE = 0.4
# Registrations grow through the window: the last day is `1 + REGISTRATION_RAMP` times as likely as the first
# (inflows to a register rise when hiring slows; synthetic, so a plain linear ramp).
REGISTRATION_RAMP = 1.5


@dataclass(frozen=True, slots=True)
class SeekerDates:
    """When a seeker joined the register, was last active and left it (None: still on it at the reference date).

    `left_reason` is "hired" (a hire event in `activity.ndjson` that day) or "left" (left the register
    without a placement through LMIS: moved, stopped looking, found work elsewhere).
    """

    registered_on: date
    last_active_on: date
    left_on: date | None = None
    left_reason: str | None = None


def registration_weights(days: int) -> tuple[float, ...]:
    """Cumulative weights of the window's days (oldest first) as registration days: more in recent weeks."""
    span = max(days - 1, 1)
    return tuple(accumulate(1.0 + REGISTRATION_RAMP * day / span for day in range(days)))


def registration_day(rng: random.Random, cumulative: Sequence[float]) -> int:
    """A day of the window (0: its first day), drawn with `registration_weights`."""
    return rng.choices(range(len(cumulative)), cum_weights=cumulative, k=1)[0]


def make_seeker(
    number: int,
    weighted: WeightedOccupation,
    details: OccupationDetails,
    *,
    profile: CountryProfile,
    region_weights: Sequence[float],
    rng: random.Random,
) -> Seeker:
    """The `number`th jobseeker, who wants to work as `weighted`'s occupation."""
    occupation = weighted.occupation
    essential = rng.sample(details.essential, min(len(details.essential), rng.randint(3, 8)))
    optional = rng.sample(details.optional, min(len(details.optional), rng.randint(0, 3)))
    flags = tuple(flag for flag, share in TARGET_GROUPS if rng.random() < share)
    years = min(45, int(rng.expovariate(1 / 8)))
    if "youth" in flags:
        years = min(years, 3)
    if "older_worker" in flags:
        years = max(years, 25)
    levels = _ISCED[skill_level(occupation.isco_group)]
    education = rng.choices([lv for lv, _ in levels], cum_weights=list(accumulate(w for _, w in levels)), k=1)[0]
    languages = profile.languages[:1]
    if len(profile.languages) > 1 and rng.random() < _SECOND_LANGUAGE:
        languages = profile.languages[:2]
    region = rng.choices(profile.regions, cum_weights=region_weights, k=1)[0]
    return Seeker(
        id=f"DEMO-SEEKER-{number:07d}",
        region=region.name,
        desired_occupation=occupation.uri,
        skills=tuple(sorted(s.uri for s in (*essential, *optional))),
        years_experience=years,
        education_isced=education,
        languages=languages,
        target_groups=flags,
    )


def seeker_record(seeker: Seeker, dates: SeekerDates | None = None) -> dict[str, object]:
    """The seeker as one line of `seekers.ndjson` (with their register dates when given)."""
    record: dict[str, object] = {
        "id": seeker.id,
        "synthetic": True,
        "region": seeker.region,
        "desired_occupation": seeker.desired_occupation,
        "skills": list(seeker.skills),
        "years_experience": seeker.years_experience,
        "education_isced": seeker.education_isced,
        "languages": list(seeker.languages),
        "target_groups": list(seeker.target_groups),
    }
    if dates is not None:
        record["registered_on"] = dates.registered_on.isoformat()
        record["last_active_on"] = dates.last_active_on.isoformat()
        record["left_on"] = dates.left_on.isoformat() if dates.left_on else None
        record["left_reason"] = dates.left_reason
    return record
