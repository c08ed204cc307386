"""The `SearchIndex` contract, run against every adapter: tantivy (embedded) and PostgreSQL (server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lmis.search.analysis import analysed, tokens
from lmis.search.model import (
    After,
    EngineQuery,
    Filters,
    GeoFilter,
    SearchDocument,
    SortOrder,
    TextClause,
)
from lmis.search.ports import ClusterCount, SearchIndex
from lmis.shared.ids import stable_id
from lmis.storage.engine import make_engine
from lmis.storage.migrate import upgrade
from tests.conftest import empty_postgres

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SEOUL = (37.5665, 126.9780)
INCHEON = (37.4563, 126.7052)  # about 27 km from Seoul
BUSAN = (35.1796, 129.0756)  # about 325 km from Seoul
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"

Opener = Callable[[], SearchIndex]


@pytest.fixture(params=["tantivy", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def open_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens an index on one empty storage; a second call opens another index on the same storage."""
    if request.param == "tantivy":
        try:
            from lmis.storage.search_tantivy import TantivySearchIndex
        except ImportError:
            pytest.skip("lmis.storage.search_tantivy is not there yet")
        yield lambda: TantivySearchIndex(tmp_path / "index")
        return
    from lmis.storage.search_pg import PostgresSearchIndex

    yield from _postgres_opener(PostgresSearchIndex)


def _postgres_opener(adapter: Callable[[Any], SearchIndex]) -> Iterator[Opener]:
    engine = make_engine(empty_postgres())
    upgrade(engine)
    yield lambda: adapter(engine)
    engine.dispose()


@pytest.fixture
def search_index(open_index: Opener) -> SearchIndex:
    """An empty index of each adapter."""
    return open_index()


_LABELS: dict[str, str] = {}


def pid(label: str) -> str:
    """A posting or vacancy id as LMIS makes them (12 lower-case base32 characters) that reads as `label`."""
    made = (label + "a" * 12)[:12]
    assert len(label) <= 12, label
    assert set(made) <= set(BASE32), label
    _LABELS[made] = label
    return made


def label(posting_id: str) -> str:
    """The label `pid` made `posting_id` from."""
    return _LABELS.get(posting_id, posting_id)


def doc(name: str, title: str = "Registered nurse", body: str = "", **fields: Any) -> SearchDocument:
    """A live posting with analysed text; every other field empty unless given."""
    values: dict[str, Any] = {
        "cluster_id": name, "language": "en", "source": "demo", "employer": "", "employer_name": "",
        "occupations": (), "occupation_group": "", "skills": (), "places": (), "region": "",
        "latitude": None, "longitude": None, "employment_types": (), "working_time": "",
        "salary_min": None, "salary_max": None, "salary_currency": "", "education": "",
        "experience_months": None, "posted_at": NOW - timedelta(days=1), "valid_through": None, "remote": False,
    }  # fmt: skip
    values.update(fields)
    values["cluster_id"] = pid(values["cluster_id"])
    return SearchDocument(
        posting_id=pid(name),
        title=title,
        body=body,
        title_tokens=analysed(title),
        body_tokens=analysed(body),
        **values,
    )


def clause(text: str, **options: Any) -> TextClause:
    """A text clause as the query parser builds it: the analysed tokens of `text`."""
    return TextClause(text, tuple(tokens(text)), **options)


def indexed(index: SearchIndex, *documents: SearchDocument, sequence: int = 1) -> SearchIndex:
    index.upsert(documents)
    index.commit(sequence)
    return index


def search(index: SearchIndex, *must: str | TextClause, **query: Any) -> list[str]:
    """The labels of the hits of `must` (words or clauses, and other EngineQuery fields), in order."""
    clauses = tuple(clause(m) if isinstance(m, str) else m for m in must)
    found = index.search(EngineQuery(now=NOW, must=clauses, **{"limit": 100, **query}))
    return [label(hit.posting_id) for hit in found.hits]


# Text -------------------------------------------------------------------------------------------


