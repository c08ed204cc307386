"""Synthetic jobseeker activity on a small fake market: when things happen, on which ads, hires, determinism."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

from lmis.demo.activity import DAY, HIRE_AFTER, LIST, Life, PostedAds, Simulation
from lmis.demo.feeds import PARTNERS
from lmis.demo.generator import placements, seekers, stream, write_demo
from lmis.demo.model import DemoRequest
from lmis.demo.seekers import registration_day, registration_weights
from lmis.shared.progress import SilentProgress
from tests.unit.test_demo_generator import fake_market, request


def posted_ads(asked: DemoRequest) -> PostedAds:
    """The ads of a run as `write_demo` remembers them (each partner numbers its own records)."""
    market = fake_market(asked)
    ads = PostedAds(market.occupations, market.profile.regions, as_of=asked.as_of, days=asked.days)
    numbers: Counter[int] = Counter()
    for placed in placements(asked, market=market):
        numbers[placed.partner] += 1
        ads.add(placed.partner, numbers[placed.partner], placed.vacancy)
    return ads


@cache  # the tests below read the same lives
def lives(asked: DemoRequest) -> tuple[PostedAds, list[tuple[str, Life]]]:
    ads = posted_ads(asked)
    simulation = Simulation(ads, asked.days, stream(asked.seed, "activity"))
    weights, days = registration_weights(asked.days), stream(asked.seed, "registrations")
    people = seekers(asked, market=fake_market(asked))
    return ads, [(s.desired_occupation, simulation.live(s, registration_day(days, weights))) for s in people]


def test_every_act_falls_while_the_person_is_registered_and_the_ad_is_open() -> None:
    asked = request(postings=1_500, seekers=300)
    ads, found = lives(asked)
    for _occupation, life in found:
        last = life.left if life.left is not None else asked.days - 1
        for act in life.acts:
            day = act.at // DAY
            assert life.registered <= day <= last, act
            if act.kind not in (LIST, "hire"):
                assert ads.posted[act.ad] <= day < ads.closes[act.ad], act
    kinds = Counter(act.kind for _o, life in found for act in life.acts)
    assert all(kinds[k] > 0 for k in ("view", "save", "apply", LIST, "click", "dismiss", "hire")), kinds


def test_a_hire_is_the_last_application_10_to_40_days_after_the_ad_and_the_person_then_leaves() -> None:
    asked = request(postings=1_500, seekers=300)
    ads, found = lives(asked)
    hired = [life for _o, life in found if any(act.kind == "hire" for act in life.acts)]
    applicants = [life for _o, life in found if any(act.kind == "apply" for act in life.acts)]
    assert 0.05 < len(hired) / len(applicants) < 0.35
    for life in hired:
        hire = life.acts[-1]
        applications = [act for act in life.acts if act.kind == "apply"]
        assert hire.kind == "hire"
        assert hire.ad == applications[-1].ad
        assert HIRE_AFTER[0] <= hire.at // DAY - ads.posted[hire.ad] <= HIRE_AFTER[1]
        assert hire.at > applications[-1].at
        assert hire.at // DAY < asked.days
        assert (life.left, life.left_reason) == (hire.at // DAY, "hired")
    filled = [life.acts[-1].ad for life in hired]
    assert len(filled) == len(set(filled))


def test_clicks_and_applications_from_a_list_name_an_item_shown_in_it_before() -> None:
    _ads, found = lives(request(postings=1_500, seekers=300))
    from_lists = 0
    for _occupation, life in found:
        shown: dict[str, tuple[int, tuple[int, ...]]] = {}
        for act in sorted(life.acts, key=lambda a: a.at):
            if act.kind == LIST:
                assert len(set(act.items)) == len(act.items) >= 3
                shown[str(act.list_id)] = (act.at, act.items)
            elif act.list_id is not None:
                at, items = shown[act.list_id]
                assert at <= act.at
                assert items[(act.position or 0) - 1] == act.ad
                from_lists += act.kind == "apply"
    assert from_lists > 0


def test_most_applications_go_to_ads_of_the_persons_isco_group() -> None:
    asked = request(postings=1_500, seekers=300)
    ads, found = lives(asked)
    own = total = 0
    for occupation, life in found:
        for act in (a for a in life.acts if a.kind == "apply"):
            total += 1
            own += ads.group_of(act.ad) == ads.isco_of(occupation)
    assert own / total > 0.7


def test_more_people_register_in_the_last_weeks_of_the_window_than_in_the_first() -> None:
    weights, rng = registration_weights(90), stream(1, "registrations")
    days = [registration_day(rng, weights) for _ in range(5_000)]
    assert min(days) >= 0
    assert max(days) <= 89
    assert sum(d >= 60 for d in days) > 1.5 * sum(d < 30 for d in days)


def test_the_same_seed_writes_the_same_people_and_activity_and_seekers_leave_the_ads_alone(tmp_path: Path) -> None:
    runs = {"a": request(seekers=40), "b": request(seekers=40), "none": request(seekers=0)}
    for name, asked in runs.items():
        write_demo(asked, market=fake_market(asked), out_dir=tmp_path / name, progress=SilentProgress())
    for name in ("seekers.ndjson", "activity.ndjson", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    for partner in PARTNERS:
        feed = next((tmp_path / "a").glob(f"{partner.source}.*"))
        assert feed.read_bytes() == (tmp_path / "none" / feed.name).read_bytes()
    seeker = json.loads((tmp_path / "a" / "seekers.ndjson").read_text(encoding="utf-8").splitlines()[0])
    assert {"registered_on", "last_active_on", "left_on", "left_reason"} <= set(seeker)
    assert seeker["registered_on"] <= seeker["last_active_on"]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e.get("kind") == "activity")
    lines = (tmp_path / "a" / entry["path"]).read_text(encoding="utf-8").splitlines()
    assert entry["records"] == len(lines) == sum(entry["events"].values())
