"""Occupation coding: a job title (any language) -> ranked ESCO occupations with ISCO-08 codes (pure).

Evidence, in order of strength:

1. an exact match of the normalised title with an ESCO label (preferred, alternative or hidden);
2. the cosine similarity of the title's multilingual embedding with every label's, taken per
   occupation as its best label;
3. coded examples: titles whose occupation a reviewer chose (or a gold file gave). The
   `EXAMPLE_K` nearest examples vote for their occupations, weighted by a softmax of their
   similarity (temperature `EXAMPLE_TEMPERATURE`); an occupation's share of the vote is added
   with weight `EXAMPLE_WEIGHT`. Five-fold cross-validation on the JobBERT titles chose these
   (docs/enrichment.md): without examples top-1 0.244, with them 0.429.

ISCO-08 unit-group voting (adding the group's softmax mass to each member) was measured and
left out: it moved top-1 by less than 0.001 and ISCO-4 by 0.002 on the same folds.

The confidence is calibrated: a logistic function of the top candidate's softmax share, its
margin over the second and its example vote share, fitted on cross-validated predictions
(`lmis eval coding --folds 5 --fit-calibration`), so a stated 0.9 is right about 90% of the time.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lmis.enrich.ports import Embedder, Vectors
from lmis.shared.text import normalise

CODING_METHOD = "occupation-coding-2"
TEMPERATURE = 0.02
EXACT_BONUS = 0.08
EXAMPLE_K = 50
EXAMPLE_TEMPERATURE = 0.02
EXAMPLE_WEIGHT = 0.5
SHORTLIST = 200  # occupations ranked in full per title
REMEMBERED_TITLES = 100_000
# Words of job-board titles that say nothing about the occupation (English, Korean, Indonesian).
_NOISE = re.compile(
    r"\b(urgent(ly)?|hiring|vacancy|vacancies|immediate(ly)?|wanted|required|needed|opening|internship|intern|"
    r"trainee|part[ -]?time|full[ -]?time|contract|temporary|temp|remote|hybrid|fresh graduates?|walk[ -]?in|"
    r"dibutuhkan|lowongan( kerja)?|loker|segera|magang|paruh waktu|penuh waktu|kontrak|(pria|wanita)|"
    r"채용|모집|구인|급구|정규직|계약직|아르바이트|알바|신입|경력|인턴|파트타임|남|여)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OccupationLabel:
    """One label of an occupation, with the occupation's ISCO-08 unit group."""

    concept_id: str
    text: str
    isco: str