def test_a_word_matches_the_title_or_the_body(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", "Nurse"), doc("b", "Carer", "Nursing home needs a carer"), doc("c", "Welder"))
    assert search(search_index, "nurse") == ["a", "b"]


def test_every_must_clause_has_to_match(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", "Night nurse"), doc("b", "Day nurse"), doc("c", "Night porter"))
    assert search(search_index, "nurse", "night") == ["a"]


def test_a_query_without_text_matches_every_live_posting(search_index: SearchIndex) -> None:
    indexed(search_index, doc("b", "Welder"), doc("a", "Nurse"))
    assert sorted(search(search_index)) == ["a", "b"]


def test_hits_carry_the_vacancy_and_the_title_when_asked(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", " Nurse ", cluster_id="v"))
    hit = search_index.search(EngineQuery(NOW, titles=True)).hits[0]
    assert (label(hit.cluster_id), hit.title, hit.distance_km) == ("v", "Nurse", None)


def test_a_phrase_matches_only_its_words_adjacent_and_in_order(search_index: SearchIndex) -> None:
    indexed(
        search_index,
        doc("a", "Senior software engineer"),
        doc("b", "Software quality engineer"),
        doc("c", "Engineer for software"),
        doc("d", "Software", "Engineer wanted"),  # the title ends and the body starts: not adjacent
        doc("e", "Developer", "We hire a software engineer"),
    )
    assert search(search_index, clause("software engineer", phrase=True)) == ["a", "e"]
    assert search(search_index, "software engineer") == ["a", "e"]  # a word of several tokens: adjacent too


def test_a_prefix_clause_matches_words_that_start_with_it(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", "Nurse"), doc("b", "Nursery teacher"), doc("c", "Welder"))
    assert sorted(search(search_index, clause("nur", prefix=True))) == ["a", "b"]
    assert search(search_index, "nur") == []


def test_a_must_not_clause_leaves_out_postings_that_contain_it(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", "Nurse"), doc("b", "Nurse", "Night shifts only"), doc("c", "Welder"))
    assert search(search_index, "nurse", must_not=(clause("night"),)) == ["a"]


def test_an_alternative_satisfies_a_clause_whose_words_the_posting_lacks(search_index: SearchIndex) -> None:
    indexed(
        search_index,
        doc("a", "Nurse in Seoul"),
        doc("b", "Nurse", places=("kr", "kr-seoul")),
        doc("c", "Nurse", places=("kr", "kr-busan")),
    )
    seoul = clause("seoul", alternatives=(("place", "kr-seoul"),))
    assert sorted(search(search_index, "nurse", seoul)) == ["a", "b"]


def test_a_two_syllable_korean_query_finds_the_longer_word_that_contains_it(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", "간호사를 모집합니다"), doc("b", "요양보호사"), doc("c", "용접공"))
    assert search(search_index, "간호") == ["a"]
    assert search(search_index, "간호사") == ["a"]


@pytest.mark.parametrize(("word", "expected"), [("c++", ["a"]), ("c#", ["b"]), ("node.js", ["c"]), ("o'reilly", ["d"])])
def test_tokens_with_symbols_match_only_themselves(search_index: SearchIndex, word: str, expected: list[str]) -> None:
    indexed(
        search_index,
        doc("a", "C++ developer"),
        doc("b", "C# developer"),
        doc("c", "Node.js developer"),
        doc("d", "Editor at O'Reilly"),
        doc("e", "C developer", "node js reilly"),
    )
    assert search(search_index, word) == expected


# Filters and expiry -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "posting"),
    [
        ("occupation", "isco:22", {"occupations": ("esco:nurse", "isco:2", "isco:22", "isco:222")}),
        ("skill", "esco:care", {"skills": ("esco:care", "esco:triage")}),
        ("place", "kr-seoul", {"places": ("kr", "kr-seoul")}),
        ("employment_type", "part_time", {"employment_types": ("temporary", "part_time")}),
        ("working_time", "part_time", {"working_time": "part_time"}),
        ("education", "bachelor", {"education": "bachelor"}),
        ("employer", "acme care", {"employer": "acme care"}),
        ("source", "worknet", {"source": "worknet"}),
        ("language", "ko", {"language": "ko"}),
    ],
)
def test_a_term_filter_keeps_postings_with_one_of_its_values(
    search_index: SearchIndex, field: str, value: str, posting: dict[str, Any]
) -> None:
    indexed(search_index, doc("a", **posting), doc("b"))
    assert search(search_index, filters=Filters({field: (value, "other")})) == ["a"]
    assert search(search_index, filters=Filters({field: ("other",)})) == []


def test_the_cluster_and_title_terms_keep_a_vacancy_or_an_exact_title(search_index: SearchIndex) -> None:
    indexed(
        search_index, doc("a", "Nurse", cluster_id="v"), doc("b", "Nurse (nights)", cluster_id="v"), doc("c", "Nurse")
    )
    assert search(search_index, filters=Filters({"cluster": (pid("v"),)})) == ["a", "b"]
    assert search(search_index, filters=Filters({"title": ("Nurse",)})) == ["a", "c"]


def test_a_salary_filter_keeps_overlapping_ranges_and_drops_postings_without_a_salary(
    search_index: SearchIndex,
) -> None:
    indexed(
        search_index,
        doc("low", salary_min=20_000.0, salary_max=25_000.0),
        doc("mid", salary_min=28_000.0, salary_max=35_000.0),
        doc("high", salary_min=50_000.0, salary_max=60_000.0),
        doc("onlymax", salary_max=40_000.0),
        doc("none"),
    )
    assert sorted(search(search_index, filters=Filters(salary_min=30_000.0))) == ["high", "mid", "onlymax"]
    assert sorted(search(search_index, filters=Filters(salary_max=30_000.0))) == ["low", "mid"]
    assert sorted(search(search_index, filters=Filters(salary_min=36_000.0, salary_max=45_000.0))) == ["onlymax"]
    assert sorted(search(search_index, filters=Filters(salary_max=45_000.0))) == ["low", "mid", "onlymax"]


def test_an_experience_limit_keeps_postings_that_ask_at_most_that_or_say_nothing(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", experience_months=12), doc("b", experience_months=36), doc("c"))
    assert search(search_index, filters=Filters(experience_max_months=24)) == ["a", "c"]


def test_posted_since_keeps_postings_posted_at_or_after_it(search_index: SearchIndex) -> None:
    since = NOW - timedelta(days=7)
    indexed(search_index, doc("a", posted_at=since), doc("b", posted_at=since - timedelta(seconds=1)))
    assert search(search_index, filters=Filters(posted_since=since)) == ["a"]


def test_the_remote_filter_keeps_postings_of_the_asked_kind(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", remote=True), doc("b", remote=False))
    assert search(search_index, filters=Filters(remote=True)) == ["a"]
    assert search(search_index, filters=Filters(remote=False)) == ["b"]


def _places(search_index: SearchIndex) -> None:
    indexed(
        search_index,
        doc("seoul", latitude=SEOUL[0], longitude=SEOUL[1]),
        doc("incheon", latitude=INCHEON[0], longitude=INCHEON[1]),
        doc("busan", latitude=BUSAN[0], longitude=BUSAN[1]),
        doc("nowhere"),
    )


def test_a_geo_radius_keeps_near_postings_and_drops_far_ones_and_those_without_coordinates(
    search_index: SearchIndex,
) -> None:
    _places(search_index)
    near = Filters(geo=GeoFilter(*SEOUL, radius_km=50.0))
    found = search_index.search(EngineQuery(NOW, filters=near, sort=SortOrder.DISTANCE))
    assert [(label(hit.posting_id), round(hit.value)) for hit in found.hits] == [("seoul", 0), ("incheon", 27)]
    assert [None if hit.distance_km is None else round(hit.distance_km) for hit in found.hits] == [0, 27]
    assert search(search_index, filters=Filters(geo=GeoFilter(*SEOUL, radius_km=400.0))) == [
        "busan",
        "incheon",
        "seoul",
    ]


def test_a_point_without_radius_orders_by_distance_the_postings_that_have_coordinates(
    search_index: SearchIndex,
) -> None:
    _places(search_index)
    point = Filters(geo=GeoFilter(*BUSAN, radius_km=None))
    found = search_index.search(EngineQuery(NOW, filters=point, sort=SortOrder.DISTANCE))
    assert [label(hit.posting_id) for hit in found.hits] == ["busan", "seoul", "incheon"]
    assert found.hits[1].value == found.hits[1].distance_km
    assert 300 < found.hits[1].value < 350
    assert search(search_index, filters=point) == ["busan", "incheon", "seoul"]


def test_postings_expired_by_now_never_match(search_index: SearchIndex) -> None:
    indexed(
        search_index,
        doc("open", valid_through=None),
        doc("later", valid_through=NOW + timedelta(minutes=1)),
        doc("now", valid_through=NOW),
        doc("past", valid_through=NOW - timedelta(days=1)),
    )
    assert search(search_index) == ["later", "open"]
    assert search_index.search(EngineQuery(NOW)).total == 2


def test_only_ids_limits_the_postings_that_can_match(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a"), doc("b"), doc("c", "Welder"))
    assert search(search_index, "nurse", only_ids=(pid("b"), pid("c"), pid("unknown"))) == ["b"]
    assert search(search_index, only_ids=()) == []


# Order and paging --------------------------------------------------------------------------------


def test_relevance_ranks_title_matches_above_body_matches_and_breaks_ties_by_id(search_index: SearchIndex) -> None:
    indexed(search_index, doc("c", "Carer", "Nurse wanted"), doc("b", "Nurse"), doc("a", "Nurse"))
    found = search_index.search(EngineQuery(NOW, must=(clause("nurse"),)))
    assert [label(hit.posting_id) for hit in found.hits] == ["a", "b", "c"]
    assert found.hits[0].value == found.hits[1].value > found.hits[2].value


def test_boost_occupations_rank_matches_coded_to_them_first(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", "Nurse"), doc("b", "Nurse", occupations=("isco:2221",)))
    assert search(search_index, "nurse", boost_occupations=("isco:2221",)) == ["b", "a"]


def test_the_date_order_puts_the_newest_first_with_epoch_seconds_as_value(search_index: SearchIndex) -> None:
    old, new = NOW - timedelta(days=3), NOW - timedelta(hours=2)
    indexed(search_index, doc("c", posted_at=old), doc("b", posted_at=new), doc("a", posted_at=old))
    found = search_index.search(EngineQuery(NOW, sort=SortOrder.DATE))
    assert [(label(hit.posting_id), hit.value) for hit in found.hits] == [
        ("b", new.timestamp()), ("a", old.timestamp()), ("c", old.timestamp())
    ]  # fmt: skip


def test_the_salary_order_puts_the_highest_first_and_postings_without_salary_last(search_index: SearchIndex) -> None:
    salaries = {"d": None, "c": 30_000.0, "b": 50_000.0, "a": 30_000.0}
    indexed(search_index, *(doc(name, salary_max=salary) for name, salary in salaries.items()))
    found = search_index.search(EngineQuery(NOW, sort=SortOrder.SALARY))
    assert [(label(h.posting_id), h.value) for h in found.hits] == [
        ("b", 50_000),
        ("a", 30_000),
        ("c", 30_000),
        ("d", -1),
    ]


def test_the_distance_order_needs_a_point(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a"))
    with pytest.raises(ValueError, match="geo"):
        search_index.search(EngineQuery(NOW, sort=SortOrder.DISTANCE))


def _many(search_index: SearchIndex) -> list[str]:
    """30 postings with real ids (digits sort before letters) and many ties in every order; their ids sorted."""
    documents = [
        replace(
            doc(
                "x",
                "Nurse" if n % 3 else "Night nurse",
                "nurse " * (n % 4),
                posted_at=NOW - timedelta(days=n % 5),
                salary_max=None if n % 6 == 0 else 1000.0 * (n % 4),
                latitude=SEOUL[0] + 0.01 * (n % 3),
                longitude=SEOUL[1],
            ),
            posting_id=stable_id("posting", str(n)),
        )
        for n in range(30)
    ]
    indexed(search_index, *documents)
    return sorted(d.posting_id for d in documents)


@pytest.mark.parametrize("sort", list(SortOrder))
def test_paging_by_offset_or_by_after_gives_the_sequence_of_one_big_page(
    search_index: SearchIndex, sort: SortOrder
) -> None:
    every = _many(search_index)
    base = EngineQuery(NOW, must=(clause("nurse"),), sort=sort, filters=Filters(geo=GeoFilter(*SEOUL, None)))
    whole = [hit.posting_id for hit in search_index.search(replace(base, limit=100)).hits]
    by_offset = [
        h.posting_id for o in range(0, 30, 7) for h in search_index.search(replace(base, offset=o, limit=7)).hits
    ]
    by_after: list[str] = []
    after = None
    for _ in range(5):
        page = search_index.search(replace(base, limit=7, after=after))
        by_after += [hit.posting_id for hit in page.hits]
        after = After(page.hits[-1].value, page.hits[-1].posting_id) if page.hits else None
    assert sorted(whole) == every
    assert search_index.search(base).total == 30
    assert by_offset == whole
    assert by_after == whole


def test_ties_are_broken_by_posting_id_as_strings_sort(search_index: SearchIndex) -> None:
    every = _many(search_index)
    found = search_index.search(EngineQuery(NOW, limit=100))
    assert [hit.posting_id for hit in found.hits] == every


# Facets and vacancies ----------------------------------------------------------------------------


def test_facets_count_every_match_by_group_region_employment_type_and_salary_band(search_index: SearchIndex) -> None:
    indexed(
        search_index,
        doc("a", occupation_group="2", region="kr-11", employment_types=("full_time",), salary_max=35_000.0),
        doc(
            "b", occupation_group="2", region="kr-26", employment_types=("full_time", "temporary"), salary_max=30_000.0
        ),
        doc("c", occupation_group="7", region="kr-11", employment_types=(), salary_max=150_000.0),
        doc("d", occupation_group="", region="", salary_max=None),
        doc("e", "Welder", occupation_group="7", region="kr-11", salary_max=10.0),
    )
    found = search_index.search(EngineQuery(NOW, must=(clause("nurse"),), facets=True, limit=1))
    assert (len(found.hits), found.total) == (1, 4)
    assert found.facets == {
        "occupation_group": {"2": 2, "7": 1},
        "region": {"kr-11": 2, "kr-26": 1},
        "employment_type": {"full_time": 2, "temporary": 1},
        "salary_band": {"30000": 2, "100000": 1},
    }
    assert search_index.search(EngineQuery(NOW, facets=False)).facets == {}


def test_distinct_clusters_counts_vacancies_exactly_up_to_the_cap_and_a_lower_bound_past_it(
    search_index: SearchIndex,
) -> None:
    # as enrichment names them, a vacancy is named after one of its postings
    pairs = [doc(f"p{BASE32[n]}", cluster_id=f"p{BASE32[n - n % 2]}") for n in range(6)]
    indexed(search_index, *pairs, doc("w", "Welder"))
    query = EngineQuery(NOW, must=(clause("nurse"),))
    assert search_index.distinct_clusters(query, cap=6) == (3, True)
    count, exact = search_index.distinct_clusters(query, cap=4)
    assert not exact
    assert 2 <= count <= 3


def test_clusters_count_the_postings_and_sources_of_each_vacancy(search_index: SearchIndex) -> None:
    indexed(
        search_index,
        doc("a", cluster_id="va", source="worknet"),
        doc("b", cluster_id="va", source="saramin"),
        doc("c", cluster_id="va", source="worknet"),
        doc("d", cluster_id="vb"),
    )
    found = search_index.clusters([pid("va"), pid("vb"), pid("vz")])
    assert {label(k): v for k, v in found.items()} == {"va": ClusterCount(3, 2), "vb": ClusterCount(1, 1)}


def test_titles_complete_a_prefix_of_the_title_or_of_a_word_run_most_frequent_first(search_index: SearchIndex) -> None:
    titles = ["Registered Nurse", "Registered Nurse", "registered  nurse", "Nurse", "Nurse", "Nursery teacher"]
    titles += ["간호사", "Senior nurse_practitioner 100%", "Welder"]
    indexed(search_index, *(doc(f"t{BASE32[n]}", title) for n, title in enumerate(titles)))
    expected = [("Registered Nurse", 3), ("Nurse", 2), ("Nursery teacher", 1), ("Senior nurse_practitioner 100%", 1)]
    assert search_index.titles("nur", 10) == expected
    assert search_index.titles("NURSE", 2) == expected[:2]
    assert search_index.titles("registered n", 10) == [("Registered Nurse", 3)]
    assert search_index.titles("practi", 10) == [("Senior nurse_practitioner 100%", 1)]
    assert search_index.titles("간호", 10) == [("간호사", 1)]
    assert search_index.titles("%", 10) == search_index.titles("", 10) == []


def test_values_lists_the_distinct_values_of_a_term_field_most_frequent_first(search_index: SearchIndex) -> None:
    sources = ["worknet", "saramin", "worknet", "jobkorea", "worknet", "saramin"]
    indexed(
        search_index,
        *(doc(f"s{BASE32[n]}", source=source) for n, source in enumerate(sources)),
        doc("e", source="worknet"),
    )
    assert search_index.values("source") == ["worknet", "saramin", "jobkorea"]
    assert search_index.values("education") == []


# Writes ------------------------------------------------------------------------------------------


def test_upsert_replaces_a_document_by_posting_id(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a", "Nurse"), doc("b", "Nurse"))
    indexed(search_index, doc("a", "Welder"), sequence=2)
    assert (search(search_index, "nurse"), search(search_index, "welder"), search_index.size()) == (["b"], ["a"], 2)


def test_delete_removes_documents_and_ignores_unknown_ids(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a"), doc("b"))
    search_index.delete([pid("a"), pid("unknown")])
    search_index.commit(2)
    assert (search(search_index), search_index.size()) == (["b"], 1)


def test_clear_removes_every_document_by_the_next_commit(search_index: SearchIndex) -> None:
    indexed(search_index, doc("a"), doc("b"), sequence=5)
    search_index.clear()
    search_index.upsert([doc("c")])
    search_index.commit(9)
    assert (search(search_index), search_index.size(), search_index.sequence()) == (["c"], 1, 9)


def test_commit_records_the_sequence_that_another_index_on_the_same_storage_reads(open_index: Opener) -> None:
    index = open_index()
    assert (index.sequence(), index.size()) == (0, 0)
    indexed(index, doc("a"), sequence=42)
    reopened = open_index()
    assert (reopened.sequence(), reopened.size(), search(reopened)) == (42, 1, ["a"])
