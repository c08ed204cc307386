"""Ranking concepts found by text, and spelling suggestions when nothing was found."""

from __future__ import annotations

from lmis.taxonomy.matching import label_score, rank, spelling_suggestions
from lmis.taxonomy.model import ConceptKind, ConceptRef, LabelHit, LabelType


def hit(cid: str, label: str, text: str | None = None, label_type: LabelType = LabelType.PREFERRED) -> LabelHit:
    ref = ConceptRef(cid, cid.upper(), "esco-occupation", label, "esco-1.1.1")
    return LabelHit(ref, ConceptKind.OCCUPATION, text or label, "en", label_type)


def test_the_exact_preferred_label_scores_one() -> None:
    assert label_score("nurse", "nurse", LabelType.PREFERRED) == 1.0


def test_the_exact_label_matches_whatever_the_case_accents_and_punctuation() -> None:
    assert label_score("INFIRMIERE", "infirmière", LabelType.PREFERRED) == 1.0
    assert label_score("간호사", "간호사", LabelType.PREFERRED) == 1.0


def test_an_exact_synonym_scores_below_an_exact_preferred_label() -> None:
    preferred = label_score("ward nurse", "ward nurse", LabelType.PREFERRED)
    alternative = label_score("ward nurse", "ward nurse", LabelType.ALTERNATIVE)
    hidden = label_score("ward nurse", "ward nurse", LabelType.HIDDEN)
    assert preferred > alternative > hidden > 0


def test_only_an_exact_label_scores_one() -> None:
    assert label_score("nurse", "nurse assistant", LabelType.PREFERRED) < 1.0
    assert label_score("nurse", "nurses", LabelType.PREFERRED) < 1.0


def test_a_whole_word_match_beats_a_match_inside_a_word() -> None:
    assert label_score("nurse", "ward nurse", LabelType.PREFERRED) > label_score(
        "nurse", "nursery worker", LabelType.PREFERRED
    )


def test_a_shorter_label_with_the_same_words_ranks_higher() -> None:
    short = label_score("nurse", "nurse assistant", LabelType.PREFERRED)
    long = label_score("nurse", "nurse assistant in elderly residential care", LabelType.PREFERRED)
    assert short > long


def test_text_without_letters_scores_zero() -> None:
    assert label_score("--", "nurse", LabelType.PREFERRED) == 0.0
    assert label_score("nurse", "", LabelType.PREFERRED) == 0.0


def test_scores_stay_between_zero_and_one() -> None:
    for query in ("nurse", "ward nurse", "software developer", "x"):
        for label in ("nurse", "ward nurse", "nurse nurse nurse", "software developers", "xx"):
            for label_type in LabelType:
                assert 0.0 <= label_score(query, label, label_type) <= 1.0


def test_ranking_puts_ward_nurse_above_nursery_worker() -> None:
    ranked = rank("nurse", [hit("b", "nursery worker"), hit("a", "ward nurse")])
    assert [m.concept.label for m in ranked] == ["ward nurse", "nursery worker"]
    assert ranked[0].score > ranked[1].score


def test_ranking_gives_one_match_per_concept_with_its_best_label() -> None:
    hits = [
        hit("a", "nurse responsible for general care", "practice nurse", LabelType.ALTERNATIVE),
        hit("a", "nurse responsible for general care", "nurse", LabelType.ALTERNATIVE),
        hit("a", "nurse responsible for general care"),
        hit("b", "advanced nurse practitioner"),
    ]
    ranked = rank("nurse", hits)
    assert [m.concept.id for m in ranked] == ["a", "b"]
    assert ranked[0].matched_label == "nurse"
    assert ranked[0].label_type is LabelType.ALTERNATIVE


def test_ties_are_ordered_by_label_then_id() -> None:
    ranked = rank("welder", [hit("z", "welder b", "welder"), hit("y", "welder a", "welder"), hit("x", "welder a")])
    assert [(m.concept.label, m.concept.id) for m in ranked][:2] == [("welder a", "y"), ("welder b", "z")]


def test_ranking_nothing_gives_nothing() -> None:
    assert rank("nurse", []) == []


def test_a_misspelt_word_is_corrected_from_the_stored_labels() -> None:
    assert spelling_suggestions("nurce", ["ward nurse", "nursery worker", "welder"])[0] == "nurse"


def test_only_the_unknown_words_of_a_query_are_replaced() -> None:
    suggestions = spelling_suggestions("ward nurce", ["ward nurse", "welder"])
    assert suggestions[0] == "ward nurse"


def test_a_query_already_made_of_known_words_gets_no_suggestion() -> None:
    assert spelling_suggestions("ward nurse", ["ward nurse"]) == []


def test_no_labels_give_no_suggestions() -> None:
    assert spelling_suggestions("nurce", []) == []


def test_suggestions_are_capped_and_distinct() -> None:
    labels = ["nurse", "nurses", "nursery", "purse", "curse"]
    suggestions = spelling_suggestions("nurce", labels, limit=2)
    assert 1 <= len(suggestions) <= 2
    assert len(set(suggestions)) == len(suggestions)


def test_a_plural_in_the_label_counts_as_the_same_word() -> None:
    plural = label_score("nurse", "Registered Nurses", LabelType.PREFERRED)
    inside_a_word = label_score("nurse", "Nursery Workers", LabelType.PREFERRED)
    assert plural > inside_a_word
