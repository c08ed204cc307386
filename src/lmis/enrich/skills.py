"""Skill extraction: job-ad text -> ESCO skills with spans, scores and required/optional marks.

Evidence, in order of strength: an ESCO label (preferred or alternative) found word for word
inside a sentence (score `LEXICAL_SCORE`, exact span); then the E5 similarity of the sentence
with every preferred label (span narrowed to the words sharing stems with the label). With
word windows, the sentence's similarity is fused (`SENTENCE_WEIGHT`) with that of its best
window of 2-4 words, whose span the mention takes (~40 embeddings a sentence).
Boilerplate sentences (benefits, company blurb, equal opportunity, how to apply, pay) are
dropped first, by the keyword lists below (English, Korean, Indonesian).
Thresholds were chosen for loose span F1 on SkillSpan train (Zhang et al. 2022).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from lmis.enrich.ports import Embedder, Vectors

SKILL_METHOD = "skill-extraction-1"
THRESHOLD = 0.87  # fused sentence + window similarity
SENTENCE_THRESHOLD = 0.85  # sentence similarity alone (windowed=False)
SENTENCE_WEIGHT = 0.5
WINDOW_WORDS = (2, 4)
PER_SENTENCE = 3
LEXICAL_SCORE = 1.0
MAX_LABEL_WORDS = 6
MIN_SENTENCE_WORDS = 3  # shorter sentences (headings, fragments) get lexical matches only
_WORD = re.compile(r"\w[\w+#]*")
_END = re.compile(r"[.!?。]$")
_SENTENCE = re.compile(r"[^\n.!?。]+(?:[.!?。]+(?=\s|$)|[.!?。]*)")
# Boilerplate: pay, benefits, company blurb, equal opportunity, how to apply (en, ko, id).
BOILERPLATE = re.compile(
    r"\b(benefits?|perks|salary|salaries|pension|holidays?|annual leave|paid time off|health insurance|"
    r"competitive (pay|package|compensation)|bonus(es)?|equal opportunit\w*|regardless of|about us|who we are|"
    r"our (company|client|mission)|(what )?we offer|we are an? (leading|global|growing)|"
    r"apply (now|today|online)|to apply|"
    r"send (your|us) (cv|resume|application)|how to apply|closing date|"
    r"tunjangan|gaji|bpjs|cuti|asuransi|cara melamar|kirim(kan)? (cv|lamaran)|lamaran|tentang kami|"
    r"kesempatan yang sama|perusahaan kami|kami menawarkan|yang kami tawarkan)\b"
    r"|복리후생|연금|급여|연봉|휴가|상여금|퇴직금|4대\s?보험|지원\s?방법|접수\s?방법|제출\s?서류|회사\s?소개|채용\s?시\s?마감",
    re.IGNORECASE,
)
OPTIONAL_CUES = re.compile(
    r"\b(desirable|nice to have|a plus|an advantage|preferred|preferably|bonus points|ideally|"
    r"diutamakan|nilai tambah|lebih disukai)\b|우대",
    re.IGNORECASE,
)
REQUIRED_CUES = re.compile(r"\b(essential|must|required|requirements?|mandatory|wajib|harus)\b|필수|자격\s?요건", re.I)


class Requirement(StrEnum):
    """Whether the ad asks for the skill outright, as a plus, or does not say."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    UNSPECIFIED = "unspecified"


@dataclass(frozen=True, slots=True)
class SkillLabel:
    """One English label of an ESCO skill or knowledge concept."""

    concept_id: str
    uri: str
    text: str
    preferred: bool


@dataclass(frozen=True, slots=True)
class SkillMention:
    """An ESCO skill found in an ad: where (character offsets), how sure, and how it was found."""

    skill_id: str
    uri: str
    label: str
    score: float
    start: int
    end: int
    sentence: str
    requirement: Requirement
    evidence: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an ad with its offsets and the heading of its section."""

    text: str
    start: int
    end: int
    heading: str


def _key(text: str) -> str:
    return " ".join(word.casefold() for word in _WORD.findall(text))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` with offsets, each with the heading of its section.

    A heading is a line of <= 6 words ending in ':' (not a sentence itself), or a line of <= 4
    words with no bullet and no final punctuation (also kept as a sentence).
    """
    found: list[Sentence] = []
    heading = ""
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        words = len(_WORD.findall(stripped))
        bullet = re.match(r"[-*•·▪–]|\d+[.)]", stripped)
        if (stripped.endswith(":") and words <= 6) or (0 < words <= 4 and not bullet and not _END.search(stripped)):
            heading = stripped.rstrip(":")
            if stripped.endswith(":"):
                offset += len(line) + 1
                continue
        for match in _SENTENCE.finditer(line):
            part = match.group(0)
            if _WORD.search(part):
                start = offset + match.start() + len(part) - len(part.lstrip())
                found.append(Sentence(part.strip(), start, start + len(part.strip()), heading))
        offset += len(line) + 1
    return found


