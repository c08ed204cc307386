"""Text analysis shared by every search engine: the same tokens are indexed and queried everywhere.

Latin-script words are lower-cased, folded and stemmed with the English Snowball stemmer
(Indonesian and other Latin-script words pass through it consistently on both sides).
Korean is read eojeol by eojeol: a trailing particle or verbal ending is dropped when at
least two syllables remain (간호사를 -> 간호사, 용접하는 -> 용접), and the stem is indexed
as overlapping syllable bigrams (간호사 -> 간호 호사), so a two-syllable query (간호, 용접)
finds the longer words that contain it. Chinese and Japanese runs are bigrammed the same way.
Every token is a string without spaces, so engines index the tokens joined by spaces with a
whitespace tokenizer and phrases keep their positions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

MAX_ANALYSED_CHARS = 20_000

_HANGUL = "\uac00-\ud7a3"
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTER = rf"[^\W_{_HANGUL}{_CJK}]"
_WORD = re.compile(rf"(?P<hangul>[{_HANGUL}]+)|(?P<cjk>[{_CJK}]+)|(?P<latin>{_LETTER}+(?:[.+#'’]{_LETTER}+)*[+#]*)")

# Particles (josa) and frequent verbal endings, longest first: what an eojeol sheds before it is bigrammed.
_KOREAN_ENDINGS = sorted(
    {
        "에서는", "에게서", "으로서", "으로써", "으로는", "에서도", "이라는", "이라도", "합니다", "됩니다",
        "입니다", "하시는", "하세요", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이나",
        "이랑", "에는", "에도", "와의", "과의", "라는", "하는", "하고", "하여", "해야", "하며", "하실",
        "했던", "되는", "된", "와", "과", "은", "는", "이", "가", "을", "를", "의", "에", "도", "만",
        "로", "나", "한", "할", "함", "및",
    },
    key=len,
    reverse=True,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Word:
    """One word of the text and the tokens it is indexed as (a Korean word gives several, in order)."""

    surface: str
    tokens: tuple[str, ...]
    script: str


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english", 100_000)


def normalise(text: str) -> str:
    """NFKC, lower case, accents folded on Latin letters (Hangul is left composed)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", folded)


def korean_stem(word: str) -> str:
    """The eojeol without its trailing particle or ending, when at least two syllables remain."""
    for ending in _KOREAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)]
    return word


def bigrams(run: str) -> tuple[str, ...]:
    """Overlapping two-character grams of `run`; a single character stands for itself."""
    if len(run) < 2:
        return (run,)
    return tuple(run[i : i + 2] for i in range(len(run) - 1))


def stem(word: str) -> str:
    """The Snowball stem of a lower-case Latin-script word (numbers and codes unchanged)."""
    if not word.isalpha():
        return word
    return str(_stemmer().stemWord(word))


def words(text: str) -> Iterator[Word]:
    """The words of `text` in order, each with its index tokens."""
    for match in _WORD.finditer(normalise(text[:MAX_ANALYSED_CHARS])):
        kind = match.lastgroup or "latin"
        surface = match.group()
        if kind == "hangul":
            yield Word(surface, bigrams(korean_stem(surface)), kind)
        elif kind == "cjk":
            yield Word(surface, bigrams(surface), kind)
        else:
            yield Word(surface, (stem(surface.replace("’", "'")),), kind)


def tokens(text: str) -> list[str]:
    """Every index token of `text`, in order."""
    return [token for word in words(text) for token in word.tokens]


def analysed(text: str) -> str:
    """The tokens of `text` joined by spaces: what an engine indexes with a whitespace tokenizer."""
    return " ".join(tokens(text))
