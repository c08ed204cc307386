"""The shared kernel: suggestions, text normalisation, paging cursors and stable ids."""

from __future__ import annotations

import base64
import json

import pytest

from lmis.shared.errors import Invalid, MalformedFile, NotFound, did_you_mean
from lmis.shared.ids import stable_id
from lmis.shared.paging import MAX_PAGE_SIZE, PageRequest, make_page, page_request
from lmis.shared.text import normalise, tokens

# -- errors.did_you_mean ---------------------------------------------------------------------


def test_a_typo_suggests_the_value_that_was_meant() -> None:
    assert did_you_mean("isco-8", ["esco-occupation", "isco-08", "soc-2010"])[0] == "isco-08"


def test_a_misspelt_word_suggests_the_right_word_first() -> None:
    assert did_you_mean("nurce", ["welder", "nurse", "software developer"]) == ["nurse"]


def test_an_unrelated_value_gets_no_suggestion() -> None:
    assert did_you_mean("zzzzqqqq", ["isco-08", "esco-occupation", "onet-soc-2019"]) == []


def test_suggestions_are_capped_and_not_repeated() -> None:
    found = did_you_mean("nurse", ["nurse", "nurse", "nurses", "nursery", "nurse aid"], limit=2)
    assert len(found) == 2
    assert len(set(found)) == 2


def test_a_malformed_file_error_names_file_line_and_column() -> None:
    error = MalformedFile("not a number", path="data/x.csv", line=7, column="confidence")
    assert str(error) == "data/x.csv, line 7, column 'confidence': not a number"
    assert (error.path, error.line, error.column, error.field) == ("data/x.csv", 7, "confidence", "confidence")
    assert isinstance(error, Invalid)


def test_not_found_keeps_its_suggestions() -> None:
    error = NotFound("no such code", suggestions=("29-1141.00",))
    assert error.suggestions == ["29-1141.00"]
    assert error.detail == "no such code"


# -- text.normalise --------------------------------------------------------------------------


def test_normalising_folds_case() -> None:
    assert normalise("Registered NURSE") == "registered nurse"


def test_normalising_removes_latin_accents() -> None:
    assert normalise("Infirmière") == "infirmiere"
    assert normalise("Développeur de logiciels") == "developpeur de logiciels"


def test_normalising_removes_greek_and_cyrillic_accents() -> None:
    assert normalise("Νοσηλεύτρια") == "νοσηλευτρια"
    assert normalise("ё") == "е"


def test_normalising_keeps_hangul_syllables_intact() -> None:
    assert normalise("간호사") == "간호사"
    assert normalise("  정신전문간호사 (RN) ") == "정신전문간호사 rn"


def test_normalising_keeps_cjk_ideographs() -> None:
    assert normalise("看護師") == "看護師"


@pytest.mark.parametrize("word", ["नर्स", "พยาบาลวิชาชีพ", "İnşaat"])
def test_normalising_keeps_a_word_with_combining_marks_in_one_piece(word: str) -> None:
    assert len(tokens(word)) == 1


def test_a_turkish_capital_dotted_i_matches_a_plain_i() -> None:
    assert normalise("İnşaat mühendisi") == normalise("insaat muhendisi")


def test_normalising_turns_punctuation_into_single_spaces() -> None:
    assert normalise("nurse/midwife -- (general care)!") == "nurse midwife general care"


def test_normalising_applies_compatibility_forms() -> None:
    assert normalise("ＮＵＲＳＥ") == "nurse"  # full-width letters, common in Korean and Japanese input


def test_normalising_text_without_letters_gives_an_empty_string() -> None:
    assert normalise(" -- !! ") == ""
    assert tokens("?!") == []


def test_tokens_are_the_normalised_words() -> None:
    assert tokens("Infirmier/Infirmière de soins") == ["infirmier", "infirmiere", "de", "soins"]


# -- paging ----------------------------------------------------------------------------------


