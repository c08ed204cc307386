"""Chaining crosswalks from one scheme to another, on a fake table of mappings."""

from __future__ import annotations

from collections.abc import Collection

from lmis.taxonomy.crosswalk import Node, chain
from lmis.taxonomy.model import CodeMapping, MatchType


class Table:
    """A fake crosswalk store: mappings by release, answering which ones touch some nodes."""

    def __init__(self, *rows: tuple[str, CodeMapping]) -> None:
        self.rows = rows
        self.asked: list[set[Node]] = []

    def __call__(self, nodes: Collection[Node]) -> list[tuple[CodeMapping, str]]:
        wanted = set(nodes)
        self.asked.append(wanted)
        return [
            (m, release)
            for release, m in self.rows
            if (m.from_scheme, m.from_code) in wanted or (m.to_scheme, m.to_code) in wanted
        ]


def m(
    from_scheme: str, from_code: str, to_scheme: str, to_code: str, match: str = "exact", confidence: float = 1.0
) -> CodeMapping:
    return CodeMapping(from_scheme, from_code, to_scheme, to_code, MatchType(match), confidence)


def test_a_direct_mapping_is_one_step() -> None:
    table = Table(("bls", m("isco", "2221", "soc", "29-1141")))
    (route,) = chain(("isco", "2221"), "soc", table)
    assert route.code == "29-1141"
    assert route.confidence == 1.0
    (step,) = route.steps
    assert (step.from_scheme, step.from_code, step.to_scheme, step.to_code) == ("isco", "2221", "soc", "29-1141")
    assert (step.crosswalk, step.reverse) == ("bls", False)


def test_a_mapping_is_followed_backwards_too() -> None:
    table = Table(("bls", m("isco", "2221", "soc", "29-1141")))
    (route,) = chain(("soc", "29-1141"), "isco", table)
    assert route.code == "2221"
    (step,) = route.steps
    assert (step.from_scheme, step.from_code, step.to_scheme, step.to_code) == ("soc", "29-1141", "isco", "2221")
    assert step.reverse is True


def test_a_three_hop_chain_reports_its_path() -> None:
    table = Table(
        ("onet-2010-2019", m("onet2010", "29-1141.00", "onet2019", "29-1141.00")),
        ("nesta", m("esco", "uri:nurse", "onet2010", "29-1141.00")),
        ("esco", m("esco", "uri:nurse", "isco", "2221")),
    )
    (route,) = chain(("onet2019", "29-1141.00"), "isco", table)
    assert route.code == "2221"
    assert [(s.from_scheme, s.to_scheme, s.crosswalk, s.reverse) for s in route.steps] == [
        ("onet2019", "onet2010", "onet-2010-2019", True),
        ("onet2010", "esco", "nesta", True),
        ("esco", "isco", "esco", False),
    ]
    assert [s.to_code for s in route.steps] == ["29-1141.00", "uri:nurse", "2221"]


def test_consecutive_steps_join_up() -> None:
    table = Table(("a", m("x", "1", "y", "1")), ("b", m("y", "1", "z", "1")), ("c", m("z", "1", "w", "1")))
    (route,) = chain(("x", "1"), "w", table)
    assert all(
        (prev.to_scheme, prev.to_code) == (step.from_scheme, step.from_code)
        for prev, step in zip(route.steps, route.steps[1:], strict=False)
    )


def test_between_routes_of_the_same_length_the_more_confident_wins() -> None:
    table = Table(
        ("weak", m("a", "1", "b", "1", "close", 0.5)),
        ("weak", m("b", "1", "t", "X")),
        ("strong", m("a", "1", "c", "1")),
        ("strong", m("c", "1", "t", "X")),
    )
    (route,) = chain(("a", "1"), "t", table)
    assert {s.crosswalk for s in route.steps} == {"strong"}
    assert [s.to_scheme for s in route.steps] == ["c", "t"]


