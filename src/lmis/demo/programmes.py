"""Synthetic programme episodes with a known true effect: who takes part depends on covariates (pure).

Each episode is a registered jobseeker: age, sex, ISCED education, months unemployed before
registration, earnings in the 12 months before, region (the demo country's, by population) and
registration date. A share takes part in one of three programmes, with probabilities that depend on
those covariates (selection on observables: vocational training takes the young, educated and
recently employed; the wage subsidy the long-term unemployed and older; job-search assistance the
recently registered), so the naive participant-minus-pool difference is biased.

Outcomes come from potential outcomes. Days to a job are exponential with a daily hazard set by the
covariates (and a latent wage no file shows); a programme multiplies that hazard piecewise in time:
training locks participants in during the course and speeds them up after it (the lock-in and later
gains Card, Kluve and Weber 2018 report), the wage subsidy speeds up hiring while it is paid,
job-search assistance works early and fades. Training also raises the wage. "Employed at h months"
is a job found within h months (nobody loses one here); earnings after are the wage times the months
worked in the first year. The same random draw gives both potential times, so the effect on each
participant is known: `true_effects` averages over the participants with the outcome observed the
expected difference given their covariates (so the truth is exact, not itself a noisy sample mean).
"""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from lmis.demo.model import DemoRequest
from lmis.demo.profiles import CountryProfile
from lmis.shared.progress import Progress

SOURCE = "demo-programmes"
FILE = "programmes.csv"
MIN_EPISODES, PER_SEEKER = 2_000, 10
COLUMNS = (
    "external_id",
    "person_key",
    "registered_on",
    "region",
    "age",
    "sex",
    "education_isced",
    "months_unemployed",
    "earnings_before",
    "programme_id",
    "programme_name",
    "programme_kind",
    "programme_description",
    "started_on",
    "ended_on",
    "employed_3m",
    "employed_6m",
    "employed_12m",
    "earnings_after",
    "days_to_job",
    "synthetic",
)
HORIZONS = {"employed_3m": 91, "employed_6m": 182, "employed_12m": 365}
YEAR = 365
MONTH_DAYS = 30.4375
US_MEAN_ANNUAL = 65_470.0  # BLS OEWS May 2023, all occupations: the generic profile's yearly mean wage
_FIRST_REGISTRATION, _LAST_REGISTRATION = 1_080, 120  # days before as_of
_ISCED = ((1, 5.0), (2, 12.0), (3, 36.0), (4, 10.0), (5, 10.0), (6, 21.0), (7, 5.0), (8, 1.0))
_BASE_HAZARD = 1 / 240  # a day: median time to a job of 166 days for the reference person


@dataclass(frozen=True, slots=True)
class ProgrammeDesign:
    """A demo programme: what it is, how long it lasts, and its true effect.

    `hazard` multiplies the daily hazard of finding a job: (until day, multiplier) pieces from the start,
    the last open-ended; `wage_gain` raises the wage of the job found (0.06: +6%).
    """

    id: str
    name: str
    kind: str
    description: str
    days: int
    hazard: tuple[tuple[float, float], ...]
    wage_gain: float


PROGRAMMES = (
    ProgrammeDesign(
        "DEMO-VT",
        "Vocational training (demo)",
        "training",
        "Four months of classroom and workshop training towards a vocational certificate (synthetic).",
        120,
        ((120.0, 0.4), (math.inf, 1.9)),
        0.06,
    ),
    ProgrammeDesign(
        "DEMO-WS",
        "Hiring wage subsidy (demo)",
        "wage_subsidy",
        "Half of the wage paid for six months to an employer who hires a long-term unemployed person (synthetic).",
        180,
        ((180.0, 2.0), (math.inf, 1.1)),
        0.0,
    ),
    ProgrammeDesign(
        "DEMO-JSA",
        "Job-search assistance (demo)",
        "job_search",
        "Intensive counselling, job-search training and monitoring for three months (synthetic).",
        90,
        ((90.0, 1.8), (180.0, 1.3), (math.inf, 1.0)),
        0.0,
    ),
)
_POOL: tuple[tuple[float, float], ...] = ((math.inf, 1.0),)


