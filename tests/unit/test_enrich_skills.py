"""Skill extraction on small hand-made ads, and the metrics and gold readers that score it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from lmis.enrich.skills import Requirement, SkillExtractor, SkillLabel, narrow_window, split_sentences
from lmis.enrich.skills_eval import (
    bio_spans,
    char_to_tokens,
    covered_runs,
    read_conll,
    read_decorte,
    rp_metrics,
    span_f1,
)
from lmis.shared.errors import MalformedFile
from tests.fakes import BagOfWords

LABELS = [
    SkillLabel("python", "esco:python", "Python (computer programming)", True),
    SkillLabel("python", "esco:python", "Python", False),
    SkillLabel("sql", "esco:sql", "SQL", True),
    SkillLabel("welding", "esco:welding", "use welding equipment", True),
    SkillLabel("welding", "esco:welding", "operate welding equipment", False),
    SkillLabel("korean", "esco:korean", "Korean", True),
]


def extractor(threshold: float = 0.5, *, windowed: bool = False) -> SkillExtractor:
    embedder = BagOfWords()
    vectors = embedder.passages([label.text for label in LABELS if label.preferred])
    built = SkillExtractor(LABELS, vectors, embedder, windowed=windowed)
    built.threshold = threshold
    return built


def test_a_label_found_word_for_word_gives_its_exact_span_and_the_lexical_score() -> None:
    text = "We build data tools.\nYou know Python and SQL well."
    mentions = {m.skill_id: m for m in extractor(threshold=0.99).extract(text)}
    python = mentions["python"]
    assert text[python.start : python.end] == "Python"
    assert (python.evidence, python.score) == ("lexical", 1.0)
    assert text[mentions["sql"].start : mentions["sql"].end] == "SQL"


def test_a_word_inside_another_word_is_not_a_lexical_match() -> None:
    assert extractor(threshold=0.99).extract("Experience with SQLite and pythonic code.") == []


def test_embedding_matches_take_the_span_of_the_word_window_closest_to_the_label() -> None:
    text = "Every day you will use modern welding equipment on site."
    (mention,) = extractor(threshold=0.3, windowed=True).extract(text)
    assert mention.skill_id == "welding"
    assert mention.evidence == "embedding+window"
    assert text[mention.start : mention.end] == "use modern welding equipment"


def test_without_windows_embedding_matches_are_narrowed_to_the_words_shared_with_the_label() -> None:
    text = "Every day you will use modern welding equipment on site."
    (mention,) = extractor(threshold=0.3).extract(text)
    assert mention.evidence == "embedding+stems"
    assert text[mention.start : mention.end] == "welding equipment"
    assert narrow_window("nothing shared here", "use welding equipment") is None


@pytest.mark.parametrize(
    "text",
    [
        "Benefits: a generous pension and Python training.",
        "We are an equal opportunity employer and value Python.",
        "To apply, send your CV with Python samples.",
        "복리후생: Python 교육 지원",
        "Tunjangan BPJS dan pelatihan Python.",
    ],
)
def test_boilerplate_sentences_yield_nothing(text: str) -> None:
    assert extractor(threshold=0.0).extract(text) == []


def test_a_boilerplate_heading_drops_the_sentences_of_its_section() -> None:
    text = "Requirements:\nPython experience.\nWhat we offer:\nFree Python courses.\nKorean lessons."
    assert [m.skill_id for m in extractor(threshold=0.99).extract(text)] == ["python"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Python is essential.", Requirement.REQUIRED),
        ("You must know Python.", Requirement.REQUIRED),
        ("Python would be a plus.", Requirement.OPTIONAL),
        ("Nice to have: Python.", Requirement.OPTIONAL),
        ("Python 경험 우대", Requirement.OPTIONAL),
        ("Python 필수", Requirement.REQUIRED),
        ("Menguasai Python (wajib).", Requirement.REQUIRED),
        ("Menguasai Python diutamakan.", Requirement.OPTIONAL),
        ("We use Python.", Requirement.UNSPECIFIED),
    ],
)
def test_requirement_cues_in_the_sentence_mark_the_mention(text: str, expected: Requirement) -> None:
    (mention,) = extractor(threshold=0.99).extract(text)
    assert mention.requirement == expected


def test_a_section_heading_gives_its_requirement_to_the_sentences_below_it() -> None:
    text = "Essential skills:\nPython.\nDesirable:\nKorean."
    marks = {m.skill_id: m.requirement for m in extractor(threshold=0.99).extract(text)}
    assert marks == {"python": Requirement.REQUIRED, "korean": Requirement.OPTIONAL}


def test_a_skill_is_mentioned_once_per_ad_with_its_best_score() -> None:
    text = "Use welding equipment daily. Python scripts help. More Python later."
    mentions = extractor(threshold=0.3).extract(text)
    assert sorted(m.skill_id for m in mentions) == ["python", "welding"]
    python = next(m for m in mentions if m.skill_id == "python")
    assert python.score == 1.0
    assert python.start == text.index("Python")


def test_sentences_keep_their_offsets_in_the_ad() -> None:
    text = "First line here.\n  Second one! Third?"
    assert [(s.text, text[s.start : s.end]) for s in split_sentences(text)] == [
        ("First line here.", "First line here."),
        ("Second one!", "Second one!"),
        ("Third?", "Third?"),
    ]


def test_rank_returns_k_distinct_skills_whatever_the_threshold() -> None:
    ranked = extractor(threshold=0.99).rank("welding equipment", 3)
    assert ranked[0][0] == "welding"
    assert len({skill for skill, _score in ranked}) == len(ranked) == 3


def test_labels_and_uris_resolve_to_skill_ids() -> None:
    built = extractor()
    assert built.concept_for("python (computer programming)") == "python"
    assert built.concept_for("esco:sql") == "sql"
    assert built.concept_for("LABEL NOT PRESENT") is None


def test_r_precision_divides_by_the_smaller_of_k_and_the_gold_count() -> None:
    ranked = [["a", "x", "y", "z", "w", "b"], ["x", "c"], ["q"]]
    gold = [frozenset({"a", "b"}), frozenset({"c"}), frozenset()]
    metrics = rp_metrics(ranked, gold)
    assert metrics["n"] == 2
    assert metrics["rp5"] == pytest.approx((1 / 2 + 1) / 2)
    assert metrics["rp10"] == pytest.approx((2 / 2 + 1) / 2)
    assert metrics["mrr"] == pytest.approx((1 + 1 / 2) / 2)


def test_span_f1_counts_exact_boundaries_strictly_and_any_overlap_loosely() -> None:
    predicted = [{(0, 1), (5, 5)}, {(2, 4)}]
    gold = [frozenset({(0, 1), (3, 3)}), frozenset({(3, 3), (8, 9)})]
    metrics = span_f1(predicted, gold)
    assert metrics["strict_precision"] == pytest.approx(1 / 3)
    assert metrics["strict_recall"] == pytest.approx(1 / 4)
    assert metrics["loose_precision"] == pytest.approx(2 / 3)
    assert metrics["loose_recall"] == pytest.approx(2 / 4)
    assert metrics["loose_f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_bio_tags_become_inclusive_token_spans() -> None:
    assert bio_spans(["O", "B-Skill", "I-Skill", "O", "B", "B", "I"]) == {(1, 2), (4, 4), (5, 6)}
    assert bio_spans(["I-Knowledge", "O"]) == {(0, 0)}


def test_character_offsets_map_to_the_tokens_they_touch() -> None:
    offsets = [(0, 4), (5, 9), (10, 12)]
    assert char_to_tokens((6, 11), offsets) == (1, 2)
    assert char_to_tokens((4, 5), offsets) is None


def test_the_conll_reader_joins_skill_and_knowledge_spans_per_sentence(tmp_path: Path) -> None:
    path = tmp_path / "dev.conll.gz"
    rows = "Know\tO\tO\nmachine\tO\tB-Knowledge\nlearning\tO\tI-Knowledge\n\nwork\tB-Skill\tO\nhard\tI-Skill\tO\n"
    path.write_bytes(gzip.compress(rows.encode()))
    first, second = read_conll(path)
    assert first.tokens == ("Know", "machine", "learning")
    assert first.spans == {(1, 2)}
    assert second.spans == {(0, 1)}


def test_the_decorte_reader_groups_labels_by_sentence_and_drops_no_skill_rows(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    path.write_text(
        "sentence,span,sub_span,label\n"
        "Know SQL and Java,SQL,,SQL\n"
        "Know SQL and Java,Java,,LABEL NOT PRESENT\n"
        "Be smart,smart,,UNDERSPECIFIED\n",
        encoding="utf-8",
    )
    assert [(g.sentence, set(g.labels)) for g in read_decorte(path)] == [
        ("Know SQL and Java", {"SQL"}),
        ("Be smart", set()),
    ]


def test_a_conll_line_without_three_columns_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("Know\tO\tO\nmachine\tO\n", encoding="utf-8")
    with pytest.raises(MalformedFile, match="line 2"):
        read_conll(path)


def test_predicted_spans_are_the_runs_of_tokens_the_mentions_cover() -> None:
    assert covered_runs([(4, 6), (0, 1), (5, 8), (2, 2), (11, 12)]) == {(0, 2), (4, 8), (11, 12)}
    assert covered_runs([]) == set()


def test_a_fragment_of_fewer_than_three_words_gets_lexical_matches_only() -> None:
    assert extractor(threshold=0.0).extract("welding equipment") == []
    assert [m.evidence for m in extractor(threshold=0.0).extract("Korean")] == ["lexical"]
