"""Occupation coding: a job title (any language) -> ranked ESCO occupations with ISCO-08 codes (pure).

Evidence, in order of strength: an exact match of the normalised title with an ESCO label
(preferred, alternative or hidden); the cosine similarity of the title's multilingual
embedding with every label's; and ISCO-08 unit-group voting, which lifts occupations whose
group gathers many of the close labels. The confidence is the softmax share of the top
candidate (temperature `TEMPERATURE`), so it falls when near candidates compete.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lmis.enrich.ports import Embedder, Vectors
from lmis.shared.text import normalise

CODING_METHOD = "occupation-coding-1"
TEMPERATURE = 0.02
TOP_LABELS = 60
GROUP_WEIGHT = 0.25
EXACT_BONUS = 0.08
# Words of job-board titles that say nothing about the occupation.
_NOISE = re.compile(
    r"\b(urgent(ly)?|hiring|vacancy|vacancies|immediate(ly)?|wanted|required|needed|opening|internship|intern|"
    r"trainee|part[ -]?time|full[ -]?time|contract|temporary|temp|remote|hybrid|fresh graduates?|walk[ -]?in)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OccupationLabel:
    """One label of an occupation, with the occupation's ISCO-08 unit group."""

    concept_id: str
    text: str
    isco: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A coded occupation: its id, ISCO-08 group, score and the label that matched best."""

    concept_id: str
    isco: str
    score: float
    confidence: float
    matched_label: str
    evidence: str


def clean_title(title: str) -> str:
    """The title without bracketed notes, codes and job-board noise words."""
    text = re.sub(r"[\(\[\{].*?[\)\]\}]", " ", title)
    text = re.sub(r"\b[A-Z]{0,3}\d[\w/-]*\b", " ", text)
    text = _NOISE.sub(" ", text)
    head = re.split(r"\s[-–|/@]\s|,", text)[0]
    return " ".join(head.strip(" :;-–|").split()) or title.strip()


class OccupationCoder:
    """Codes titles against a fixed set of labels and their embeddings (built once, reused)."""

    def __init__(self, labels: Sequence[OccupationLabel], vectors: Vectors, embedder: Embedder) -> None:
        if len(labels) != len(vectors):
            raise ValueError("one vector per label is required")
        self.labels = list(labels)
        self.vectors = vectors
        self.embedder = embedder
        self._exact: dict[str, list[int]] = {}
        for index, label in enumerate(self.labels):
            self._exact.setdefault(normalise(label.text), []).append(index)

    def code(self, titles: Sequence[str], top: int = 5) -> list[list[Candidate]]:
        """The `top` candidates of each title, best first."""
        cleaned = [clean_title(title) for title in titles]
        queries = self.embedder.queries([f"{text}" for text in cleaned])
        similarities = queries @ self.vectors.T
        return [self._rank(text, row, top) for text, row in zip(cleaned, similarities, strict=True)]

    def _rank(self, text: str, row: np.ndarray, top: int) -> list[Candidate]:
        nearest = np.argpartition(-row, min(TOP_LABELS, len(row) - 1))[:TOP_LABELS]
        best: dict[str, tuple[float, int, str]] = {}
        for index in nearest:
            label = self.labels[index]
            score = float(row[index])
            if score > best.get(label.concept_id, (-1.0, 0, ""))[0]:
                best[label.concept_id] = (score, int(index), "embedding")
        for index in self._exact.get(normalise(text), []):
            label = self.labels[index]
            score = max(float(row[index]), best.get(label.concept_id, (0.0, 0, ""))[0]) + EXACT_BONUS
            best[label.concept_id] = (score, index, "exact label")
        return self._with_groups(best, top)

    def _with_groups(self, best: dict[str, tuple[float, int, str]], top: int) -> list[Candidate]:
        weights = {cid: np.exp(score / TEMPERATURE) for cid, (score, _i, _e) in best.items()}
        total = sum(weights.values()) or 1.0
        groups: dict[str, float] = {}
        for cid, weight in weights.items():
            isco = self.labels[best[cid][1]].isco
            groups[isco] = groups.get(isco, 0.0) + weight / total
        scored = []
        for cid, (score, index, evidence) in best.items():
            label = self.labels[index]
            combined = score + GROUP_WEIGHT * groups.get(label.isco, 0.0) * 0.1
            scored.append((combined, cid, label, evidence))
        scored.sort(key=lambda item: (-item[0], item[1]))
        exps = np.exp(np.array([s for s, *_ in scored]) / TEMPERATURE)
        shares = exps / exps.sum()
        return [
            Candidate(cid, label.isco, round(float(s), 4), round(float(share), 4), label.text, evidence)
            for (s, cid, label, evidence), share in zip(scored[:top], shares[:top], strict=False)
        ]
