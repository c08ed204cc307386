"""Text normalisation for matching labels and titles in any script."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """Fold `text` for matching: NFKC, case-folded, accents removed, punctuation to spaces.

    Hangul and other scripts keep their letters (NFKD would split Hangul syllables into
    jamo, so accents are stripped only from characters that decompose to Latin, Greek or
    Cyrillic bases).
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    stripped = "".join(_strip_accent(char) for char in folded)
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def tokens(text: str) -> list[str]:
    """Split normalised `text` into word tokens."""
    return normalise(text).split()


def _strip_accent(char: str) -> str:
    if ord(char) < 0xC0 or (ord(char) > 0x24F and not 0x370 <= ord(char) <= 0x4FF):
        return char
    base = unicodedata.normalize("NFKD", char)
    return "".join(c for c in base if not unicodedata.combining(c))
