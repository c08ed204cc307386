"""Skill-extraction metrics and gold readers: Decorte ESCO-linked sentences (R-Precision, MRR), SkillSpan spans (F1).

R-Precision@K follows Decorte et al. 2023 (arXiv:2307.10778): for a sentence with R gold
skills, the number of gold skills in the top K divided by min(K, R), averaged over sentences
with at least one gold skill. MRR is the mean reciprocal rank of the first gold skill.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lmis.shared.errors import MalformedFile

if TYPE_CHECKING:
    from lmis.enrich.skills import SkillExtractor

# Decorte labels that say the span has no ESCO skill.
NO_SKILL = frozenset({"label not present", "underspecified", "unk", ""})

Span = tuple[int, int]  # first and last token index, inclusive


@dataclass(frozen=True, slots=True)
class GoldSentence:
    """A Decorte sentence and the ESCO skills (preferred labels or URIs) annotated in it."""

    sentence: str
    labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class SpanSentence:
    """A SkillSpan sentence: its tokens and gold spans (skill and knowledge layers together)."""

    tokens: tuple[str, ...]
    spans: frozenset[Span]


def _text(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8-sig")


def read_decorte(path: Path) -> list[GoldSentence]:
    """Rows (sentence, label) grouped by sentence in file order; no-skill labels are dropped."""
    reader = csv.DictReader(io.StringIO(_text(path)))
    if not {"sentence", "label"} <= set(reader.fieldnames or ()):
        raise MalformedFile("needs the columns sentence and label", path=str(path), line=1)
    labels: dict[str, set[str]] = {}
    for row in reader:
        gold = labels.setdefault(row["sentence"], set())
        label = (row.get("label") or "").strip()
        if label.casefold() not in NO_SKILL:
            gold.add(label)
    return [GoldSentence(sentence, frozenset(gold)) for sentence, gold in labels.items()]


def rp_metrics(ranked: Sequence[Sequence[str]], gold: Sequence[frozenset[str]]) -> dict[str, float]:
    """RP@5, RP@10 and MRR of ranked skill ids against gold ids, over sentences with gold skills."""
    rp5 = rp10 = rr = 0.0
    n = 0
    for predicted, truth in zip(ranked, gold, strict=True):
        if not truth:
            continue
        n += 1
        rp5 += len(truth & set(predicted[:5])) / min(5, len(truth))
        rp10 += len(truth & set(predicted[:10])) / min(10, len(truth))
        rr += next((1 / rank for rank, skill in enumerate(predicted, start=1) if skill in truth), 0.0)
    if not n:
        return {"rp5": 0.0, "rp10": 0.0, "mrr": 0.0, "n": 0.0}
    return {"rp5": rp5 / n, "rp10": rp10 / n, "mrr": rr / n, "n": float(n)}


def evaluate_decorte(extractor: SkillExtractor, sentences: Sequence[GoldSentence]) -> dict[str, float]:
    """Rank the top 10 skills of each sentence and score them (gold labels resolved to skill ids)."""
    gold = [frozenset(filter(None, map(extractor.concept_for, s.labels))) for s in sentences]
    ranked = [[skill for skill, _score in extractor.rank(s.sentence, 10)] for s in sentences]
    return rp_metrics(ranked, gold)


def evaluate_skillspan(
    extractor: SkillExtractor, sentences: Sequence[SpanSentence], *, semantic: bool = True
) -> dict[str, float]:
    """Extract skills from each sentence alone and score the runs of tokens their mentions cover."""
    texts, offsets = zip(*(token_offsets(s.tokens) for s in sentences), strict=True) if sentences else ((), ())
    predicted: list[set[Span]] = []
    for mentions, token_spans in zip(extractor.extract_many(texts, semantic=semantic), offsets, strict=True):
        spans = [char_to_tokens((m.start, m.end), token_spans) for m in mentions]
        predicted.append(covered_runs([span for span in spans if span is not None]))
    return span_f1(predicted, [s.spans for s in sentences])


def bio_spans(tags: Sequence[str]) -> set[Span]:
    """Token spans of BIO tags (`B-Skill`, `I-Skill`, `B`, `I`, `O`); a stray I starts a span."""
    spans: set[Span] = set()
    start: int | None = None
    for index, tag in enumerate([*tags, "O"]):
        head = tag[:1]
        if start is not None and head != "I":
            spans.add((start, index - 1))
            start = None
        if head == "B" or (head == "I" and start is None):
            start = index
    return spans


def read_conll(path: Path) -> list[SpanSentence]:
    """SkillSpan CoNLL: `token<TAB>skill-tag<TAB>knowledge-tag`, blank line between sentences."""
    sentences: list[SpanSentence] = []
    rows: list[list[str]] = []
    for number, line in enumerate([*_text(path).split("\n"), ""], start=1):
        if line.strip():
            rows.append(line.rstrip("\r").split("\t"))
            if len(rows[-1]) != 3:
                raise MalformedFile(
                    "needs token, skill tag, knowledge tag (tab-separated)", path=str(path), line=number
                )
            continue
        if rows:
            skills = bio_spans([row[1] for row in rows])
            knowledge = bio_spans([row[2] for row in rows])
            sentences.append(SpanSentence(tuple(row[0] for row in rows), frozenset(skills | knowledge)))
            rows = []
    return sentences


def token_offsets(tokens: Sequence[str]) -> tuple[str, list[Span]]:
    """The tokens joined by spaces, and each token's character offsets (start, end) in it."""
    offsets: list[Span] = []
    position = 0
    for token in tokens:
        offsets.append((position, position + len(token)))
        position += len(token) + 1
    return " ".join(tokens), offsets


def char_to_tokens(span: Span, offsets: Sequence[Span]) -> Span | None:
    """The first and last token touched by the character span [start, end), or None."""
    inside = [i for i, (start, end) in enumerate(offsets) if start < span[1] and end > span[0]]
    return (inside[0], inside[-1]) if inside else None


def covered_runs(spans: Sequence[Span]) -> set[Span]:
    """The maximal runs of tokens covered by `spans` (overlapping or touching spans merge)."""
    runs: list[list[int]] = []
    for first, last in sorted(spans):
        if runs and first <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    return {(first, last) for first, last in runs}


def span_f1(predicted: Sequence[set[Span]], gold: Sequence[frozenset[Span]]) -> dict[str, float]:
    """Strict (same boundaries) and loose (any token overlap) span F1 over all sentences."""
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(g) for g in gold)
    strict = sum(len(p & g) for p, g in zip(predicted, gold, strict=True))
    loose_p = sum(sum(any(_overlap(a, b) for b in g) for a in p) for p, g in zip(predicted, gold, strict=True))
    loose_r = sum(sum(any(_overlap(a, b) for a in p) for b in g) for p, g in zip(predicted, gold, strict=True))
    return {
        "strict_precision": _ratio(strict, n_pred),
        "strict_recall": _ratio(strict, n_gold),
        "strict_f1": _f1(_ratio(strict, n_pred), _ratio(strict, n_gold)),
        "loose_precision": _ratio(loose_p, n_pred),
        "loose_recall": _ratio(loose_r, n_gold),
        "loose_f1": _f1(_ratio(loose_p, n_pred), _ratio(loose_r, n_gold)),
        "n": float(len(gold)),
    }


def _overlap(a: Span, b: Span) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
