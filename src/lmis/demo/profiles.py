"""Country profiles of the demo generator: regions, currency, pay period, languages and the wage factor.

Wages come from the US OEWS percentiles of each occupation and are converted with one
documented factor per country: the country's mean wage per pay period divided by the OEWS
all-occupations mean annual wage (US$65,470 in May 2023, the extract's `00-0000` row). The
factor keeps the US wage structure between occupations and moves its level to the country's
average; it is a calibration for synthetic data, not an exchange rate. The US spread of wages
is wider than Korea's or Indonesia's, so converted pay is raised to the statutory minimum
(`minimum_pay`) where it falls below it, as it must in a real full-time ad.
"""

from __future__ import annotations

from dataclasses import dataclass

from lmis.demo import regions
from lmis.demo.model import Region
from lmis.shared.errors import Invalid, did_you_mean


@dataclass(frozen=True, slots=True)
class CountryProfile:
    """Everything country-specific about a generated labour market.

    `mean_pay` is the country's mean wage per `pay_unit` in `currency` (None: use the US
    wages as they are); `minimum_pay` the statutory minimum for full-time work per `pay_unit`;
    `pay_step` is what stated pay is rounded to.
    """

    code: str
    country: str
    name: str
    currency: str
    pay_unit: str
    mean_pay: float | None
    mean_pay_source: str
    minimum_pay: float
    minimum_pay_source: str
    pay_step: int
    languages: tuple[str, ...]
    regions: tuple[Region, ...]

    @property
    def local_language(self) -> str:
        """The first language of the profile (the one boilerplate may be written in)."""
        return self.languages[0]

    def wage_factor(self, us_mean_annual: float) -> float:
        """Local currency per `pay_unit` for one US dollar a year of OEWS wages."""
        if self.mean_pay is None:
            return 1.0
        return self.mean_pay / us_mean_annual


KOREA = CountryProfile(
    code="kr",
    country="KR",
    name="Republic of Korea",
    currency="KRW",
    pay_unit="month",
    mean_pay=3_630_000,
    mean_pay_source=(
        "Statistics Korea, 2023 wage-job earnings (임금근로일자리 소득(보수) 결과, Feb 2025): "
        "mean monthly earnings of wage jobs, December 2023, KRW 3.63 million"
    ),
    minimum_pay=2_156_880,
    minimum_pay_source="Minimum Wage Commission, 2026 minimum wage KRW 10,320 an hour x 209 paid hours a month",
    pay_step=10_000,
    languages=("ko", "en"),
    regions=regions.KOREA,
)

INDONESIA = CountryProfile(
    code="id",
    country="ID",
    name="Indonesia",
    currency="IDR",
    pay_unit="month",
    mean_pay=3_180_000,
    mean_pay_source=(
        "BPS, Keadaan Ketenagakerjaan Indonesia Agustus 2023 (BRS No. 77/11/Th. XXVI): "
        "rata-rata upah buruh (mean monthly wage of employees), IDR 3.18 million"
    ),
    minimum_pay=2_169_349,
    minimum_pay_source="Lowest provincial minimum wage (UMP) of 2025: Central Java, IDR 2,169,349 a month",
    pay_step=100_000,
    languages=("id", "en"),
    regions=regions.INDONESIA,
)

GENERIC = CountryProfile(
    code="generic",
    country="US",
    name="Generic (US wage data as published)",
    currency="USD",
    pay_unit="year",
    mean_pay=None,
    mean_pay_source="BLS OEWS May 2023 wages as published (factor 1)",
    minimum_pay=15_080,
    minimum_pay_source="US federal minimum wage, USD 7.25 an hour x 2,080 hours a year",
    pay_step=1_000,
    languages=("en",),
    regions=regions.GENERIC,
)

PROFILES = {p.code: p for p in (KOREA, INDONESIA, GENERIC)}


def profile(code: str) -> CountryProfile:
    """The profile called `code`; raises `Invalid` listing the known ones."""
    found = PROFILES.get(code.lower())
    if found is None:
        raise Invalid(
            f"unknown country {code!r}; choose one of {', '.join(PROFILES)}",
            field="country",
            suggestions=did_you_mean(code, PROFILES),
        )
    return found