def test_a_cursor_leads_to_the_next_page_of_the_same_query() -> None:
    first = page_request(None, 10, context="q=nurse")
    page = make_page(list(range(10)), 25, first, context="q=nurse")
    assert page.next_cursor is not None
    second = page_request(page.next_cursor, 10, context="q=nurse")
    assert (second.offset, second.size) == (10, 10)


def test_walking_every_page_ends_without_a_cursor() -> None:
    offsets, cursor = [], None
    while True:
        request = page_request(cursor, 10, context="q")
        offsets.append(request.offset)
        page = make_page([], 25, request, context="q")
        cursor = page.next_cursor
        if cursor is None:
            break
    assert offsets == [0, 10, 20]


def test_the_last_page_has_no_cursor() -> None:
    page = make_page([1, 2, 3], 23, PageRequest(offset=20, size=20), context="q")
    assert page.next_cursor is None
    assert page.total == 23


def test_a_page_that_ends_exactly_at_the_total_has_no_cursor() -> None:
    page = make_page(list(range(20)), 20, page_request(None, 20, context="q"), context="q")
    assert page.next_cursor is None


def test_a_cursor_of_another_query_is_rejected() -> None:
    page = make_page(list(range(5)), 50, page_request(None, 5, context="q=nurse"), context="q=nurse")
    assert page.next_cursor is not None
    with pytest.raises(Invalid) as caught:
        page_request(page.next_cursor, 5, context="q=welder")
    assert caught.value.field == "cursor"


@pytest.mark.parametrize("cursor", ["not-a-cursor", "!!!", "é", base64.urlsafe_b64encode(b"[1, 2]").decode()])
def test_a_cursor_this_api_did_not_issue_is_rejected(cursor: str) -> None:
    with pytest.raises(Invalid) as caught:
        page_request(cursor, 5, context="q")
    assert caught.value.field == "cursor"


def test_a_forged_cursor_with_a_negative_offset_is_rejected() -> None:
    good = make_page([0], 50, page_request(None, 1, context="q"), context="q").next_cursor
    assert good is not None
    state = json.loads(base64.urlsafe_b64decode(good + "=="))
    state["o"] = -5
    forged = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    with pytest.raises(Invalid):
        page_request(forged, 1, context="q")


@pytest.mark.parametrize("limit", [0, -1, MAX_PAGE_SIZE + 1])
def test_a_page_size_outside_1_to_100_is_rejected(limit: int) -> None:
    with pytest.raises(Invalid) as caught:
        page_request(None, limit, context="q")
    assert caught.value.field == "limit"


@pytest.mark.parametrize("limit", [1, MAX_PAGE_SIZE])
def test_page_sizes_at_the_bounds_are_accepted(limit: int) -> None:
    assert page_request(None, limit, context="q").size == limit


def test_no_page_size_means_the_default() -> None:
    assert page_request(None, None, context="q").size == 20


# -- ids.stable_id ---------------------------------------------------------------------------


def test_the_same_key_always_gets_the_same_id() -> None:
    assert stable_id("isco-08", "2221") == stable_id("isco-08", "2221")
    assert stable_id("isco-08", "2221") == "ylxxtgwtv5dx"  # ids must not change between releases of LMIS


def test_the_same_code_in_another_scheme_gets_another_id() -> None:
    assert stable_id("isco-08", "2221") != stable_id("soc-2010", "2221")


def test_namespace_and_key_cannot_be_confused_by_concatenation() -> None:
    assert stable_id("ab", "c") != stable_id("a", "bc")


def test_ids_are_twelve_lowercase_base32_characters() -> None:
    ids = {stable_id("esco-occupation", f"http://data.europa.eu/esco/occupation/{n}") for n in range(500)}
    assert len(ids) == 500
    assert all(len(i) == 12 and i.isalnum() and i == i.lower() for i in ids)
    assert all(set(i) <= set("abcdefghijklmnopqrstuvwxyz234567") for i in ids)
