"""Employer names and ids: one normalised form and one stable id for the spellings of one organisation (pure)."""

from __future__ import annotations

from lmis.shared.ids import stable_id
from lmis.shared.text import normalise

# Legal-form words that say nothing about which organisation it is, where they stand: after the
# name (UK, US, EU: "Ltd", "Inc", "GmbH") or before it (Korea "주식회사", Indonesia "PT", "CV").
_SUFFIXES = frozenset(
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
        "tbk",
        "persero",
        "주식회사",
        "주",
        "유한회사",
    }
)
_PREFIXES = frozenset({"pt", "cv", "주식회사", "주", "유한회사", "재단법인", "사단법인"})


def normalise_employer_name(name: str) -> str:
    """Fold `name` for grouping: normalised text without leading or trailing legal forms.

    "ACME Ltd." and "Acme Limited" give "acme"; "PT Maju Jaya Tbk" gives "maju jaya"; a legal
    word inside a name stays ("The Co-operative Bank plc" gives "the co operative bank").
    """
    folded = normalise(name)
    words = folded.split()
    while words and words[-1] in _SUFFIXES:
        words.pop()
    while words and words[0] in _PREFIXES:
        words.pop(0)
    return " ".join(words) or folded  # a name that is only legal forms is kept as it is


def employer_id_of(name: str, registration_id: str | None) -> str:
    """The stable id of the employer `name` (with its registration number, if any): the id its postings
    get from `lmis.storage.jobs.employer_id`, so an employer account can be linked before its first posting."""
    return stable_id("employer", f"{normalise_employer_name(name)}\x1f{registration_id or ''}")
