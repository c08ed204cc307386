"""The demo use case: read the taxonomy and the shipped distributions, then write a synthetic market."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path

from lmis.demo.crosswalks import Weighting, neighbours_of, onet_code, soc_start_nodes, weight_occupations
from lmis.demo.distributions import OewsExtract, day_sampler, read_oews, seasonal_factors
from lmis.demo.generator import Market, write_demo
from lmis.demo.model import DemoRequest, Occupation, OccupationDetails
from lmis.demo.ports import DemoTaxonomy
from lmis.demo.profiles import CountryProfile, profile
from lmis.demo.reading import RepositoryDemoTaxonomy
from lmis.shared.errors import NotFound
from lmis.shared.progress import Progress
from lmis.taxonomy.crosswalk import MAX_HOPS, Neighbours
from lmis.taxonomy.ports import TaxonomyUnitOfWork
from lmis.taxonomy.schemes import ESCO_OCCUPATION

OEWS_FILE = "bls_oews_national_2023.csv"
INDEED_FILE = "indeed_new_postings_us.csv"
OEWS_SOURCE = "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, national, May 2023"
INDEED_SOURCE = "Indeed Hiring Lab, Job Postings Index: United States, new postings, daily 2021-2024"
INIT_HINT = "run `lmis init` to import the shipped taxonomy first"
NO_TAXONOMY = f"no ESCO occupations are stored: {INIT_HINT}"


def shipped_data_dir() -> Path:
    """The demo distributions shipped with LMIS: inside an installed wheel, else `data/demo` of the checkout."""
    package = Path(__file__).resolve().parents[1]
    in_wheel = package / "_shipped" / "demo"
    return in_wheel if in_wheel.is_dir() else package.parents[1] / "data" / "demo"


def generate_demo(
    request: DemoRequest, *, uow: TaxonomyUnitOfWork, data_dir: Path, out_dir: Path, progress: Progress
) -> dict[str, object]:
    """Write a synthetic labour market for `request` into `out_dir`; returns its manifest.

    Raises `Invalid` for an unknown country and `NotFound` when no ESCO taxonomy is stored.
    """
    country = profile(request.country)
    oews = _read_oews(data_dir / OEWS_FILE)
    factors = _read_factors(data_dir / INDEED_FILE)
    with uow:
        taxonomy = RepositoryDemoTaxonomy(uow.taxonomy)
        market = build_market(
            request, taxonomy=taxonomy, oews=oews, factors=factors, country=country, progress=progress
        )
        return write_demo(request, market=market, out_dir=out_dir, progress=progress)


def build_market(
    request: DemoRequest,
    *,
    taxonomy: DemoTaxonomy,
    oews: OewsExtract,
    factors: dict[tuple[int, int], float],
    country: CountryProfile,
    progress: Progress,
) -> Market:
    """Weight the stored ESCO occupations by OEWS employment and gather what the ads draw from."""
    progress.begin("Reading the taxonomy", 3)
    occupations = taxonomy.occupations()
    if not occupations:
        raise NotFound(NO_TAXONOMY)
    progress.advance()
    starts = [node for soc in oews.detailed for node in soc_start_nodes(soc.code)]
    starts += [(ESCO_OCCUPATION.code, o.uri) for o in occupations]
    neighbours = neighbours_of(taxonomy.mappings_near(starts, MAX_HOPS))
    progress.advance()
    weighting = weight_occupations(occupations, oews.detailed, neighbours=neighbours, fallback_wages=oews.all_wages)
    progress.advance()
    factor = country.wage_factor(oews.mean_annual)
    return Market(
        profile=country,
        occupations=weighting.occupations,
        details=_details(taxonomy, neighbours),
        days=day_sampler(request.as_of, request.days, factors),
        wage_factor=factor,
        provenance=_provenance(weighting, len(occupations), oews, country, factor),
    )


def _details(taxonomy: DemoTaxonomy, neighbours: Neighbours) -> Callable[[Occupation], OccupationDetails]:
    """Skills and tasks of an occupation, read on first use and kept (at most one entry per occupation)."""

    @cache
    def details(occupation: Occupation) -> OccupationDetails:
        return taxonomy.details(occupation, onet_code(occupation, neighbours=neighbours))

    return details


def _provenance(
    weighting: Weighting, stored: int, oews: OewsExtract, country: CountryProfile, factor: float
) -> dict[str, object]:
    matched = weighting.employment_matched / weighting.employment_total if weighting.employment_total else 0.0
    return {
        "employment_and_wages": {
            "file": OEWS_FILE,
            "source": OEWS_SOURCE,
            "licence": "public domain",
            "weighting": weighting.method,
            "soc_occupations": len(oews.detailed),
            "soc_occupations_reaching_esco": weighting.soc_matched,
            "employment_share_reaching_esco": round(matched, 4),
            "esco_occupations_stored": stored,
            "esco_occupations_weighted": len(weighting.occupations),
        },
        "seasonality": {
            "file": INDEED_FILE,
            "source": INDEED_SOURCE,
            "licence": "CC BY 4.0",
            "attribution": "Indeed Hiring Lab, Job Postings Index",
            "method": "day weight = mean over the years of the not-adjusted index / the seasonally adjusted index",
        },
        "wage_factor": {
            "value": round(factor, 6),
            "meaning": f"{country.currency} per {country.pay_unit} for one US dollar a year of OEWS wages",
            "country_mean_pay": country.mean_pay,
            "country_mean_pay_source": country.mean_pay_source,
            "us_mean_annual_wage": oews.mean_annual,
            "minimum_pay": country.minimum_pay,
            "minimum_pay_source": country.minimum_pay_source,
        },
    }


def _read_oews(path: Path) -> OewsExtract:
    with path.open(encoding="utf-8", newline="") as handle:
        return read_oews(csv.DictReader(handle))


def _read_factors(path: Path) -> dict[tuple[int, int], float]:
    with path.open(encoding="utf-8", newline="") as handle:
        return seasonal_factors(csv.DictReader(handle))
