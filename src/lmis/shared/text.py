"""Text normalisation for matching labels and titles in any script."""

from __future__ import annotations

import unicodedata

_LAST_ACCENTED_BLOCK = 0x4FF  # Latin, Greek and Cyrillic letters end here
_ASCII_SPACES = {code: " " for code in range(0x80) if not chr(code).isalnum()}


def normalise(text: str) -> str:
    """Fold `text` for matching: NFKC, case-folded, accents removed, punctuation to spaces.

    Accents are removed only from Latin, Greek and Cyrillic letters ("infirmière" ->
    "infirmiere", Turkish "İnşaat" -> "insaat"); combining marks of other scripts are part of
    their letters and stay (Devanagari "नर्स", Thai "พยาบาล" remain one word each). Hangul
    syllables come out as they went in.
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    others = {char for char in set(decomposed) if ord(char) > 0x7F}
    categories = {char: unicodedata.category(char)[0] for char in others}
    if "M" not in categories.values():
        # No combining marks: every character is kept or becomes a space, so one translate does it
        # (about 10x faster on long job ads than the loop below, which marks need).
        spaces = {ord(char): " " for char, category in categories.items() if category not in "LN"}
        folded = decomposed.translate(_ASCII_SPACES | spaces)
        return " ".join(unicodedata.normalize("NFC", folded).split())
    return _with_marks(decomposed)


def _with_marks(decomposed: str) -> str:
    """`normalise` of NFD text that has combining marks: each mark kept or dropped by its base."""
    kept: list[str] = []
    base = ""
    for char in decomposed:
        category = unicodedata.category(char)
        if category[0] == "M":
            if base and ord(base) <= _LAST_ACCENTED_BLOCK:
                continue
            kept.append(char)
        elif category[0] in "LN":
            kept.append(char)
            base = char
        else:
            kept.append(" ")
            base = ""
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def tokens(text: str) -> list[str]:
    """Split normalised `text` into word tokens."""
    return normalise(text).split()