@dataclass(frozen=True, slots=True)
class Person:
    """A registered jobseeker as drawn: covariates, the latent monthly wage and daily job-finding hazard."""

    age: int
    female: bool
    isced: int
    months: int
    region: int
    registered_on: date
    wage: float
    earnings_before: float
    hazard: float


def episode_count(seekers: int) -> int:
    """Episodes for a demo of `seekers` jobseekers: ten a seeker, at least 2,000."""
    return max(MIN_EPISODES, PER_SEEKER * seekers)


def annual_pay(profile: CountryProfile) -> float:
    """The country's mean yearly pay in its currency (the demo's earnings scale)."""
    if profile.mean_pay is None:
        return US_MEAN_ANNUAL
    return profile.mean_pay * (12 if profile.pay_unit == "month" else 1)


def add_programmes(
    manifest: dict[str, object],
    request: DemoRequest,
    *,
    profile: CountryProfile,
    rng: random.Random,
    out_dir: Path,
    progress: Progress,
) -> None:
    """Write the demo's episode file (`episode_count(request.seekers)` episodes) and list it in `manifest`."""
    entry = write_programmes(
        out_dir, rng=rng, count=episode_count(request.seekers), profile=profile, as_of=request.as_of, progress=progress
    )
    files = manifest.get("files")
    manifest["files"] = [*(files if isinstance(files, list) else []), entry]