def test_a_direct_mapping_ranks_above_a_detour_through_a_broader_code() -> None:
    # O*NET-SOC 2010 29-1141.00 maps straight to 2019 29-1141.00; going up to SOC 29-1141 and
    # back down also reaches 29-1141.03, which must rank below the direct answer.
    table = Table(
        ("onet", m("onet2010", "29-1141.00", "onet2019", "29-1141.00")),
        ("onet-soc", m("onet2010", "29-1141.00", "soc", "29-1141")),
        ("onet-soc", m("onet2019", "29-1141.03", "soc", "29-1141")),
    )
    routes = chain(("onet2010", "29-1141.00"), "onet2019", table)
    assert [r.code for r in routes] == ["29-1141.00", "29-1141.03"]
    assert routes[0].confidence == 1.0
    assert routes[1].confidence < routes[0].confidence


def test_several_targets_come_best_first() -> None:
    table = Table(
        ("bls", m("isco", "2221", "soc", "29-1141", "partial", 0.8)),
        ("bls", m("isco", "2221", "soc", "29-1171", "close", 0.5)),
        ("bls", m("isco", "2221", "soc", "29-1151")),
    )
    routes = chain(("isco", "2221"), "soc", table)
    assert [(r.code, r.confidence) for r in routes] == [("29-1151", 1.0), ("29-1141", 0.72), ("29-1171", 0.5)]


def test_partial_matches_lower_the_confidence_at_every_hop() -> None:
    def confidence(first: str, second: str) -> float:
        table = Table(
            ("bls", m("isco", "2221", "soc", "29-1141", first, 0.8)),
            ("onet", m("onet", "29-1141.00", "soc", "29-1141", second, 1.0)),
        )
        (route,) = chain(("isco", "2221"), "onet", table)
        return route.confidence

    assert confidence("partial", "partial") < confidence("partial", "exact") < confidence("exact", "exact") <= 0.8


def test_a_partial_match_of_full_confidence_is_still_below_an_exact_one() -> None:
    table = Table(("bls", m("isco", "2221", "soc", "29-1141", "partial")), ("bls", m("isco", "2221", "soc", "29-1151")))
    routes = chain(("isco", "2221"), "soc", table)
    assert [r.code for r in routes] == ["29-1151", "29-1141"]
    assert routes[1].confidence < 1.0


def test_close_matches_keep_their_own_confidence() -> None:
    table = Table(("nesta", m("esco", "uri", "onet", "29-1141.00", "close", 0.5)))
    (route,) = chain(("esco", "uri"), "onet", table)
    assert route.confidence == 0.5


def test_no_scheme_is_entered_twice_on_one_route() -> None:
    # The only way to t goes a -> b -> a' -> t, re-entering scheme a; it must not be taken.
    table = Table(
        ("x", m("a", "1", "b", "1")),
        ("x", m("b", "1", "a", "2")),
        ("x", m("a", "2", "t", "9")),
    )
    assert chain(("a", "1"), "t", table) == []


def test_routes_found_never_revisit_a_scheme() -> None:
    table = Table(
        ("x", m("a", "1", "b", "1")),
        ("x", m("b", "1", "c", "1")),
        ("x", m("c", "1", "b", "2")),
        ("x", m("b", "2", "t", "1")),
        ("x", m("c", "1", "t", "2")),
    )
    routes = chain(("a", "1"), "t", table)
    assert [r.code for r in routes] == ["2"]
    for route in routes:
        schemes = [route.steps[0].from_scheme] + [s.to_scheme for s in route.steps]
        assert len(schemes) == len(set(schemes))


def test_max_hops_limits_the_chain() -> None:
    table = Table(("x", m("a", "1", "b", "1")), ("x", m("b", "1", "c", "1")), ("x", m("c", "1", "t", "1")))
    assert chain(("a", "1"), "t", table, max_hops=2) == []
    assert [r.code for r in chain(("a", "1"), "t", table, max_hops=3)] == ["1"]


def test_codes_reached_in_the_target_scheme_are_not_explored_further() -> None:
    table = Table(("x", m("a", "1", "t", "1")), ("x", m("a", "1", "b", "1")), ("x", m("b", "1", "t", "2")))
    assert [r.code for r in chain(("a", "1"), "t", table)] == ["1", "2"]
    assert all(("t", "1") not in asked for asked in table.asked)


def test_a_code_in_no_mapping_reaches_nothing() -> None:
    table = Table(("bls", m("isco", "2221", "soc", "29-1141")))
    assert chain(("isco", "9999"), "soc", table) == []
    assert len(table.asked) == 1  # nothing reached, so no further lookups
