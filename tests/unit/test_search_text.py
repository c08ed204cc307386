"""How search reads text: Korean particles and bigrams, English stems, query syntax, fusion and filter values."""

from __future__ import annotations

import pytest

from lmis.search import resolve
from lmis.search.analysis import korean_stem, tokens
from lmis.search.model import EngineHit
from lmis.search.services import _fuse
from lmis.search.text import parse_text
from lmis.shared.errors import Invalid


@pytest.mark.parametrize(
    ("word", "stem"),
    [("간호사를", "간호사"), ("용접하는", "용접"), ("서울에서", "서울"), ("아이", "아이"), ("모집합니다", "모집")],
)
def test_a_korean_word_sheds_its_particle_or_ending_only_when_two_syllables_remain(word: str, stem: str) -> None:
    assert korean_stem(word) == stem


def test_korean_is_indexed_as_syllable_bigrams_so_a_two_syllable_query_matches_inside_longer_words() -> None:
    assert tokens("간호사를 모집") == ["간호", "호사", "모집"]
    assert set(tokens("간호")) <= set(tokens("정신건강 간호사"))


def test_english_inflections_share_one_token_and_codes_keep_their_symbols() -> None:
    assert tokens("Nurses") == tokens("nursing") == tokens("nurse")
    assert tokens("C++ and C# with node.js") == ["c++", "and", "c#", "with", "node.js"]


def test_latin_letters_next_to_hangul_are_separate_words() -> None:
    assert tokens("RN간호사") == ["rn", "간호", "호사"]


def test_query_syntax_gives_phrases_exclusions_and_prefixes_and_drops_filler_words() -> None:
    parsed = parse_text('"band 5" nurse jobs in leeds -agency physio*')
    assert [(c.surface, c.phrase, c.prefix) for c in parsed.must] == [
        ("band 5", True, False),
        ("nurse", False, False),
        ("leeds", False, False),
        ("physio", False, True),
    ]
    assert [c.surface for c in parsed.must_not] == ["agency"]
    assert parsed.ignored == ["jobs", "in"]


def test_a_korean_query_word_must_match_its_bigrams_adjacent() -> None:
    (clause,) = parse_text("간호사").must
    assert clause.tokens == ("간호", "호사")


def test_reciprocal_rank_fusion_puts_postings_both_lists_found_first_and_says_how_each_was_found() -> None:
    def hits(*ids: str) -> list[EngineHit]:
        return [EngineHit(i, i, 0.0) for i in ids]

    fused = _fuse(hits("a", "b", "c"), hits("c", "d"))  # c: 1/63 + 1/61; a: 1/61; b and d: 1/62, tie by id
    assert [(h.posting_id, how) for h, how in fused] == [
        ("c", "both"),
        ("a", "keyword"),
        ("b", "keyword"),
        ("d", "semantic"),
    ]


def test_employment_types_are_read_in_any_spelling_and_a_wrong_one_is_answered_with_the_choices() -> None:
    assert resolve.employment_type("FULL-TIME") == "full_time"
    with pytest.raises(Invalid) as error:
        resolve.employment_type("fulltime")
    assert error.value.field == "employment_type"
    assert "full_time" in error.value.suggestions