@dataclass(frozen=True, slots=True)
class CodedExample:
    """A title whose occupation is known: a reviewer's decision or a row of a gold file."""

    text: str
    concept_id: str
    isco: str


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic map of (softmax share, margin, example share) to the probability of being right."""

    intercept: float
    share: float
    margin: float
    example_share: float

    def probability(self, share: float, margin: float, example_share: float) -> float:
        """The calibrated probability that the top candidate is right."""
        z = self.intercept + self.share * share + self.margin * margin + self.example_share * example_share
        return 1.0 / (1.0 + math.exp(-z))


# Fitted by `lmis eval coding jobbert_titles_val.csv.gz --folds 5 --fit-calibration` (see docs/enrichment.md).
CALIBRATION_WITH_EXAMPLES = Calibration(-2.053, 1.233, 6.222, -0.375)
CALIBRATION_LABELS_ONLY = Calibration(-1.67, 0.846, 10.453, 0.0)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A coded occupation: its id, ISCO-08 group, score, confidence and the evidence behind it.

    `matched_label` is the label (or example title) that matched best; `evidence` names the
    strongest kind of evidence; `support` lists every piece, strongest first.
    """

    concept_id: str
    isco: str
    score: float
    confidence: float
    matched_label: str
    evidence: str
    support: tuple[tuple[str, str, float], ...] = ()
    signals: tuple[float, ...] = ()  # the top candidate's calibration inputs: share, margin, example share

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form; `support` as (kind, text, score) objects."""
        return {
            "concept_id": self.concept_id,
            "isco_code": self.isco,
            "score": self.score,
            "confidence": self.confidence,
            "matched_label": self.matched_label,
            "evidence": self.evidence,
            "support": [{"kind": k, "text": t, "score": s} for k, t, s in self.support],
        }


def clean_title(title: str) -> str:
    """The title without bracketed notes, codes and job-board noise words."""
    text = re.sub(r"[\(\[\{].*?[\)\]\}]", " ", title)
    text = re.sub(r"\b[A-Z]{0,3}\d[\w/-]*\b", " ", text)
    text = _NOISE.sub(" ", text)
    parts = (part.strip(" :;-–|") for part in re.split(r"\s[-–|/@]\s|,", text))
    head = next((part for part in parts if part), "")
    return " ".join(head.split()) or title.strip()


class OccupationCoder:
    """Codes titles against fixed labels (and, through `with_examples`, coded examples); built once, reused."""

    def __init__(
        self,
        labels: Sequence[OccupationLabel],
        vectors: Vectors,
        embedder: Embedder,
    ) -> None:
        if len(labels) != len(vectors):
            raise ValueError("one vector per label is required")
        order = sorted(range(len(labels)), key=lambda i: labels[i].concept_id)
        self.labels = [labels[i] for i in order]
        self.vectors = vectors[order]
        self.embedder = embedder
        self.examples: list[CodedExample] = []
        self.example_vectors: Vectors | None = None
        self.calibration = CALIBRATION_LABELS_ONLY
        self._concepts = sorted({label.concept_id for label in self.labels})
        self._concept_index = {cid: i for i, cid in enumerate(self._concepts)}
        starts = [
            i for i, label in enumerate(self.labels) if i == 0 or label.concept_id != self.labels[i - 1].concept_id
        ]
        self._starts = np.array(starts, dtype=np.intp)
        self._isco = {label.concept_id: label.isco for label in self.labels}
        self._remembered: dict[tuple[str, int], list[Candidate]] = {}
        self._exact: dict[str, list[int]] = {}
        for index, label in enumerate(self.labels):
            self._exact.setdefault(normalise(label.text), []).append(index)

    def concept_vectors(self) -> dict[str, Vectors]:
        """Each occupation's labels as one unit vector (the mean of its label vectors): what it is called."""
        ends = [*self._starts[1:], len(self.labels)]
        means = {
            self.labels[start].concept_id: self.vectors[start:end].mean(axis=0)
            for start, end in zip(self._starts, ends, strict=True)
        }
        return {cid: vector / (np.linalg.norm(vector) or 1.0) for cid, vector in means.items()}

    def with_examples(self, examples: Sequence[CodedExample], vectors: Vectors) -> OccupationCoder:
        """A coder over the same labels that also learns from `examples` (one vector each)."""
        if len(examples) != len(vectors):
            raise ValueError("one vector per coded example is required")
        known = [i for i, example in enumerate(examples) if example.concept_id in self._concept_index]
        coder = copy.copy(self)
        coder._remembered = {}
        coder.examples = [examples[i] for i in known]
        coder.example_vectors = vectors[known] if known else None
        coder.calibration = CALIBRATION_WITH_EXAMPLES if known else CALIBRATION_LABELS_ONLY
        return coder

    def code(self, titles: Sequence[str], top: int = 5) -> list[list[Candidate]]:
        """The `top` candidates of each title, best first (an empty title gets none).

        Job boards repeat titles, so each distinct cleaned title is coded once and remembered
        (up to `REMEMBERED_TITLES`; the memory belongs to this coder and its examples).
        """
        cleaned = [clean_title(title) for title in titles]
        fresh = sorted({text for text in cleaned if (text, top) not in self._remembered})
        if len(self._remembered) + len(fresh) > REMEMBERED_TITLES:
            self._remembered.clear()
        queries = self.embedder.queries(fresh)
        for start in range(0, len(fresh), 256):
            block = queries[start : start + 256]
            label_scores = block @ self.vectors.T
            per_concept = np.maximum.reduceat(label_scores, self._starts, axis=1)
            example_scores = block @ self.example_vectors.T if self.example_vectors is not None else None
            for offset, text in enumerate(fresh[start : start + 256]):
                examples = example_scores[offset] if example_scores is not None else None
                ranked = self._rank(text, label_scores[offset], per_concept[offset], examples, top) if text else []
                self._remembered[(text, top)] = ranked
        return [list(self._remembered[(text, top)]) for text in cleaned]

    def _rank(
        self, text: str, labels: np.ndarray, concepts: np.ndarray, examples: np.ndarray | None, top: int
    ) -> list[Candidate]:
        scores = concepts.astype(np.float64).copy()
        support: dict[int, list[tuple[str, str, float]]] = {}
        for index in self._exact.get(normalise(text), []):
            concept = self._concept_index[self.labels[index].concept_id]
            scores[concept] += EXACT_BONUS
            support.setdefault(concept, []).append(("exact label", self.labels[index].text, 1.0))
        shares = self._example_shares(examples, support) if examples is not None else {}
        for concept, share in shares.items():
            scores[concept] += EXAMPLE_WEIGHT * share
        shortlist = np.argpartition(-scores, min(SHORTLIST, len(scores) - 1))[:SHORTLIST]
        shortlist = shortlist[np.lexsort((shortlist, -scores[shortlist]))]
        return self._candidates(shortlist, scores, labels, shares, support, top)

    def _example_shares(self, row: np.ndarray, support: dict[int, list[tuple[str, str, float]]]) -> dict[int, float]:
        """Each occupation's share of the softmax-weighted vote of the nearest coded examples."""
        k = min(EXAMPLE_K, len(row))
        nearest = np.argpartition(-row, k - 1)[:k]
        weights = np.exp((row[nearest] - row[nearest].max()) / EXAMPLE_TEMPERATURE)
        weights /= weights.sum()
        shares: dict[int, float] = {}
        for index, weight in sorted(zip(nearest, weights, strict=True), key=lambda item: -item[1]):
            example = self.examples[int(index)]
            concept = self._concept_index.get(example.concept_id)
            if concept is None:
                continue
            shares[concept] = shares.get(concept, 0.0) + float(weight)
            if len(support.get(concept, [])) < 3:
                support.setdefault(concept, []).append(("coded title", example.text, round(float(row[index]), 4)))
        return shares

    def _candidates(
        self,
        shortlist: np.ndarray,
        scores: np.ndarray,
        labels: np.ndarray,
        shares: dict[int, float],
        support: dict[int, list[tuple[str, str, float]]],
        top: int,
    ) -> list[Candidate]:
        exps = np.exp((scores[shortlist] - scores[shortlist[0]]) / TEMPERATURE)
        softmax = exps / exps.sum()
        margin = float(scores[shortlist[0]] - scores[shortlist[1]]) if len(shortlist) > 1 else 1.0
        calibrated = self.calibration.probability(float(softmax[0]), margin, shares.get(int(shortlist[0]), 0.0))
        result = []
        for rank, concept in enumerate(shortlist[:top]):
            cid = self._concepts[int(concept)]
            label_text, label_score = self._best_label(int(concept), labels)
            pieces = [*support.get(int(concept), []), ("label similarity", label_text, round(label_score, 4))]
            pieces.sort(key=lambda piece: -piece[2] if piece[0] != "exact label" else -2.0)
            # Below the top, the rest of the probability is shared in proportion to the softmax.
            rest = (1.0 - calibrated) * float(softmax[rank]) / max(1e-9, 1.0 - float(softmax[0]))
            signals = (float(softmax[0]), margin, shares.get(int(concept), 0.0)) if rank == 0 else ()
            result.append(
                Candidate(
                    cid,
                    self._isco[cid],
                    round(float(scores[concept]), 4),
                    round(calibrated if rank == 0 else min(rest, calibrated), 4),
                    pieces[0][1],
                    pieces[0][0],
                    tuple(pieces),
                    signals,
                )
            )
        return result

    def _best_label(self, concept: int, labels: np.ndarray) -> tuple[str, float]:
        start = int(self._starts[concept])
        end = int(self._starts[concept + 1]) if concept + 1 < len(self._starts) else len(self.labels)
        best = start + int(np.argmax(labels[start:end]))
        return self.labels[best].text, float(labels[best])
