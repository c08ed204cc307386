"""The next-occupation scorer on small hand-made occupation spaces."""

from __future__ import annotations

import numpy as np
import pytest

from lmis.recommend.careers import next_occupations
from lmis.recommend.pathways import OccupationSpace, SkillProfile, SparseRows, content_scores
from lmis.shared.errors import Invalid, NotFound

SKILLS = {"s-care": "patient care", "s-drugs": "administer drugs", "s-weld": "weld metal", "s-code": "write code"}


def _space(**overrides: object) -> OccupationSpace:
    """Nurse, nurse practitioner, care assistant, welder, developer: nursing rows share most skills."""
    profiles = (
        SkillProfile({"s-care": 4.5, "s-drugs": 4.0}),
        SkillProfile({"s-care": 4.8, "s-drugs": 4.6, "s-code": 3.1}),
        SkillProfile({"s-care": 4.0}),
        SkillProfile({"s-weld": 4.9}),
        SkillProfile({"s-code": 4.9}),
    )
    column = {skill: j for j, skill in enumerate(sorted(SKILLS))}
    sets = SparseRows.from_sets([{column[s]: w for s, w in p.essential.items()} for p in profiles], len(column))
    values: dict[str, object] = {
        "scheme": "onet-soc-2019",
        "ids": ("id-nurse", "id-np", "id-care", "id-weld", "id-dev"),
        "codes": ("29-1141.00", "29-1171.00", "31-1131.00", "51-4121.00", "15-1252.00"),
        "labels": ("Registered Nurses", "Nurse Practitioners", "Nursing Assistants", "Welders", "Software Developers"),
        "skills": profiles,
        "skill_labels": SKILLS,
        "weights": {"skills": 1.0},
        "sparse": {"skills": sets},
    }
    values.update(overrides)
    return OccupationSpace(**values)  # type: ignore[arg-type]


def test_an_occupation_sharing_most_skills_ranks_above_an_unrelated_one() -> None:
    ranked = [r.code for r in next_occupations(_space(), "id-nurse", k=4)]

    assert ranked.index("29-1171.00") < ranked.index("51-4121.00")
    assert ranked.index("31-1131.00") < ranked.index("15-1252.00")


def test_the_source_occupation_is_left_out_unless_asked_for() -> None:
    space = _space()

    assert "id-nurse" not in [r.occupation_id for r in next_occupations(space, "id-nurse", k=10)]
    assert next_occupations(space, "id-nurse", k=1, include_source=True)[0].occupation_id == "id-nurse"


def test_skills_to_gain_lists_exactly_the_missing_essential_skills_most_important_first() -> None:
    practitioner = next(r for r in next_occupations(_space(), "id-care", k=4) if r.occupation_id == "id-np")

    assert [s.id for s in practitioner.skills_to_gain] == ["s-drugs", "s-code"]
    assert [s.label for s in practitioner.skills_to_gain] == ["administer drugs", "write code"]
    assert [s.id for s in practitioner.shared_skills] == ["s-care"]
    assert practitioner.skill_overlap == pytest.approx(4.8 / (4.8 + 4.6 + 3.1))


def test_an_optional_skill_of_the_source_counts_as_held() -> None:
    profiles = list(_space().skills)
    profiles[2] = SkillProfile({"s-care": 4.0}, frozenset({"s-drugs"}))
    nurse = next(r for r in next_occupations(_space(skills=tuple(profiles)), "id-care") if r.code == "29-1141.00")

    assert nurse.skills_to_gain == ()
    assert nurse.skill_overlap == 1.0


def test_observed_transitions_lift_a_step_the_content_alone_ranks_low() -> None:
    space = _space()
    before = [r.occupation_id for r in next_occupations(space, "id-nurse", k=4)]
    seen = {"id-nurse": {"id-dev": 40}}
    after = next_occupations(space, "id-nurse", k=4, transitions=seen)

    assert before[0] != "id-dev"
    assert after[0].occupation_id == "id-dev"
    assert after[0].observed_transitions == 40
    assert after[0].signals["transitions"] == 1.0


def test_one_observed_transition_does_not_overturn_the_content_ranking() -> None:
    space = _space()
    first = next_occupations(space, "id-nurse", k=1)[0].occupation_id

    assert next_occupations(space, "id-nurse", k=1, transitions={"id-nurse": {"id-weld": 1}})[0].occupation_id == first


def test_scores_are_probabilities_that_sum_to_one_over_all_candidates() -> None:
    ranked = next_occupations(_space(), "id-weld", k=200)

    assert len(ranked) == 4
    assert sum(r.score for r in ranked) == pytest.approx(1.0, abs=1e-5)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_an_occupation_can_be_asked_for_by_its_code() -> None:
    assert next_occupations(_space(), "51-4121.00", k=1)[0].occupation_id != "id-weld"


def test_an_unknown_occupation_is_not_found_with_close_codes_as_suggestions() -> None:
    with pytest.raises(NotFound) as raised:
        next_occupations(_space(), "29-1141.01")

    assert "29-1141.00" in raised.value.suggestions
    assert "onet-soc-2019" in raised.value.detail


def test_k_outside_its_range_is_invalid() -> None:
    with pytest.raises(Invalid) as raised:
        next_occupations(_space(), "id-nurse", k=0)
    assert raised.value.field == "k"


def test_each_signal_is_standardised_so_its_weight_is_comparable() -> None:
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.5, 0.5]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    zones = np.array([2, 2, 4, 4, np.nan], dtype=np.float32)
    space = _space(dense={"titles": vectors}, job_zones=zones, weights={"titles": 1.0, "job_zone": 1.0})
    total, signals = content_scores(space, 0)
    others = [1, 2, 3, 4]

    assert set(signals) == {"skills", "titles", "job_zone"}
    for name in ("skills", "titles"):
        assert float(np.mean(signals[name][others])) == pytest.approx(0.0, abs=1e-5)
    assert signals["job_zone"][4] == 0.0  # unknown zone counts as average
    assert int(np.argmax(np.where(np.arange(5) == 0, -np.inf, total))) == 1


def test_the_hierarchy_signal_rewards_a_longer_shared_code_prefix() -> None:
    space = _space(hierarchy=("29-1141", "29-1171", "29-2061", "51-4121", "15-1252"), weights={"hierarchy": 1.0})
    _total, signals = content_scores(space, 0)

    assert signals["hierarchy"][1] > signals["hierarchy"][2] > signals["hierarchy"][3]


def test_a_space_with_misaligned_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="one row per occupation"):
        _space(codes=("only-one",))
