"""Occupation and skill names in memory: exact look-up of names (filters, recognising concepts in the
query text) and completion of what is being typed, in well under a millisecond."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from lmis.search.analysis import normalise
from lmis.taxonomy.model import ConceptKind
from lmis.taxonomy.ports import TaxonomyUnitOfWork
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ESCO_SKILL

MAX_NGRAM = 4


@dataclass(frozen=True, slots=True)
class Entry:
    """A concept the lexicon knows: its kind ('occupation' or 'skill'), id, preferred label and ISCO group."""

    kind: str
    concept_id: str
    label: str
    isco: str = ""


@dataclass(frozen=True, slots=True)
class Recognised:
    """A run of query words that names a concept."""

    text: str
    entries: tuple[Entry, ...]
    start: int
    end: int  # word positions, end exclusive


class Lexicon:
    """Every label of the stored ESCO occupations and skills, normalised."""

    def __init__(self, labels: Iterable[tuple[str, Entry]]) -> None:
        self._by_label: dict[str, list[Entry]] = defaultdict(list)
        self._entries: dict[str, Entry] = {}
        for text, entry in labels:
            key = " ".join(normalise(text).split())
            if key and entry not in self._by_label[key]:
                self._by_label[key].append(entry)
            self._entries.setdefault(entry.concept_id, entry)
        # (word-start suffix of a label, label): completion matches any word of a label
        self._starts = sorted({(key[i:], key) for key in self._by_label for i in _word_starts(key)})

    def __len__(self) -> int:
        return len(self._by_label)

    def entry(self, concept_id: str) -> Entry | None:
        """The concept with this id, or None."""
        return self._entries.get(concept_id)

    def named(self, name: str, kind: str) -> list[Entry]:
        """Concepts of `kind` with a label equal to `name` (normalised)."""
        return [e for e in self._by_label.get(" ".join(normalise(name).split()), []) if e.kind == kind]

    def labels(self, kind: str) -> list[str]:
        """Every normalised label of `kind` (for spelling suggestions)."""
        return [key for key, entries in self._by_label.items() if any(e.kind == kind for e in entries)]

    def recognise(self, words: list[str]) -> list[Recognised]:
        """Longest runs of words (left to right, up to `MAX_NGRAM`) that are a label."""
        found: list[Recognised] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
                text = " ".join(words[i : i + n])
                entries = self._by_label.get(normalise(text))
                if entries:
                    found.append(Recognised(text, tuple(entries), i, i + n))
                    i += n
                    break
            else:
                i += 1
        return found

    def complete(self, prefix: str, kinds: set[str], limit: int) -> list[tuple[str, Entry]]:
        """Labels with a word run starting with `prefix`, whole-label matches first, shorter first."""
        key = " ".join(normalise(prefix).split())
        if not key:
            return []
        start = bisect.bisect_left(self._starts, (key, ""))
        found: dict[str, tuple[tuple[int, int, str], str, Entry]] = {}
        for suffix, label in self._starts[start : start + 2_000]:
            if not suffix.startswith(key):
                break
            for entry in self._by_label[label]:
                if entry.kind in kinds:
                    rank = (0 if label.startswith(key) else 1, len(label), label)
                    if entry.concept_id not in found or rank < found[entry.concept_id][0]:
                        found[entry.concept_id] = (rank, label, entry)
        ranked = sorted(found.values(), key=lambda item: item[0])
        return [(label, entry) for _, label, entry in ranked[:limit]]


def _word_starts(key: str) -> list[int]:
    return [0] + [i + 1 for i, char in enumerate(key) if char == " "]


def load_lexicon(*, uow: TaxonomyUnitOfWork) -> Lexicon:
    """The lexicon of the current ESCO occupations and skills (all stored languages)."""
    rows: list[tuple[str, Entry]] = []
    with uow:
        for kind, scheme in ((ConceptKind.OCCUPATION, ESCO_OCCUPATION.code), (ConceptKind.SKILL, ESCO_SKILL.code)):
            hits = uow.taxonomy.label_hits([], kinds={kind}, schemes=[scheme], language=None, limit=10**7)
            records = {r.concept.id: r for r in uow.taxonomy.records({h.concept.id for h in hits})}
            for hit in hits:
                record = records.get(hit.concept.id)
                isco = str(record.concept.attributes.get("isco_group", "")) if record else ""
                entry = Entry(
                    kind.value if kind is ConceptKind.SKILL else "occupation", hit.concept.id, hit.concept.label, isco
                )
                rows.append((hit.text, entry))
    return Lexicon(rows)
