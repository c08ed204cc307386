"""What the analytics dashboard tests share: a small labour market of coded postings over fourteen months in
three Korean regions, jobseekers (one region under the disclosure threshold) and a refreshed snapshot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.enrichment_app import enrichment_services
from tests.recommendations import DEVELOPER, NURSE, ad, essential_skills, post_coded

from lmis.bootstrap import Services
from lmis.jobs.model import ChangeKind
from lmis.people.ports import StoredSeeker
from lmis.shared.progress import SilentProgress

PLACES = (("Seoul", 3), ("Busan", 2), ("Incheon", 1))  # (locality, weight)
REGIONS = {"Seoul": "KR-11", "Busan": "KR-26", "Incheon": "KR-28"}
MONTHS = 14


def months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` months up to today's, oldest first."""
    firsts, current = [], today.replace(day=1)
    for _ in range(count):
        firsts.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return firsts[::-1]


def market_ads(today: date, nurse: list[str], developer: list[str]) -> list[tuple[dict[str, Any], str, list[str]]]:
    """Postings growing month by month: nurses everywhere, developers in Seoul, all with monthly pay."""
    coded = []
    for index, first in enumerate(months_back(today, MONTHS)):
        for locality, weight in PLACES:
            for n in range(weight + index // 4):
                day = min(first + timedelta(days=3 + n), today)
                pay = {
                    "currency": "KRW",
                    "min": 2_800_000 + 50_000 * n,
                    "max": 3_400_000 + 40_000 * index,
                    "unit": "month",
                }
                extra = {
                    "date_posted": day.isoformat(),
                    "salary": pay,
                    "valid_through": (day + timedelta(days=40)).isoformat(),
                }
                key = f"{index}-{locality}-{n}"
                nurse_ad = ad(f"n-{key}", "Staff nurse", locality, "KR", **extra, **_distinct("nurse", key, index, n))
                coded.append((nurse_ad, NURSE, nurse[: 3 + n % 3]))
                if locality == "Seoul" and n % 2 == 0:
                    developer_ad = ad(
                        f"d-{key}", "Software developer", locality, "KR", **extra, **_distinct("dev", key, index, n)
                    )
                    coded.append((developer_ad, DEVELOPER, developer[:4]))
    return coded


def _distinct(kind: str, key: str, index: int, n: int) -> dict[str, str]:
    """Text and employer of one ad, different enough from every other that no two cluster as duplicates."""
    words = ("ward", "clinic", "night", "surgery", "campus", "team", "service", "project", "annex", "unit")
    text = " ".join(words[(index * 7 + n * 3 + i) % len(words)] + str(index * 31 + n * 17 + i) for i in range(8))
    return {"description": f"<p>{kind} {key}: {text}.</p>", "employer": f"Employer {kind} {key}"}


def add_seekers(services: Services, region: str, count: int, skills: list[str], registered: datetime) -> None:
    with services.uow() as uow:
        for n in range(count):
            seeker = StoredSeeker(
                f"s-{region}-{n}", None, region, "", [NURSE], skills, False, registered, registered, {}, None
            )
            uow.people.save_seeker(seeker)
        uow.commit()


def place_postings(services: Services, ids: list[str]) -> None:
    """Give each posting the place the `place` step would resolve (without loading the gazetteer: 4 s)."""
    with services.uow() as uow:
        found = uow.jobs.get_many(ids)
        changed = []
        for posting in found.values():
            locality = posting.address.locality or "Seoul"
            region = {"id": REGIONS[locality], "name": locality}
            derived = {**posting.derived, "place": {"country": {"id": "KR", "name": "South Korea"}, "region": region}}
            changed.append((replace(posting, derived=derived), ChangeKind.UPDATED))
        uow.jobs.save(changed, services.now())
        uow.commit()


def analytics_services(folder: Path) -> Services:
    """Services with the market ingested and the analytics snapshot refreshed."""
    services = enrichment_services(folder, f"sqlite:///{folder / 'lmis.db'}", ["salary", "cluster"])
    nurse, developer = essential_skills(services, NURSE), essential_skills(services, DEVELOPER)
    today = services.now().date()
    ids = post_coded(services, "board", market_ads(today, nurse, developer))
    place_postings(services, ids)
    registered = datetime.combine(today - timedelta(days=200), datetime.min.time(), tzinfo=UTC)
    add_seekers(services, "KR-11", 14, nurse[:2], registered)
    add_seekers(services, "KR-26", 3, nurse[:1], registered)
    services.refresh_analytics(SilentProgress())
    return services
