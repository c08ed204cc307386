"""Employer names: one normalised form for the spellings of one organisation (pure)."""

from __future__ import annotations

from lmis.shared.text import normalise

# Legal-form words that say nothing about which organisation it is (UK, US, EU, Korea, Indonesia).
_LEGAL_FORMS = frozenset(
    {
        "ltd",
        "limited",
        "plc",
        "llc",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "sa",
        "sarl",
        "bv",
        "nv",
        "pt",
        "tbk",
        "cv",
        "persero",
        "주식회사",
        "주",
        "유한회사",
        "재단법인",
        "사단법인",
    }
)


def normalise_employer_name(name: str) -> str:
    """Fold `name` for grouping: normalised text without legal forms ("ACME Ltd." -> "acme")."""
    words = [word for word in normalise(name).split() if word not in _LEGAL_FORMS]
    return " ".join(words) or normalise(name)
