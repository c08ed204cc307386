"""SOC employment spread over ESCO occupations through the crosswalks, and ESCO occupations linked to O*NET."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from lmis.demo.crosswalks import Edge, Weighting, neighbours_of, onet_code, weight_occupations
from lmis.demo.model import Occupation

from .test_demo_generator import CASHIER, MAPPINGS, NURSE, OCCUPATIONS, OEWS, ORPHAN, WELDER, mapping, occupation


def weigh(edges: Sequence[Edge] = MAPPINGS, occupations: Sequence[Occupation] = OCCUPATIONS) -> Weighting:
    neighbours = neighbours_of(edges)
    return weight_occupations(occupations, OEWS.detailed, neighbours=neighbours, fallback_wages=OEWS.all_wages)


def test_each_esco_occupation_weighs_the_employment_of_the_soc_occupations_reaching_it() -> None:
    weighting = weigh()
    weights = {w.occupation.uri: w.weight for w in weighting.occupations}
    assert weights == {NURSE.uri: 3_000, CASHIER.uri: 3_000, WELDER.uri: 400}
    assert ORPHAN.uri not in weights
    assert weighting.method == "employment"
    assert (weighting.soc_matched, weighting.employment_matched, weighting.employment_total) == (3, 6_400, 7_400)


def test_a_soc_2018_code_missing_from_the_crosswalks_is_tried_as_the_same_soc_2010_code() -> None:
    welder = next(w for w in weigh().occupations if w.occupation == WELDER)
    assert welder.soc_code == "51-4121"
    assert welder.wages.p50 == 47_000


def test_an_occupation_takes_the_wages_of_its_soc_occupation_or_the_all_occupations_wages_when_unpublished() -> None:
    by_uri = {w.occupation.uri: w for w in weigh().occupations}
    assert by_uri[NURSE.uri].wages.p50 == 86_000
    assert by_uri[CASHIER.uri].wages == OEWS.all_wages


def test_employment_is_split_over_the_occupations_of_the_shortest_routes_by_confidence() -> None:
    head = occupation("head-nurse", "head nurse", "2221")
    edges = [*MAPPINGS, (mapping("esco-occupation", head.uri, "onet-soc-2010", "29-1141.00", 0.5), "nesta")]
    weights = {w.occupation.uri: w.weight for w in weigh(edges, [*OCCUPATIONS, head]).occupations}
    assert weights[NURSE.uri] == pytest.approx(2_000)
    assert weights[head.uri] == pytest.approx(1_000)


def test_without_any_route_to_esco_every_occupation_weighs_the_same() -> None:
    weighting = weigh([])
    assert weighting.method.startswith("uniform")
    assert [w.weight for w in weighting.occupations] == [1.0] * len(OCCUPATIONS)
    assert all(w.wages == OEWS.all_wages for w in weighting.occupations)


def test_the_order_mappings_arrive_in_changes_nothing() -> None:
    assert weigh(list(reversed(MAPPINGS))) == weigh(MAPPINGS)


def test_an_esco_occupation_reaches_its_onet_2019_code_or_none() -> None:
    neighbours = neighbours_of(MAPPINGS)
    assert onet_code(NURSE, neighbours=neighbours) == "29-1141.00"
    assert onet_code(ORPHAN, neighbours=neighbours) == ""
