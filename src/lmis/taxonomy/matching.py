"""Ranking concepts found by text: how well a stored label answers what was typed (pure)."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from lmis.shared.text import normalise
from lmis.taxonomy.model import LabelHit, LabelType, Match

# A preferred label is the concept's own name; alternative and hidden labels are synonyms or
# common misspellings (ESCO), reported titles are what O*NET respondents wrote.
_TYPE_WEIGHT = {
    LabelType.PREFERRED: 1.0,
    LabelType.ALTERNATIVE: 0.95,
    LabelType.REPORTED: 0.9,
    LabelType.HIDDEN: 0.85,
}


def label_score(query: str, label: str, label_type: LabelType) -> float:
    """Score in [0, 1] of `label` as an answer to `query` (both as typed).

    1.0 is the preferred label itself; whole-word matches beat matches inside a word
    ("nurse" ranks "nurse assistant" above "nursery worker"), and shorter labels beat
    longer ones with the same words.
    """
    q, text = normalise(query), normalise(label)
    if not q or not text:
        return 0.0
    weight = _TYPE_WEIGHT[label_type]
    if q == text:
        return weight
    words, label_words = q.split(), text.split()
    whole = sum(1 for w in words if _same_word(w, label_words)) / len(words)
    prefix = sum(1 for w in words if any(lw.startswith(w) for lw in label_words)) / len(words)
    closeness = fuzz.ratio(q, text) / 100
    leading = 0.05 if label_words[: len(words)] == words else 0.0
    base = 0.45 * whole + 0.15 * prefix + 0.3 * closeness + leading
    return round(weight * min(base, 0.95), 4)


def _same_word(word: str, label_words: list[str]) -> bool:
    """`word` is one of `label_words`, also as a plural ("nurse" in "registered nurses")."""
    return any(lw in (word, f"{word}s", f"{word}es") for lw in label_words)


def rank(query: str, hits: list[LabelHit]) -> list[Match]:
    """One match per concept (its best label), best first; ties go by label then id.

    A concept whose own name holds the query's words gains up to 0.1 (below an exact
    preferred label): "nurse" ranks "specialist nurse" above "nanny" (alias "dry nurse").
    """
    words = normalise(query).split()
    best: dict[str, Match] = {}
    for hit in hits:
        score = label_score(query, hit.text, hit.label_type)
        if score < 1.0 and words:
            own = normalise(hit.concept.label).split()
            score = round(min(score + 0.1 * sum(_same_word(w, own) for w in words) / len(words), 0.99), 4)
        known = best.get(hit.concept.id)
        if known is None or score > known.score:
            best[hit.concept.id] = Match(hit.concept, score, hit.text, hit.language, hit.label_type)
    return sorted(best.values(), key=lambda m: (-m.score, m.concept.label, m.concept.id))


def spelling_suggestions(query: str, labels: list[str], *, limit: int = 3) -> list[str]:
    """Queries close to `query`, made by replacing each unknown word with the closest word of `labels`.

    Used when a search found nothing: "nurce" -> "nurse".
    """
    vocabulary = sorted({word for label in labels for word in normalise(label).split()})
    if not vocabulary:
        return []
    suggestions: list[str] = []
    for candidate in _replacements(normalise(query).split(), vocabulary):
        if candidate not in suggestions and candidate != normalise(query):
            suggestions.append(candidate)
    return suggestions[:limit]


def _replacements(words: list[str], vocabulary: list[str]) -> list[str]:
    known = set(vocabulary)
    options = []
    for word in words:
        if word in known:
            options.append([word])
            continue
        close = process.extract(word, vocabulary, scorer=fuzz.ratio, limit=3, score_cutoff=70)
        options.append([choice for choice, _score, _index in close] or [word])
    return [" ".join(choice[i] if i < len(choice) else choice[0] for choice in options) for i in range(3)]
