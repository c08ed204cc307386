"""Synthetic employers: names that cannot pass for real ones, sizes, industries, DEMO- registration ids (pure)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from lmis.demo.industries import INDUSTRIES, Industry, sections_hiring
from lmis.demo.model import Employer, Region
from lmis.demo.profiles import CountryProfile

# Name stems: common given-name and nature words (romanised Korean, Indonesian, invented English).
STEMS = {
    "kr": (
        "Hanbit",
        "Saebyeol",
        "Pureun",
        "Haneul",
        "Nuri",
        "Areum",
        "Dasom",
        "Gaon",
        "Haeum",
        "Maru",
        "Sora",
        "Jinsol",
        "Bomnal",
        "Hansol",
        "Doream",
        "Chorok",
        "Mirae",
        "Saerom",
        "Yeoul",
        "Bitna",
    ),
    "id": (
        "Sinar",
        "Cahaya",
        "Maju",
        "Jaya",
        "Abadi",
        "Makmur",
        "Sentosa",
        "Harapan",
        "Mitra",
        "Bintang",
        "Karya",
        "Mulia",
        "Sejahtera",
        "Gemilang",
        "Lestari",
        "Permata",
        "Cipta",
        "Buana",
        "Samudra",
        "Citra",
    ),
    "generic": (
        "Bluefern",
        "Amberlake",
        "Cedarview",
        "Larkspur",
        "Brightwater",
        "Stonemill",
        "Kestrel",
        "Willowmere",
        "Foxglove",
        "Harborlight",
        "Juniper",
        "Meadowlark",
        "Copperleaf",
        "Silverbirch",
        "Tallgrass",
        "Riverstone",
    ),
}
SUFFIXES = {"kr": ("Co., Ltd.", "Inc.", "Corp."), "generic": ("Inc.", "LLC", "Co.")}
SIZES = (("1-9", 30.0, 1.0), ("10-49", 35.0, 3.0), ("50-249", 20.0, 8.0), ("250-999", 10.0, 20.0), ("1000+", 5.0, 40.0))
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class EmployerPool:
    """Employers by ISIC section, with cumulative weights (bigger employers post more ads)."""

    by_section: dict[str, tuple[tuple[Employer, ...], tuple[float, ...]]]

    def choose(self, isco_group: str, rng: random.Random) -> Employer:
        """An employer of a section that hires ISCO group `isco_group`."""
        sections = [s for s in sections_hiring(isco_group) if s in self.by_section]
        employers, cumulative = self.by_section[rng.choice(sections)]
        return rng.choices(employers, cum_weights=cumulative, k=1)[0]


def pool_size(postings: int) -> int:
    """How many employers post `postings` ads: about one per 25 ads, at least two per section."""
    return max(2 * len(INDUSTRIES), postings // 25)


def make_pool(count: int, *, profile: CountryProfile, rng: random.Random) -> EmployerPool:
    """`count` employers with unique names, sections taken in turn, sizes and regions drawn at random."""
    regions = profile.regions
    region_weights = list(accumulate(r.population_millions for r in regions))
    size_weights = list(accumulate(share for _, share, _ in SIZES))
    names: set[str] = set()
    grouped: dict[str, list[tuple[Employer, float]]] = {}
    for number in range(1, count + 1):
        industry = INDUSTRIES[(number - 1) % len(INDUSTRIES)]
        size, _, posting_weight = rng.choices(SIZES, cum_weights=size_weights, k=1)[0]
        region = rng.choices(regions, cum_weights=region_weights, k=1)[0]
        name = _unique_name(profile.code, industry, names, rng)
        employer = Employer(
            name=name,
            registration_id=f"DEMO-{profile.country}-{number:07d}",
            industry=industry.label,
            size=size,
            region=region,
            url=f"https://{_SLUG.sub('-', name.lower()).strip('-')}.demo.invalid",
        )
        grouped.setdefault(industry.section, []).append((employer, posting_weight))
    return EmployerPool(
        {
            section: (tuple(e for e, _ in members), tuple(accumulate(w for _, w in members)))
            for section, members in sorted(grouped.items())
        }
    )


def _unique_name(style: str, industry: Industry, taken: set[str], rng: random.Random) -> str:
    for attempt in range(50):
        name = employer_name(style, industry, rng, second_stem=attempt > 10)
        if name not in taken:
            taken.add(name)
            return name
    name = f"{employer_name(style, industry, rng, second_stem=True)} {len(taken) + 1}"
    taken.add(name)
    return name


def employer_name(style: str, industry: Industry, rng: random.Random, *, second_stem: bool = False) -> str:
    """A clearly synthetic name containing the word "Demo", in the style of the country's company names."""
    stems: Sequence[str] = STEMS.get(style, STEMS["generic"])
    stem = rng.choice(stems)
    if second_stem or rng.random() < 0.3:
        stem = f"{stem} {rng.choice([s for s in stems if s != stem])}"
    if style == "id":
        word = rng.choice(industry.words_id)
        return f"{word} Demo {stem}" if industry.institution else f"PT Demo {stem} {word}"
    word = rng.choice(industry.words)
    if industry.institution:
        return f"Demo {stem} {word}"
    return f"Demo {stem} {word} {rng.choice(SUFFIXES.get(style, SUFFIXES['generic']))}"


def region_for_ad(
    employer: Employer, regions: Sequence[Region], cumulative: Sequence[float], rng: random.Random
) -> Region:
    """Mostly the employer's own region; one ad in six is for a branch elsewhere."""
    if rng.random() < 5 / 6:
        return employer.region
    return rng.choices(regions, cum_weights=cumulative, k=1)[0]