def write_programmes(
    out_dir: Path, *, rng: random.Random, count: int, profile: CountryProfile, as_of: date, progress: Progress
) -> dict[str, object]:
    """Write `count` episodes to `out_dir/programmes.csv`; returns its manifest entry with the true effects."""
    progress.begin("Writing programme episodes", count)
    truth = _Truth()
    with (out_dir / FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record in episodes(count, rng=rng, profile=profile, as_of=as_of, truth=truth):
            writer.writerow(record)
    progress.advance(count)
    return {
        "path": FILE,
        "format": "csv",
        "kind": "programme episodes",
        "programme_source": SOURCE,
        "records": count,
        "currency": profile.currency,
        "programmes": [{"id": p.id, "name": p.name, "kind": p.kind, "description": p.description} for p in PROGRAMMES],
        "true_effects": truth.effects(),
    }


class _Truth:
    """Sums of each participant's expected effect, by programme and outcome, over those with it observed."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, str], float] = defaultdict(float)
        self.counts: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, programme: str, outcome: str, effect: float) -> None:
        self.sums[programme, outcome] += effect
        self.counts[programme, outcome] += 1

    def effects(self) -> dict[str, dict[str, float]]:
        """Mean effect on the treated by programme and outcome (shares for employment, currency, days)."""
        found: dict[str, dict[str, float]] = defaultdict(dict)
        for (programme, outcome), total in sorted(self.sums.items()):
            found[programme][outcome] = round(total / self.counts[programme, outcome], 6)
        return dict(found)


def episodes(
    count: int, *, rng: random.Random, profile: CountryProfile, as_of: date, truth: _Truth
) -> Iterator[dict[str, object]]:
    """`count` episode records (file columns), adding each participant's expected effects to `truth`."""
    monthly = annual_pay(profile) / 12
    step = max(1, profile.pay_step // 10)
    region_weights = tuple(accumulate(r.population_millions for r in profile.regions))
    tilt = [[rng.gauss(0, 0.3) for _ in profile.regions] for _ in PROGRAMMES]  # where each programme is offered
    regional = [rng.gauss(0, 0.15) for _ in profile.regions]  # regional labour markets
    for number in range(1, count + 1):
        person = _person(rng, monthly, region_weights, regional, as_of)
        chosen = _participation(rng, person, monthly, tilt)
        yield _record(number, rng, person, chosen, profile, as_of, step, truth)


def _person(
    rng: random.Random, monthly: float, region_weights: tuple[float, ...], regional: list[float], as_of: date
) -> Person:
    age = 18 + int(47 * rng.betavariate(1.6, 2.2))
    female = rng.random() < 0.48
    isced = rng.choices([lv for lv, _ in _ISCED], cum_weights=list(accumulate(w for _, w in _ISCED)), k=1)[0]
    months = min(60, int(rng.expovariate(1 / 5)))
    region = rng.choices(range(len(region_weights)), cum_weights=region_weights, k=1)[0]
    registered_on = as_of - timedelta(days=rng.randint(_LAST_REGISTRATION, _FIRST_REGISTRATION))
    level = 0.09 * (isced - 3) + 0.015 * (min(age, 50) - 35) - 0.15 * female
    wage = monthly * math.exp(level + rng.gauss(0, 0.35) - 0.06125)
    worked = 0.0 if (age < 23 and rng.random() < 0.4) else max(0, 12 - months)
    earnings_before = wage * worked * math.exp(rng.gauss(0, 0.15) - 0.01125)
    cycle = 0.15 * math.sin(registered_on.toordinal() / 365.25 * 2 * math.pi / 3)  # a three-year cycle
    log_hazard = (
        math.log(_BASE_HAZARD)
        + 0.12 * (isced - 3)
        - 0.04 * min(months, 36)
        - 0.025 * max(0, age - 45)
        - 0.02 * max(0, 23 - age)
        - 0.08 * female
        + 0.25 * math.log(wage / monthly)
        + regional[region]
        + cycle
    )
    return Person(age, female, isced, months, region, registered_on, wage, earnings_before, math.exp(log_hazard))


def _participation(rng: random.Random, person: Person, monthly: float, tilt: list[list[float]]) -> int | None:
    """The programme the person joins (index into PROGRAMMES) or None: a multinomial logit on observables."""
    share = person.earnings_before / (12 * monthly)
    quarter = (person.registered_on.month - 1) // 3
    months, isced, age = min(person.months, 36), person.isced - 3, person.age - 35
    scores = (
        -2.4 + 0.45 * isced - 0.06 * age + 0.35 * person.female - 0.06 * months + 0.8 * share + 0.25 * (quarter == 0),
        -2.9 + 0.12 * months + 0.03 * age - 0.25 * isced - 0.6 * share,
        -1.5 - 0.20 * min(months, 24) + 0.30 * isced + 0.6 * share,
    )
    weights = [math.exp(score + tilt[k][person.region]) for k, score in enumerate(scores)]
    draw = rng.random() * (1 + sum(weights))
    for k, cumulative in enumerate(accumulate(weights)):
        if draw < cumulative:
            return k
    return None


def _record(
    number: int,
    rng: random.Random,
    person: Person,
    chosen: int | None,
    profile: CountryProfile,
    as_of: date,
    step: int,
    truth: _Truth,
) -> dict[str, object]:
    design = PROGRAMMES[chosen] if chosen is not None else None
    start = person.registered_on + timedelta(days=rng.randint(7, 60)) if design else person.registered_on
    pieces = design.hazard if design else _POOL
    gain = design.wage_gain if design else 0.0
    exposure = rng.expovariate(1.0)
    days = _time_to_job(person.hazard, pieces, exposure)
    followed = (as_of - start).days
    noise = math.exp(rng.gauss(0, 0.2) - 0.02)
    worked = max(0.0, YEAR - min(days, YEAR)) / MONTH_DAYS
    record: dict[str, object] = {
        "external_id": f"DEMO-EP-{number:07d}",
        "person_key": f"p{rng.getrandbits(64):016x}",
        "registered_on": person.registered_on.isoformat(),
        "region": profile.regions[person.region].local_name,
        "age": person.age,
        "sex": "F" if person.female else "M",
        "education_isced": person.isced,
        "months_unemployed": person.months,
        "earnings_before": _money(person.earnings_before, step),
        "synthetic": "true",
    }
    if design is not None:
        record |= _programme_columns(design, start, as_of)
    for outcome, horizon in HORIZONS.items():
        record[outcome] = ("true" if days <= horizon else "false") if followed >= horizon else ""
    record["earnings_after"] = _money(person.wage * (1 + gain) * worked * noise, step) if followed >= YEAR else ""
    record["days_to_job"] = str(math.ceil(days)) if days <= followed else ""
    if design is not None:
        _add_truth(truth, design, person, followed)
    return record


def _programme_columns(design: ProgrammeDesign, start: date, as_of: date) -> dict[str, object]:
    ended = start + timedelta(days=design.days)
    return {
        "programme_id": design.id,
        "programme_name": design.name,
        "programme_kind": design.kind,
        "programme_description": design.description,
        "started_on": start.isoformat(),
        "ended_on": ended.isoformat() if ended <= as_of else "",
    }


def _add_truth(truth: _Truth, design: ProgrammeDesign, person: Person, followed: int) -> None:
    """The participant's expected effects given their covariates, for each outcome observed."""
    for outcome, horizon in HORIZONS.items():
        if followed >= horizon:
            treated = _survival(person.hazard, design.hazard, horizon)
            untreated = _survival(person.hazard, _POOL, horizon)
            truth.add(design.id, outcome, untreated - treated)  # employed = no longer searching
    if followed >= YEAR:
        mean_treated = _restricted_mean(person.hazard, design.hazard, YEAR)
        mean_untreated = _restricted_mean(person.hazard, _POOL, YEAR)
        truth.add(design.id, "days_to_job", mean_treated - mean_untreated)
        worked_treated = (YEAR - mean_treated) / MONTH_DAYS * (1 + design.wage_gain)
        worked_untreated = (YEAR - mean_untreated) / MONTH_DAYS
        change = person.wage * (worked_treated - worked_untreated)
        truth.add(design.id, "earnings_after", change)
        truth.add(design.id, "earnings_did", change)  # before is the same either way: the DiD's truth


def _segments(pieces: tuple[tuple[float, float], ...], horizon: float) -> Iterator[tuple[float, float, float]]:
    """(start, end, multiplier) of each piece up to `horizon`."""
    start = 0.0
    for until, multiplier in pieces:
        end = min(until, horizon)
        if end > start:
            yield start, end, multiplier
        start = until
        if start >= horizon:
            return


def _time_to_job(hazard: float, pieces: tuple[tuple[float, float], ...], exposure: float) -> float:
    """The day the cumulative hazard reaches `exposure` (an Exp(1) draw): the inverse of the survival curve."""
    left = exposure
    for start, end, multiplier in _segments(pieces, math.inf):
        rate = hazard * multiplier
        if rate * (end - start) >= left:
            return start + left / rate
        left -= rate * (end - start)
    return math.inf


def _survival(hazard: float, pieces: tuple[tuple[float, float], ...], day: float) -> float:
    """Probability of still searching after `day` days."""
    return math.exp(-sum(hazard * m * (end - start) for start, end, m in _segments(pieces, day)))


def _restricted_mean(hazard: float, pieces: tuple[tuple[float, float], ...], horizon: float) -> float:
    """Expected days to a job counting `horizon` for none found by then: the area under the survival curve."""
    total, alive = 0.0, 1.0
    for start, end, multiplier in _segments(pieces, horizon):
        rate = hazard * multiplier
        total += alive * (1 - math.exp(-rate * (end - start))) / rate
        alive *= math.exp(-rate * (end - start))
    return total


def _money(value: float, step: int) -> str:
    return str(int(round(value / step) * step))
