"""Place text for gazetteer matching: name keys, unit words, comma parts, Korean spacing and codes such as TX."""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass

from lmis.shared.text import normalise

# Abbreviations spelt out on both sides of a match ("St Albans", "Kab. Bandung").
_CANONICAL = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "kab": "kabupaten", "kec": "kecamatan",
              "prov": "provinsi", "adm": "administrasi"}  # fmt: skip
# Unit words that a name is also known without: Indonesian regency/city/province, US county, Korean si/gun/gu/do.
_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ", "provinsi ", "propinsi ")
_SUFFIXES = (" county", " parish", " gu", " si", " gun", " do", " regency", " province")
_HANGUL_UNITS = "시군구도"
_HANGUL_SPACE = re.compile(r"(?<=[\uac00-\ud7a3]) (?=[\uac00-\ud7a3])")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
_CODE = re.compile(r"[A-Z]{2,3}")
_UPPER_TAIL = re.compile(r"\b[A-Z]{2,3}$")
_PARTS = re.compile(r"[,;/|()\n]+")
_LONGEST_HANGUL_NAME = 12


@dataclass(frozen=True, slots=True)
class Token:
    key: str
    part: int  # which comma-separated part of the text
    code_ok: bool  # may be read as a code such as TX or UK: a whole part, or an upper-case last word


@dataclass(frozen=True, slots=True)
class Span:
    """Words start..end of a text that name places."""

    start: int
    end: int
    part: int
    whole: bool  # the span is a whole comma part ('Derby' in 'London Road Hospital, Derby')
    text: str
    hits: dict[int, int]  # place index -> match quality

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def ngrams(tokens: list[Token], longest: int) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, key, whole part) of every run of up to `longest` words inside one comma part."""
    for start in range(len(tokens)):
        for end in range(start + 1, min(len(tokens), start + longest) + 1):
            if tokens[end - 1].part != tokens[start].part:
                break
            yield start, end, join_keys([t.key for t in tokens[start:end]]), is_whole(tokens, start, end)


def is_whole(tokens: list[Token], start: int, end: int) -> bool:
    first = start == 0 or tokens[start - 1].part != tokens[start].part
    return first and (end == len(tokens) or tokens[end].part != tokens[end - 1].part)


def place_key(text: str) -> str:
    """Matching form of a name: normalised, abbreviations spelt out ('St' -> 'saint'), Hangul without spaces."""
    words = [_CANONICAL.get(w, w) for w in normalise(text.replace("&", " and ")).split()]
    return join_keys(words)


def join_keys(words: list[str]) -> str:
    return _HANGUL_SPACE.sub("", " ".join(words))


def is_code(name: str) -> bool:
    """Two or three capitals ('TX', 'GBR', 'UK'): matched only where a code can stand, never inside running text."""
    return bool(_CODE.fullmatch(name))


def stripped_key(key: str) -> str | None:
    """The key without its unit word: 'kota bandung' -> 'bandung', 'travis county' -> 'travis', '강남구' -> '강남'."""
    short = key
    for prefix in _PREFIXES:
        short = short.removeprefix(prefix)
    for suffix in _SUFFIXES:
        short = short.removesuffix(suffix)
    if short == key and _HANGUL_WORD.fullmatch(key) and len(key) >= 3 and key[-1] in _HANGUL_UNITS:
        short = key[:-1]
    return short if short != key and len(short) >= 2 and not short.isdigit() else None


def tokenise(text: str, known: Container[str]) -> list[Token]:
    """Words of each comma part as keys; numbers (house numbers, postcodes' digits) are dropped."""
    tokens: list[Token] = []
    for number, part in enumerate(_PARTS.split(text)):
        words = [_CANONICAL.get(w, w) for w in normalise(part.replace("&", " and ")).split() if not w.isdigit()]
        words = _split_hangul(words, known)
        upper_tail = bool(_UPPER_TAIL.search(re.sub(r"[\d\W]+$", "", part)))
        for i, word in enumerate(words):
            code_ok = len(words) == 1 or (i == len(words) - 1 and upper_tail)
            tokens.append(Token(word, number, code_ok))
    return tokens


def _split_hangul(words: list[str], known: Container[str]) -> list[str]:
    """Runs of Hangul words are joined and cut into known names: '서울특별시강남구' -> '서울특별시', '강남구'."""
    out: list[str] = []
    run = ""
    for word in [*words, ""]:
        if word and _HANGUL_WORD.fullmatch(word):
            run += word
            continue
        out += _segment(run, known) if run else []
        run = ""
        out += [word] if word else []
    return out


def _segment(run: str, known: Container[str]) -> list[str]:
    """Longest known name first, left to right; letters no name starts with stay together as one unknown word."""
    out, unknown, i = [], "", 0
    while i < len(run):
        longest = min(len(run), i + _LONGEST_HANGUL_NAME)
        end = next((j for j in range(longest, i + 1, -1) if run[i:j] in known), 0)
        if not end:
            unknown, i = unknown + run[i], i + 1
            continue
        out += [unknown, run[i:end]] if unknown else [run[i:end]]
        unknown, i = "", end
    return out + ([unknown] if unknown else [])


def fuzzy_windows(tokens: list[Token]) -> Iterator[tuple[int, int]]:
    """Each whole part of two or more words and each long word of a short part: what a fuzzy look-up tries."""
    start = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or tokens[i].part != tokens[start].part:
            if i - start > 1 and sum(len(t.key) for t in tokens[start:i]) >= 5:
                yield start, i
            if i - start <= 2:  # single words only of short parts: not 'Alexandra' in 'Princess Alexandra Hospital'
                yield from ((j, j + 1) for j in range(start, i) if len(tokens[j].key) >= 5)
            start = i
