"""Reading the free text of a query: words, "phrases", -exclusions and prefix* terms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lmis.search.analysis import words
from lmis.search.model import TextClause

# Words that say nothing about which jobs are wanted: dropped from the must clauses (and reported).
STOPWORDS = frozenset(
    {"a", "an", "and", "at", "for", "in", "into", "job", "jobs", "of", "on", "or", "the", "to", "vacancy"}
    | {"vacancies", "with", "work", "채용", "구인", "모집", "일자리", "lowongan", "kerja", "di", "dan"}
)
_PART = re.compile(r'(?P<sign>[-+]?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True, slots=True)
class ParsedText:
    """The query text as clauses: what must match, what must not, and what was ignored."""

    must: list[TextClause] = field(default_factory=list)
    must_not: list[TextClause] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def parse_text(text: str) -> ParsedText:
    """Split the text into clauses: a quoted part is a phrase, a leading '-' excludes, a trailing '*' is a prefix.

    A word that analyses to several tokens (a Korean word -> bigrams) must match them adjacent.
    """
    parsed = ParsedText()
    for match in _PART.finditer(text):
        excluded = match.group("sign") == "-"
        raw = match.group("phrase") if match.group("phrase") is not None else match.group("word")
        is_phrase = match.group("phrase") is not None
        prefix = not is_phrase and raw.endswith("*") and len(raw.rstrip("*")) > 0
        found = list(words(raw.rstrip("*") if prefix else raw))
        if not found:
            continue
        if is_phrase:
            clauses = [TextClause(raw.strip(), tuple(t for w in found for t in w.tokens), phrase=True)]
        else:
            clauses = [TextClause(w.surface, w.tokens, prefix=prefix and w is found[-1]) for w in found]
        for clause in clauses:
            if not excluded and not clause.phrase and not clause.prefix and clause.surface in STOPWORDS:
                parsed.ignored.append(clause.surface)
            elif excluded:
                parsed.must_not.append(clause)
            else:
                parsed.must.append(clause)
    return parsed
