"""The Work's pure rules: features and reasons, the person's constraints, diversity, attribution tiers,
observed transitions, and the profile document."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from lmis.people.profile import (
    Education,
    Isced,
    Job,
    JobWishes,
    Language,
    ProfileDetails,
    ProfileSkill,
    Steering,
    WorkingTime,
    check_details,
)
from lmis.recommend.attribution import attribute
from lmis.recommend.jobs import RememberedTitles
from lmis.recommend.ports import ApplicationTally
from lmis.recommend.scoring import (
    SeekerContext,
    explain,
    features_of,
    keeps,
    occupation_fit,
    pay_fit,
    select,
    transparent,
    weights_for,
)
from lmis.recommend.transitions import count_transitions
from lmis.search.model import SearchDocument
from lmis.shared.errors import Invalid

NOW = datetime(2026, 11, 26, tzinfo=UTC)
SEOUL = (37.5665, 126.978)


def doc(pid: str, **fields: object) -> SearchDocument:
    base = SearchDocument(
        posting_id=pid, cluster_id=pid, title="Nurse", body="", title_tokens="", body_tokens="", language="en",
        source="board", employer="hospital a", employer_name="Hospital A", occupations=("nurse", "isco:2221"),
        occupation_group="2", skills=("care", "wounds", "triage"), places=("KR-11",), region="KR-11",
        latitude=SEOUL[0], longitude=SEOUL[1], employment_types=("full_time",), working_time="full_time",
        salary_min=30_000_000.0, salary_max=36_000_000.0, salary_currency="KRW", education="",
        experience_months=None, posted_at=NOW - timedelta(days=2), valid_through=None, remote=False,
    )  # fmt: skip
    return replace(base, **fields)  # type: ignore[arg-type]


def seeker(**fields: object) -> SeekerContext:
    base = SeekerContext(
        seeker_id="s", desired_occupations=("nurse",), past_occupations=("carer",),
        isco_codes={"nurse": "2221", "carer": "5322", "midwife": "2222"}, skills=frozenset({"care", "wounds"}),
        region="KR-11", latitude=SEOUL[0], longitude=SEOUL[1], wishes=JobWishes(), steering=Steering(),
        labels={"care": "patient care"},
    )  # fmt: skip
    return replace(base, **fields)  # type: ignore[arg-type]


def test_occupation_fit_prefers_the_desired_occupation_then_past_ones_then_the_isco_group() -> None:
    assert occupation_fit(seeker(), doc("a"))[:2] == (1.0, "nurse")
    assert occupation_fit(seeker(), doc("b", occupations=("carer", "isco:5322")))[:2] == (0.8, "carer")
    midwife = doc("c", occupations=("midwife", "isco:2", "isco:22", "isco:222", "isco:2222"))
    assert occupation_fit(seeker(), midwife) == (0.3, "nurse", "group")  # minor group 222
    assert occupation_fit(seeker(), doc("d", occupations=("welder", "isco:7212")))[0] == 0.0


def test_the_explanation_names_matched_and_missing_skills_distance_and_pay() -> None:
    person = seeker(wishes=JobWishes(desired_pay=32_000_000))
    why = explain(person, transparent(features_of(person, doc("a"), {"embedding": 0.5}, NOW), weights_for(Steering())))
    assert [(r.id, r.label) for r in why.matched_skills] == [("care", "patient care"), ("wounds", "wounds")]
    assert [r.id for r in why.missing_skills] == ["triage"]
    assert (why.occupation_match, why.pay_fit, why.distance_km) == ("exact", "within", 0.0)
    assert set(why.signals) == {"embedding", "profile"}
    assert why.contributions["skills"] == pytest.approx(0.25 * 2 / 3, abs=1e-3)


def test_pay_below_the_wish_scores_lower_and_an_unknown_pay_is_neutral() -> None:
    wish = JobWishes(desired_pay=40_000_000)
    assert pay_fit(wish, doc("a"))[1] == "below"
    assert pay_fit(wish, doc("a"))[0] < pay_fit(wish, doc("b", salary_max=45_000_000.0))[0]
    assert pay_fit(wish, doc("c", salary_min=None, salary_max=None)) == (0.5, "unknown")


def test_steering_multiplies_the_weights_it_names() -> None:
    weights = weights_for(Steering(weights={"closeness": 3.0, "pay": 0.0}))
    assert weights["closeness"] == pytest.approx(0.30)
    assert weights["pay"] == 0.0
    assert weights["embedding"] == pytest.approx(0.10)


def test_constraints_drop_hidden_employers_far_jobs_and_other_working_times_but_not_remote_ones() -> None:
    busan = doc("far", latitude=35.18, longitude=129.08, region="KR-26")
    near = seeker(wishes=JobWishes(max_commute_km=50))
    assert not keeps(near, features_of(near, busan, {}, NOW))
    assert keeps(near, features_of(near, replace(busan, remote=True), {}, NOW))
    assert keeps(replace(near, wishes=JobWishes(max_commute_km=50, relocate=True)), features_of(near, busan, {}, NOW))
    hidden = seeker(steering=Steering(hidden_employers=("hospital a",)))
    assert not keeps(hidden, features_of(hidden, doc("a"), {}, NOW))
    part = seeker(wishes=JobWishes(working_time=WorkingTime.PART_TIME))
    assert not keeps(part, features_of(part, doc("a"), {}, NOW))
    assert not keeps(seeker(excluded_postings=frozenset({"a"})), features_of(seeker(), doc("a"), {}, NOW))


def test_selection_keeps_one_posting_per_vacancy_and_at_most_two_per_employer_while_others_remain() -> None:
    person = seeker()
    ranked = [
        transparent(features_of(person, d, {}, NOW), weights_for(Steering()))
        for d in (
            doc("a1"),
            doc("a2", cluster_id="a1"),
            doc("a3"),
            doc("a4"),
            doc("b1", employer="clinic b"),
        )
    ]
    assert [s.document.posting_id for s in select(ranked, 3)] == ["a1", "a3", "b1"]
    assert [s.document.posting_id for s in select(ranked, 10)] == ["a1", "a3", "b1", "a4"]


def test_attribution_counts_hires_at_the_three_tiers() -> None:
    found = attribute(
        [
            ApplicationTally("one", applications=10, recommended_applications=1),
            ApplicationTally("two", applications=5, recommended_applications=2),
            ApplicationTally("three", applications=6, recommended_applications=3),
            ApplicationTally("none", applications=4, recommended_applications=0),
        ]
    )
    assert (found.hires, found.tiers) == (4, {"any": 3, "two_30": 2, "three_50": 1})


def test_transitions_count_consecutive_coded_jobs_by_start_date() -> None:
    histories = [
        (Job("b", "nurse", started=date(2020, 1, 1)), Job("a", "carer", started=date(2015, 1, 1))),
        (Job("a", "carer", started=date(2016, 1, 1)), Job("x", None), Job("b", "nurse", started=date(2019, 1, 1))),
        (Job("a", "carer"),),
    ]
    assert count_transitions(histories) == {"carer": {"nurse": 2.0}}


def test_the_profile_document_round_trips_and_bad_entries_are_refused_with_the_field() -> None:
    details = ProfileDetails(
        skills=(ProfileSkill("care"),),
        work_history=(Job("Nurse", "nurse", "St Mary's", date(2019, 3, 1)),),
        education=(Education(Isced.BACHELOR, "Nursing"),),
        languages=(Language("ko"),),
        wishes=JobWishes(max_commute_km=30, desired_pay=30_000_000),
        steering=Steering(weights={"pay": 2.0}, hidden_employers=("x",), daily_mail=True),
    )
    assert ProfileDetails.from_json(details.as_json()) == details
    assert details.past_occupations() == ("nurse",)
    with pytest.raises(Invalid) as late:
        check_details(replace(details, work_history=(Job("Nurse", None, "", date(2020, 1, 1), date(2019, 1, 1)),)))
    assert late.value.field == "work_history"
    with pytest.raises(Invalid) as weight:
        check_details(replace(details, steering=Steering(weights={"closer": 1.0})))
    assert (weight.value.field, weight.value.suggestions[:1]) == ("weights", ["skills"])
    with pytest.raises(Invalid):
        check_details(replace(details, languages=(Language("Korean"),)))


class CountingTitles:
    """A title space that counts how often it embeds."""

    def __init__(self) -> None:
        self.embedded = 0

    def add(self, titles: object) -> None: ...

    def save(self) -> None: ...

    def nearest(self, text: str, k: int) -> list[tuple[str, float]]:
        self.embedded += 1
        return [(f"{text} title", 0.9)][:k]

    def nearest_many(self, texts: list[str], k: int) -> list[list[tuple[str, float]]]:
        self.embedded += 1
        return [[(f"{text} title", 0.9)][:k] for text in texts]


def test_profile_texts_are_embedded_once_an_hour_and_many_at_once_for_the_nightly_batch() -> None:
    now = [0.0]
    titles = CountingTitles()
    remembered = RememberedTitles(titles, lambda: now[0], seconds=3600, size=2)
    assert remembered.nearest("nurse", 30) == remembered.nearest("nurse", 30) == [("nurse title", 0.9)]
    assert titles.embedded == 1
    now[0] = 3601.0
    remembered.nearest("nurse", 30)
    assert titles.embedded == 2  # an hour later it is looked up again
    remembered.remember(["cook", "welder", "cook"], 30)
    assert titles.embedded == 3  # one batch for both
    remembered.nearest("welder", 30)
    assert titles.embedded == 3
    remembered.nearest("nurse", 30)
    assert titles.embedded == 4  # only two texts are kept: the oldest went