def is_boilerplate(sentence: Sentence) -> bool:
    """True for benefits, pay, company, equal-opportunity and how-to-apply sentences or sections."""
    return bool(BOILERPLATE.search(sentence.text) or BOILERPLATE.search(sentence.heading))


def requirement_of(sentence: Sentence) -> Requirement:
    """Optional or required from cue words in the sentence, else in its heading."""
    for text in (sentence.text, sentence.heading):
        if OPTIONAL_CUES.search(text):
            return Requirement.OPTIONAL
        if REQUIRED_CUES.search(text):
            return Requirement.REQUIRED
    return Requirement.UNSPECIFIED


@dataclass(frozen=True, slots=True)
class _Scored:
    """Similarities of one sentence to every embedded label: fused, and per word window."""

    fused: Vectors
    windows: Vectors
    spans: list[tuple[int, int]]


def word_windows(text: str) -> list[tuple[int, int]]:
    """Character spans of every run of `WINDOW_WORDS` words of `text` (empty for shorter texts)."""
    words = list(_WORD.finditer(text))
    shortest, longest = WINDOW_WORDS
    return [
        (words[i].start(), words[i + n - 1].end())
        for n in range(shortest, longest + 1)
        for i in range(len(words) - n + 1)
    ]


class SkillExtractor:
    """Extracts and ranks skills against fixed labels; `vectors` holds one row per preferred label.

    `rank` always fuses word windows (they lift RP@5 on Decorte from 0.48 to 0.63); `extract`
    uses them only when `windowed` (tighter spans, but ~12x slower and lower loose F1 on SkillSpan).
    """

    def __init__(
        self, labels: Sequence[SkillLabel], vectors: Vectors, embedder: Embedder, *, windowed: bool = False
    ) -> None:
        self.embedded = [label for label in labels if label.preferred]
        if len(self.embedded) != len(vectors):
            raise ValueError("one vector per preferred label is required")
        self.vectors = vectors
        self.embedder = embedder
        self.windowed = windowed
        self.threshold = THRESHOLD if windowed else SENTENCE_THRESHOLD
        self._lexical: dict[str, SkillLabel] = {}
        self._by_name: dict[str, str] = {}
        for label in sorted(labels, key=lambda item: not item.preferred):
            key = _key(label.text)
            if len(key) >= 3 and len(key.split()) <= MAX_LABEL_WORDS:
                self._lexical.setdefault(key, label)
            self._by_name.setdefault(label.text.casefold(), label.concept_id)
            self._by_name.setdefault(label.uri, label.concept_id)
        self._longest = max((len(key.split()) for key in self._lexical), default=0)
        self._first_words = frozenset(key.split()[0] for key in self._lexical)

    def concept_for(self, label_or_uri: str) -> str | None:
        """The concept id of a label (any case) or an ESCO URI, or None."""
        return self._by_name.get(label_or_uri) or self._by_name.get(label_or_uri.strip().casefold())

    def rank(self, sentence: str, k: int = 10) -> list[tuple[str, float]]:
        """The `k` skills most similar to `sentence`, best first, whatever the threshold."""
        fused = self._score([sentence], windowed=True)[0].fused
        return [(self.embedded[int(i)].concept_id, round(float(fused[i]), 4)) for i in np.argsort(-fused)[:k]]

    def _score(self, texts: Sequence[str], *, windowed: bool) -> list[_Scored]:
        """Label similarities of each text, fused with those of its best word window when windowed."""
        spans = [word_windows(text) if windowed else [] for text in texts]
        flat = [*texts, *(text[a:b] for text, pairs in zip(texts, spans, strict=True) for a, b in pairs)]
        vectors = self.embedder.queries(flat) if flat else self.vectors[:0]
        whole = self.vectors @ vectors[: len(texts)].T
        scored, position = [], len(texts)
        for index, pairs in enumerate(spans):
            windows = self.vectors @ vectors[position : position + len(pairs)].T
            position += len(pairs)
            fused = whole[:, index]
            if pairs:
                fused = SENTENCE_WEIGHT * fused + (1 - SENTENCE_WEIGHT) * windows.max(axis=1)
            scored.append(_Scored(fused, windows, pairs))
        return scored

    def extract(self, text: str) -> list[SkillMention]:
        """Skills of one ad, one mention per skill (its best), in text order."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: Sequence[str], *, semantic: bool = True) -> list[list[SkillMention]]:
        """`extract` for many ads, with their sentences embedded in one batch.

        Without `semantic` only ESCO labels found word for word count (no embeddings: ~100x faster).
        """
        kept = [[s for s in split_sentences(text) if not is_boilerplate(s)] for text in texts]
        flat = [s.text for sentences in kept for s in sentences] if semantic else []
        scores = iter(self._score(flat, windowed=self.windowed))
        results = []
        for sentences in kept:
            best: dict[str, SkillMention] = {}
            for sentence in sentences:
                similar = self._similar_to(sentence, next(scores)) if semantic else []
                for mention in [*self._lexical_in(sentence), *similar]:
                    known = best.get(mention.skill_id)
                    if known is None or mention.score > known.score:
                        best[mention.skill_id] = mention
            results.append(sorted(best.values(), key=lambda m: (m.start, -m.score, m.skill_id)))
        return results

    def _lexical_in(self, sentence: Sentence) -> list[SkillMention]:
        words = list(_WORD.finditer(sentence.text))
        folded = [word.group(0).casefold() for word in words]
        found = []
        for first in range(len(words)):
            if folded[first] not in self._first_words:
                continue
            for last in range(min(len(words), first + self._longest) - 1, first - 1, -1):
                key = " ".join(folded[first : last + 1])
                label = self._lexical.get(key)
                if label is not None:
                    start, end = words[first].start(), words[last].end()
                    found.append(self._mention(label, LEXICAL_SCORE, sentence, (start, end), "lexical"))
                    break
        return found

    def _similar_to(self, sentence: Sentence, scored: _Scored) -> list[SkillMention]:
        found: list[SkillMention] = []
        if len(_WORD.findall(sentence.text)) < MIN_SENTENCE_WORDS:
            return found
        for index in np.argsort(-scored.fused)[:PER_SENTENCE]:
            score = float(scored.fused[index])
            if score < self.threshold:
                break
            label = self.embedded[int(index)]
            if scored.spans:
                span, evidence = scored.spans[int(np.argmax(scored.windows[index]))], "embedding+window"
            else:
                window = narrow_window(sentence.text, label.text)
                span, evidence = window or (0, len(sentence.text)), "embedding+stems" if window else "embedding"
            found.append(self._mention(label, round(score, 4), sentence, span, evidence))
        return found

    def _mention(
        self, label: SkillLabel, score: float, sentence: Sentence, span: tuple[int, int], evidence: str
    ) -> SkillMention:
        start, end = sentence.start + span[0], sentence.start + span[1]
        requirement = requirement_of(sentence)
        return SkillMention(
            label.concept_id, label.uri, label.text, score, start, end, sentence.text, requirement, evidence
        )


def _stem(word: str) -> str:
    return word.casefold()[:5]


def narrow_window(sentence: str, label: str, longest: int = 8) -> tuple[int, int] | None:
    """The shortest window (<= `longest` words) of `sentence` covering most of the label's word stems.

    A cheap stand-in for embedding every n-gram (which would cost ~100 embeddings per sentence):
    it needs at least one shared content stem (4+ letters), else None (keep the whole sentence).
    """
    stems = {_stem(w) for w in _WORD.findall(label) if len(w) >= 4}
    words = list(_WORD.finditer(sentence))
    hits = [i for i, w in enumerate(words) if _stem(w.group(0)) in stems]
    if not hits:
        return None
    best: tuple[int, int, int] | None = None  # (-covered stems, width, first)
    for a in hits:
        for b in hits:
            if a <= b < a + longest:
                covered = len({_stem(words[i].group(0)) for i in hits if a <= i <= b})
                candidate = (-covered, b - a, a)
                if best is None or candidate < best:
                    best = candidate
    assert best is not None  # noqa: S101 - hits is not empty
    first, last = best[2], best[2] + best[1]
    return words[first].start(), words[last].end()
